"""The site as a whole: index pages, report.json, sub-path links, atomic and
deterministic builds, and a portal's own templates overriding the built-in ones."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import generator.build.write
from generator.build.project import build_project

from .conftest import FREEFORM, REPORT_2019, Portal, pagefind_unstable
from .htmltable import table_captioned

TODAY = datetime.date(2026, 11, 22)


def build(portal: Portal, out: Path | None = None, base_url: str | None = None, clean: bool = False) -> Path:
    out = out or portal.root / "site"
    result = build_project(portal.root, out, base_url, TODAY, clean=clean)
    assert result.ok, result.errors
    return out


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def three_years(portal: Portal) -> Portal:
    portal.report("county", 2018, template=FREEFORM)
    portal.report("county", 2020, template=REPORT_2019)
    portal.report("county", 2022)
    portal.report("county-edu", 2022, published="2023-02-10")
    return portal


# --- index pages -------------------------------------------------------------------


def test_year_page_lists_reports_sums_figures_and_names_missing_agencies(three_years: Portal) -> None:
    html = (build(three_years) / "years/2022/index.html").read_text(encoding="utf-8")
    grid = table_captioned(html, "2022年度各机关报告主要数据").grid()
    rates = ["公开率", "不予公开率", "复议纠错率", "诉讼纠错率"]
    assert grid[0] == ["机关", "发布日期", "新收申请", "上年结转", "予以公开", "行政复议", "直接起诉", "复议后起诉", *rates]
    # 公开率 (4 + 1) / 8; 不予公开 1 of 8; no review corrected of 2; the one lawsuit's result corrected
    assert grid[1] == ["测试县人民政府", "2023-01-20", "8", "1", "4", "2", "1", "0", "62.5%", "12.5%", "0.0%", "100.0%"]
    assert grid[2] == ["测试县教育局", "2023-02-10逾期", "8", "1", "4", "2", "1", "0", "62.5%", "12.5%", "0.0%", "100.0%"]
    assert grid[3] == ["合计（2 份有统计表的报告）", "", "16", "2", "8", "4", "2", "0", "62.5%", "12.5%", "0.0%", "100.0%"]
    missing = html[html.index("尚无2022年度报告的机关") :]
    assert '<a href="/agencies/town/">测试县北山镇人民政府</a>' in missing
    assert "测试县教育局" not in missing


def test_agency_page_lists_every_year_with_key_figures(three_years: Portal) -> None:
    html = (build(three_years) / "agencies/county/index.html").read_text(encoding="utf-8")
    grid = table_captioned(html, "测试县人民政府历年报告主要数据").grid()
    assert [row[0] for row in grid[1:]] == ["2022年", "2020年", "2018年"]
    assert grid[2] == ["2020年", "2021-01-20", "3", "0", "2", "0", "0", "0"]
    assert grid[3] == ["2018年", "2019-01-20"] + ["—"] * 6
    assert '<a href="/agencies/county-edu/">测试县教育局</a>' in html  # a child agency


def test_home_and_index_pages(three_years: Portal) -> None:
    site = build(three_years)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "本站收录 3 个机关的 4 份政府信息公开工作年度报告" in home
    latest = home[home.index("最新发布") : home.index("按年度浏览</h2>")]
    assert latest.index("/reports/county-edu/2022/") < latest.index("/reports/county/2022/") < latest.index("/reports/county/2020/")
    assert '<a href="/years/2020/">2020年</a>' in home
    agencies = (site / "agencies/index.html").read_text(encoding="utf-8")
    assert "测试省" in agencies and "北山镇" in agencies and "3 份报告，最新 2022 年" in agencies
    years = (site / "years/index.html").read_text(encoding="utf-8")
    assert "2 份报告，1 个机关尚无报告" in years
    assert "页面未找到" in (site / "404.html").read_text(encoding="utf-8")


def test_every_page_is_chinese_and_needs_no_other_host(three_years: Portal) -> None:
    site = build(three_years)
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">'), path
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not urlsplit(url).netloc, f"{path}: {url}"
    css = (site / "assets/style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


# --- report.json ---------------------------------------------------------------------


def test_report_json_shape_and_figures(three_years: Portal) -> None:
    data = json.loads((build(three_years) / "reports/county/2022/report.json").read_text(encoding="utf-8"))
    assert data["agency"] == {"id": "county", "name": "测试县人民政府", "region": ["测试省", "测试市", "测试县"], "level": "县级"}
    assert (data["year"], data["format"], data["published"]) == (2022, "2021", "2023-01-20")
    assert data["title"] == "测试县人民政府2022年政府信息公开工作年度报告"
    assert list(data["tables"]) == ["二", "三", "四"]
    active = data["tables"]["二"]["blocks"]
    assert [b["title"] for b in active] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert active[0]["columns"] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert active[0]["rows"][1] == {"label": "行政规范性文件", "path": ["行政规范性文件"], "values": [2, 1, 10]}
    assert active[3]["rows"] == [{"label": "行政事业性收费", "path": ["行政事业性收费"], "values": [1.25]}]
    applications = data["tables"]["三"]["blocks"][0]
    assert applications["columns"] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert len(applications["rows"]) == 25
    assert applications["rows"][7] == {
        "label": "4.保护第三方合法权益",
        "path": ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"],
        "values": [1, 0, 0, 0, 0, 0, 1],
    }
    assert applications["rows"][23]["values"] == [5, 2, 0, 0, 1, 0, 8]  # （七）总计, computed
    appeals = data["tables"]["四"]["blocks"]
    assert [(b["title"], [r["label"] for r in b["rows"]]) for b in appeals] == [("行政复议", ["行政复议"]), ("行政诉讼", ["未经复议直接起诉", "复议后起诉"])]
    assert appeals[1]["rows"][0] == {"label": "未经复议直接起诉", "path": ["行政诉讼", "未经复议直接起诉"], "values": [0, 1, 0, 0, 1]}
    assert data["narrative"].startswith("\n## 一、总体情况")
    assert data["problems"] == []


def test_report_json_of_a_freeform_report_lists_its_warnings(three_years: Portal) -> None:
    site = build(three_years)
    assert json.loads((site / "reports/county/2018/report.json").read_text(encoding="utf-8"))["tables"] == {}
    problems = json.loads((site / "reports/county-edu/2022/report.json").read_text(encoding="utf-8"))["problems"]
    assert [(p["rule"], p["severity"], p["line"]) for p in problems] == [("late-publication", "warning", 4)]


# --- links under a sub-path ----------------------------------------------------------------


@pytest.mark.parametrize("base_url", ["/xxgk/ndbg/", "https://www.example.gov.cn/xxgk/ndbg"])
def test_every_link_works_under_a_sub_path(three_years: Portal, base_url: str) -> None:
    site = build(three_years, base_url=base_url)
    checked = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)  # a page's full address, when the site's is known
        for url in re.findall(r'(?:src|href)="([^"#]+)', html):
            if url in canonical:
                url = url.removeprefix("https://www.example.gov.cn")
            assert url.startswith("/xxgk/ndbg/"), f"{path}: {url}"
            url = url.split("?")[0]  # a question for the query page's script: the page is what must exist
            target = site / unquote(url.removeprefix("/xxgk/ndbg/"))  # as a server reads a percent-encoded path
            assert (target / "index.html").is_file() if url.endswith("/") else target.is_file(), f"{path}: {url}"
            checked += 1
    assert checked > 100


def test_base_url_from_site_settings(three_years: Portal) -> None:
    settings = three_years.root / "content/site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("base_url: /", "base_url: /portal/"), encoding="utf-8")
    html = (build(three_years) / "index.html").read_text(encoding="utf-8")
    assert 'href="/portal/assets/style.css"' in html


# --- atomic and deterministic builds ---------------------------------------------------------


def test_same_input_gives_byte_identical_output(three_years: Portal, tmp_path: Path) -> None:
    first, second = tree(build(three_years, tmp_path / "a")), tree(build(three_years, tmp_path / "b", clean=True))
    stable = {path: data for path, data in first.items() if not pagefind_unstable(path)}
    assert stable == {path: data for path, data in second.items() if not pagefind_unstable(path)}
    assert any(path.startswith("pagefind/") and "/fragment/" in path for path in stable)  # the search index is compared too
    assert sorted(p.rsplit("/", 1)[0] for p in first if pagefind_unstable(p)) == sorted(p.rsplit("/", 1)[0] for p in second if pagefind_unstable(p))


def test_a_failed_build_leaves_the_published_site_untouched(three_years: Portal) -> None:
    site = build(three_years)
    before = tree(site)
    three_years.report("county", 2022, changes={"received: [5, 2, 0, 0, 1, 0]": "received: [5, 2, 0, 0, 1, 0, 99]"})
    result = build_project(three_years.root, site, None, TODAY)
    assert not result.ok and result.files == 0
    assert tree(site) == before


def test_an_interrupted_build_leaves_the_site_and_no_temporary_folder(three_years: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    site = build(three_years)
    before = tree(site)
    calls = 0
    real = generator.build.write.link_file

    def interrupted(source, target):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 5:
            raise KeyboardInterrupt
        return real(source, target)

    monkeypatch.setattr(generator.build.write, "link_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_project(three_years.root, site, None, TODAY, jobs=1, clean=True)
    assert tree(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == [".xxgk-cache", "content", "site"]


def test_a_rebuild_replaces_pages_that_no_longer_exist(three_years: Portal) -> None:
    site = build(three_years)
    (three_years.root / "content/reports/county/2018.md").unlink()
    build(three_years)
    assert not (site / "reports/county/2018").exists()


# --- themes ------------------------------------------------------------------------------


def test_portal_templates_override_built_in_files_one_by_one(three_years: Portal) -> None:
    three_years.write("templates/404.html", '{% extends "base.html" %}{% block main %}<h1>自定义的404</h1>{% endblock %}')
    three_years.write("templates/assets/extra.css", "body { color: black; }")
    site = build(three_years)
    assert "<h1>自定义的404</h1>" in (site / "404.html").read_text(encoding="utf-8")
    assert (site / "assets/extra.css").is_file() and (site / "assets/style.css").is_file()
    assert "<h1>测试县人民政府</h1>" in (site / "agencies/county/index.html").read_text(encoding="utf-8")


def test_a_failed_search_index_leaves_the_published_site_untouched(three_years: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    site = build(three_years)
    before = tree(site)
    monkeypatch.setattr("generator.search.pagefind.executable", lambda: Path("/bin/false"))
    result = CliRunner().invoke(main, ["-p", str(three_years.root), "build", "--clean"])
    assert result.exit_code == 1
    assert "Pagefind 建立搜索索引失败" in result.output and "原有站点保持不变" in result.output
    assert tree(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == [".xxgk-cache", "content", "site"]


def test_a_portal_without_reports_builds(portal: Portal, tmp_path: Path) -> None:
    result = build_project(portal.root, tmp_path / "site", today=datetime.date(2026, 11, 22))
    assert result.ok and (tmp_path / "site/index.html").is_file() and (tmp_path / "site/pagefind/xxgk.json").is_file()
