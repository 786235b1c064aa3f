"""report.json: one report's data as published beside its page, for anyone to download.

Blocks and rows come in the official order with the official labels (read from
`formats`), so the file can be read without knowing xxgk's front-matter keys.
"""

from __future__ import annotations

from typing import Any

from ..content.revisions import Revision
from ..formats import FORMATS
from ..model import Agency, CheckedReport, Value
from ..site import urls
from ..site.outputs import JSON, Page
from ..site.summaries import report_title


def tables_export(c: CheckedReport) -> dict[str, Any]:
    """The `tables` member of report.json."""
    fmt = FORMATS[c.report.format]
    out: dict[str, Any] = {}
    for table in fmt.tables:
        if table.key not in c.tables:
            continue
        filled = c.tables[table.key]
        out[table.key] = {
            "title": table.title,
            "blocks": [
                {
                    "title": block.title,
                    "columns": [column.label for column in block.columns],
                    "rows": [
                        {"label": row.label, "path": list(row.path), "values": [_json_number(v) for v in row.values]}
                        for row in filled.block(block.key).rows
                    ],
                }
                for block in table.blocks
            ],
        }
    return out


def _json_number(value: Value) -> int | float:
    return value if isinstance(value, int) else float(value)


def report_json(c: CheckedReport, agency: Agency, base: str, revisions: tuple[Revision, ...] = ()) -> Page:
    """`revisions`: what changed since the portal first published it (content.revisions)."""
    report = c.report
    data = {
        "agency": {"id": agency.id, "name": agency.name, "region": list(agency.region), "level": agency.level},
        "year": report.year,
        "format": report.format,
        "title": report_title(c, agency),
        "published": report.published.isoformat() if report.published else None,
        "url": urls.report(agency.id, report.year).url(base),
        "tables": tables_export(c),
        "narrative": report.narrative,
        "attachments": [{"title": a.title, "file": a.file} for a in report.attachments],
        "problems": [p.as_dict() for p in c.problems],
        "revisions": [{"date": r.date, "changes": list(r.changes)} for r in revisions],
    }
    return Page(urls.report_json(agency.id, report.year).output, JSON, "", {"data": data})
