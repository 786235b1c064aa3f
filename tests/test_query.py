"""The query builder (/data/query/, assets/query.js) in a real browser (Debian's Chromium
through Playwright), as a reader uses it: the form, the table it answers with, the files it
fetches, the address that keeps the question, the CSV, print, and the page without script.

Expected figures are read here from the built reports' report.json by the official labels
(as test_statistics does), never from the query builder's own files."""

from __future__ import annotations

import datetime
import json
import re
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from generator.build.project import build_project

from .conftest import Portal, static_server, with_reports
from .test_statistics import cell, independent

TODAY = datetime.date(2026, 11, 22)
BASE = "/xxgk/"
COUNTY = "测试省 / 测试市 / 测试县"
ROWS = "rows => rows.map((row) => Array.from(row.cells, (c) => c.textContent))"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The county and its education bureau, with reports of 2018 (free-form), 2020 (2019
    format) and 2022 (2021 format); the town below the county has none."""
    portal = with_reports(Portal(tmp_path_factory.mktemp("query") / "portal"))
    site = portal.root / "site"
    assert build_project(portal.root, site, BASE, TODAY).ok
    return site


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    root = built.parent / "www"
    root.mkdir()
    (root / BASE.strip("/")).symlink_to(built)
    with static_server(root) as origin:
        yield origin + BASE


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


# --- what a reader would work out from the reports themselves ------------------------------


def report(site: Path, agency: str, year: int) -> dict[str, Any]:
    return dict(json.loads((site / "reports" / agency / str(year) / "report.json").read_text(encoding="utf-8")))


def rate(above: int, below: int) -> str:
    """A rate as statistical tables print it: percent to one decimal, half up; "—" over 0."""
    if not below:
        return "—"
    return f"{(Decimal(above) * 100 / below).quantize(Decimal('0.1'), 'ROUND_HALF_UP')}%"


def fees(data: dict[str, Any]) -> str:
    """表二's 行政事业性收费 in 万元 with 4 decimals; "—" for a format without the amount."""
    block = next((b for b in data["tables"]["二"]["blocks"] if any(r["label"] == "行政事业性收费" for r in b["rows"])), None)
    if block is None or not any("收费金额" in c for c in block["columns"]):
        return "—"
    column = next(c for c in block["columns"] if "收费金额" in c)
    return f"{Decimal(str(cell(data, '二', block['title'], ['行政事业性收费'], column))):.4f}"


# --- driving the page --------------------------------------------------------------------


def open_form(page: Any, url: str) -> None:
    page.goto(url)
    page.locator("form.query-form").wait_for()


def tick(page: Any, group: str, name: str, on: bool = True) -> None:
    """Check or uncheck the checkbox of that name in the fieldset of that legend."""
    box = page.get_by_role("group", name=group, exact=True).get_by_role("checkbox", name=name, exact=True)
    box.set_checked(on)


def ask(page: Any, status: str) -> None:
    page.get_by_role("button", name="查询", exact=True).click()
    page.get_by_role("status").filter(has_text=status).wait_for()


def grid(page: Any) -> list[list[str]]:
    return list(page.locator(".query-table tr").evaluate_all(ROWS))


def ask_county_2022(page: Any, served: str) -> None:
    """地区 → 测试县, 2022, 新收申请 and 公开率 (the defaults are 全部, the latest year,
    新收申请, 办理结果总计 and 公开率)."""
    open_form(page, served + "data/query/")
    page.get_by_role("radio", name="地区（合计）").check()
    tick(page, "地区", "全部", False)
    tick(page, "地区", "测试县 （测试省 / 测试市）")  # the parent regions are read, not shown
    tick(page, "年度", "2022年")
    tick(page, "统计项目", "办理结果总计（件）", False)
    tick(page, "统计项目", "新收申请（件）")
    tick(page, "比率", "公开率（%）")
    ask(page, "已载入 2022 年的数据")


def county_2022(site: Path) -> list[str]:
    figures = [independent(report(site, agency, 2022)) for agency in ("county", "county-edu")]
    received = sum(f["新收申请"] for f in figures)
    disclosed = sum(f["予以公开"] + f["部分公开"] for f in figures)
    return [COUNTY, "2022", "2", "2", str(received), rate(disclosed, sum(f["办理结果总计"] for f in figures))]


HEADERS = ["地区", "年度", "报告（份）", "其中有统计表（份）", "新收申请（件）", "公开率（%）"]


# --- the tests ---------------------------------------------------------------------------


def test_a_region_question_shows_the_sums_of_its_agencies_reports(built: Path, served: str, page: Any) -> None:
    ask_county_2022(page, served)
    assert page.locator(".query-table caption").inner_text() == "测试县 2022 年的新收申请和公开率（地区合计）"
    assert grid(page) == [HEADERS, county_2022(built)]
    assert page.locator(".query-table thead th[scope=col]").count() == 6
    assert page.locator(".query-table tbody th[scope=row]").count() == 2  # the region and the year
    definitions = page.locator(".query-output dl.definitions").inner_text()
    assert "表三“一、本年新收政府信息公开申请数量”的总计" in definitions and "（予以公开 + 部分公开）÷ 办理结果总计" in definitions


def test_only_the_years_asked_for_are_fetched_and_each_once(served: str, page: Any) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urllib.parse.urlsplit(request.url).path))
    ask_county_2022(page, served)
    page.get_by_role("button", name="查询", exact=True).click()  # the same question again: from memory
    page.get_by_role("status").filter(has_text="已载入 2022 年的数据").wait_for()
    files = [path.removeprefix(BASE + "data/query/") for path in fetched if path.startswith(BASE + "data/query/") and path.endswith(".json")]
    assert files == ["index.json", "2022.json"]


def test_agencies_and_years_give_a_row_each_in_a_stable_order(built: Path, served: str, page: Any) -> None:
    open_form(page, served + "data/query/")
    page.get_by_role("radio", name="机关").check()
    assert not page.get_by_role("group", name="地区", exact=True).is_visible()
    tick(page, "测试省 / 测试市 / 测试县", "测试县教育局")  # chosen in the other order
    tick(page, "测试省 / 测试市 / 测试县", "测试县人民政府")
    tick(page, "年度", "2020年")
    tick(page, "统计项目", "收费金额（万元）")
    ask(page, "已载入 2020、2022 年的数据")
    rows = grid(page)
    assert rows[0] == ["机关", "年度", "新收申请（件）", "办理结果总计（件）", "收费金额（万元）", "公开率（%）"]
    expected = []
    for agency, name in (("county", "测试县人民政府"), ("county-edu", "测试县教育局")):
        for year in (2020, 2022):
            data = report(built, agency, year)
            f = independent(data)
            expected.append([name, str(year), str(f["新收申请"]), str(f["办理结果总计"]), fees(data), rate(f["予以公开"] + f["部分公开"], f["办理结果总计"])])
    assert rows[1:] == expected
    assert [r[4] for r in rows[1:]] == ["—", "1.2500", "—", "1.2500"]  # money with 4 decimals; the 2019 format states none
    link = page.locator(".query-table tbody tr").first.get_by_role("link", name="测试县人民政府")
    assert link.get_attribute("href") == BASE + "reports/county/2020/"


def test_the_address_keeps_the_question_and_shows_the_table_at_once(built: Path, served: str, page: Any, browser: Any) -> None:
    ask_county_2022(page, served)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query == {"by": ["region"], "regions": [COUNTY], "years": ["2022"], "measures": ["received,disclosure-rate"]}
    other = browser.new_page()
    other.goto(page.url)
    other.locator(".query-table").wait_for()
    assert grid(other) == [HEADERS, county_2022(built)]
    assert other.get_by_role("group", name="地区", exact=True).get_by_role("checkbox", checked=True).count() == 1  # the form shows the question too
    other.close()


def test_the_csv_is_the_table_shown(built: Path, served: str, page: Any) -> None:
    ask_county_2022(page, served)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    assert download.value.suggested_filename == "xxgk-query.csv"
    body = Path(download.value.path()).read_bytes()
    row = county_2022(built)
    row[-1] = row[-1].removesuffix("%")
    expected = "\ufeff" + ",".join(HEADERS) + "\r\n" + ",".join(row) + "\r\n"
    assert body == expected.encode("utf-8")


def test_a_null_shows_a_dash_and_is_empty_in_the_csv(built: Path, served: str, page: Any) -> None:
    town = COUNTY + " / 北山镇"
    open_form(page, served + f"data/query/?by=region&regions={urllib.parse.quote(COUNTY)},{urllib.parse.quote(town)}&years=2020&measures=reviews,review-correction-rate")
    page.locator(".query-table").wait_for()
    reviews = sum(independent(report(built, agency, 2020))["行政复议"] for agency in ("county", "county-edu"))
    assert reviews == 0  # so the rate has no denominator
    assert grid(page)[1:] == [[COUNTY, "2020", "2", "2", "0", "—"], [town, "2020", "0", "0", "—", "—"]]
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    lines = Path(download.value.path()).read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[1:] == [f"{COUNTY},2020,2,2,0,", f"{town},2020,0,0,,", ""]


def test_print_shows_the_table_without_the_form(served: str, page: Any) -> None:
    ask_county_2022(page, served)
    page.emulate_media(media="print")
    assert not page.locator("form.query-form").is_visible()
    assert not page.get_by_role("button", name="下载 CSV").is_visible()
    assert page.locator(".query-table caption").is_visible() and page.locator(".query-table").is_visible()
    assert page.locator(".query-output dl.definitions").is_visible()
    page.emulate_media(media="screen")
    assert page.locator("form.query-form").is_visible()


def test_the_print_button_prints(served: str, page: Any) -> None:
    ask_county_2022(page, served)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") == 1


def test_a_year_that_cannot_be_loaded_is_said_in_chinese(served: str, page: Any) -> None:
    page.route(re.compile(r".*/data/query/2022\.json$"), lambda route: route.fulfill(status=503, body="busy"))
    open_form(page, served + "data/query/")
    ask(page, "无法载入 2022 年的数据（HTTP 503）")
    assert page.locator(".query-table").count() == 0
    page.unroute(re.compile(r".*/data/query/2022\.json$"))
    ask(page, "已载入 2022 年的数据")  # a failed file is fetched again
    assert page.locator(".query-table").count() == 1


def test_a_question_missing_a_part_says_what_and_moves_there(served: str, page: Any) -> None:
    open_form(page, served + "data/query/")
    tick(page, "年度", "2022年", False)
    ask(page, "请至少选择一个年度。")
    assert page.evaluate("document.activeElement.name") == "years"
    assert page.locator(".query-table").count() == 0


def test_the_form_works_from_the_keyboard(served: str, page: Any) -> None:
    open_form(page, served + "data/query/")
    page.get_by_role("radio", name="地区（合计）").focus()
    page.keyboard.press("ArrowRight")  # a radio group moves with the arrow keys
    assert page.get_by_role("radio", name="机关").is_checked()
    assert page.get_by_role("group", name="机关", exact=True).is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name="测试县人民政府").is_checked()
    page.get_by_role("button", name="查询", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="已载入 2022 年的数据").wait_for()
    assert grid(page)[1][0] == "测试县人民政府"


def test_without_javascript_only_the_notice_shows(served: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "data/query/")
    assert "数据查询需要浏览器启用脚本" in page.locator("main").inner_text()
    assert page.locator("form.query-form").count() == 0 and page.locator("table").count() == 0
    context.close()


def test_an_agency_without_a_report_that_year_is_named_under_the_table(built: Path, served: str, page: Any) -> None:
    open_form(page, served + "data/query/?by=agency&agencies=town,county&years=2022&measures=received")
    page.locator(".query-table").wait_for()
    received = str(independent(report(built, "county", 2022))["新收申请"])
    assert grid(page)[1:] == [["测试县人民政府", "2022", received], ["测试县北山镇人民政府", "2022", "—"]]  # registry order, not the address's
    assert "没有年度报告：测试县北山镇人民政府 2022 年。" in page.locator(".query-output").inner_text()


def test_without_its_index_the_page_says_where_the_figures_are(served: str, page: Any) -> None:
    page.route(re.compile(r".*/data/query/index\.json$"), lambda route: route.fulfill(status=404, body="gone"))
    page.goto(served + "data/query/")
    status = page.get_by_role("status")
    status.filter(has_text="无法载入数据查询（HTTP 404）").wait_for()
    assert status.get_by_role("link", name="地区统计").get_attribute("href") == BASE + "regions/"
    assert page.locator("form.query-form").count() == 0


def test_a_region_page_compares_its_agencies_for_another_year_through_the_query_page(built: Path, served: str, page: Any) -> None:
    """The region page shows the latest comparable year (2022); its link for 2020 asks the query
    page for every agency under the county that year (within=…), with the page's columns."""
    page.goto(served + "regions/测试省/测试市/测试县/")
    others = page.locator("p", has_text="其他年度的各机关比较")
    assert others.get_by_role("link").all_inner_texts() == ["2020年", "数据下载"]  # 2018 is free-form: nothing to compare
    others.get_by_role("link", name="2020年").click()
    page.locator(".query-table").wait_for()
    rows = grid(page)
    header = rows[0]
    assert header[:2] == ["机关", "年度"] and len(header) == 2 + 7 + 4  # the page's 7 measures and the 4 rates
    picked = [header.index(label) for label in ("新收申请（件）", "办理结果总计（件）", "公开率（%）")]
    expected = []
    for agency, name in (("county", "测试县人民政府"), ("county-edu", "测试县教育局")):
        f = independent(report(built, agency, 2020))
        expected.append([name, "2020", str(f["新收申请"]), str(f["办理结果总计"]), rate(f["予以公开"] + f["部分公开"], f["办理结果总计"])])
    expected.append(["测试县北山镇人民政府", "2020", "—", "—", "—"])  # under the county too, without a report: a gap shown
    assert [[*row[:2], *(row[i] for i in picked)] for row in rows[1:]] == expected
    assert page.get_by_role("radio", name="机关").is_checked()
