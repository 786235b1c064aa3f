"""statistics.csv: the totals and rates of every region page, and of the whole portal, by year.

Made by the same functions as the region pages (`site.statistics.summed`, `stats.values.total`),
so a download never disagrees with a page. One row per region and year with any report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..formats.measures import MEASURES, RATES
from ..model import PATH_SEPARATOR, Agency, Value
from ..site.statistics import region_areas, summed
from ..site.summaries import Summary
from ..stats.values import percent_value, total
from .datasets import WHOLE_PORTAL
from .rows import csv_field, line, number


def statistics_lines(registry: tuple[Agency, ...], summaries: tuple[Summary, ...]) -> tuple[bytes, int]:
    """The file's lines after its header, and how many: the whole portal first, then each
    region in the order of the region pages."""
    covers = {a.id: a.covers for a in registry}
    areas = [(WHOLE_PORTAL, len(registry), summaries)]
    areas += [(PATH_SEPARATOR.join(area.region), len(area.agencies), area.reports.summaries) for area in region_areas(registry, summaries)]
    lines = [_line(name, year, agencies, reports, covers) for name, agencies, listed in areas for year, reports in _by_year(listed)]
    return "".join(lines).encode("utf-8"), len(lines)


def _by_year(summaries: Iterable[Summary]) -> list[tuple[int, list[Summary]]]:
    found: dict[int, list[Summary]] = defaultdict(list)
    for summary in summaries:
        found[summary.year].append(summary)
    return sorted(found.items())


def _line(region: str, year: int, agencies: int, reports: list[Summary], covers: dict[str, tuple[str, ...]]) -> str:
    totals = total(s.measures for s in summed(reports, covers))
    values = [_value(totals.value(m.key), "money" if m.unit == "万元" else "count") for m in MEASURES]
    rates = [str(v) if (v := percent_value(totals.rate(r))) is not None else "" for r in RATES]
    comparable = sum(1 for s in reports if s.measures is not None)  # a 汇总 report's parts counted here too: they were published
    return line([csv_field(region), str(year), str(agencies), str(len(reports)), str(comparable), *values, *rates])


def _value(value: Value | None, kind: str) -> str:
    return "" if value is None else number(value, kind)
