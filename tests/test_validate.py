"""Every validation rule: a passing portal, then one failing example per rule,
asserting the rule id, the file and the line an editor must go to."""

from __future__ import annotations

import datetime

import pytest
from click.testing import CliRunner

from generator.build.project import check_project
from generator.cli import main
from generator.content.load import load_site
from generator.model import Problem

from .conftest import FREEFORM, REPORT_2019, Portal, line_of

TODAY = datetime.date(2026, 11, 22)


def problems(portal: Portal) -> list[Problem]:
    return list(check_project(portal.root, TODAY).problems)


def only(portal: Portal, rule: str) -> Problem:
    found = [p for p in problems(portal) if p.rule == rule]
    assert len(found) == 1, problems(portal)
    return found[0]


def test_valid_reports_of_every_format_pass(portal: Portal) -> None:
    portal.report("county", 2022)
    portal.report("county", 2020, template=REPORT_2019)
    portal.report("county", 2018, template=FREEFORM)
    assert problems(portal) == []


def test_totals_may_be_given_and_are_then_accepted(portal: Portal) -> None:
    portal.report(
        changes={
            "received: [5, 2, 0, 0, 1, 0]": "received: [5, 2, 0, 0, 1, 0, 8]",
            "    carried-forward:": "    results-total: [5, 2, 0, 0, 1, 0, 8]\n    carried-forward:",
            "review: [1, 0, 0, 1]": "review: [1, 0, 0, 1, 2]",
        }
    )
    assert problems(portal) == []


# --- schema ------------------------------------------------------------------


def test_problem_line_format(portal: Portal) -> None:
    path = portal.report(changes={"received: [5, 2, 0, 0, 1, 0]": "received: [5, 2, 0, 0, 1, 0, 9]"})
    problem = only(portal, "applicant-total")
    assert str(problem).startswith(f"content/reports/county/2022.md:{line_of(path, 'received:')}: error [applicant-total] ")
    assert "应为 8，实际填写 9" in problem.message


@pytest.mark.parametrize("field", ["agency", "year"])
def test_required_fields(portal: Portal, field: str) -> None:
    portal.report(changes={f"{field}: ": f"# {field}: "})
    problem = only(portal, "required-field")
    assert problem.file == "content/reports/county/2022.md"
    assert field in problem.message


def test_unknown_top_level_key_suggests_nearest(portal: Portal) -> None:
    path = portal.report(changes={"published:": "publshed:"})
    problem = only(portal, "unknown-key")
    assert problem.line == line_of(path, "publshed")
    assert "published" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("disclosed: [3, 1, 0, 0, 0, 0]", "disclosed: [3, -1, 0, 0, 0, 0]", "不能为负数"),
        ("disclosed: [3, 1, 0, 0, 0, 0]", "disclosed: [3, 1.5, 0, 0, 0, 0]", "应为非负整数"),
        ("disclosed: [3, 1, 0, 0, 0, 0]", 'disclosed: [3, "1", 0, 0, 0, 0]', "应为非负整数"),
        ("licensing: 35", "licensing: yes", "应为非负整数"),
        ("fees: 1.25", "fees: 1.23456", "最多保留 4 位小数"),
        ("fees: 1.25", "fees: -2", "不能为负数"),
        ("fees: 1.25", "fees: 一万", "应为数字"),
    ],
)
def test_invalid_values(portal: Portal, old: str, new: str, expected: str) -> None:
    path = portal.report(changes={old: new})
    problem = only(portal, "invalid-value")
    assert problem.line == line_of(path, new)
    assert expected in problem.message


def test_fee_with_four_decimals_is_fine(portal: Portal) -> None:
    portal.report(changes={"fees: 1.25": "fees: 0.1234"})
    assert problems(portal) == []


def test_missing_row_names_its_official_label(portal: Portal) -> None:
    path = portal.report(changes={"    denied-inquiry: [0, 0, 0, 0, 0, 0]\n": ""})
    problem = only(portal, "missing-row")
    assert "8.属于行政查询事项" in problem.message
    assert problem.line == line_of(path, "applications:")


def test_every_missing_row_is_listed_with_its_label_at_its_table_line(portal: Portal) -> None:
    """Ten rows missing are ten problems, each naming its official row, at the line of its
    table's key (where the row belongs), not one problem for the first of each block."""
    gone = ("denied-process", "denied-enforcement", "denied-inquiry", "unable-unclear", "other-no-fee", "carried-forward")
    changes = {f"    {key}: [{'1' if key == 'carried-forward' else '0'}, 0, 0, 0, 0, 0]\n": "" for key in gone}
    path = portal.report(changes={**changes, "    licensing: 35\n": "", "    enforcement: 3\n": ""})
    found = [p for p in problems(portal) if p.rule == "missing-row"]
    labels = ("6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "3.补正后申请内容仍不明确",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "四、结转下年度继续办理")
    assert len(found) == 8, found
    for key, label in zip(gone, labels):
        problem = next(p for p in found if f"“{key}”" in p.message)
        assert f"表三缺少 “{key}”（{label}）这一行：应填 6 个数" in problem.message
        assert (problem.file, problem.line) == ("content/reports/county/2022.md", line_of(path, "applications:"))
    for key in ("licensing", "enforcement"):
        problem = next(p for p in found if f"“{key}”" in p.message)
        assert problem.message.startswith(f"表二缺少 “{key}”") and problem.line == line_of(path, "active:")


def test_check_prints_every_missing_row_with_file_and_line(portal: Portal) -> None:
    path = portal.report(changes={"    denied-process: [0, 0, 0, 0, 0, 0]\n": "", "    denied-inquiry: [0, 0, 0, 0, 0, 0]\n": ""})
    result = CliRunner().invoke(main, ["-p", str(portal.root), "check"])
    where = f"content/reports/county/2022.md:{line_of(path, 'applications:')}: error [missing-row] "
    assert result.exit_code == 1
    assert f"{where}表三缺少 “denied-process”（6.属于四类过程性信息）这一行" in result.output
    assert f"{where}表三缺少 “denied-inquiry”（8.属于行政查询事项）这一行" in result.output
    assert result.output.count("[missing-row]") == 2


def test_unknown_row_suggests_the_nearest_key(portal: Portal) -> None:
    path = portal.report(changes={"denied-law:": "denied-laws:"})
    rules = {p.rule for p in problems(portal)}
    assert rules == {"unknown-row", "missing-row"}
    problem = only(portal, "unknown-row")
    assert problem.line == line_of(path, "denied-laws")
    assert "denied-law" in problem.message


def test_wrong_number_of_columns(portal: Portal) -> None:
    path = portal.report(changes={"received: [5, 2, 0, 0, 1, 0]": "received: [5, 2, 0, 0, 1]"})
    problem = only(portal, "column-count")
    assert problem.line == line_of(path, "received:")
    assert "应有 6 个数" in problem.message and "实际写了 5 个" in problem.message


def test_missing_table(portal: Portal) -> None:
    text = portal.report().read_text(encoding="utf-8")
    start, end = text.index("  appeals:"), text.index("---\n\n")
    portal.write("content/reports/county/2022.md", text[:start] + text[end:])
    assert "appeals" in only(portal, "missing-table").message


def test_unknown_table(portal: Portal) -> None:
    portal.report(changes={"  appeals:": "  appeal:"})
    assert "appeals" in only(portal, "unknown-table").message


def test_freeform_report_with_tables(portal: Portal) -> None:
    portal.report(year=2017, template=FREEFORM, changes={"format: freeform": "format: freeform\ntables:\n  active: {}"})
    assert only(portal, "unexpected-tables").severity == "error"


def test_unknown_format(portal: Portal) -> None:
    portal.report(changes={'format: "2021"': 'format: "2020"'})
    assert "2020" in only(portal, "unknown-format").message


# --- arithmetic ------------------------------------------------------------------


def test_row_total_of_table_3(portal: Portal) -> None:
    path = portal.report(changes={"disclosed: [3, 1, 0, 0, 0, 0]": "disclosed: [3, 1, 0, 0, 0, 0, 5]"})
    problem = only(portal, "applicant-total")
    assert problem.line == line_of(path, "    disclosed:")
    assert "（一）予以公开" in problem.message


def test_results_total_row(portal: Portal) -> None:
    path = portal.report(changes={"    carried-forward:": "    results-total: [5, 2, 0, 0, 2, 0]\n    carried-forward:"})
    problem = only(portal, "results-total")
    assert problem.line == line_of(path, "results-total")
    assert "“法律服务机构”列" in problem.message and "应为 1，实际填写 2" in problem.message


def test_balance_of_table_3(portal: Portal) -> None:
    path = portal.report(changes={"carried-forward: [1, 0, 0, 0, 0, 0]": "carried-forward: [2, 0, 0, 0, 0, 0]"})
    found = [p for p in problems(portal) if p.rule == "applications-balance"]
    assert [p.line for p in found] == [line_of(path, "carried-forward")] * 2  # 自然人 and 总计
    natural = next(p.message for p in found if "“自然人”列" in p.message)
    assert "5 + 1 = 6" in natural and "5 + 2 = 7" in natural


def test_appeal_total(portal: Portal) -> None:
    path = portal.report(changes={"lawsuit-direct: [0, 1, 0, 0]": "lawsuit-direct: [0, 1, 0, 0, 0]"})
    problem = only(portal, "appeal-total")
    assert problem.line == line_of(path, "lawsuit-direct")
    assert "未经复议直接起诉" in problem.message


# --- across years ---------------------------------------------------------------------


def test_carry_over_must_match_last_year(portal: Portal) -> None:
    portal.report(year=2021, changes={"normative-documents: [2, 1, 10]": "normative-documents: [2, 1, 9]"})
    path = portal.report(year=2022, changes={"carried-over: [1, 0, 0, 0, 0, 0]": "carried-over: [1, 1, 0, 0, 0, 0]", "carried-forward: [1, 0, 0, 0, 0, 0]": "carried-forward: [1, 1, 0, 0, 0, 0]"})
    problem = only(portal, "carry-over")
    assert problem.file == "content/reports/county/2022.md"
    assert problem.line == line_of(path, "carried-over")
    assert problem.severity == "error"
    assert "商业企业列本年 1、上年 0" in problem.message


def test_carry_over_across_the_2020_to_2021_format_change(portal: Portal) -> None:
    portal.report(year=2020, template=REPORT_2019)  # carries forward [0, 1, ...]
    portal.report(year=2021)  # carries over [1, 0, ...]
    assert only(portal, "carry-over").file == "content/reports/county/2021.md"


def test_in_force_continuity_is_a_warning(portal: Portal) -> None:
    portal.report(year=2021)
    path = portal.report(year=2022)  # in force 10, but last year's 10 + 2 − 1 = 11
    problem = only(portal, "in-force-continuity")
    assert problem.severity == "warning"
    assert problem.line == line_of(path, "normative-documents")
    assert "10 + 2 − 1 = 11" in problem.message


def test_no_cross_year_check_when_a_year_is_missing(portal: Portal) -> None:
    portal.report(year=2020, template=REPORT_2019)
    portal.report(year=2022)
    assert problems(portal) == []


# --- registry ---------------------------------------------------------------------------


def test_unknown_agency(portal: Portal) -> None:
    path = portal.report(agency="nobody")
    problem = only(portal, "unknown-agency")
    assert problem.line == line_of(path, "agency:")


def test_duplicate_agency_id(portal: Portal) -> None:
    path = portal.write("content/agencies.yaml", (portal.root / "content/agencies.yaml").read_text(encoding="utf-8") + "  - id: town\n    name: 重复\n    region: 测试省\n    level: 部门\n")
    problem = only(portal, "duplicate-agency")
    assert problem.file == "content/agencies.yaml"
    assert problem.line == len(path.read_text(encoding="utf-8").splitlines()) - 3


def test_bad_agency_id_and_level(portal: Portal) -> None:
    portal.write("content/agencies.yaml", "agencies:\n  - id: Bad_ID\n    name: 甲\n    region: 乙\n    level: 国家级\n")
    assert only(portal, "agency-id").line == 2
    assert only(portal, "agency-level").line == 5


def test_two_reports_for_one_agency_and_year(portal: Portal) -> None:
    portal.report(year=2022)
    portal.report(year=2022, name="2022-copy")
    found = {p.rule for p in problems(portal)}
    assert {"duplicate-report", "path-mismatch"} <= found
    # the first file in name order keeps its place; the other is reported
    assert only(portal, "duplicate-report").file == "content/reports/county/2022.md"


@pytest.mark.parametrize("year", [2007, 2027])
def test_year_out_of_range(portal: Portal, year: int) -> None:
    portal.report(year=year, template=FREEFORM if year < 2019 else REPORT_2019.replace('"2019"', '"2021"'))
    assert only(portal, "year-range").line == 3


def test_path_disagrees_with_front_matter(portal: Portal) -> None:
    path = portal.report(agency="county", year=2022)
    moved = portal.root / "content/reports/town/2022.md"
    moved.parent.mkdir(parents=True)
    path.rename(moved)
    problem = only(portal, "path-mismatch")
    assert problem.file == "content/reports/town/2022.md" and problem.line == 2


def test_superseded_format(portal: Portal) -> None:
    portal.report(year=2022, template=REPORT_2019)
    assert "国办公开办函〔2021〕30号" in only(portal, "format-mismatch").message


def test_late_publication_is_a_warning(portal: Portal) -> None:
    path = portal.report(agency="county-edu", published="2023-02-01")
    problem = only(portal, "late-publication")
    assert problem.severity == "warning"
    assert problem.line == line_of(path, "published:")
    assert "2023-01-31" in problem.message


def test_county_government_may_publish_until_march(portal: Portal) -> None:
    portal.report(agency="county", published="2023-03-31")
    assert problems(portal) == []
    portal.report(agency="county", published="2023-04-01")
    assert only(portal, "late-publication").severity == "warning"


def test_missing_published_date_is_a_warning(portal: Portal) -> None:
    portal.report(changes={"published: 2023-01-20": "published:"})
    assert only(portal, "missing-published").severity == "warning"


@pytest.mark.parametrize("value", ["2023-02-30", "明年一月"])
def test_invalid_published_date(portal: Portal, value: str) -> None:
    path = portal.report(published=value)
    problem = [p for p in problems(portal) if p.severity == "error"][0]
    assert problem.line == line_of(path, "published:")
    assert value in problem.message


def test_attachment_must_exist_beside_the_report(portal: Portal) -> None:
    path = portal.report(changes={'format: "2021"': 'format: "2021"\nattachments:\n  - file: 原件.pdf'})
    assert only(portal, "attachment").line == line_of(path, "原件.pdf")
    (path.parent / "原件.pdf").write_bytes(b"%PDF-1.4")
    assert problems(portal) == []


def test_attachment_may_not_leave_its_folder(portal: Portal) -> None:
    portal.report(changes={'format: "2021"': 'format: "2021"\nattachments:\n  - file: ../../site.yaml'})
    assert "不能含路径" in only(portal, "attachment").message


# --- reading files --------------------------------------------------------------------------


def test_yaml_syntax_error_has_line_and_column(portal: Portal) -> None:
    path = portal.report(changes={"licensing: 35": "licensing: [35"})
    problem = only(portal, "yaml-syntax")
    assert problem.line >= line_of(path, "licensing")
    assert "YAML" in problem.message and "列" in problem.message


def test_duplicate_keys_are_rejected(portal: Portal) -> None:
    path = portal.report(changes={"    penalties: 12\n": "    penalties: 12\n    penalties: 13\n"})
    assert only(portal, "duplicate-key").line == line_of(path, "penalties: 13")


def test_front_matter_never_closed(portal: Portal) -> None:
    portal.write("content/reports/county/2022.md", "---\nagency: county\nyear: 2022\n")
    assert only(portal, "front-matter").line == 1


def test_missing_site_settings(portal: Portal) -> None:
    (portal.root / "content/site.yaml").unlink()
    assert only(portal, "missing-file").file == "content/site.yaml"


def test_published_before_the_year_ended_is_a_warning(portal: Portal) -> None:
    portal.report(published="2022-06-30")
    assert only(portal, "early-publication").severity == "warning"


def test_unknown_parent_agency(portal: Portal) -> None:
    portal.write("content/agencies.yaml", "agencies:\n  - id: a\n    name: 甲\n    region: 乙\n    level: 部门\n    parent: nobody\n")
    assert only(portal, "unknown-agency").line == 6


def test_site_title_is_required(portal: Portal) -> None:
    portal.write("content/site.yaml", "base_url: /\n")
    problem = only(portal, "required-field")
    assert problem.file == "content/site.yaml" and "title" in problem.message


def test_a_file_that_is_not_utf8_is_named_with_its_line(portal: Portal) -> None:
    path = portal.report()
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    problem = only(portal, "encoding")
    assert problem.file == "content/reports/county/2022.md"
    assert problem.line == text.splitlines().index("## 一、总体情况") + 1  # the first line that is not ASCII
    assert "UTF-8" in problem.message


def test_bom_and_windows_line_endings_are_read(portal: Portal) -> None:
    path = portal.report()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert problems(portal) == []


def test_an_alias_bomb_is_refused(portal: Portal) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    portal.write("content/reports/county/2022.md", "---\n" + bomb + "---\n")
    assert only(portal, "yaml-too-large").file == "content/reports/county/2022.md"


def test_a_registry_of_many_agencies_is_not_taken_for_a_bomb(portal: Portal) -> None:
    """20,000 agencies are 120,000 YAML values, past the flat limit that stops alias bombs in a
    report: the limit grows with the text, so a nationwide registry is read (found at 300,000 reports)."""
    registry = (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
    extra = "".join(f"  - id: extra-{n}\n    name: 示例第{n}乡人民政府\n    region: 测试省 / 测试市 / 测试县\n    level: 乡镇/街道\n    parent: county\n" for n in range(20_000))
    portal.write("content/agencies.yaml", registry + extra)
    assert problems(portal) == []


# --- odd but plausible input never ends in a traceback (found in review) ---------------


def test_a_mistyped_year_is_only_out_of_range(portal: Portal) -> None:
    portal.report(year=20253, template=FREEFORM, published="2026-01-20")
    assert [p.rule for p in problems(portal) if p.severity == "error"] == ["year-range"]


def test_a_published_time_of_day_is_accepted(portal: Portal) -> None:
    portal.report(changes={"published: 2023-01-20": "published: 2023-01-20 10:00:00"})
    assert problems(portal) == []


@pytest.mark.parametrize("value", [".inf", ".nan", "1.0e+400"])
def test_fee_that_is_not_a_finite_number(portal: Portal, value: str) -> None:
    portal.report(changes={"fees: 1.25": f"fees: {value}"})
    assert "应为数字" in only(portal, "invalid-value").message


@pytest.mark.parametrize(
    ("line", "rule"),
    [("<<: 5", "yaml-syntax"), ("2024-02-30: x", "invalid-date"), ("!!python/name:os.system : x", "yaml-value")],
)
def test_bad_keys_are_reported_with_their_line(portal: Portal, line: str, rule: str) -> None:
    path = portal.report(changes={"year: 2022\n": f"year: 2022\n{line}\n"})
    problem = only(portal, rule)
    assert problem.line == line_of(path, line.split(":")[0])


def test_a_merge_key_may_be_overridden(portal: Portal) -> None:
    portal.report(
        changes={
            "  appeals:\n    review: [1, 0, 0, 1]": "  appeals:\n    <<: {review: [9, 9, 9, 9]}\n    review: [1, 0, 0, 1]",
        }
    )
    assert problems(portal) == []


def test_an_empty_row_is_named_at_its_own_line(portal: Portal) -> None:
    path = portal.report(changes={"received: [5, 2, 0, 0, 1, 0]": "received:"})
    problem = only(portal, "missing-row")
    assert problem.line == line_of(path, "received:") and "是空的" in problem.message


def test_other_tables_are_still_checked_when_one_cannot_be_read(portal: Portal) -> None:
    portal.report(changes={"licensing: 35": "licencing: 35", "lawsuit-direct: [0, 1, 0, 0]": "lawsuit-direct: [0, 1, 0, 0, 5]"})
    assert {p.rule for p in problems(portal)} == {"unknown-row", "missing-row", "appeal-total"}


def test_tables_that_are_not_a_mapping_are_reported_once(portal: Portal) -> None:
    text = portal.report().read_text(encoding="utf-8")
    portal.write("content/reports/county/2022.md", text[: text.index("tables:")] + "tables: []\n---\n")
    assert [p.rule for p in problems(portal)] == ["wrong-type"]


def test_freeform_with_tables_is_one_problem(portal: Portal) -> None:
    portal.report(year=2017, template=FREEFORM, changes={"format: freeform": "format: freeform\ntables:\n  active: {}\n  misc: 1"})
    assert [p.rule for p in problems(portal)] == ["unexpected-tables"]


@pytest.mark.parametrize("region", ["123", "[示例省, 2]", "[]"])
def test_region_of_the_wrong_type(portal: Portal, region: str) -> None:
    portal.write("content/agencies.yaml", f"agencies:\n  - id: a\n    name: 甲\n    region: {region}\n    level: 部门\n")
    assert only(portal, "wrong-type").line == 4


@pytest.mark.parametrize(("value", "expected"), [("江苏省 / 淮安市", ("江苏省", "淮安市")), ("[江苏省, 淮安市]", ("江苏省", "淮安市")), ('""', ())])
def test_the_default_region_is_a_site_setting(portal: Portal, value: str, expected: tuple[str, ...]) -> None:
    portal.write("content/site.yaml", f"title: 门户\ndefault_region: {value}\n")
    loaded = load_site(portal.root)
    assert loaded.value.default_region == expected and not loaded.problems


def test_a_default_region_of_the_wrong_type_is_named_at_its_line(portal: Portal) -> None:
    portal.write("content/site.yaml", "title: 门户\ndefault_region: 3\n")
    problem = only(portal, "wrong-type")
    assert (problem.file, problem.line) == ("content/site.yaml", 2) and "default_region" in problem.message
    assert load_site(portal.root).value.default_region == ()


def test_agency_may_not_be_its_own_parent(portal: Portal) -> None:
    portal.write("content/agencies.yaml", "agencies:\n  - id: a\n    name: 甲\n    region: 乙\n    level: 部门\n    parent: a\n")
    assert "本机关自己" in only(portal, "unknown-agency").message


def test_agency_website_must_be_a_web_address(portal: Portal) -> None:
    portal.write("content/agencies.yaml", "agencies:\n  - id: a\n    name: 甲\n    region: 乙\n    level: 部门\n    website: javascript:alert(1)\n")
    assert only(portal, "agency-website").line == 6


@pytest.mark.parametrize("value", ["https://[www.example.gov.cn/xxgk/", "/\\\\evil.com/", "xxgk/", "/a b/"])
def test_base_url_must_be_a_plain_path_or_web_address(portal: Portal, value: str) -> None:
    portal.write("content/site.yaml", f"title: 测试\nbase_url: '{value}'\n")
    assert only(portal, "base-url").line == 2


@pytest.mark.parametrize("name", ["index.html", "report.json", "INDEX.HTML"])
def test_attachment_may_not_replace_a_generated_page(portal: Portal, name: str) -> None:
    path = portal.report(changes={'format: "2021"': f'format: "2021"\nattachments:\n  - file: {name}'})
    (path.parent / name).write_text("<script>alert(1)</script>", encoding="utf-8")
    assert "留给生成的页面" in only(portal, "attachment").message


def test_before_2019_every_body_had_until_31_march(portal: Portal) -> None:
    portal.report(agency="county-edu", year=2018, template=FREEFORM, published="2019-03-10")
    assert problems(portal) == []
    portal.report(agency="county-edu", year=2018, template=FREEFORM, published="2019-04-01")
    assert "2019-03-31" in only(portal, "late-publication").message


def test_a_tab_in_the_indentation_is_named(portal: Portal) -> None:
    path = portal.report(changes={"    penalties: 12": "\tpenalties: 12"})
    problem = only(portal, "yaml-syntax")
    assert problem.line == line_of(path, "\tpenalties")
    assert "制表符" in problem.message
