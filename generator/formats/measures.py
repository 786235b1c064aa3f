"""Comparable measures: what the 2019 and the 2021 formats both count, defined once.

The two tabular formats print the same applications, reviews and lawsuits in
tables that differ in detail (the 2021 format splits （六）其他处理 into three rows,
and only it gives the fees charged as an amount). A measure names the figure a
reader compares across agencies and years, and says where each format holds it:
rows picked by their key or by the official group they sit in, summed, in one
column. A format that does not hold a measure has none (a 2019 report has no fee
amount): such a figure is "not comparable", never a zero. Free-form reports
(before 2019) hold no measure at all.

Rates are ratios of summed measures, as statisticians aggregate them (the rate of
a region is its total numerator over its total denominator, not an average of
its agencies' rates), each with its definition shown beside it; a rate whose
denominator is 0 has no value.

Statistics pages, the year-over-year changes on report pages, the statistics
downloads and the query builder all read these definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .official import FORMATS
from .schema import Format, Row

Unit = str  # 件 (a count) or 万元 (money)


@dataclass(frozen=True)
class Cells:
    """Where a format holds a measure: these rows of a block, summed, in one column."""

    table: str
    block: str
    rows: tuple[str, ...]
    column: str


@dataclass(frozen=True)
class Measure:
    key: str  # in URLs, CSV columns and the query builder: never renamed
    label: str
    unit: Unit
    definition: str  # plain Chinese, naming the official rows: shown beside the figure
    where: Callable[[Format], Cells | None]

    def cells(self, format_id: str) -> Cells | None:
        """Where a format holds it; None when the format has no such figure."""
        fmt = FORMATS[format_id]
        return self.where(fmt) if fmt.tables else None


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: tuple[str, ...]  # measures summed above the line
    denominator: str  # the measure below it
    definition: str


# --- how a measure finds its rows ------------------------------------------------------------


def _rows(table: str, block: str, column: str, pick: Callable[[Row], bool]) -> Callable[[Format], Cells | None]:
    def where(fmt: Format) -> Cells | None:
        if table not in {t.key for t in fmt.tables}:
            return None
        found = fmt.table(table).block(block)
        if column not in {c.key for c in found.columns}:
            return None
        rows = tuple(row.key for row in found.rows if pick(row))
        return Cells(table, block, rows, column) if rows else None

    return where


def _row(table: str, block: str, column: str, *keys: str) -> Callable[[Format], Cells | None]:
    return _rows(table, block, column, lambda row: row.key in keys)


def _group(label: str) -> Callable[[Format], Cells | None]:
    """The rows of 表三 under an official group, or the row of that label where a format
    prints the group as one row (the 2019 format's （六）其他处理)."""
    return _rows("三", "applications", "total", lambda row: row.label == label or label in row.parents)


_RESULTS = "办理结果总计（表三“（七）总计”）"

MEASURES: tuple[Measure, ...] = (
    Measure("received", "新收申请", "件", "表三“一、本年新收政府信息公开申请数量”的总计", _row("三", "applications", "total", "received")),
    Measure("carried-over", "上年结转", "件", "表三“二、上年结转政府信息公开申请数量”的总计", _row("三", "applications", "total", "carried-over")),
    Measure("disclosed", "予以公开", "件", "表三“（一）予以公开”的总计", _row("三", "applications", "total", "disclosed")),
    Measure("partly-disclosed", "部分公开", "件", "表三“（二）部分公开”的总计", _row("三", "applications", "total", "partly-disclosed")),
    Measure("denied", "不予公开", "件", "表三“（三）不予公开”各项之和的总计", _group("（三）不予公开")),
    Measure("unable", "无法提供", "件", "表三“（四）无法提供”各项之和的总计", _group("（四）无法提供")),
    Measure("not-handled", "不予处理", "件", "表三“（五）不予处理”各项之和的总计", _group("（五）不予处理")),
    Measure("other-handling", "其他处理", "件", "表三“（六）其他处理”的总计（2021 年版为其下三项之和）", _group("（六）其他处理")),
    Measure("results", "办理结果总计", "件", "表三“（七）总计”的总计：本年办结的申请", _row("三", "applications", "total", "results-total")),
    Measure("carried-forward", "结转下年", "件", "表三“四、结转下年度继续办理”的总计", _row("三", "applications", "total", "carried-forward")),
    Measure("reviews", "行政复议", "件", "表四“行政复议”的总计", _row("四", "review", "total", "review")),
    Measure("reviews-corrected", "复议结果纠正", "件", "表四“行政复议”的“结果纠正”", _row("四", "review", "corrected", "review")),
    Measure("lawsuits", "行政诉讼", "件", "表四“行政诉讼”未经复议直接起诉与复议后起诉的总计之和", _row("四", "litigation", "total", "lawsuit-direct", "lawsuit-after-review")),
    Measure(
        "lawsuits-corrected", "诉讼结果纠正", "件", "表四“行政诉讼”两行的“结果纠正”之和", _row("四", "litigation", "corrected", "lawsuit-direct", "lawsuit-after-review")
    ),
    Measure("fees", "收费金额", "万元", "表二“行政事业性收费”的本年收费金额（只有 2021 年版有此项）", _row("二", "item-8", "amount", "fees")),
)

RATES: tuple[Rate, ...] = (
    Rate("disclosure-rate", "公开率", ("disclosed", "partly-disclosed"), "results", f"（予以公开 + 部分公开）÷ {_RESULTS}"),
    Rate("denial-rate", "不予公开率", ("denied",), "results", f"不予公开 ÷ {_RESULTS}"),
    Rate("review-correction-rate", "复议纠错率", ("reviews-corrected",), "reviews", "行政复议的结果纠正 ÷ 行政复议总计"),
    Rate("lawsuit-correction-rate", "诉讼纠错率", ("lawsuits-corrected",), "lawsuits", "行政诉讼的结果纠正 ÷ 行政诉讼总计"),
)

MEASURE = {m.key: m for m in MEASURES}
RATE = {r.key: r for r in RATES}
