"""The rule catalogue: every rule xxgk checks, once, with its severity, a short Chinese
title and its basis (the regulation article or format notice; "xxgk" for the tool's
own rules about files and syntax); and, for what a published page can carry (a warning,
or an error an archive publishes as a discrepancy: `DISCREPANCIES`), the plain sentence
its report's page says to citizens (`public_notice`): editors read messages with rule ids
and field names, citizens never do.

Every problem is made from an entry here (`Source.problem(RULES.x, ...)`,
`RULES.x.at(...)`, `SourceError(line, RULES.x, ...)`), so a rule's severity is
written in one place and an id cannot be emitted without being catalogued
(tests/test_rules.py checks this, and that the table in docs/zh/check.md agrees).

Why here, and why content/ and formats/ may import it although they sit below
rules/: problems are made in every stage (reading files, reading tables, the
official formats' arithmetic, the rules, templates), so the catalogue must be
importable by all of them. This module is a leaf: it imports only `model` (for
`RuleSpec`), and `rules/__init__.py` imports nothing, so `import
generator.rules.catalogue` loads no rule and no stage (a test guards that). It
stays in rules/ because that is where a reader looks for the rules, as
docs/en/architecture.md lays out; the checks themselves (`validate`) stay above content/.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..model import Problem, RuleSpec

TOOL = "xxgk"
REGULATION = "《政府信息公开条例》"
FORMAT_NOTICES = "国办公开办函〔2019〕60号、〔2021〕30号"
TABLE_SHAPE = f"{REGULATION}第五十条；{FORMAT_NOTICES}"


_ROW_TOTAL = "表{table}“{row}”一行的“总计”填写为 {stated}，按各项相加应为 {expected}。"


@dataclass(frozen=True)
class Rules:
    """One attribute per rule, named after its id (`-` becomes `_`), in the order of docs/zh/check.md."""

    # --- arithmetic (勾稽关系) and years ---
    applicant_total: RuleSpec = RuleSpec(
        "applicant-total", "error", "表三每行总计", f"{FORMAT_NOTICES} 表三", public=_ROW_TOTAL
    )
    results_total: RuleSpec = RuleSpec(
        "results-total", "error", "表三（七）总计", f"{FORMAT_NOTICES} 表三",
        public="表{table}“{column}”列的“{row}”填写为 {stated}，按各项相加应为 {expected}。",
    )  # fmt: skip
    applications_balance: RuleSpec = RuleSpec(
        "applications-balance", "error", "表三各列勾稽关系", f"{FORMAT_NOTICES} 表三（表头所注勾稽关系）",
        public="表{table}“{column}”列的收、结、转不平衡：{left}，而{right}，两者应相等。",
    )  # fmt: skip
    appeal_total: RuleSpec = RuleSpec("appeal-total", "error", "表四各项总计", f"{FORMAT_NOTICES} 表四", public=_ROW_TOTAL)
    carry_over: RuleSpec = RuleSpec(
        "carry-over", "error", "上年结转与上年度报告一致", f"{FORMAT_NOTICES} 表三（二、上年结转；四、结转下年度继续办理）",
        public="表{table}的“{row}”与 {previous} 年度报告的“{before}”不一致：{columns}。",
    )  # fmt: skip
    in_force_continuity: RuleSpec = RuleSpec(
        "in-force-continuity",
        "warning",
        "现行有效件数前后衔接",
        "国办公开办函〔2021〕30号 表二（第二十条第（一）项）",
        public="表{table}中“{label}”的现行有效件数，与上一年度报告的件数加本年制发、减本年废止件数的结果不一致。",
    )

    # --- the shape of the tables ---
    missing_row: RuleSpec = RuleSpec(
        "missing-row", "error", "缺少表格行", TABLE_SHAPE, public="报告的表{table}没有填写“{row}”这一行，本表无法完整列出。"
    )
    unknown_row: RuleSpec = RuleSpec("unknown-row", "error", "未知的表格行", TABLE_SHAPE)
    missing_table: RuleSpec = RuleSpec("missing-table", "error", "缺少统计表", TABLE_SHAPE, public="报告没有表{table}“{title}”。")
    unknown_table: RuleSpec = RuleSpec("unknown-table", "error", "未知的统计表", TABLE_SHAPE)
    column_count: RuleSpec = RuleSpec("column-count", "error", "每行数字个数", TABLE_SHAPE)
    unexpected_tables: RuleSpec = RuleSpec(
        "unexpected-tables", "error", "自由格式报告不含统计表", "国办公开办函〔2019〕60号（统一表格自 2019 年度起）"
    )
    invalid_value: RuleSpec = RuleSpec("invalid-value", "error", "数值不合规", f"{FORMAT_NOTICES}（件数为整数，收费金额单位为万元）")

    # --- fields of the front matter and settings ---
    required_field: RuleSpec = RuleSpec("required-field", "error", "缺少必填项", TOOL)
    unknown_key: RuleSpec = RuleSpec("unknown-key", "error", "未知的键", TOOL)
    wrong_type: RuleSpec = RuleSpec("wrong-type", "error", "值的类型不对", TOOL)
    unknown_format: RuleSpec = RuleSpec("unknown-format", "error", "未知的表格格式", TOOL)
    invalid_date: RuleSpec = RuleSpec("invalid-date", "error", "日期无效", TOOL)
    format_mismatch: RuleSpec = RuleSpec(
        "format-mismatch", "error", "表格格式与年度不符", "国办公开办函〔2021〕30号（2021 年度起）；〔2019〕60号（2019、2020 年度）"
    )

    # --- the agency registry and the site settings ---
    unknown_agency: RuleSpec = RuleSpec("unknown-agency", "error", "机关未登记", TOOL)
    duplicate_agency: RuleSpec = RuleSpec("duplicate-agency", "error", "机关标识重复", TOOL)
    agency_id: RuleSpec = RuleSpec("agency-id", "error", "机关标识不合规", TOOL)
    agency_level: RuleSpec = RuleSpec("agency-level", "error", "机关层级无效", TOOL)
    agency_website: RuleSpec = RuleSpec("agency-website", "error", "机关网站地址无效", TOOL)
    base_url: RuleSpec = RuleSpec("base-url", "error", "发布地址无效", TOOL)
    site_identifier: RuleSpec = RuleSpec(
        "site-identifier", "error", "网站标识码或备案号格式不对", "《政府网站发展指引》（国办发〔2017〕47号）：页面底部列明网站标识码、ICP备案编号、公安机关备案号"
    )
    data_licence: RuleSpec = RuleSpec("data-licence", "error", "数据许可无效", TOOL)

    # --- reports and their files ---
    duplicate_report: RuleSpec = RuleSpec("duplicate-report", "error", "同一年度重复报告", TOOL)
    path_mismatch: RuleSpec = RuleSpec("path-mismatch", "error", "文件位置与前置信息不符", TOOL)
    year_range: RuleSpec = RuleSpec("year-range", "error", "年度超出范围", "2007年《政府信息公开条例》第三十八条（2008年5月1日起施行）")
    attachment: RuleSpec = RuleSpec("attachment", "error", "附件无法发布", TOOL)
    revisions_file: RuleSpec = RuleSpec("revisions-file", "error", "修订记录无法读写", TOOL)

    # --- timeliness ---
    late_publication: RuleSpec = RuleSpec(
        "late-publication",
        "warning",
        "逾期发布",
        f"{REGULATION}第四十九条；2007年《政府信息公开条例》第三十一条",
        public="本报告晚于规定期限发布（期限为 {due}，晚 {days} 天）。",
    )
    early_publication: RuleSpec = RuleSpec(
        "early-publication",
        "warning",
        "发布日期早于年度结束",
        f"{REGULATION}第四十九条（公布上一年度报告）",
        public="本报告注明的发布日期（{published}）早于报告年度结束，可能有误。",
    )
    missing_published: RuleSpec = RuleSpec(
        "missing-published", "warning", "未填写发布日期", f"{REGULATION}第四十九条", public="发布日期未注明，无法判断是否按时发布。"
    )

    # --- reading files ---
    yaml_syntax: RuleSpec = RuleSpec("yaml-syntax", "error", "YAML 语法错误", TOOL)
    yaml_value: RuleSpec = RuleSpec("yaml-value", "error", "无法识别的 YAML 值", TOOL)
    yaml_too_large: RuleSpec = RuleSpec("yaml-too-large", "error", "YAML 过大或别名层层嵌套", TOOL)
    duplicate_key: RuleSpec = RuleSpec("duplicate-key", "error", "重复的键", TOOL)
    front_matter: RuleSpec = RuleSpec("front-matter", "error", "前置信息格式有误", TOOL)
    encoding: RuleSpec = RuleSpec("encoding", "error", "不是 UTF-8 编码", TOOL)
    binary_file: RuleSpec = RuleSpec("binary-file", "error", "二进制文件", TOOL)
    empty_file: RuleSpec = RuleSpec("empty-file", "error", "空文件", TOOL)
    missing_file: RuleSpec = RuleSpec("missing-file", "error", "缺少文件", TOOL)
    unreadable: RuleSpec = RuleSpec("unreadable", "error", "文件无法读取", TOOL)
    outside_content: RuleSpec = RuleSpec("outside-content", "error", "指向 content/ 以外的链接", TOOL)

    # --- the portal's templates ---
    template: RuleSpec = RuleSpec("template", "error", "模板错误", TOOL)


RULES = Rules()

CATALOGUE: tuple[RuleSpec, ...] = tuple(getattr(RULES, f.name) for f in fields(Rules))
"""Every rule, in the order above."""

BY_ID: dict[str, RuleSpec] = {rule.id: rule for rule in CATALOGUE}

DISCREPANCIES: frozenset[str] = frozenset(
    rule.id
    for rule in (
        RULES.applicant_total, RULES.results_total, RULES.applications_balance, RULES.appeal_total,
        RULES.carry_over, RULES.missing_table, RULES.missing_row,
    )
)  # fmt: skip
"""The errors an archive publishes rather than refuses (site.yaml `mode: archive`): the tables'
arithmetic, the carry-over from last year and missing tables or rows, which are facts about a
report as its agency issued it. Errors that leave a file unreadable, or unplaced (its YAML, its
encoding, an agency not in the registry, a figure that is no number), stop the build in both modes."""


def as_issued(problem: Problem) -> Problem:
    """A problem as an archive publishes it: a discrepancy is a fact about the report as its
    agency issued it, shown on its page, so a warning; any other problem is unchanged. (The one
    change of a severity, so made here, where every severity is written.)"""
    return replace(problem, severity="warning") if problem.rule in DISCREPANCIES else problem


def public_notice(problem: Problem) -> str:
    """What a report's page tells its readers of a warning or a discrepancy: its rule's sentence for
    citizens, with the problem's facts filled in (never the editor's message or the id)."""
    return BY_ID[problem.rule].public.format_map(dict(problem.facts))
