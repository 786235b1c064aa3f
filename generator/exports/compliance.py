"""compliance.csv: the compliance pages' verdicts, one row per registered agency and year.

Made by the same function as the pages (`site.compliance.compliance_rows`), so a download
never disagrees with a page. Years are those with any report, as the pages have them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from ..model import Agency
from ..site.compliance import compliance_rows, judged_on
from ..site.summaries import Summary
from .rows import csv_field, line

_VALUES = {"met": "true", "short": "false", "unknown": ""}


def compliance_lines(registry: tuple[Agency, ...], summaries: tuple[Summary, ...], today: datetime.date) -> tuple[bytes, int]:
    """The file's lines after its header, and how many: by year, then in registry order."""
    by_year: dict[int, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_year[summary.year].append(summary)
    lines = []
    for year, listed in sorted(by_year.items()):
        for agency, row in zip(registry, compliance_rows(year, tuple(listed), registry, judged_on(today, year), ""), strict=True):
            values = [_VALUES[cell.state] for cell in row.cells]
            lines.append(line([agency.id, csv_field(agency.name), str(year), *values, csv_field("；".join(row.notes))]))
    return "".join(lines).encode("utf-8"), len(lines)
