"""The figures of a report in tidy form: one row per figure, as statistical offices publish
data for analysis (one observation per row, every attribute a column).

This is the one row type the data downloads are written from (the Parquet dataset
here; the tidy CSV is the same rows); rows are plain and picklable, so an agency's
rows can be made in a worker and kept in the build cache, and a year's file written
from them without holding the portal's rows at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..formats import FORMATS
from ..model import PATH_SEPARATOR, Agency, CheckedReport, Value


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure of one report, with the official labels it is printed under."""

    agency: str  # the agency's id
    region: str  # "示例省 / 示例市 / 示例县", so a province's figures can be picked without a join
    year: int
    format: str  # "2019", "2021"
    table: str  # 二, 三, 四
    block: str  # the block's key
    row: str  # the row's key, as editors type it
    label: str  # the row's official label
    column: str  # the column's key
    column_label: str  # the column's official label
    value: Value  # an int, or a Decimal (money, 万元, at most 4 decimals)
    computed: bool  # a total the editor left out, computed by xxgk

    def plain(self) -> tuple[object, ...]:
        """The row as a tuple of plain values (pickled by the build; `FigureRow(*plain)` again)."""
        return (
            self.agency, self.region, self.year, self.format, self.table, self.block,
            self.row, self.label, self.column, self.column_label, self.value, self.computed,
        )  # fmt: skip


def figure_rows(c: CheckedReport, agency: Agency) -> Iterator[FigureRow]:
    """Every figure of a report, in the official order of tables, blocks, rows and columns;
    none for a report without tables."""
    report = c.report
    fmt = FORMATS[report.format]
    region = PATH_SEPARATOR.join(agency.region)
    for table in fmt.tables:
        filled = c.tables.get(table.key)
        if filled is None:
            continue
        for block in table.blocks:
            for row in filled.block(block.key).rows:
                for column, cell in zip(block.columns, row.cells):
                    yield FigureRow(
                        agency.id, region, report.year, report.format, table.key, block.key,
                        row.key, row.label, column.key, column.label, cell.value, cell.computed,
                    )  # fmt: skip
