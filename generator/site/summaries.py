"""What index pages list of a report, and of an agency.

Summaries are the only thing the portal-wide pages (home, years, the year
pages, agencies) know of reports: those pages are computed from every
agency's summaries alone, never from the reports themselves. That is what
lets a build take an unchanged agency's summaries from its cache, and lets
the preview re-make one agency without looking at the others. A summary's
digest is what a portal-wide page is looked up by.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ..fingerprint import json_digest
from ..formats import FORMATS, KEY_FIGURE_LABELS, REPORT_TITLE
from ..model import Agency, CheckedReport, FilledTables, Site, Value
from ..rules.catalogue import RULES
from ..rules.compliance import assess
from ..stats.values import Measures, report_measures
from . import urls


@dataclass(frozen=True)
class AgencyLink:
    """An agency as a list of reports names it (a portal's own templates may show its region or level)."""

    id: str
    name: str
    region: tuple[str, ...]
    level: str
    url: str

    @classmethod
    def of(cls, agency: Agency, base: str) -> AgencyLink:
        return cls(agency.id, agency.name, agency.region, agency.level, urls.agency(agency.id).url(base))


@dataclass(frozen=True)
class Summary:
    """One report as index pages list it. `figures` is read-only once made."""

    agency: AgencyLink
    year: int
    title: str
    url: str
    published: str  # ISO date, or "" when not given
    late: bool
    warnings: int
    format: str  # the format's name, as shown
    figures: dict[str, Value] | None  # the key figures; None for a report without tables
    measures: Measures | None = None  # the comparable measures (`formats.measures`); None for a free-form report
    # The report on each of its compliance indicators (`rules.compliance.REPORT_INDICATORS`, in that order):
    # whether it is met (None: cannot be judged) and why not. Plain tuples: ten thousand summaries are
    # unpickled from the cache in every build, and a dataclass per verdict took a tenth of a second.
    compliance: tuple[tuple[bool | None, str], ...] = ()

    @cached_property
    def digest(self) -> str:
        """Made once (in the worker that made the summary) and pickled with it. Every field,
        read directly: `dataclasses.astuple` deep-copies each leaf first, which took most of the
        time of hashing ten thousand summaries."""
        values = (getattr(self, f.name) for f in dataclasses.fields(self))
        return json_digest([dataclasses.astuple(v) if isinstance(v, AgencyLink) else v for v in values])

    @cached_property
    def tally_digest(self) -> str:
        """What statistics pages show of the report (see `statistics.Tallied`): not its title
        or date, so a report's new date does not make every region page above it again."""
        return json_digest([self.agency.id, self.agency.name, list(self.agency.region), self.url, self.year, self.measures])

    @cached_property
    def compliance_digest(self) -> str:
        """What compliance pages and compliance.csv show of the report (see `compliance.Judged`):
        not its text or figures, so an edit that changes no verdict makes none of them again."""
        return json_digest([self.agency.id, self.url, self.year, list(self.compliance)])


def report_title(c: CheckedReport, agency: Agency) -> str:
    return c.report.title or REPORT_TITLE.format(agency=agency.name, year=c.report.year)


def key_figures(tables: FilledTables, fmt_id: str) -> dict[str, Value] | None:
    """The key figures of a report, or None when it has no tables (freeform)."""
    fmt = FORMATS[fmt_id]
    if not fmt.key_figures or len(tables) != len(fmt.tables):
        return None
    figures: dict[str, Value] = {}
    for figure in fmt.key_figures:
        table = fmt.table(figure.table)
        columns = [c.key for c in table.block(figure.block).columns]
        row = tables[figure.table].block(figure.block).row(figure.row)
        figures[figure.key] = row.values[columns.index(figure.column)]
    return figures


def report_summary(c: CheckedReport, agency: Agency, base: str, previous: CheckedReport | None = None, repeated_share: int = Site.repeated_share) -> Summary:
    """`previous`: the agency's report before this one, which 内容重复 compares it with."""
    report = c.report
    measures = report_measures(c.tables, report.format)
    return Summary(
        agency=AgencyLink.of(agency, base),
        year=report.year,
        title=report_title(c, agency),
        url=urls.report(agency.id, report.year).url(base),
        published=report.published.isoformat() if report.published else "",
        late=any(p.rule == RULES.late_publication.id for p in c.problems),
        warnings=sum(1 for p in c.problems if p.severity == "warning"),
        format=FORMATS[report.format].name,
        figures=key_figures(c.tables, report.format),
        measures=measures,
        compliance=tuple((v.met, v.note) for v in assess(c, measures, previous, repeated_share)),
    )


def dated(summaries: Iterable[Summary]) -> tuple[Summary, ...]:
    """The reports that say when they were published: the ones a feed lists, since an Atom
    entry must say when it was updated, and the date is never made up (nor taken from the clock)."""
    return tuple(s for s in summaries if s.published)


def figure_columns() -> list[dict[str, str]]:
    return [{"key": key, "label": label} for key, label in KEY_FIGURE_LABELS]


def sum_figures(summaries: list[Summary]) -> dict[str, Value]:
    totals: dict[str, Value] = {key: 0 for key, _ in KEY_FIGURE_LABELS}
    for summary in summaries:
        for key, value in (summary.figures or {}).items():
            totals[key] += value
    return totals
