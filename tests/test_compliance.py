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
import re
from pathlib import Path

import pytest

from generator.build.project import build_project, check_project
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
