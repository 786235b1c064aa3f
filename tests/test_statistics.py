"""Statistics pages: region totals checked against sums made here from report.json,
rates, gaps and 汇总 reports, and a report beside the agency's previous one."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build.project import build_project, check_project

from .conftest import FREEFORM, REPORT_2019, Portal, line_of, static_server
from .htmltable import table_captioned
from .test_data import copy_of_demo
from .test_site import TODAY, build

# --- the demo: every region's totals, as a reader would add them up from the downloads -----------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_of_demo(tmp_path_factory.mktemp("demo"))
    build_project(project, project / "site", None, TODAY)
    return project


def read_reports(site: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(site.glob("reports/*/*/report.json"))]


def cell(data: dict, table: str, block: str, rows: list[str] | None, column: str, parent: str | None = None) -> int:
    """A figure of report.json by the official labels: rows by label (or every row under
    `parent`), summed, in the column of that label."""
    found = next(b for b in data["tables"][table]["blocks"] if b["title"] == block)
    index = found["columns"].index(column)
    picked = [r for r in found["rows"] if (rows and r["label"] in rows) or (parent and parent in r["path"][:-1]) or (parent and r["label"] == parent)]
    assert picked, (block, rows, parent)
    return sum(r["values"][index] for r in picked)


def independent(data: dict) -> dict[str, int]:
    """The measures of one report, read here from its report.json by the printed labels."""
    applications = "收到和处理政府信息公开申请情况"
    return {
        "新收申请": cell(data, "三", applications, ["一、本年新收政府信息公开申请数量"], "总计"),
        "予以公开": cell(data, "三", applications, ["（一）予以公开"], "总计"),
        "部分公开": cell(data, "三", applications, ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"], "总计"),
        "不予公开": cell(data, "三", applications, None, "总计", parent="（三）不予公开"),
        "办理结果总计": cell(data, "三", applications, ["（七）总计"], "总计"),
        "行政复议": cell(data, "四", "行政复议", ["行政复议"], "总计"),
        "行政诉讼": cell(data, "四", "行政诉讼", ["未经复议直接起诉", "复议后起诉"], "总计"),
    }


def test_every_region_page_shows_the_sums_of_its_agencies_reports(demo: Path) -> None:
    site = demo / "site"
    reports = read_reports(site)
    covers = {a.id: a.covers for a in check_project(demo, TODAY).portal.agencies}
    regions = {tuple(r["agency"]["region"][:depth]) for r in reports for depth in range(1, len(r["agency"]["region"]) + 1)}
    assert len(regions) == 6
    checked = 0
    for region in [(), *sorted(regions)]:  # (): the whole portal, on the regions' index page
        page = (site / "regions" / "/".join(region) / "index.html").read_text(encoding="utf-8")
        table = table_captioned(page, f"{region[-1] if region else '全站'}各年度合计")
        years = [int(text.rstrip("年")) for text in table.grid()[0][1:]]
        for column, year in enumerate(years, start=1):
            inside = [r for r in reports if tuple(r["agency"]["region"][: len(region)]) == region and r["year"] == year]
            present = {r["agency"]["id"] for r in inside}
            covered = {c for r in inside for c in covers[r["agency"]["id"]] if c in present}
            summed = [independent(r) for r in inside if r["tables"] and r["agency"]["id"] not in covered]
            for label in ("新收申请", "予以公开", "不予公开", "办理结果总计", "行政复议", "行政诉讼"):
                shown = table.row_starting(label)[column].text
                assert shown == (str(sum(s[label] for s in summed)) if summed else "—"), (region, year, label)
                checked += 1
            results = sum(s["办理结果总计"] for s in summed)
            rate = table.row_starting("公开率")[column].text
            if results:
                expected = (Decimal(sum(s["予以公开"] + s["部分公开"] for s in summed)) * 100 / results).quantize(Decimal("0.1"), "ROUND_HALF_UP")
                assert rate == f"{expected}%", (region, year)
            else:
                assert rate == "—"
    assert checked > 170


def test_statistics_csv_gives_the_same_sums_for_every_region_and_the_whole_portal(demo: Path) -> None:
    site = demo / "site"
    reports = read_reports(site)
    covers = {a.id: a.covers for a in check_project(demo, TODAY).portal.agencies}
    raw = (site / "data/statistics.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert {r["region"] for r in rows} >= {"全部", "示例省", "示例省 / 示例市 / 示例县 / 东风镇"}
    columns = {"新收申请": "received", "予以公开": "disclosed", "不予公开": "denied", "办理结果总计": "results", "行政复议": "reviews", "行政诉讼": "lawsuits"}
    for row in rows:
        region = () if row["region"] == "全部" else tuple(row["region"].split(" / "))
        inside = [r for r in reports if tuple(r["agency"]["region"][: len(region)]) == region and r["year"] == int(row["year"])]
        present = {r["agency"]["id"] for r in inside}
        covered = {c for r in inside for c in covers[r["agency"]["id"]] if c in present}
        summed = [independent(r) for r in inside if r["tables"] and r["agency"]["id"] not in covered]
        assert int(row["reports"]) == len(inside) and int(row["comparable"]) == sum(1 for r in inside if r["tables"]), row
        for label, column in columns.items():
            assert row[column] == (str(sum(s[label] for s in summed)) if summed else ""), (row["region"], row["year"], column)
        results = sum(s["办理结果总计"] for s in summed)
        disclosed = sum(s["予以公开"] + s["部分公开"] for s in summed)
        expected = (Decimal(disclosed) * 100 / results).quantize(Decimal("0.1"), "ROUND_HALF_UP") if results else ""
        assert row["disclosure_rate"] == str(expected), (row["region"], row["year"])
    assert len(rows) == 37  # the whole portal and the 6 regions, each over the years it has reports for


def test_a_chart_prints_with_its_figures(demo: Path, browser) -> None:  # type: ignore[no-untyped-def]
    with static_server(demo / "site") as origin:
        page = browser.new_page()
        page.goto(origin + "/regions/示例省/")
        figure = page.locator("figure.trend").first
        assert figure.locator("table").is_hidden()  # on screen, behind 查看数据表
        page.emulate_media(media="print")
        assert figure.locator("svg[role=img]").is_visible() and figure.locator("table").is_visible()
        assert figure.locator("table caption").inner_text() == "新收申请与办理结果总计（件）"
        page.close()


def test_a_free_form_year_is_not_comparable_never_zero(demo: Path) -> None:
    page = (demo / "site/regions/示例省/index.html").read_text(encoding="utf-8")
    table = table_captioned(page, "示例省各年度合计")
    assert table.grid()[0][1] == "2018年"
    assert table.row_starting("新收申请")[1].text == "—" and table.row_starting("公开率")[1].text == "—"
    assert table.row_starting("其中有统计表的报告")[1].text == "0"
    assert "2018 年的报告没有全国统一的统计表（自由格式），这些年度没有可比数据" in page


def test_a_government_report_that_sums_up_others_is_counted_once_and_checked_against_them(demo: Path) -> None:
    page = (demo / "site/regions/示例省/示例市/示例县/index.html").read_text(encoding="utf-8")
    check = table_captioned(page, "示例县人民政府2023年度报告")
    assert "汇总 3 个机关，本站收录其中 3 份报告" in check.caption
    row = check.row_starting("新收申请")
    aggregate, parts, difference = (int(c.text) for c in row[1:4])
    assert aggregate - parts == difference


# --- small portals: rates without a denominator, a report beside its previous one ----------------


def test_a_rate_whose_denominator_is_zero_shows_a_dash(portal: Portal) -> None:
    portal.report("county", 2020, template=REPORT_2019)  # no reviews, no lawsuits
    page = (build(portal) / "regions/测试省/测试市/测试县/index.html").read_text(encoding="utf-8")
    table = table_captioned(page, "测试县各年度合计")
    assert table.row_starting("行政复议")[1].text == "0"
    assert table.row_starting("复议纠错率")[1].text == "—" and table.row_starting("诉讼纠错率")[1].text == "—"
    assert table.row_starting("公开率")[1].text == "100.0%"  # 2 disclosed of 2 results
    assert table.row_starting("收费金额（万元）")[1].text == "—"  # the 2019 format states no fee amount


def test_a_report_shows_the_change_from_the_agencys_previous_report(portal: Portal) -> None:
    portal.report("county", 2018, template=FREEFORM)
    portal.report("county", 2020, template=REPORT_2019)
    portal.report("county", 2022)
    site = build(portal)
    page = (site / "reports/county/2022/index.html").read_text(encoding="utf-8")
    table = table_captioned(page, "本报告主要数据与2020年度报告的比较")
    assert [c.text for c in table.row_starting("新收申请")[1:]] == ["8", "3", "+5"]
    assert [c.text for c in table.row_starting("行政复议")[1:]] == ["2", "0", "+2"]  # 1 upheld, 1 pending
    assert [c.text for c in table.row_starting("公开率")[1:]] == ["62.5%", "100.0%", "-37.5个百分点"]  # (4 + 1) / 8
    assert [c.text for c in table.row_starting("收费金额")[1:]] == ["1.25", "—", "—"]  # as the report prints it
    earlier = (site / "reports/county/2020/index.html").read_text(encoding="utf-8")
    assert "2018年度报告为自由格式，没有全国统一的统计表，无法比较。" in earlier
    assert "年度报告相比" not in (site / "reports/county/2018/index.html").read_text(encoding="utf-8")  # nothing before it


def test_covers_naming_an_unknown_agency_is_an_error_at_its_line(portal: Portal) -> None:
    path = portal.write("content/agencies.yaml", (portal.root / "content/agencies.yaml").read_text(encoding="utf-8").replace("    level: 县级\n", "    level: 县级\n    covers: [county-edu, nowhere]\n", 1))
    result = check_project(portal.root, TODAY)
    messages = [(p.rule, p.line, p.message) for p in result.problems if p.severity == "error"]
    assert ("unknown-agency", line_of(path, "covers:"), "“covers” 中的机关 “nowhere” 不在机关名录中") in messages


def test_an_agency_page_draws_its_trends_with_their_figures(portal: Portal) -> None:
    portal.report("county", 2018, template=FREEFORM)
    portal.report("county", 2020, template=REPORT_2019)
    portal.report("county", 2022)
    page = (build(portal) / "agencies/county/index.html").read_text(encoding="utf-8")
    table = table_captioned(page, "新收申请与办理结果总计（件）")
    assert table.grid()[0][1:] == ["2020年", "2022年"]  # the free-form 2018 is no point of a trend
    assert [c.text for c in table.row_starting("新收申请")[1:]] == ["3", "8"]
    assert [c.text for c in table.row_starting("办理结果总计")[1:]] == ["2", "8"]
    assert page.count('<svg class="trend-svg"') == 4 and 'href="/regions/%E6%B5%8B%E8%AF%95%E7%9C%81/%E6%B5%8B%E8%AF%95%E5%B8%82/%E6%B5%8B%E8%AF%95%E5%8E%BF/"' in page


def test_a_reader_sorts_the_agencies_by_a_measure_in_the_browser(portal: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    more = {"received: [5, 2, 0, 0, 1, 0]": "received: [6, 2, 0, 0, 1, 0]", "disclosed: [3, 1, 0, 0, 0, 0]": "disclosed: [4, 1, 0, 0, 0, 0]"}
    most = {"received: [5, 2, 0, 0, 1, 0]": "received: [9, 2, 0, 0, 1, 0]", "disclosed: [3, 1, 0, 0, 0, 0]": "disclosed: [7, 1, 0, 0, 0, 0]"}
    portal.report("county", 2022)  # 新收申请 8
    portal.report("county-edu", 2022, changes=more)  # 9
    portal.report("town", 2022, changes=most)  # 12
    root = portal.root / "www"
    assert build_project(portal.root, root, None, TODAY).ok
    with static_server(root) as origin:
        page = browser.new_page()
        page.goto(origin + "/regions/测试省/测试市/测试县/")
        table = page.locator("table[data-sortable]").first
        names = lambda: table.locator("tbody th").all_inner_texts()  # noqa: E731
        assert names() == ["测试县人民政府", "测试县教育局", "测试县北山镇人民政府"]  # registry order
        header = table.locator("thead th", has_text="新收申请")
        header.get_by_role("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        assert names() == ["测试县北山镇人民政府", "测试县教育局", "测试县人民政府"]  # 12, 9, 8
        header.get_by_role("button").click()
        assert header.get_attribute("aria-sort") == "ascending" and names() == ["测试县人民政府", "测试县教育局", "测试县北山镇人民政府"]
        page.close()


def test_the_year_page_total_counts_a_covered_report_once(portal: Portal) -> None:
    registry = portal.root / "content/agencies.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("    level: 县级\n", "    level: 县级\n    covers: [county-edu]\n", 1), encoding="utf-8")
    portal.report("county", 2022)
    portal.report("county-edu", 2022)
    site = build(portal)
    grid = table_captioned((site / "years/2022/index.html").read_text(encoding="utf-8"), "2022年度各机关报告主要数据").grid()
    assert grid[3][:3] == ["合计（1 份有统计表的报告；另有 1 份已由汇总报告计入，不重复计算）", "", "8"]
    region = table_captioned((site / "regions/测试省/测试市/测试县/index.html").read_text(encoding="utf-8"), "测试县各年度合计")
    assert region.row_starting("新收申请")[1].text == "8"
    check = table_captioned((site / "regions/测试省/测试市/测试县/index.html").read_text(encoding="utf-8"), "测试县人民政府2022年度报告")
    assert [c.text for c in check.row_starting("新收申请")[1:]] == ["8", "8", "0"]
