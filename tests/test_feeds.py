"""Feeds, the sitemap and robots.txt: the Atom feeds parse (feedparser) and list exactly the
reports expected, newest first; the sitemap lists every HTML page of a built site but 404,
with the dates of its content, and splits into numbered sitemaps over its limit; robots.txt
names it; and a site that knows only its path gets none of them, and is told so once."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner

import generator.exports.sitemap
from generator.build.project import build_project
from generator.cli import main
from generator.exports.feeds import FEED_LIMIT, feed_calls
from generator.exports.sitemap import sitemap_calls
from generator.model import Agency
from generator.site.plan import site_context
from generator.site.render import Theme, render_page
from generator.site.summaries import AgencyLink, Summary

from .conftest import Portal, with_reports

TODAY = datetime.date(2026, 11, 22)
ORIGIN = "https://xxgk.example.gov.cn"
BASE = "/xxgk/ndbg/"
SITE = ORIGIN + BASE
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def go_online(portal: Portal, address: str = SITE) -> Portal:
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("base_url: /", f"base_url: {address}"), encoding="utf-8")
    return portal


@pytest.fixture
def online(portal: Portal) -> Portal:
    """Five dated reports of two agencies, a sixth with no publication date, and a full address."""
    with_reports(portal)
    portal.report("town", 2022, changes={"published: 2023-01-20\n": ""})
    return go_online(portal)


def build(portal: Portal) -> Path:
    result = build_project(portal.root, portal.root / "site", None, TODAY, search=False)
    assert result.ok, result.errors
    return portal.root / "site"


def feed(site: Path, relative: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((site / relative).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def links(parsed: feedparser.FeedParserDict) -> list[str]:
    return [entry.link for entry in parsed.entries]


def report(agency: str, year: int) -> str:
    return f"{SITE}reports/{agency}/{year}/"


# --- feeds -------------------------------------------------------------------------------


def test_the_portal_feed_lists_dated_reports_newest_first(online: Portal) -> None:
    parsed = feed(build(online), "atom.xml")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "测试门户：新发布的年度报告"
    assert parsed.feed.id == SITE + "atom.xml"
    assert parsed.feed.updated == "2023-02-10T00:00:00+08:00"
    # Same day (2021-01-20): by year, then agency id. town's undated report is left out.
    assert links(parsed) == [report("county-edu", 2022), report("county", 2022), report("county", 2020), report("county-edu", 2020), report("county", 2018)]
    assert [e.id for e in parsed.entries] == links(parsed)
    first = parsed.entries[1]
    assert first.title == "测试县人民政府2022年政府信息公开工作年度报告"
    assert first.updated == first.published == "2023-01-20T00:00:00+08:00"
    assert first.author == "测试县人民政府"
    assert first.summary == (
        "测试县人民政府2022年政府信息公开工作年度报告，2023-01-20发布。"
        "主要数据：新收申请8件，上年结转1件，予以公开4件，行政复议2件，直接起诉1件，复议后起诉0件。"
    )
    assert [link.href for link in first.links] == [report("county", 2022), report("county", 2022) + "report.json"]
    assert parsed.entries[4].summary == "测试县人民政府2018年政府信息公开工作年度报告，2019-01-20发布。"  # freeform: no figures


def test_each_agency_has_a_feed_of_its_own_dated_reports(online: Portal) -> None:
    site = build(online)
    county = feed(site, "agencies/county/atom.xml")
    assert county.feed.title == "测试县人民政府：新发布的年度报告"
    assert county.feed.link == SITE + "agencies/county/"
    assert links(county) == [report("county", 2022), report("county", 2020), report("county", 2018)]
    assert links(feed(site, "agencies/county-edu/atom.xml")) == [report("county-edu", 2022), report("county-edu", 2020)]
    assert not (site / "agencies/town/atom.xml").exists()  # its only report has no date: no feed, and no link to one
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("atom.xml")) == ["agencies/county-edu/atom.xml", "agencies/county/atom.xml", "atom.xml"]


def test_titles_are_escaped_and_read_back_exactly(online: Portal) -> None:
    online.report("county-edu", 2022, published="2023-02-10", changes={'format: "2021"': 'format: "2021"\ntitle: "教育局<年报>&说明 \\"2022\\""'})
    site = build(online)
    text = (site / "atom.xml").read_text(encoding="utf-8")
    assert "教育局&lt;年报&gt;&amp;说明" in text
    assert feed(site, "atom.xml").entries[0].title == '教育局<年报>&说明 "2022"'


def test_the_portal_feed_keeps_the_latest_fifty() -> None:
    site = site_context_of(SITE)
    agencies = tuple(Agency(f"a{n:03}", f"机关{n}", ("省",), "县级") for n in range(60))
    summaries = tuple(summary(a, 2022, f"2023-{1 + n // 28:02}-{1 + n % 28:02}") for n, a in enumerate(agencies))
    calls = feed_calls(agencies, summaries, site)
    assert [call.key for call in calls] == ["", *(a.id for a in agencies)]  # the portal's, then one per agency, in registry order
    parsed = feedparser.parse(render_page(calls[0].function(*calls[0].args), Theme((Path("."),))))
    assert not parsed.bozo
    assert FEED_LIMIT == 50
    assert [e.link for e in parsed.entries] == [f"{SITE}reports/a{n:03}/2022/" for n in range(59, 9, -1)]


def test_pages_name_the_feed_that_covers_them(online: Portal) -> None:
    site = build(online)

    def alternate(relative: str) -> list[str]:
        return re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', (site / relative).read_text(encoding="utf-8"))

    assert alternate("index.html") == [BASE + "atom.xml"]
    assert alternate("agencies/county/index.html") == [BASE + "agencies/county/atom.xml"]
    assert alternate("reports/county/2020/index.html") == [BASE + "agencies/county/atom.xml"]
    assert alternate("reports/county-edu/2022/index.html") == [BASE + "agencies/county-edu/atom.xml"]
    assert alternate("agencies/town/index.html") == alternate("reports/town/2022/index.html") == []
    assert alternate("years/2022/index.html") == alternate("agencies/index.html") == []


# --- sitemap and robots.txt ----------------------------------------------------------------


def sitemap_urls(data: bytes) -> dict[str, str | None]:
    root = ElementTree.fromstring(data)
    assert root.tag == SM + "urlset"
    return {str(url.findtext(SM + "loc")): url.findtext(SM + "lastmod") for url in root.iter(SM + "url")}


def region(*names: str) -> str:
    return SITE + "regions/" + "".join(quote(name) + "/" for name in names)


def html_pages(site: Path) -> set[str]:
    """The address of every page written, from its index.html (404.html is no index.html),
    percent-encoded as a sitemap must write it (a region's page is named in Chinese)."""
    return {SITE + quote(p.parent.relative_to(site).as_posix().removeprefix(".")) + ("/" if p.parent != site else "") for p in site.rglob("index.html")}


def test_the_sitemap_lists_every_page_but_404_with_the_date_of_its_content(online: Portal) -> None:
    site = build(online)
    listed = sitemap_urls((site / "sitemap.xml").read_bytes())
    assert set(listed) == html_pages(site)
    assert listed == {
        SITE: "2023-02-10", SITE + "years/": "2023-02-10", SITE + "agencies/": "2023-02-10", SITE + "regions/": "2023-02-10",
        SITE + "search/": "2023-02-10", SITE + "data/": "2023-02-10", SITE + "data/query/": "2023-02-10", SITE + "compliance/": "2023-02-10",
        SITE + "compliance/2018/": "2019-01-20", SITE + "compliance/2020/": "2021-01-20", SITE + "compliance/2022/": "2023-02-10",
        SITE + "years/2018/": "2019-01-20", SITE + "years/2020/": "2021-01-20", SITE + "years/2022/": "2023-02-10",
        region("测试省"): "2023-02-10", region("测试省", "测试市"): "2023-02-10", region("测试省", "测试市", "测试县"): "2023-02-10",
        region("测试省", "测试市", "测试县", "北山镇"): None,  # the town's one report gives no date
        SITE + "agencies/county/": "2023-01-20", report("county", 2018): "2019-01-20", report("county", 2020): "2021-01-20",
        report("county", 2022): "2023-01-20",
        SITE + "agencies/county-edu/": "2023-02-10", report("county-edu", 2020): "2021-01-20", report("county-edu", 2022): "2023-02-10",
        SITE + "agencies/town/": None, report("town", 2022): None,
    }  # fmt: skip
    assert list(listed)[:5] == [SITE, SITE + "years/", SITE + "agencies/", SITE + "regions/", SITE + "search/"]


def test_robots_txt_names_the_sitemap(online: Portal) -> None:
    site = build(online)
    assert (site / "robots.txt").read_text(encoding="utf-8") == f"User-agent: *\nDisallow:\n\nSitemap: {SITE}sitemap.xml\n"


def test_over_its_limit_the_sitemap_is_split_and_indexed(online: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.exports.sitemap, "SITEMAP_LIMIT", 5)
    site = build(online)
    root = ElementTree.fromstring((site / "sitemap.xml").read_bytes())
    assert root.tag == SM + "sitemapindex"
    parts = [(s.findtext(SM + "loc"), s.findtext(SM + "lastmod")) for s in root.iter(SM + "sitemap")]
    assert parts == [
        (f"{SITE}sitemaps/sitemap-1.xml", "2023-02-10"),
        (f"{SITE}sitemaps/sitemap-2.xml", "2023-02-10"),
        (f"{SITE}sitemaps/sitemap-3.xml", "2023-02-10"),
        (f"{SITE}sitemaps/sitemap-4.xml", "2023-02-10"),
        (f"{SITE}sitemaps/sitemap-5.xml", "2023-02-10"),  # county's 2022 report, county-edu's page and reports
        (f"{SITE}sitemaps/sitemap-6.xml", None),  # town's agency page and its undated report: no date to give
    ]
    listed = [sitemap_urls((site / f"sitemaps/sitemap-{n}.xml").read_bytes()) for n in range(1, 7)]
    assert [len(part) for part in listed] == [5, 5, 5, 5, 5, 2]
    assert {url for part in listed for url in part} == html_pages(site)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.xml") if "atom" not in p.name) == [
        "sitemap.xml", *(f"sitemaps/sitemap-{n}.xml" for n in range(1, 7))
    ]


def test_the_split_is_a_pure_function_of_the_entries_and_the_limit() -> None:
    site = site_context_of(SITE)
    agencies = tuple(Agency(f"a{n}", f"机关{n}", ("省",), "县级") for n in range(3))
    summaries = (summary(agencies[0], 2021, "2022-01-05"), summary(agencies[2], 2022, "2023-01-31"))
    # 8 portal pages + 2 years + 1 region + 2 years' compliance pages + 3 agencies + 2 reports
    assert [c.function.__name__ for c in sitemap_calls(agencies, summaries, site, limit=18)] == ["sitemap"]
    calls = sitemap_calls(agencies, summaries, site, limit=4)
    parts = [("sitemap_part", str(n)) for n in range(1, 6)]
    assert [(c.function.__name__, c.key) for c in calls] == [*parts, ("sitemap_index", "")]
    assert [len(c.args[1]) for c in calls[:5]] == [4, 4, 4, 4, 2]
    assert calls[5].args[0] == (
        (BASE + "sitemaps/sitemap-1.xml", "2023-01-31"),
        (BASE + "sitemaps/sitemap-2.xml", "2023-01-31"),  # search, the data page, the query page, the compliance index
        (BASE + "sitemaps/sitemap-3.xml", "2023-01-31"),  # the years 2021 and 2022, the region 省, the compliance of 2021
        (BASE + "sitemaps/sitemap-4.xml", "2023-01-31"),  # the compliance of 2022, a0 and its report, a1
        (BASE + "sitemaps/sitemap-5.xml", "2023-01-31"),  # a2 and its report
    )


# --- a site that knows only its path -----------------------------------------------------------


def test_with_only_a_path_there_are_no_feeds_nor_sitemap_and_the_build_says_so_once(portal: Portal) -> None:
    with_reports(portal)
    result = CliRunner().invoke(main, ["-p", str(portal.root), "build", "--no-search"])
    assert result.exit_code == 0, result.output
    assert result.output.count("提示：") == 1
    assert result.output.count("base_url 写成站点的完整网址") == 1
    assert "发布地址 “/” 只有路径，没有域名：订阅源（atom.xml）、网站地图（sitemap.xml）和 robots.txt 必须写完整网址，因此本次没有生成" in result.output
    site = portal.root / "site"
    assert not [p for p in site.rglob("*") if p.suffix in (".xml", ".txt")]
    assert not [p for p in site.rglob("*.html") if "application/atom+xml" in p.read_text(encoding="utf-8")]
    go_online(portal)
    again = CliRunner().invoke(main, ["-p", str(portal.root), "build", "--no-search"])
    assert again.exit_code == 0 and "提示" not in again.output
    assert (site / "atom.xml").is_file() and (site / "sitemap.xml").is_file() and (site / "robots.txt").is_file()


def test_the_base_url_option_gives_the_full_address_too(portal: Portal) -> None:
    with_reports(portal)
    result = CliRunner().invoke(main, ["-p", str(portal.root), "build", "--no-search", "--base-url", SITE])
    assert result.exit_code == 0 and "提示" not in result.output
    assert f"Sitemap: {SITE}sitemap.xml" in (portal.root / "site/robots.txt").read_text(encoding="utf-8")


# --- the preview -----------------------------------------------------------------------------


def test_the_preview_serves_the_same_feeds_sitemap_and_robots_txt(online: Portal) -> None:
    from generator.preview.app import Preview

    site = build(online)
    preview = Preview(online.root)
    for relative, media_type in (
        ("atom.xml", "application/atom+xml"), ("agencies/county/atom.xml", "application/atom+xml"),
        ("sitemap.xml", "application/xml"), ("robots.txt", "text/plain"),
    ):  # fmt: skip
        response = preview.respond(BASE + relative)
        assert (response.status, response.content_type) == (200, f"{media_type}; charset=utf-8")
        assert response.body == (site / relative).read_bytes()


# --- helpers -------------------------------------------------------------------------------------


def site_context_of(base_url: str) -> dict[str, object]:
    from generator.model import Site

    return site_context(Site(title="测试门户", base_url=base_url))


def summary(agency: Agency, year: int, published: str) -> Summary:
    link = AgencyLink(agency.id, agency.name, agency.region, agency.level, f"{BASE}agencies/{agency.id}/")
    return Summary(link, year, f"{agency.name}{year}年报告", f"{BASE}reports/{agency.id}/{year}/", published, False, 0, "2021 年版", None)
