"""What a page says of itself, in its <head>, to search engines, link previews and the
inventories Chinese government sites are listed in.

Chinese government sites carry meta tags named by the national norms for government
websites (《政府网站发展指引》, 国办发〔2017〕47号, and the provincial metadata norms that
follow it): SiteName, SiteDomain and SiteIDCode on every page, ColumnName and
ColumnType on a column's pages, ArticleTitle, PubDate and ContentSource on an
article's. Here they are plain values of the page's context, made by pure functions
from the site settings and the page's own data, so the plan decides them once and the
theme only prints them; a page's `description` and its canonical address travel with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..formats import KEY_FIGURE_LABELS
from ..model import Value

REPORT_KIND = "政府信息公开工作年度报告"


@dataclass(frozen=True)
class Column:
    """A column (栏目) of the site, as its pages' ColumnName and ColumnType name it."""

    name: str
    type: str


REPORT_TYPE = "信息公开年报"
REPORTS = Column(REPORT_KIND, REPORT_TYPE)
BY_YEAR = Column("按年度浏览", REPORT_TYPE)
BY_AGENCY = Column("按机关浏览", REPORT_TYPE)
BY_REGION = Column("地区统计", REPORT_TYPE)
COMPLIANCE = Column("合规评估", REPORT_TYPE)
DATA = Column("数据下载", REPORT_TYPE)


def origin(base_url: str) -> str:
    """"https://xxgk.example.gov.cn" of a base_url that is a full address; "" of a path
    (then the site does not know where it is published, and names no canonical address)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def domain(base_url: str) -> str:
    """The host a site is published on (SiteDomain), or "" when base_url is a path."""
    return urlsplit(base_url).hostname or ""


def page_info(
    site: dict[str, Any],
    title: str,
    url: str,
    description: str,
    column: Column | None = None,
    article: dict[str, str] | None = None,
    canonical: bool = True,
    feeds: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The `page` of a page's context: what its <head> says of it. `canonical` is false for
    a page that has no address of its own (the 404 page is served at any missing one);
    `feeds` are the feeds it names (see `feed_links`)."""
    return {
        "title": title,
        "url": url,
        "description": description,
        "canonical": site["origin"] + url if site["origin"] and canonical else "",
        "column": column.name if column else "",
        "column_type": column.type if column else "",
        "article": article,
        "feeds": feeds or [],
    }


def feed_links(site: dict[str, Any], title: str, url: str, entries: int) -> list[dict[str, str]]:
    """The Atom feed a page names in its <head> (`<link rel="alternate">`), as
    `exports.feeds` writes it: only when the site knows its full address, which every
    link of a feed must give, and the feed has an entry (`entries` dated reports)."""
    return [{"title": title, "url": url}] if site["origin"] and entries else []


def portal_feed_title(site_title: str) -> str:
    return f"{site_title}：新发布的年度报告"


def agency_feed_title(name: str) -> str:
    return f"{name}：新发布的年度报告"


def article(title: str, published: str, source: str) -> dict[str, str]:
    """An article's ArticleTitle, PubDate (the date alone: no time of day is recorded, and
    none is made up) and ContentSource (the agency that published it)."""
    return {"title": title, "published": published, "source": source}


def figures_sentence(figures: dict[str, Value] | None) -> str:
    """The key figures in words: "新收申请8件，上年结转1件，……"; "" without tables."""
    if not figures:
        return ""
    return "，".join(f"{label}{figures[key]}件" for key, label in KEY_FIGURE_LABELS if key in figures)


def report_description(title: str, published: str, figures: dict[str, Value] | None) -> str:
    """A report in a sentence or two: what it is, when it was published, its key figures."""
    sentence = f"{title}，{published}发布。" if published else f"{title}。"
    numbers = figures_sentence(figures)
    return sentence + (f"主要数据：{numbers}。" if numbers else "")


def agency_description(name: str, reports: int) -> str:
    if not reports:
        return f"{name}的{REPORT_KIND}（尚未发布）。"
    return f"{name}历年{REPORT_KIND}，共 {reports} 份，及各年度主要数据。"


def year_description(year: int, reports: int) -> str:
    return f"{year}年度各机关{REPORT_KIND}，共 {reports} 份，及各报告主要数据。"


def agencies_description(site_title: str, agencies: int) -> str:
    return f"{site_title}收录的全部 {agencies} 个机关，按地区排列，可查看各机关历年{REPORT_KIND}。"


def years_description(site_title: str, years: int) -> str:
    return f"按年度浏览{site_title}收录的{REPORT_KIND}，共 {years} 个年度。"


def home_description(site: dict[str, Any], agencies: int, reports: int) -> str:
    """The site's own description when it has one, else what it holds."""
    return site["description"] or f"{site['title']}：收录 {agencies} 个机关的 {reports} 份{REPORT_KIND}。"


def search_description(site_title: str) -> str:
    return f"搜索{site_title}全部年度报告的正文、机关名称和统计表项目。"


NOT_FOUND_DESCRIPTION = "您访问的页面不存在，可能已被移动或网址有误。"
