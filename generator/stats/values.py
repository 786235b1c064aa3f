"""A report's comparable measures, and their totals over many reports.

A report's measures are made where its pages are (in the build's worker) and
travel in its summary; everything above one agency (regions, years, the portal)
is summed from summaries alone, so a statistics page is looked up, like every
portal-wide page, by the digests of the summaries it shows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from ..formats import FORMATS
from ..formats.measures import MEASURES, Rate
from ..model import FilledTables, Value

TENTH = Decimal("0.1")

Measures = dict[str, Value]
"""A report's measures by key; a measure its format does not hold is absent."""


class Ratio(NamedTuple):
    """A rate as the ratio of two totals: kept exact (no float, no Fraction's reduction, which
    took a fifth of the statistics' time) until it is printed."""

    above: Value
    below: Value

    def __float__(self) -> float:
        return float(self.above) / float(self.below)


def report_measures(tables: FilledTables, format_id: str) -> Measures | None:
    """The measures of a report with every table of its format; None for a free-form
    report (or one whose tables could not be read), which has nothing comparable."""
    fmt = FORMATS[format_id]
    if not fmt.tables or len(tables) != len(fmt.tables):
        return None
    found: Measures = {}
    for key, table, block, rows, column in _positions(format_id):
        filled = tables[table].blocks[block].rows
        values = [filled[row].cells[column].value for row in rows]
        found[key] = sum(values[1:], start=values[0])
    return found


@functools.cache
def _positions(format_id: str) -> tuple[tuple[str, str, int, tuple[int, ...], int], ...]:
    """Where each measure of a format is: its table, and the positions of its block, rows and
    column (a filled table holds its blocks and rows in the official order, `content.tables`)."""
    fmt = FORMATS[format_id]
    found = []
    for measure in MEASURES:
        cells = measure.cells(format_id)
        if cells is None:
            continue
        blocks = fmt.table(cells.table).blocks
        block = next(i for i, b in enumerate(blocks) if b.key == cells.block)
        rows = tuple(i for i, row in enumerate(blocks[block].rows) if row.key in cells.rows)
        column = [c.key for c in blocks[block].columns].index(cells.column)
        found.append((measure.key, cells.table, block, rows, column))
    return tuple(found)


@dataclass(frozen=True)
class Totals:
    """Measures summed over reports, each over the reports that hold it: a measure no report
    holds is absent (not comparable), never 0. (How many reports a total covers, the pages
    count from the reports themselves.)"""

    values: Measures

    def value(self, key: str) -> Value | None:
        """A measure's total; None when no report summed over holds it."""
        return self.values.get(key)

    def rate(self, rate: Rate) -> Ratio | None:
        """A rate of the totals; None when its denominator is 0 or not held."""
        below = self.value(rate.denominator)
        above = [self.value(key) for key in rate.numerator]
        if not below or any(v is None for v in above):
            return None
        return Ratio(sum(v for v in above if v is not None), below)


def total(measures: Iterable[Measures | None]) -> Totals:
    """The totals of reports' measures (None for a report with nothing comparable)."""
    values: Measures = {}
    for found in measures:
        for key, value in (found or {}).items():
            values[key] = values.get(key, 0) + value
    return Totals(values)


def percent_value(rate: Ratio | None) -> Decimal | None:
    """A rate in percent to one decimal, rounded half up as statistical tables round; from the
    exact ratio, so a page, a chart and a download never disagree in the last digit."""
    if rate is None:
        return None
    return (Decimal(rate.above) * 100 / Decimal(rate.below)).quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(rate: Ratio | None) -> str:
    """A rate as pages and downloads print it: "37.5%", or "—" when it has no value."""
    value = percent_value(rate)
    return "—" if value is None else f"{value}%"
