"""The data downloads as data: every file's columns, their types, constraints and meaning.

One description serves the CSV headers, the Excel sheets, the Frictionless data
package (`datapackage`) and the data page, so none can name a column the others
do not. The wide tables' columns, and the tidy file's table, block, row and
column values, are read from `formats`: the official labels are spelled there only.

Column names are ASCII snake_case (what pandas, R and SQL take without quoting),
except the wide tables' cells, which are named by the official labels so that a
reader who opens the file in Excel recognises the printed form.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from ..content.load import AGENCY_ID
from ..formats import FIRST_YEAR, FORMATS, KEY_FIGURE_LABELS, LEVELS
from ..formats.measures import MEASURES, RATES, Measure, Rate
from ..formats.schema import Block, Column, Format, Row, Table, ValueKind
from ..model import PATH_SEPARATOR
from ..rules.indicators import INDICATORS, Indicator
from ..site import urls

FieldType = Literal["string", "integer", "number", "boolean", "date"]



@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    description: str  # in Chinese: on the data page and in the data package
    required: bool = False
    minimum: int | None = None
    enum: tuple[str, ...] = ()
    pattern: str = ""
    kind: ValueKind | None = None  # a cell of an official table: how its value is written


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # "" for the file itself
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """One CSV file: its name in the data package, its address, what it holds, its columns."""

    name: str
    route: urls.Route
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    sheet: str = ""  # its sheet in the Excel workbook ("" when it has none)

    @property
    def path(self) -> str:
        """Its path relative to the data page, in the data package and the zip."""
        return urls.in_data(self.route)


@dataclass(frozen=True)
class CellColumn:
    """A value position of an official table: one column of a wide file, one kind of tidy row."""

    block: Block
    row: Row
    column: Column
    name: str  # the wide file's column: the official labels, joined


# --- fields shared by several files ---------------------------------------------------

AGENCY_ID_FIELD = Field("agency_id", "string", "机关标识，与 agencies.csv 的 id 对应", required=True, pattern=AGENCY_ID.pattern)
AGENCY_NAME = Field("agency_name", "string", "机关名称", required=True)
YEAR = Field("year", "integer", "报告年度", required=True, minimum=FIRST_YEAR)
REGION = Field("region", "string", "所属地区，由大到小，以 “ / ” 分隔")
LEVEL = Field("level", "string", "机关层级", required=True, enum=LEVELS)
TABLE_FORMATS = tuple(fmt for fmt in FORMATS.values() if fmt.tables)

TO_REPORTS = ForeignKey(("agency_id", "year"), "reports", ("agency_id", "year"))
KIND_WORDS = {"count": "件数（非负整数）", "money": "金额（万元，非负，保留 4 位小数）", "delta": "增减数（整数，可为负）"}


def _figure_field(key: str, label: str) -> Field:
    return Field(column_name(key), "integer", f"主要数据：{label}（件）；自由格式的报告为空", minimum=0)


def column_name(key: str) -> str:
    """An xxgk key as a column name: "carried-over" → "carried_over"."""
    return key.replace("-", "_")


AGENCIES = Dataset(
    "agencies",
    urls.DATA_AGENCIES,
    "机关名录",
    "本站收录的全部机关，每行一个机关，按名录顺序。",
    (
        Field("id", "string", "机关标识：网址的一部分，其他文件的 agency_id 与它对应", required=True, pattern=AGENCY_ID.pattern),
        Field("name", "string", "机关名称", required=True),
        REGION,
        LEVEL,
        Field("parent", "string", "上级机关的标识；没有则为空", pattern=AGENCY_ID.pattern),
        Field("phone", "string", "联系电话"),
        Field("address", "string", "办公地址"),
        Field("website", "string", "机关网站"),
        Field("url", "string", "本站上该机关页面的网址", required=True),
    ),
    ("id",),
    (ForeignKey(("parent",), "", ("id",)),),
)

REPORTS = Dataset(
    "reports",
    urls.DATA_REPORTS,
    "报告一览",
    "每行一份报告：机关、年度、表格格式、发布日期、是否按期发布和主要数据，按机关、年度排列。",
    (
        AGENCY_ID_FIELD,
        AGENCY_NAME,
        REGION,
        LEVEL,
        YEAR,
        Field("format", "string", "表格格式：2021、2019（两版官方格式）或 freeform（2019 年以前，无统一表格）", required=True, enum=tuple(FORMATS)),
        Field("title", "string", "报告标题", required=True),
        Field("published", "date", "发布日期（年-月-日）；报告未注明则为空"),
        Field("deadline", "date", "规定的发布期限（年-月-日）", required=True),
        Field("on_time", "boolean", "是否在期限内发布（true/false）；未注明发布日期则为空"),
        Field("days_late", "integer", "晚于期限的天数，按期发布为 0；未注明发布日期则为空", minimum=0),
        *(_figure_field(key, label) for key, label in KEY_FIGURE_LABELS),
        Field("url", "string", "报告页面的网址", required=True),
        Field("json_url", "string", "报告的 report.json 的网址", required=True),
    ),
    ("agency_id", "year"),
    (ForeignKey(("agency_id",), "agencies", ("id",)),),
)


def tidy_fields() -> tuple[Field, ...]:
    tables = sorted({t.key for fmt in TABLE_FORMATS for t in fmt.tables})
    return (
        AGENCY_ID_FIELD,
        YEAR,
        Field("table", "string", "官方表格的序号：二、三、四", required=True, enum=tuple(tables)),
        Field("block", "string", "表格中的部分（如表二的“第二十条第（一）项”为 item-1，表四的行政复议为 review）", required=True),
        Field("row", "string", "行的标识（与报告前置信息中的键相同）", required=True),
        Field("row_label", "string", "行的官方名称（所属的上级项目见宽表的列名）", required=True),
        Field("column", "string", "列的标识", required=True),
        Field("column_label", "string", "列的官方名称", required=True),
        Field("kind", "string", "数值的种类：count 为件数，money 为金额（万元），delta 为增减数", required=True, enum=("count", "money", "delta")),
        Field("value", "number", "数值：件数和增减数为整数，金额保留 4 位小数", required=True),
        Field("computed", "boolean", "报告未填写、由合计规则算出的总计为 true，报告原有的数为 false", required=True),
    )


TIDY_KEY = ("agency_id", "year", "table", "block", "row", "column")
TIDY_DESCRIPTION = "每行一个数字（一份报告中一个表格单元格），含由合计规则算出的总计；"


TIDY_FILES = "figures/年度.csv"
"""How the data page names the tidy files, one per year."""


def figures_of(year: int) -> Dataset:
    """The figures of one year's reports. There is no file of every year's figures: at
    10,000 reports it would be 130 MB (1.3 GB at 100,000), past what Excel opens and a
    second copy of the years' files to write and host; the zip holds every year's file
    (a tenth of the size), and the data package lists them, for whoever wants them all."""
    return Dataset(
        f"figures-{year}",
        urls.data_figures(year),
        f"逐项数据（{year}年度）",
        TIDY_DESCRIPTION + f"只含 {year} 年度的报告，按机关排列。",
        tidy_fields(),
        TIDY_KEY,
        (TO_REPORTS,),
    )


def cell_name(table: Table, block: Block, row: Row, column: Column) -> str:
    """A wide file's column, named by the official labels: the block's title where the table
    has several and the row does not already name it, the row's groups and label, the
    column's group and label. "三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密 / 自然人"."""
    parts = []
    if len(table.blocks) > 1 and row.path[0] != block.title:
        parts.append(block.title)
    parts += [*row.path, *([column.group] if column.group else []), column.label]
    return PATH_SEPARATOR.join(parts)


@functools.cache
def cell_columns(format_id: str, table_key: str) -> tuple[CellColumn, ...]:
    """Every value position of a table of a format, in the official order (block, row, column)."""
    table = FORMATS[format_id].table(table_key)
    return tuple(
        CellColumn(block, row, column, cell_name(table, block, row, column)) for block in table.blocks for row in block.rows for column in block.columns
    )


def _cell_field(cell: CellColumn) -> Field:
    kind = cell.column.kind
    total = "；报告未填写时由合计规则算出" if cell.row.is_total or cell.column.is_total else ""
    return Field(
        cell.name, "integer" if kind != "money" else "number", KIND_WORDS[kind] + total, required=True, minimum=None if kind == "delta" else 0, kind=kind
    )


def sheet_name(fmt: Format, table: Table) -> str:
    """The Excel sheet of a wide table: "2021年版表三" (at most 31 characters, none of []:*?/\\)."""
    return f"{fmt.id}年版表{table.key}"


@functools.cache
def wide(format_id: str, table_key: str) -> Dataset:
    """One official table of one format: one row per report, one column per cell."""
    fmt = FORMATS[format_id]
    table = fmt.table(table_key)
    return Dataset(
        f"table-{format_id}-{table.front_matter_key}",
        urls.data_table(format_id, table.front_matter_key),
        f"{fmt.name}表{table.key}：{table.title}",
        f"使用{fmt.name}（{fmt.document}）的报告的表{table.key}：每行一份报告，每个单元格一列，列名为官方表格的行、列名称。",
        (AGENCY_ID_FIELD, AGENCY_NAME, YEAR, *(_cell_field(cell) for cell in cell_columns(format_id, table_key))),
        ("agency_id", "year"),
        (TO_REPORTS,),
        sheet=sheet_name(fmt, table),
    )


def wide_tables() -> tuple[Dataset, ...]:
    """Every wide file, newest format first, tables in order."""
    return tuple(wide(fmt.id, table.key) for fmt in TABLE_FORMATS for table in fmt.tables)


# --- the statistics of the region pages ----------------------------------------------------------

WHOLE_PORTAL = "全部"
"""The `region` of the rows that total every agency of the portal."""


def _measure_field(measure: Measure) -> Field:
    money = measure.unit == "万元"
    return Field(
        column_name(measure.key),
        "number" if money else "integer",
        f"{measure.label}（{measure.unit}）：{measure.definition}；没有可比数据时为空",
        minimum=0,
        kind="money" if money else None,
    )


def _rate_field(rate: Rate) -> Field:
    return Field(column_name(rate.key), "number", f"{rate.label}（%，保留 1 位小数）：{rate.definition}；分母为 0 或没有可比数据时为空", minimum=0)


STATISTICS = Dataset(
    "statistics",
    urls.DATA_STATISTICS,
    "地区统计",
    "每行一个地区的一个年度：机关数、已发布的报告数、有统计表的报告数，以及各项可比数据的合计和比率，与各地区统计页面所示相同；"
    f"地区为“{WHOLE_PORTAL}”的各行是全站合计。汇总了其他机关数据的报告（机关名录中的 covers）与被汇总机关的报告同在时，只计汇总报告。",
    (
        Field("region", "string", f"地区，由大到小，以 “ / ” 分隔；“{WHOLE_PORTAL}”为全站", required=True),
        YEAR,
        Field("agencies", "integer", "该地区在机关名录中的机关数", required=True, minimum=0),
        Field("reports", "integer", "该年度已发布报告的机关数", required=True, minimum=0),
        Field("comparable", "integer", "其中有统计表（2019 年及以后格式）的报告数", required=True, minimum=0),
        *(_measure_field(m) for m in MEASURES),
        *(_rate_field(r) for r in RATES),
    ),
    ("region", "year"),
)


# --- the compliance pages -------------------------------------------------------------------


def _indicator_field(indicator: Indicator) -> Field:
    return Field(column_name(indicator.key), "boolean", f"{indicator.title}：{indicator.explanation}（true 为符合，false 为不符合，空为无法判断）")


COMPLIANCE = Dataset(
    "compliance",
    urls.DATA_COMPLIANCE,
    "合规评估",
    "每行一个机关的一个年度（本站有报告的各年度，机关名录中的每个机关），各项合规指标是否符合，与各年度合规评估页面所示相同；"
    "没有报告的机关，“已发布”在期限过后为 false、期限之前为空，其余各项为空。",
    (
        AGENCY_ID_FIELD,
        AGENCY_NAME,
        YEAR,
        *(_indicator_field(i) for i in INDICATORS),
        Field("notes", "string", "不符合各项的说明，以“；”分隔"),
    ),
    ("agency_id", "year"),
    (ForeignKey(("agency_id",), "agencies", ("id",)),),
)
