"""One agency's part of the site: the step that `xxgk check`, `xxgk build` and
`xxgk serve` all run, one agency folder at a time.

    part = load + check + plan of content/reports/<agency>/
         → problems, checked reports, pages, summaries, search documents, data rows

Every rule that compares reports compares reports of one agency, and every
page but the portal-wide ones belongs to one agency; so an agency's folder,
with its registry entry, the site settings and the date, decides its part of
the site completely. The portal-wide pages are then made from the parts'
summaries alone (`site.plan.portal_page_calls` takes nothing else).

`xxgk check` stops after checking (`check_part`); the build renders a part's
pages in a worker (`units`); the preview keeps parts in memory and makes a
part again only when a file of its folder, or the context, changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ..content.layout import REPORTS_DIR, REVISIONS_NAME, is_report_name, revisions_path
from ..content.load import Loaded, load_report
from ..content.revisions import Ledger, ledger_text, read_ledger, recorded
from ..exports.fragments import Fragment, agency_fragments
from ..exports.report_json import report_json
from ..exports.workbook import MONEY_STYLE
from ..model import Agency, CheckedReport, Findings, Problem, Report, Source, merged
from ..rules.validate import check_folder
from ..search.documents import SearchDocument, search_document
from ..site.outputs import Copy, Page
from ..site.plan import agency_pages
from ..site.summaries import Summary


@dataclass(frozen=True)
class PartContext:
    """What every part is made with: the same for all of them in one run. Plain data,
    so it can be sent to any worker (it holds no open file and no template engine)."""

    root: Path
    site: dict[str, Any]  # site.plan.site_context
    agencies: tuple[Agency, ...]  # the registry, in its order
    today: datetime.date
    search: bool  # make the search documents (a third of an agency's time otherwise saved)
    data: bool = False  # make the agency's rows of the data downloads (the build does; check and the preview do not)

    @cached_property
    def registry(self) -> dict[str, Agency]:
        return {a.id: a for a in self.agencies}


@dataclass(frozen=True)
class CheckedPart(Findings):
    folder: str  # the folder's name: the agency id it is meant for
    problems: tuple[Problem, ...]  # sorted
    reports: tuple[CheckedReport, ...]
    read: int  # report files that could be read
    ledger: Ledger = field(default_factory=dict)  # its 修订记录 as the folder holds them (content.revisions)


@dataclass(frozen=True)
class AgencyPart(CheckedPart):
    """A checked part and, unless it has errors or its folder is no registered agency's,
    its pages, attachments, summaries and (when asked for) search documents and data rows."""

    pages: tuple[Page, ...] = ()
    copies: tuple[Copy, ...] = ()
    summaries: tuple[Summary, ...] = ()  # oldest first
    documents: tuple[SearchDocument, ...] | None = None
    data: tuple[Fragment, ...] = ()  # its share of the data files (see exports.fragments)
    ledger_text: str | None = None  # its ledger with this build's revisions recorded, when that differs from the folder's


def without_lines(agencies: tuple[Agency, ...]) -> tuple[Agency, ...]:
    """The registry as a part needs it: without the line of every value of agencies.yaml
    (a map of megabytes for a province, sent with every task to a worker), which only
    the registry's own checks read."""
    return tuple(replace(agency, source=Source(agency.source.file)) for agency in agencies)


def folders(agencies: Iterable[Agency], present: Iterable[str]) -> list[str]:
    """The folders parts are made of, in the order their results are listed: every
    registered agency in registry order (a folder it lacks makes an empty part, so
    its page is still made), then folders of no registered agency, by name."""
    names = list(dict.fromkeys(a.id for a in agencies))
    return names + sorted(set(present) - set(names))


def load_folder(root: Path, folder: str, names: Iterable[str]) -> tuple[Loaded[Report | None], ...]:
    """The reports among a folder's file `names`, loaded, in name order."""
    base = root / REPORTS_DIR / folder
    return tuple(load_report(root, base / name) for name in sorted(names) if is_report_name(name))


def check_part(context: PartContext, folder: str, loaded: Iterable[Loaded[Report | None]]) -> CheckedPart:
    loaded = tuple(loaded)
    problems = [p for item in loaded for p in item.problems]
    reports = tuple(item.value for item in loaded if item.value is not None)
    checked, found = check_folder(reports, context.registry, context.today, context.site["archive"])
    group = tuple(sorted(checked, key=lambda c: c.report.year))
    ledger, unreadable = read_ledger(context.root / REPORTS_DIR / folder / REVISIONS_NAME, revisions_path(folder))
    return CheckedPart(folder, merged(problems, found, unreadable), group, len(reports), ledger)


def agency_part(context: PartContext, folder: str, loaded: Iterable[Loaded[Report | None]]) -> AgencyPart:
    checked = check_part(context, folder, loaded)
    part = AgencyPart(checked.folder, checked.problems, checked.reports, checked.read, checked.ledger, documents=() if context.search else None)
    agency = context.registry.get(folder)
    if agency is None or checked.failed:
        return part
    ledger = recorded(checked.ledger, checked.reports, context.today)
    planned = agency_pages(agency, checked.reports, context.site, context.agencies, ledger)
    base = context.site["base"]
    pages = (*planned.pages, *(report_json(c, agency, base, ledger[c.report.year].revisions) for c in checked.reports))
    documents = tuple(search_document(c, agency) for c in checked.reports) if context.search else None
    data = agency_fragments(checked.reports, planned.summaries, agency, context.site, MONEY_STYLE) if context.data else ()
    new = ledger_text(ledger) if ledger != checked.ledger else None
    return AgencyPart(
        checked.folder, checked.problems, checked.reports, checked.read, checked.ledger, pages, planned.copies, planned.summaries, documents, data, new
    )
