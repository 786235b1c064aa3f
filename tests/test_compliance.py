"""The compliance pages: each indicator flags exactly the faulty reports, and nothing else.

A portal of seven departments, each 2022 report with one known fault (late, missing,
an empty section 五, a fee left unexplained, a narrative that states another 新收 count,
a narrative copied from last year) and one without any; then the demo portal, where
the only faults are the ones its content has on purpose.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.build.project import build_project, check_project
from generator.rules.catalogue import public_notice
from generator.rules.compliance import REPORT_INDICATORS, assess, narrative_sections, repeated_share, stated_figures
from generator.rules.indicators import INDICATORS

from .conftest import Portal
from .htmltable import table_captioned
from .test_data import copy_of_demo

TODAY = datetime.date(2026, 11, 22)
AGENCIES = ["late", "missing", "empty", "fee", "narrative", "copied", "clean"]
NAMES = {key: f"测试县{number}局" for number, key in zip("一二三四五六七", AGENCIES)}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    portal = Portal(tmp_path_factory.mktemp("compliance") / "portal")
    entries = "".join(f"  - id: {key}\n    name: {NAMES[key]}\n    region: 测试省 / 测试县\n    level: 部门\n" for key in AGENCIES)
    portal.write("content/agencies.yaml", "agencies:\n" + entries)
    portal.report("late", 2022, published="2023-03-01")
    portal.report("empty", 2022, changes={"仍需改进。": "无。"})
    portal.report("fee", 2022, changes={"本年度未收取信息处理费。": "本年度承办人大代表建议 3 件。"})
    portal.report("narrative", 2022, changes={"申请 8 件": "申请 9 件"})
    portal.report("copied", 2021)
    portal.report("copied", 2022)  # the same text as the year before, the year's figures aside
    portal.report("clean", 2022)
    assert build_project(portal.root, portal.root / "site", None, TODAY).ok
    return portal.root / "site"


def flagged(site: Path, year: int) -> set[tuple[str, str]]:
    """(agency, indicator) of every 不符合 on a year's compliance page."""
    page = (site / "compliance" / str(year) / "index.html").read_text(encoding="utf-8")
    grid = table_captioned(page, f"{year}年度各机关报告的合规情况").grid()
    header = grid[0]
    return {(row[0], header[n]) for row in grid[1:] for n, text in enumerate(row) if text == "不符合"}


def test_each_indicator_flags_exactly_the_faulty_report(faulty: Path) -> None:
    assert flagged(faulty, 2022) == {
        (NAMES["late"], "按时"),
        (NAMES["missing"], "已发布"),
        (NAMES["empty"], "正文完整"),
        (NAMES["fee"], "收费说明"),
        (NAMES["narrative"], "正文与表格一致"),
        (NAMES["copied"], "内容重复"),
    }
    assert flagged(faulty, 2021) == {(NAMES[key], "已发布") for key in AGENCIES if key != "copied"}


def test_the_page_says_why_and_counts_each_indicator(faulty: Path) -> None:
    page = (faulty / "compliance/2022/index.html").read_text(encoding="utf-8")
    notes = re.sub(r"<[^>]+>", "", page.split('id="notes-heading"')[1].split("</ul>")[0])
    assert f"{NAMES['late']}：按时，晚于期限 29 天发布" in notes  # due 2023-01-31, published 2023-03-01
    assert f"{NAMES['narrative']}：正文与表格一致，正文写新收申请 9 件，统计表为 8 件" in notes
    assert f"{NAMES['fee']}：收费说明，表二收费金额 1.2500 万元，第六部分没有说明" in notes
    assert f"{NAMES['empty']}：正文完整，第五部分为空或只写“无”" in notes
    assert f"{NAMES['copied']}：内容重复，与 2021 年度报告相同的内容占 100%" in notes
    missing = page.split('id="missing-heading"')[1].split("</ul>")[0]
    assert NAMES["missing"] in missing and "期限 2023-01-31" in missing
    counts = table_captioned(page, "2022年度各项指标的机关数")
    assert [cell.text for cell in counts.row_starting("已发布")] == ["已发布", "6", "1", "0"]
    assert [cell.text for cell in counts.row_starting("内容重复")] == ["内容重复", "0", "1", "6"]  # five first reports and one missing: nothing to compare


def test_the_demo_is_flagged_only_where_its_content_is_faulty(tmp_path: Path) -> None:
    """The demo's one late report (示例县教育局 2020) and the registered agencies with no report
    in a year: computed here from the content files, not from the build."""
    project = copy_of_demo(tmp_path)
    assert build_project(project, project / "site", None, TODAY).ok
    names = dict(re.findall(r"- id: (\S+)\n\s+name: (\S+)", (project / "content/agencies.yaml").read_text(encoding="utf-8")))
    written = {(p.parent.name, int(p.stem)) for p in (project / "content/reports").glob("*/*.md")}
    years = sorted({year for _, year in written})
    for year in years:
        expected = {(names[agency], "已发布") for agency in names if (agency, year) not in written}
        if year == 2020:
            expected.add(("示例县教育局", "按时"))
        assert flagged(project / "site", year) == expected, year


def test_sections_are_found_under_markdown_bold_and_plain_headings() -> None:
    text = "## 一、总体情况\n\n做了工作。\n\n**五、存在的主要问题及改进情况**\n\n无。\n\n六、其他需要报告的事项\n本年度未收费。\n"
    assert narrative_sections(text) == {"一": "做了工作。", "五": "无。", "六": "本年度未收费。"}


def test_figures_stated_next_to_the_tables_terms() -> None:
    text = "2023年共收到政府信息公开申请49件，另有上年结转申请3件；结转下年度继续办理1件。被申请行政复议2件（纠正1件），行政诉讼0件。"
    assert stated_figures(text) == [("received", "新收申请", 49), ("carried-over", "上年结转", 3), ("carried-forward", "结转下年", 1), ("reviews", "行政复议", 2), ("lawsuits", "行政诉讼", 0)]


def test_repeated_text_ignores_figures_but_not_words() -> None:
    before = "2022年共收到申请8件，均按期答复。我们将继续加强政府信息公开工作。"
    assert repeated_share("2023年共收到申请12件，均按期答复。我们将继续加强政府信息公开工作。", before) == 100
    assert repeated_share("今年重点推进了基层政务公开标准化规范化建设。申请全部按期办结答复。", before) == 0



def test_an_agency_page_shows_its_history(faulty: Path) -> None:
    page = (faulty / "agencies/copied/index.html").read_text(encoding="utf-8")
    grid = table_captioned(page, "本机关各年度报告的合规情况").grid()
    assert grid[0][:3] == ["年度", "按时", "格式"] and grid[0][-1] == "内容重复"
    assert [row[0] for row in grid[1:]] == ["2022年", "2021年"]
    assert grid[1][-1] == "不符合" and grid[2][-1] == "—"  # the first report has nothing before it
    assert "2022年：内容重复：与 2021 年度报告相同的内容占 100%" in re.sub(r"<[^>]+>", "", page)


def test_the_csv_gives_what_the_pages_show(faulty: Path) -> None:
    raw = (faulty / "data/compliance.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    titles = {i.key.replace("-", "_"): i.title for i in INDICATORS}
    assert [(r["agency_id"], r["year"]) for r in rows] == [(key, str(year)) for year in (2021, 2022) for key in AGENCIES]
    for year in (2021, 2022):
        shown = {(NAMES[r["agency_id"]], titles[column]) for r in rows if r["year"] == str(year) for column in titles if r[column] == "false"}
        assert shown == flagged(faulty, year)
    copied = next(r for r in rows if r["agency_id"] == "copied" and r["year"] == "2022")
    assert copied["notes"] == "内容重复，与 2021 年度报告相同的内容占 100%" and copied["on_time"] == "true" and copied["repeated"] == "false"
    assert next(r for r in rows if r["agency_id"] == "clean" and r["year"] == "2022")["repeated"] == ""  # nothing before it to compare


def test_the_repeated_share_is_a_setting(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.report("county", 2021)
    portal.report("county", 2022)
    site_yaml = portal.root / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "repeated_share: 100\n", encoding="utf-8")
    assert build_project(portal.root, portal.root / "site", None, TODAY).ok
    assert ("测试县人民政府", "内容重复") not in flagged(portal.root / "site", 2022)  # 100 % is not above 100 %
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("repeated_share: 100", "repeated_share: 一半"), encoding="utf-8")
    result = build_project(portal.root, portal.root / "site", None, TODAY)
    assert [(p.file, p.rule, p.message) for p in result.errors] == [
        ("content/site.yaml", "wrong-type", "“repeated_share”（内容重复的比例上限）应写 1 到 100 之间的整数，如 50"),
    ]


def test_an_edit_makes_the_compliance_page_again_only_when_a_verdict_changes(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.report("county", 2022)
    site = portal.root / "site"
    assert build_project(portal.root, site, None, TODAY).ok
    portal.report("county", 2022, changes={"仍需改进。": "仍需改进，明年继续。"})  # text, no verdict changes
    result = build_project(portal.root, site, None, TODAY)
    assert result.ok and result.rendered == 3  # the report's page, its report.json and the agency's page
    portal.report("county", 2022, changes={"申请 8 件": "申请 7 件"})  # the narrative now disagrees with the table
    result = build_project(portal.root, site, None, TODAY)
    assert result.ok and result.rendered > 3  # the compliance pages too (and the pages that list the report's summary)
    assert ("测试县人民政府", "正文与表格一致") in flagged(site, 2022)


def test_headings_are_not_counted_as_repeated_text() -> None:
    before = "## 五、存在的主要问题及改进情况\n\n信息公开培训覆盖面还不够广。\n\n**六、其他需要报告的事项**\n\n本年度未收取信息处理费。\n"
    now = "## 五、存在的主要问题及改进情况\n\n政策解读的形式比较单一，图解和视频较少。\n\n**六、其他需要报告的事项**\n\n本年度没有向申请人收取任何费用。\n"
    assert repeated_share(now, before) == 0


def test_verdicts_come_in_the_order_of_the_report_indicators(tmp_path: Path) -> None:
    """Summaries keep verdicts by position (`Summary.compliance`): the order must be the catalogue's."""
    portal = Portal(tmp_path / "portal")
    portal.report("county", 2022)
    checked = check_project(portal.root, TODAY).reports[0]
    assert [v.indicator for v in assess(checked, None, None, 50)] == [i.key for i in REPORT_INDICATORS]


# --- archive mode: reports published as issued, their discrepancies shown ---------------------------

ARCHIVE_FAULTS = {"total": "测试县八局", "carry": "测试县九局", "row": "测试县十局"}
"""Agencies whose 2022 reports an archive publishes and a publisher refuses: a stated total that is not
the sum of its parts, a 上年结转 that is not last year's 结转下年, a row of 表三 left out."""

WRONG_TOTAL = {"review: [1, 0, 0, 1]": "review: [1, 0, 0, 1, 3]"}  # 表四 行政复议: 1 + 0 + 0 + 1 = 2, stated 3
BROKEN_CARRY = {  # still balanced, and its 表二 follows on from last year's
    "carried-over: [1,": "carried-over: [2,", "received: [5,": "received: [4,", "申请 8 件": "申请 7 件", "[2, 1, 10]": "[2, 1, 11]",
}
OWN_WORDS_2021 = {"本年度共收到政府信息公开申请 8 件。": "全年受理申请 8 件。", "本年度未收取信息处理费。": "没有收取任何费用。"}
MISSING_ROW = {"    denied-safety: [0, 0, 0, 0, 0, 0]\n": ""}


def archive_portal(root: Path, mode: str) -> Path:
    """The portal of the faults above, and a clean agency, in `mode` (site.yaml)."""
    portal = Portal(root)
    agencies = {**ARCHIVE_FAULTS, "clean": NAMES["clean"]}
    entries = "".join(f"  - id: {key}\n    name: {name}\n    region: 测试省 / 测试县\n    level: 部门\n" for key, name in agencies.items())
    portal.write("content/agencies.yaml", "agencies:\n" + entries)
    site_yaml = portal.root / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"mode: {mode}\n", encoding="utf-8")
    portal.report("total", 2022, changes=WRONG_TOTAL)
    portal.report("carry", 2021, changes=OWN_WORDS_2021)
    portal.report("carry", 2022, changes=BROKEN_CARRY)
    portal.report("row", 2022, changes=MISSING_ROW)
    portal.report("clean", 2022)
    return portal.root


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = archive_portal(tmp_path_factory.mktemp("archive") / "portal", "archive")
    result = build_project(root, root / "site", None, TODAY)
    assert result.ok, result.errors
    return root / "site"


PUBLISHER_ERRORS = [
    ("content/reports/carry/2022.md", "carry-over", "“二、上年结转政府信息公开申请数量”应等于上一年度报告的“四、结转下年度继续办理”（2021 年度）：自然人列本年 2、上年 1；总计列本年 2、上年 1"),
    ("content/reports/row/2022.md", "missing-row", "表三缺少 “denied-safety”（3.危及“三安全一稳定”）这一行：应填 6 个数（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）"),
    ("content/reports/total/2022.md", "appeal-total", "“行政复议”：“总计”应等于结果维持、结果纠正、其他结果、尚未审结之和，应为 2，实际填写 3"),
]


def test_a_publisher_refuses_the_reports_an_archive_publishes(tmp_path: Path) -> None:
    root = archive_portal(tmp_path / "portal", "publisher")
    checked = check_project(root, TODAY)
    assert [(p.file, p.rule, p.message) for p in checked.errors] == PUBLISHER_ERRORS
    site = root / "site"
    result = build_project(root, site, None, TODAY)
    assert not result.ok and [(p.file, p.rule, p.message) for p in result.errors] == PUBLISHER_ERRORS
    assert not site.exists()


def test_an_archive_checks_them_as_warnings_with_the_same_rule_ids(tmp_path: Path) -> None:
    root = archive_portal(tmp_path / "portal", "archive")
    checked = check_project(root, TODAY)
    assert checked.errors == ()
    assert [(p.file, p.rule, p.message) for p in checked.warnings] == PUBLISHER_ERRORS


def test_an_archive_flags_them_on_the_compliance_page(archived: Path) -> None:
    assert flagged(archived, 2022) == {
        (ARCHIVE_FAULTS["total"], "勾稽"),
        (ARCHIVE_FAULTS["carry"], "跨年一致"),
        (ARCHIVE_FAULTS["row"], "表格完整"),
    }
    rows = list(csv.DictReader(io.StringIO((archived / "data/compliance.csv").read_bytes().decode("utf-8-sig"), newline="")))
    by_agency = {r["agency_id"]: r for r in rows if r["year"] == "2022"}
    assert (by_agency["total"]["arithmetic"], by_agency["carry"]["carry_over"], by_agency["row"]["tables_complete"]) == ("false",) * 3
    assert by_agency["row"]["narrative_agrees"] == ""  # cannot be judged without the whole table


def marked_cells(page: str) -> list[str]:
    """The text of every cell marked as a discrepancy, in page order."""
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td[^>]*class="num[^"]* discrepancy"[^>]*>(.*?)</td>', page)]


def notes_of(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", note) for note in re.findall(r'<li id="discrepancy-\d+">(.*?)</li>', page)]


def test_an_archived_report_shows_each_discrepancy_at_its_cell(archived: Path) -> None:
    page = (archived / "reports/total/2022/index.html").read_text(encoding="utf-8")
    review = table_captioned(page, "四、政府信息公开行政复议、行政诉讼情况").grid()
    assert review[-1][:5] == ["1", "0", "0", "1", "3注1"]  # as issued, the 总计 marked
    assert marked_cells(page) == ["3注1"]
    assert notes_of(page) == ["注1　表四“行政复议”一行的“总计”填写为 3，按各项相加应为 2。"]
    assert '<a class="mark" href="#discrepancy-1">注1</a>' in page
    assert "统计表中有 1 处数字前后不一致或缺项" in page and "勾稽关系一致" not in page

    page = (archived / "reports/carry/2022/index.html").read_text(encoding="utf-8")
    assert marked_cells(page) == ["2注1", "2注1"]  # 上年结转: 自然人, and the total computed from it
    assert notes_of(page) == [
        "注1　表三的“二、上年结转政府信息公开申请数量”与 2021 年度报告的“四、结转下年度继续办理”不一致：“自然人”列本年为 2 件，上年报告为 1 件；“总计”列本年为 2 件，上年报告为 1 件。"
    ]


def test_an_archived_report_with_a_row_left_out_says_what_its_table_lacks(archived: Path) -> None:
    page = (archived / "reports/row/2022/index.html").read_text(encoding="utf-8")
    section = page.split('id="table-applications"')[1].split("</section>")[0]
    assert "<table" not in section and "本表未能列出" in section
    assert notes_of(page) == ["注1　报告的表三没有填写“3.危及“三安全一稳定””这一行，本表无法完整列出。"]
    assert "<table" in page.split('id="table-appeals"')[1]  # the other tables are shown
    figures = (archived / "data/figures/2022.csv").read_bytes().decode("utf-8-sig")
    assert "\nrow," not in figures and "\ntotal,2022," in figures  # a report without all its tables has no figures rows


def test_without_discrepancies_an_archive_publishes_the_same_site(tmp_path: Path) -> None:
    sites = {}
    for mode in ("publisher", "archive"):
        project = copy_of_demo(tmp_path / mode)
        site_yaml = project / "content/site.yaml"
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"\nmode: {mode}\n", encoding="utf-8")
        assert build_project(project, project / "site", None, TODAY, search=False).ok  # Pagefind's own bytes vary from run to run
        site = project / "site"
        sites[mode] = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
        del sites[mode][".xxgk-site"]  # the build's stamp: a digest of its inputs, the setting among them
    differ = {path for path in sites["publisher"].keys() | sites["archive"].keys() if sites["publisher"].get(path) != sites["archive"].get(path)}
    # The schema of report.json says what an archive's may hold besides (its discrepancies, a table left out), in the zip too,
    assert differ == {"data/schema/report.schema.json", "data/xxgk-data.zip", "data/index.html"}  # the data page gives the zip's size


def test_the_mode_is_checked(tmp_path: Path) -> None:
    root = archive_portal(tmp_path / "portal", "档案")
    assert ("content/site.yaml", "wrong-type", "“mode” 应写 publisher（发布单位自用，默认）或 archive（档案库：按原样收录，标出不一致之处）") in [
        (p.file, p.rule, p.message) for p in check_project(root, TODAY).errors
    ]


def test_every_discrepancy_reads_as_a_whole_sentence(tmp_path: Path) -> None:
    """The sentences an archive's page says of each kind of discrepancy, their facts filled in."""
    root = archive_portal(tmp_path / "portal", "archive")
    appeals = "  appeals:\n    review: [1, 0, 0, 1]\n    lawsuit-direct: [0, 1, 0, 0]\n    lawsuit-after-review: [0, 0, 0, 0]\n"
    given_total = {"    carried-forward:": "    results-total: [6, 2, 0, 0, 1, 0]\n    carried-forward:", appeals: ""}
    report = root / "content/reports/clean/2022.md"
    text = report.read_text(encoding="utf-8")
    for old, new in given_total.items():
        text = text.replace(old, new)
    report.write_text(text, encoding="utf-8")
    found = [p for p in check_project(root, TODAY).warnings if p.file == "content/reports/clean/2022.md"]
    assert [public_notice(p) for p in found] == [
        "报告没有表四“政府信息公开行政复议、行政诉讼情况”。",
        "表三“总计”列的收、结、转不平衡：“一、本年新收政府信息公开申请数量” 8 件与“二、上年结转政府信息公开申请数量” 1 件合计 9 件，"
        "而“（七）总计” 9 件与“四、结转下年度继续办理” 1 件合计 10 件，两者应相等。",  # the total column, computed, follows
        "表三“自然人”列的收、结、转不平衡：“一、本年新收政府信息公开申请数量” 5 件与“二、上年结转政府信息公开申请数量” 1 件合计 6 件，"
        "而“（七）总计” 6 件与“四、结转下年度继续办理” 1 件合计 7 件，两者应相等。",
        "表三“自然人”列的“（七）总计”填写为 6，按各项相加应为 5。",
    ]


def test_an_archives_report_json_holds_its_discrepancies_and_validates(archived: Path) -> None:
    schema = json.loads((archived / "data/schema/report.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(archived.glob("reports/*/*/report.json")):
        assert list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))) == [], path
    data = json.loads((archived / "reports/row/2022/report.json").read_text(encoding="utf-8"))
    assert [(p["severity"], p["rule"]) for p in data["problems"]] == [("warning", "missing-row")] and "三" not in data["tables"]


def test_a_year_after_an_incomplete_report_says_why_it_cannot_compare(tmp_path: Path) -> None:
    portal = Portal(tmp_path / "portal")
    portal.write("content/site.yaml", "title: 测试门户\nmode: archive\n")
    portal.report("county", 2021, changes=MISSING_ROW)
    portal.report("county", 2022)
    assert build_project(portal.root, portal.root / "site", None, TODAY, search=False).ok
    page = (portal.root / "site/reports/county/2022/index.html").read_text(encoding="utf-8")
    assert "<p>2021年度报告的统计表不完整，无法比较。</p>" in page and "自由格式" not in page


@pytest.mark.parametrize("value", ["[archive]", "{archive: true}"])
def test_a_mode_of_another_kind_is_an_error_not_a_crash(tmp_path: Path, value: str) -> None:
    portal = Portal(tmp_path / "portal")
    portal.write("content/site.yaml", f"title: 测试门户\nmode: {value}\n")
    assert [p.rule for p in check_project(portal.root, TODAY).errors] == ["wrong-type"]
    portal.write("content/site.yaml", "title: 测试门户\nmode:\n")  # blank: the default
    assert check_project(portal.root, TODAY).errors == ()
