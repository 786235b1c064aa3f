"""What a government site's pages say of themselves and to their readers: the meta tags
Chinese government sites carry (SiteName ... ContentSource), each page's description,
the canonical address when the site's full address is set, the footer's identifiers
(网站标识码, ICP备案号, 公网安备号), and the report page in citizens' words, never
the editors' (no rule ids, no field names, no “校验结果” heading)."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build.project import build_project, check_project
from generator.content.scaffold import portal_files

from .conftest import Portal, with_reports

TODAY = datetime.date(2026, 11, 22)

IDENTIFIERS = """\
site_id_code: bm00000001
icp_record: 测ICP备00000000号-1
police_record: 测公网安备00000000000000号
"""


class Head(HTMLParser):
    """The <meta name> tags and <link rel> addresses of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name"):
            self.meta[str(found["name"])] = found.get("content") or ""
        elif tag == "link" and found.get("rel"):
            self.links[str(found["rel"])] = found.get("href") or ""


def build(portal: Portal, base_url: str | None = None) -> Path:
    out = portal.root / "site"
    result = build_project(portal.root, out, base_url, TODAY, search=False)
    assert result.ok, result.errors
    return out


def html(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


@pytest.fixture
def site(portal: Portal) -> Path:
    """The test portal with the site identifiers set and its full address given."""
    with_reports(portal)
    portal.write("content/site.yaml", (portal.root / "content/site.yaml").read_text(encoding="utf-8") + IDENTIFIERS)
    return build(portal, "https://xxgk.example.gov.cn/ndbg/")


# --- the meta tags of government sites ------------------------------------------------------


def test_a_report_page_carries_the_government_meta_tags(site: Path) -> None:
    head = Head(html(site, "reports/county/2022/index.html"))
    assert {name: head.meta[name] for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType")} == {
        "SiteName": "测试门户",
        "SiteDomain": "xxgk.example.gov.cn",
        "SiteIDCode": "bm00000001",
        "ColumnName": "政府信息公开工作年度报告",
        "ColumnType": "信息公开年报",
    }
    assert head.meta["ArticleTitle"] == "测试县人民政府2022年政府信息公开工作年度报告"
    assert head.meta["PubDate"] == "2023-01-20"
    assert head.meta["ContentSource"] == "测试县人民政府"


def test_a_report_is_described_by_its_agency_year_and_key_figures(site: Path) -> None:
    description = Head(html(site, "reports/county/2022/index.html")).meta["description"]
    assert description.startswith("测试县人民政府2022年政府信息公开工作年度报告，2023-01-20发布。")
    assert "新收申请8件" in description and "予以公开4件" in description and "行政复议2件" in description
    freeform = Head(html(site, "reports/county/2018/index.html")).meta["description"]
    assert freeform == "测试县人民政府2018年政府信息公开工作年度报告，2019-01-20发布。"


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("index.html", "收录 3 个机关的 5 份"),
        ("years/index.html", "共 3 个年度"),
        ("years/2022/index.html", "2022年度各机关"),
        ("agencies/index.html", "全部 3 个机关"),
        ("agencies/county/index.html", "测试县人民政府历年"),
        ("search/index.html", "搜索测试门户"),
        ("404.html", "页面不存在"),
    ],
)
def test_every_page_has_its_own_description_and_no_article_tags(site: Path, page: str, words: str) -> None:
    head = Head(html(site, page))
    assert words in head.meta["description"]
    assert head.meta["SiteName"] == "测试门户" and head.meta["SiteIDCode"] == "bm00000001"
    assert "ArticleTitle" not in head.meta and "PubDate" not in head.meta


def test_the_pages_listing_reports_are_of_the_annual_report_column(site: Path) -> None:
    for page in ("years/2022/index.html", "agencies/county/index.html"):
        assert Head(html(site, page)).meta["ColumnType"] == "信息公开年报"
    assert "ColumnName" not in Head(html(site, "index.html")).meta  # the home page is no column


# --- the canonical address ----------------------------------------------------------------


def test_with_the_full_address_set_each_page_names_its_canonical_address(site: Path) -> None:
    assert Head(html(site, "reports/county/2022/index.html")).links["canonical"] == "https://xxgk.example.gov.cn/ndbg/reports/county/2022/"
    assert Head(html(site, "index.html")).links["canonical"] == "https://xxgk.example.gov.cn/ndbg/"
    assert "canonical" not in Head(html(site, "404.html")).links  # served at any missing address: it has none of its own


def test_with_a_path_only_no_page_claims_an_address(portal: Portal) -> None:
    portal.report("county", 2022)
    out = build(portal, "/ndbg/")
    for page in ("index.html", "reports/county/2022/index.html"):
        head = Head(html(out, page))
        assert "canonical" not in head.links and "SiteDomain" not in head.meta
        assert "SiteIDCode" not in head.meta  # not set either
    assert head.meta["SiteName"] == "测试门户"


# --- the footer ------------------------------------------------------------------------------


def test_the_footer_shows_the_site_identifiers_and_links_the_icp_record(site: Path) -> None:
    footer = html(site, "years/index.html").split('<footer class="site-footer">', 1)[1]
    assert "网站标识码：bm00000001" in footer
    assert '<a href="https://beian.miit.gov.cn/" rel="external">测ICP备00000000号-1</a>' in footer
    assert "测公网安备00000000000000号" in footer
    assert "主办单位：测试单位" in footer


def test_a_mistyped_identifier_is_an_error_naming_file_and_line(portal: Portal) -> None:
    portal.write("content/site.yaml", "title: 测试门户\nsite_id_code: 0001234567\nicp_record: ICP备案号：京ICP备1号\n")
    found = [str(p) for p in check_project(portal.root, TODAY).errors]
    assert found[0].startswith("content/site.yaml:2: error [site-identifier] “site_id_code” 的值")
    assert "请加引号" in found[0]  # YAML read 0012345678 as a number: the hint says why it is wrong
    assert found[1].startswith("content/site.yaml:3: error [site-identifier] “icp_record” 的值 “ICP备案号：京ICP备1号” 格式不对")


def test_the_scaffold_shows_the_identifiers_and_its_examples_are_valid(tmp_path: Path) -> None:
    """`xxgk init` writes them commented out; an editor who uncomments them gets a portal that checks."""
    settings = portal_files(TODAY)["content/site.yaml"]
    assert all(f"# {key}:" in settings for key in ("site_id_code", "icp_record", "police_record"))
    portal = Portal(tmp_path / "p")
    portal.write("content/site.yaml", re.sub(r"^# (site_id_code|icp_record|police_record):", r"\1:", settings, flags=re.MULTILINE))
    assert check_project(portal.root, TODAY).problems == ()


# --- the report page in citizens' words -------------------------------------------------------


def test_report_pages_speak_to_citizens_not_editors(site: Path) -> None:
    pages = sorted(site.glob("reports/*/*/index.html"))
    assert len(pages) == 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\[[a-z]+(?:-[a-z]+)+\]", text), page  # no [rule-id]
        assert "published" not in text and "校验结果" not in text, page
    late = html(site, "reports/county-edu/2022/index.html")
    assert "<dt>发布时效</dt><dd>本报告晚于规定期限发布（期限为 2023-01-31，晚 10 天）。</dd>" in late
    assert "<dt>数据核对</dt><dd>统计表各项数据经核对，勾稽关系一致。</dd>" in late
    assert "<dt>说明</dt>" not in late  # said once, where a reader looks for it
    on_time = html(site, "reports/county/2022/index.html")
    assert "<dt>发布时效</dt><dd>本报告按时发布（规定期限为 2023-03-31）。</dd>" in on_time


def test_a_report_without_a_date_says_so_plainly(portal: Portal) -> None:
    portal.report("county", 2022, changes={"published: 2023-01-20\n": ""})
    page = html(build(portal), "reports/county/2022/index.html")
    assert "<dt>发布时效</dt><dd>发布日期未注明，无法判断是否按时发布。</dd>" in page and "<dt>发布日期</dt><dd>未注明</dd>" in page
    assert "published" not in page and "missing-published" not in page
    assert "PubDate" not in Head(page).meta
