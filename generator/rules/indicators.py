"""The compliance indicators: what evaluators score each agency's report on, defined once.

Evaluators (the CASS transparency index, provincial 政务公开 assessments, city rule
packs) score every report by hand on the same few questions; the 2021 format
notice itself warns against reports that are late, inaccurate, incomplete or
雷同. Each indicator here has a short title (a column of the compliance page),
its basis, and a sentence a reader understands without knowing the rules. The
ones the build already checks name the rules whose problems fail them
(`rules`); the others are judged from the report's text by `rules.compliance`.

A leaf like `catalogue`: it imports nothing but the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import FORMAT_NOTICES, REGULATION, RULES


@dataclass(frozen=True)
class Indicator:
    key: str  # stable, English: the compliance CSV's column
    title: str  # the compliance page's column head
    basis: str
    explanation: str  # for readers, in plain Chinese
    rules: tuple[str, ...] = ()  # the checks whose problems fail it (none: judged in `rules.compliance`)


PUBLISHED = Indicator(
    "published", "已发布", f"{REGULATION}第四十九条",
    "报告期限已过的年度，机关是否已发布年度报告；没有发布的机关单独列出。",
)  # fmt: skip
ON_TIME = Indicator(
    "on-time", "按时", f"{REGULATION}第四十九条",
    "是否在规定期限内发布：部门和乡镇在次年 1 月 31 日前，县级以上人民政府在 3 月 31 日前；报告未注明发布日期的，无法判断。",
    (RULES.late_publication.id, RULES.missing_published.id),
)  # fmt: skip
FORMAT = Indicator(
    "format", "格式", FORMAT_NOTICES,
    "是否使用该年度应当使用的统计表格式（2019、2020 年度用 2019 年版，2021 年度起用 2021 年版）。",
    (RULES.format_mismatch.id,),
)  # fmt: skip
TABLES_COMPLETE = Indicator(
    "tables-complete", "表格完整", FORMAT_NOTICES,
    "统计表是否齐全，每一行、每一格都已填写。",
    (RULES.missing_table.id, RULES.missing_row.id, RULES.column_count.id),
)  # fmt: skip
ARITHMETIC = Indicator(
    "arithmetic", "勾稽", FORMAT_NOTICES,
    "统计表中的总计与各项之和是否相符，表三各列的收、结、转是否平衡。",
    (RULES.applicant_total.id, RULES.results_total.id, RULES.applications_balance.id, RULES.appeal_total.id),
)  # fmt: skip
CARRY_OVER = Indicator(
    "carry-over", "跨年一致", FORMAT_NOTICES,
    "本年“上年结转”的申请数是否等于上一年度报告的“结转下年度继续办理”数。",
    (RULES.carry_over.id,),
)  # fmt: skip
SECTIONS = Indicator(
    "sections", "正文完整", FORMAT_NOTICES,
    "正文是否有“一、总体情况”“五、存在的主要问题及改进情况”“六、其他需要报告的事项”，且不是空白或只写“无”。",
)  # fmt: skip
FEE_EXPLAINED = Indicator(
    "fee-explained", "收费说明", "国办函〔2020〕109号",
    "表二列出收取了信息处理费的，第六部分是否作出说明。",
)  # fmt: skip
NARRATIVE_AGREES = Indicator(
    "narrative-agrees", "正文与表格一致", FORMAT_NOTICES,
    "正文中写到的新收申请、上年结转、结转下年、行政复议和行政诉讼件数，是否与统计表一致。",
)  # fmt: skip
REPEATED = Indicator(
    "repeated", "内容重复", "国办公开办函〔2021〕30号（防止内容雷同）",
    "正文与本机关上一年度报告相同的句子所占比例；超过设定的比例（site.yaml 的 repeated_share，默认 50%，有的评估细则对超过一半的扣分）即标出。",
)  # fmt: skip

INDICATORS: tuple[Indicator, ...] = (
    PUBLISHED, ON_TIME, FORMAT, TABLES_COMPLETE, ARITHMETIC, CARRY_OVER, SECTIONS, FEE_EXPLAINED, NARRATIVE_AGREES, REPEATED,
)  # fmt: skip
"""In the order of the compliance page's columns: 已发布 first (an agency's, for a year), then its report's."""

