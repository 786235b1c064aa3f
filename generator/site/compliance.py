"""Plan the compliance pages: every registered agency on every indicator, a page per year.

The evaluator's view (`rules.indicators`): one row per agency of the registry, one
column per indicator, the counts per indicator, the agencies without a report
once the deadline has passed, and why each report falls short, in plain Chinese.
Planned from summaries alone, like the year pages.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ..formats import LEVELS, publication_deadline
from ..model import Agency
from ..rules.compliance import REPORT_INDICATORS
from ..rules.indicators import INDICATORS
from . import meta, urls
from .outputs import HTML, Page, PageCall
from .summaries import Summary

MET, NOT_MET, UNKNOWN = "符合", "不符合", "—"


@dataclass(frozen=True)
class Judged:
    """The reports of a compliance page, identified by what it shows of them (`Summary.compliance_digest`):
    the build's cache and the preview find the page again by this digest when a report's text or
    figures changed without changing a verdict."""

    summaries: tuple[Summary, ...]

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256("".join(s.compliance_digest for s in self.summaries).encode()).hexdigest()


def compliance_calls(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any], today: datetime.date) -> list[PageCall]:
    """A page per year with reports, and their index."""
    by_year: dict[int, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_year[summary.year].append(summary)
    calls = [PageCall(compliance_page, str(year), (year, Judged(tuple(listed)), agencies, judged_on(today, year), site)) for year, listed in sorted(by_year.items())]
    counts = tuple((year, len(listed), sum(1 for s in listed if any(met is False for met, _ in s.compliance))) for year, listed in sorted(by_year.items()))
    calls.append(PageCall(compliance_index, "", (counts, site)))
    return calls


def judged_on(today: datetime.date, year: int) -> datetime.date:
    """The day a year's reports are judged on: today until the year's last deadline has passed
    (it decides which missing reports are late), the day after it from then on, so that the
    year's page is not made again every day after."""
    settled = max(publication_deadline(level, year) for level in LEVELS) + datetime.timedelta(days=1)
    return min(today, settled)


@dataclass(frozen=True)
class IndicatorCell:
    """An agency's or a report's verdict on one indicator, as a page shows it. Cells and rows are
    objects rather than dicts because a template reads them by attribute, and Jinja looks up an
    attribute of a dict only after failing to find it on the object: a page of a thousand agencies
    on ten indicators took half as long again to render."""

    text: str  # the word shown
    note: str  # why it is not met
    sort: str  # what a sort orders it by: not met first
    state: str  # met, short or unknown (its class)


@dataclass(frozen=True)
class AgencyRow:
    """An agency's row for a year: its report's address (its own page's without one), its cells,
    the notes of what is not met, and, for an agency whose report is overdue, the deadline it missed."""

    name: str
    url: str
    cells: tuple[IndicatorCell, ...]
    notes: tuple[str, ...]
    overdue: str


def compliance_rows(year: int, summaries: tuple[Summary, ...], agencies: tuple[Agency, ...], today: datetime.date, base: str) -> list[AgencyRow]:
    """Every registered agency on every indicator for `year`, in registry order."""
    by_agency = {s.agency.id: s for s in summaries}
    rows = []
    for agency in agencies:
        summary = by_agency.get(agency.id)
        if summary is None:
            due = publication_deadline(agency.level, year)
            published = _cell(False, f"期限 {due.isoformat()} 已过，尚无报告") if today > due else _cell(None, "未到期限")
            cells = (published, *(_cell(None, "") for _ in REPORT_INDICATORS))
            rows.append(AgencyRow(agency.name, urls.agency(agency.id).url(base), cells, (), due.isoformat() if today > due else ""))
            continue
        cells = (_cell(True, ""), *_cells(summary))
        notes = tuple(f"{i.title}，{c.note}" for i, c in zip(INDICATORS, cells) if c.state == "short")
        rows.append(AgencyRow(agency.name, summary.url, cells, notes, ""))
    return rows


def compliance_page(year: int, reports: Judged, agencies: tuple[Agency, ...], today: datetime.date, site: dict[str, Any]) -> Page:
    base = site["base"]
    route = urls.compliance(year)
    rows = compliance_rows(year, reports.summaries, agencies, today, base)
    context = {
        "site": site,
        "page": meta.page_info(site, f"{year}年度报告合规情况", route.url(base), f"{site['title']}{year}年度各机关政府信息公开工作年度报告的合规评估。", meta.COMPLIANCE),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "合规评估", "url": urls.COMPLIANCE.url(base)}, {"title": f"{year}年", "url": None}],
        "year": year,
        "indicators": [{"key": i.key, "title": i.title, "basis": i.basis, "explanation": i.explanation} for i in INDICATORS],
        "rows": rows,
        "verdicts": {cell.state: cell for cell in _PLAIN.values()},  # what a cell shows, by its state
        "counts": [{"title": i.title, **_count([row.cells[n] for row in rows])} for n, i in enumerate(INDICATORS)],
        "missing": [{"name": row.name, "url": row.url, "due": row.overdue} for row in rows if row.overdue],
        "notes": [{"name": row.name, "url": row.url, "note": note} for row in rows for note in row.notes],
        "today": today.isoformat(),
    }
    return Page(route.output, HTML, "compliance.html", context)


def compliance_index(counts: tuple[tuple[int, int, int], ...], site: dict[str, Any]) -> Page:
    """Every year with reports: how many, and how many fall short of an indicator."""
    base = site["base"]
    route = urls.COMPLIANCE
    years = [{"year": year, "url": urls.compliance(year).url(base), "reports": reports, "short": short} for year, reports, short in reversed(counts)]
    context = {
        "site": site,
        "page": meta.page_info(site, "合规评估", route.url(base), f"{site['title']}各年度政府信息公开工作年度报告的合规评估。", meta.COMPLIANCE),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "合规评估", "url": None}],
        "years": years,
        "indicators": [{"title": i.title, "basis": i.basis, "explanation": i.explanation} for i in INDICATORS],
    }
    return Page(route.output, HTML, "compliance-index.html", context)


def agency_history(summaries: tuple[Summary, ...], base: str) -> dict[str, Any] | None:
    """An agency's reports on the indicators, year by year, newest first (its page shows it);
    None without a report."""
    if not summaries:
        return None
    shown = REPORT_INDICATORS  # 已发布 is an agency's, for a year: every row here is a report
    rows = []
    for summary in reversed(summaries):
        cells = _cells(summary)
        rows.append({"year": summary.year, "url": summary.url, "cells": cells, "notes": [f"{i.title}：{c.note}" for i, c in zip(shown, cells) if c.state == "short"]})
    return {"columns": [i.title for i in shown], "rows": rows, "url": urls.COMPLIANCE.url(base)}


def _cells(summary: Summary) -> tuple[IndicatorCell, ...]:
    """A report's cells, one per `REPORT_INDICATORS` (none judged: a summary made without them)."""
    verdicts = summary.compliance or ((None, ""),) * len(REPORT_INDICATORS)
    return tuple(_cell(met, note) for met, note in verdicts)


_PLAIN = {True: IndicatorCell(MET, "", "1", "met"), False: IndicatorCell(NOT_MET, "", "0", "short"), None: IndicatorCell(UNKNOWN, "", "", "unknown")}
"""A cell for each verdict, without a note: most cells are one of these three, made once."""


def _cell(met: bool | None, note: str) -> IndicatorCell:
    plain = _PLAIN[met]
    return replace(plain, note=note) if note else plain


def _count(cells: list[IndicatorCell]) -> dict[str, int]:
    return {"met": sum(c.state == "met" for c in cells), "short": sum(c.state == "short" for c in cells), "unknown": sum(c.state == "unknown" for c in cells)}

