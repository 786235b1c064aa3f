"""The official formats themselves: 国办公开办函〔2019〕60号 and 〔2021〕30号, row by row.

Read the terms in `schema` first; everything here is a value of those types.
"""

from __future__ import annotations

import datetime

from ..rules.catalogue import RULES
from .schema import (
    FREEFORM,
    Balance,
    Block,
    CarryOver,
    Column,
    ColumnTotal,
    Continuity,
    CrossYearRule,
    Format,
    KeyFigure,
    Row,
    RowTotal,
    Rule,
    Table,
)

# --- Table 二 -------------------------------------------------------------

_DECISIONS = (Column("decisions", "本年处理决定数量"),)


def _table_2_2021() -> Table:
    return Table(
        key="二",
        title="主动公开政府信息情况",
        front_matter_key="active",
        layout="stacked",
        blocks=(
            Block(
                "item-1",
                "第二十条第（一）项",
                (
                    Column("issued", "本年制发件数"),
                    Column("repealed", "本年废止件数"),
                    Column("in-force", "现行有效件数"),
                ),
                (Row("regulations", "规章"), Row("normative-documents", "行政规范性文件")),
            ),
            Block("item-5", "第二十条第（五）项", _DECISIONS, (Row("licensing", "行政许可"),)),
            Block(
                "item-6",
                "第二十条第（六）项",
                _DECISIONS,
                (Row("penalties", "行政处罚"), Row("enforcement", "行政强制")),
            ),
            Block(
                "item-8",
                "第二十条第（八）项",
                (Column("amount", "本年收费金额（单位：万元）", kind="money"),),
                (Row("fees", "行政事业性收费"),),
            ),
        ),
    )


def _table_2_2019() -> Table:
    items = (
        Column("last-year", "上一年项目数量"),
        Column("change", "本年增/减", kind="delta"),
        Column("decisions", "处理决定数量"),
    )
    return Table(
        key="二",
        title="主动公开政府信息情况",
        front_matter_key="active",
        layout="stacked",
        blocks=(
            Block(
                "item-1",
                "第二十条第（一）项",
                (
                    Column("made", "本年新制作数量"),
                    Column("published", "本年新公开数量"),
                    Column("total-published", "对外公开总数量"),
                ),
                (Row("regulations", "规章"), Row("normative-documents", "规范性文件")),
            ),
            Block(
                "item-5",
                "第二十条第（五）项",
                items,
                (Row("licensing", "行政许可"), Row("other-services", "其他对外管理服务事项")),
            ),
            Block(
                "item-6",
                "第二十条第（六）项",
                items,
                (Row("penalties", "行政处罚"), Row("enforcement", "行政强制")),
            ),
            Block("item-8", "第二十条第（八）项", items[:2], (Row("fees", "行政事业性收费"),)),
            Block(
                "item-9",
                "第二十条第（九）项",
                (
                    Column("projects", "采购项目数量"),
                    Column("amount", "采购总金额", kind="money"),
                ),
                (Row("procurement", "政府集中采购"),),
            ),
        ),
    )


# --- Table 三 -------------------------------------------------------------

_APPLICANTS = (
    Column("natural-persons", "自然人"),
    Column("businesses", "商业企业", group="法人或其他组织"),
    Column("research", "科研机构", group="法人或其他组织"),
    Column("public-interest", "社会公益组织", group="法人或其他组织"),
    Column("legal-services", "法律服务机构", group="法人或其他组织"),
    Column("others", "其他", group="法人或其他组织"),
    Column("total", "总计", is_total=True),
)

_RESULTS = "三、本年度办理结果"
_DENIED = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_HANDLED = "（五）不予处理"
_OTHER = "（六）其他处理"


def _rows_3(other_items: bool) -> tuple[Row, ...]:
    if other_items:
        other: tuple[Row, ...] = (
            Row(
                "other-no-correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                (_RESULTS, _OTHER),
            ),
            Row(
                "other-no-fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                (_RESULTS, _OTHER),
            ),
            Row("other-misc", "3.其他", (_RESULTS, _OTHER)),
        )
    else:
        other = (Row("other", _OTHER, (_RESULTS,)),)
    return (
        Row("received", "一、本年新收政府信息公开申请数量"),
        Row("carried-over", "二、上年结转政府信息公开申请数量"),
        Row("disclosed", "（一）予以公开", (_RESULTS,)),
        Row("partly-disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (_RESULTS,)),
        Row("denied-secret", "1.属于国家秘密", (_RESULTS, _DENIED)),
        Row("denied-law", "2.其他法律行政法规禁止公开", (_RESULTS, _DENIED)),
        Row("denied-safety", "3.危及“三安全一稳定”", (_RESULTS, _DENIED)),
        Row("denied-third-party", "4.保护第三方合法权益", (_RESULTS, _DENIED)),
        Row("denied-internal", "5.属于三类内部事务信息", (_RESULTS, _DENIED)),
        Row("denied-process", "6.属于四类过程性信息", (_RESULTS, _DENIED)),
        Row("denied-enforcement", "7.属于行政执法案卷", (_RESULTS, _DENIED)),
        Row("denied-inquiry", "8.属于行政查询事项", (_RESULTS, _DENIED)),
        Row("unable-not-held", "1.本机关不掌握相关政府信息", (_RESULTS, _UNABLE)),
        Row("unable-not-existing", "2.没有现成信息需要另行制作", (_RESULTS, _UNABLE)),
        Row("unable-unclear", "3.补正后申请内容仍不明确", (_RESULTS, _UNABLE)),
        Row("rejected-petition", "1.信访举报投诉类申请", (_RESULTS, _NOT_HANDLED)),
        Row("rejected-repeated", "2.重复申请", (_RESULTS, _NOT_HANDLED)),
        Row("rejected-publication", "3.要求提供公开出版物", (_RESULTS, _NOT_HANDLED)),
        Row("rejected-excessive", "4.无正当理由大量反复申请", (_RESULTS, _NOT_HANDLED)),
        Row("rejected-confirmation", "5.要求行政机关确认或重新出具已获取信息", (_RESULTS, _NOT_HANDLED)),
        *other,
        Row("results-total", "（七）总计", (_RESULTS,), is_total=True),
        Row("carried-forward", "四、结转下年度继续办理"),
    )


def _table_3(other_items: bool) -> Table:
    rows = _rows_3(other_items)
    return Table(
        key="三",
        title="收到和处理政府信息公开申请情况",
        front_matter_key="applications",
        layout="matrix",
        corner="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        column_title="申请人情况",
        blocks=(Block("applications", "收到和处理政府信息公开申请情况", _APPLICANTS, rows),),
    )


def _rules_3(table: Table) -> tuple[Rule, ...]:
    block = table.blocks[0]
    parts = tuple(r.key for r in block.rows if r.parents and not r.is_total)
    return (
        RowTotal(
            RULES.applicant_total,
            "三",
            block.key,
            "“总计”列应等于自然人与法人或其他组织各列之和",
        ),
        ColumnTotal(RULES.results_total, "三", block.key, "（七）总计应等于（一）至（六）各项之和", total="results-total", parts=parts),
        Balance(
            RULES.applications_balance,
            "三",
            block.key,
            "第一项加第二项之和应等于第三项（七）总计加第四项之和",
            left=("received", "carried-over"),
            right=("results-total", "carried-forward"),
        ),
    )


# --- Table 四 -------------------------------------------------------------

_OUTCOMES = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", is_total=True),
)


def _table_4() -> Table:
    return Table(
        key="四",
        title="政府信息公开行政复议、行政诉讼情况",
        front_matter_key="appeals",
        layout="wide",
        blocks=(
            Block("review", "行政复议", _OUTCOMES, (Row("review", "行政复议"),)),
            Block(
                "litigation",
                "行政诉讼",
                _OUTCOMES,
                (
                    Row("lawsuit-direct", "未经复议直接起诉", ("行政诉讼",)),
                    Row("lawsuit-after-review", "复议后起诉", ("行政诉讼",)),
                ),
            ),
        ),
    )


def _rules_4() -> tuple[Rule, ...]:
    message = "“总计”应等于结果维持、结果纠正、其他结果、尚未审结之和"
    return (
        RowTotal(RULES.appeal_total, "四", "review", message),
        RowTotal(RULES.appeal_total, "四", "litigation", message),
    )


_KEY_FIGURES = (
    KeyFigure("received", "新收申请", "三", "applications", "received", "total"),
    KeyFigure("carried-over", "上年结转", "三", "applications", "carried-over", "total"),
    KeyFigure("disclosed", "予以公开", "三", "applications", "disclosed", "total"),
    KeyFigure("reviews", "行政复议", "四", "review", "review", "total"),
    KeyFigure("lawsuits-direct", "直接起诉", "四", "litigation", "lawsuit-direct", "total"),
    KeyFigure("lawsuits-after-review", "复议后起诉", "四", "litigation", "lawsuit-after-review", "total"),
)

SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def _make_format(id: str, name: str, document: str, first: int, last: int | None, table_2: Table, other_items: bool) -> Format:
    table_3 = _table_3(other_items)
    return Format(
        id=id,
        name=name,
        document=document,
        first_year=first,
        last_year=last,
        tables=(table_2, table_3, _table_4()),
        rules=(*_rules_3(table_3), *_rules_4()),
        key_figures=_KEY_FIGURES,
        sections=SECTIONS,
    )


CROSS_YEAR_RULES: tuple[CrossYearRule, ...] = (
    CarryOver(
        RULES.carry_over,
        "三",
        "applications",
        "“二、上年结转政府信息公开申请数量”应等于上一年度报告的“四、结转下年度继续办理”",
        row="carried-over",
        previous_row="carried-forward",
    ),
    Continuity(
        RULES.in_force_continuity,
        "二",
        "item-1",
        "“现行有效件数”通常应等于上一年度的现行有效件数加本年制发件数、减本年废止件数",
        column="in-force",
        added="issued",
        removed="repealed",
    ),
)
"""Rules between a report and the same agency's report for the year before;
they apply only where both reports have the rows and columns named."""

FORMATS: dict[str, Format] = {
    "2021": _make_format("2021", "2021年版格式", "国办公开办函〔2021〕30号", 2021, None, _table_2_2021(), True),
    "2019": _make_format("2019", "2019年版格式", "国办公开办函〔2019〕60号", 2019, 2020, _table_2_2019(), False),
    FREEFORM: Format(FREEFORM, "自由格式", "2019年以前无全国统一表格", 2008, 2018),
}

FIRST_YEAR = 2008  # the 2007 regulation took effect on 2008-05-01

REPORT_TITLE = "{agency}{year}年政府信息公开工作年度报告"
"""The title of a report whose front matter gives none."""

LEVELS = ("省级", "市级", "县级", "乡镇/街道", "部门")
"""Agency levels; the first three are governments as a whole."""

GOVERNMENT_LEVELS = LEVELS[:3]


def publication_deadline(level: str, year: int) -> datetime.date:
    """The day by which the report for `year` is due (the checks, reports.csv and the compliance pages).

    2007 regulation (第三十一条, reports for 2008–2018): every body by 31 March.
    2019 regulation (第四十九条): departments by 31 January, governments as a
    whole by 31 March; townships and streets follow local rules, most often
    31 January, which is what is checked.
    """
    if year < 2019 or level in GOVERNMENT_LEVELS:
        return datetime.date(year + 1, 3, 31)
    return datetime.date(year + 1, 1, 31)


def sections_after_tables(fmt: Format) -> tuple[str, ...]:
    """The narrative sections that follow the last table (五、六 in both formats)."""
    headings = [t.heading for t in fmt.tables]
    if not headings:
        return ()
    return fmt.sections[fmt.sections.index(headings[-1]) + 1 :]


def format_for_year(year: int) -> Format:
    """The format a report for `year` must use."""
    for fmt in FORMATS.values():
        if fmt.covers(year):
            return fmt
    return FORMATS[FREEFORM]


KEY_FIGURE_LABELS: tuple[tuple[str, str], ...] = tuple((k.key, k.label) for k in _KEY_FIGURES)
