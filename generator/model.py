"""The plain data that flows through the pipeline: load → validate → plan → render → write.

Every stage takes these dataclasses and returns new ones; none of them reads
files or keeps state, so each stage can be tested alone and pages can later be
rendered in parallel.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
Value = int | Decimal
KeyPath = tuple[str | int, ...]
Facts = tuple[tuple[str, str | int], ...]
CellRef = tuple[str, str, str, int]
"""A cell of a report's statistics tables: table key ("三"), block key, row key, column index."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about the content, printed as `file:line: severity [rule] message`."""

    file: str  # relative to the project directory, with forward slashes
    line: int
    severity: Severity
    rule: str
    message: str
    # The values the rule's sentence for citizens names (see RuleSpec.public), by name;
    # not compared: they say again, for the public page, what the message says to editors.
    facts: Facts = field(default=(), compare=False)
    # The table cells it is about, where it is about figures (an archive's page marks them):
    # not compared either, the message names them.
    cells: tuple[CellRef, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity} [{self.rule}] {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the catalogue (`rules.catalogue`) names it: its id, how serious a breach
    is, a short Chinese title and the regulation or format notice it comes from.

    Problems are made from a spec (`at`), never from a bare id and severity, so a
    rule's severity is written once, in the catalogue, and no id goes uncatalogued.
    """

    id: str
    severity: Severity
    title: str
    basis: str  # the regulation article or format notice; "xxgk" for the tool's own rules
    # What a report's public page says of a breach, to citizens: plain words, no rule id or
    # field name; `{name}`s are filled from the problem's facts. Warnings have one, and the
    # errors an archive publishes (`rules.catalogue.DISCREPANCIES`); other errors stop
    # publication, so no reader ever meets them.
    public: str = ""

    def at(
        self, file: str, line: int, message: str, facts: Mapping[str, str | int] | None = None, cells: tuple[CellRef, ...] = ()
    ) -> Problem:
        return Problem(file, line, self.severity, self.id, message, tuple(sorted((facts or {}).items())), cells)


def of_severity(problems: tuple[Problem, ...], severity: Severity) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.severity == severity)


def merged(*groups: Iterable[Problem]) -> tuple[Problem, ...]:
    """Problems from several places, each once, in file and line order: as `xxgk check` prints them."""
    return tuple(sorted({p for group in groups for p in group}))


class Findings:
    """The errors and warnings of a result that carries `problems` (a check, a build,
    a part of one): an error stops publication, a warning does not."""

    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return of_severity(self.problems, "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return of_severity(self.problems, "warning")

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass(frozen=True)
class Source:
    """Where values came from: a file and the line of every key path in it."""

    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict, compare=False)
    first_line: int = 1

    def line(self, *path: str | int) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        key: KeyPath = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.first_line

    def problem(
        self, rule: RuleSpec, message: str, *path: str | int, facts: Mapping[str, str | int] | None = None, cells: tuple[CellRef, ...] = ()
    ) -> Problem:
        """A breach of `rule` at the line of `path` in this file."""
        return rule.at(self.file, self.line(*path), message, facts, cells)


@dataclass(frozen=True)
class Licence:
    """The terms the portal's data downloads are published under (site.yaml `data_licence`):
    a licence known by its identifier, or a portal's own terms (then `id` is empty)."""

    id: str  # an SPDX / Open Definition identifier such as "CC-BY-4.0"; "" for a portal's own terms
    title: str  # as the data page names it, in Chinese
    url: str = ""  # where its text is; "" when the portal gives none


@dataclass(frozen=True)
class Site:
    title: str
    base_url: str  # as configured: a path ("/xxgk/") or a full URL
    organiser: str = ""  # 主办单位
    description: str = ""
    contact: str = ""
    footer: tuple[str, ...] = ()  # further lines of the footer
    # The identifiers a Chinese government site shows in its footer (and, the first, in its meta tags):
    site_id_code: str = ""  # 政府网站标识码, from the national register of government websites
    icp_record: str = ""  # ICP备案号, e.g. 京ICP备12345678号-1
    police_record: str = ""  # 公网安备号, e.g. 京公网安备11010502030143号
    default_region: tuple[str, ...] = ()  # where a new agency met by `xxgk import` is, when its name does not say
    parquet: bool = False  # also publish the figures as Parquet, by year (needs pyarrow: xxgk[parquet])
    data_licence: Licence | None = None  # the terms of the data downloads (/data/); None: not stated
    archive: bool = False  # site.yaml `mode: archive`: reports published as issued, their discrepancies shown (rules.catalogue.DISCREPANCIES)
    cluster: str = ""  # the Dask scheduler `xxgk build` sends its work to (tcp://host:8786); "": this machine
    repeated_share: int = 50  # percent of a narrative repeated from last year's above which 内容重复 is flagged (rules.indicators)
    source: Source = field(default_factory=lambda: Source("content/site.yaml"), compare=False)


PATH_SEPARATOR = " / "
"""Between the parts of a region written out ("示例省 / 示例市 / 示例县"), in pages, data files and
the search filters; and between the labels of a table row's groups."""


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    region: tuple[str, ...]
    level: str
    parent: str | None = None
    covers: tuple[str, ...] = ()  # the agencies whose figures its report sums up (汇总) besides its own
    phone: str = ""
    address: str = ""
    website: str = ""
    source: Source = field(default_factory=lambda: Source("content/agencies.yaml"), compare=False)
    index: int = 0  # position in the registry, to report its line


@dataclass(frozen=True)
class Attachment:
    file: str  # a file name beside the report's .md
    title: str


@dataclass(frozen=True)
class Report:
    agency_id: str
    year: int
    format: str
    title: str  # empty when the editor gave none: the plan stage defaults it
    published: datetime.date | None
    tables: dict[str, Any] | None  # as typed in front matter (None: not a mapping, already reported)
    narrative: str  # the Markdown body
    attachments: tuple[Attachment, ...]
    source: Source = field(compare=False)
    directory: Path = field(compare=False)  # where attachments live
    path_agency: str = ""  # the agency and year its path names
    path_year: str = ""

    @cached_property
    def key(self) -> tuple[str, int]:
        return (self.agency_id, self.year)


@dataclass(frozen=True)
class Portal:
    """Everything under content/, as loaded. Problems found while reading ride along."""

    root: Path
    site: Site
    agencies: tuple[Agency, ...]
    reports: tuple[Report, ...]
    problems: tuple[Problem, ...] = ()

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)


@dataclass(frozen=True)
class Cell:
    value: Value
    computed: bool = False  # a total the editor left out


@dataclass(frozen=True)
class FilledRow:
    key: str
    label: str
    path: tuple[str, ...]
    cells: tuple[Cell, ...]

    @cached_property
    def values(self) -> tuple[Value, ...]:
        return tuple(c.value for c in self.cells)


@dataclass(frozen=True)
class FilledBlock:
    key: str
    title: str
    rows: tuple[FilledRow, ...]

    def row(self, key: str) -> FilledRow:
        return next(r for r in self.rows if r.key == key)


@dataclass(frozen=True)
class FilledTable:
    key: str
    blocks: tuple[FilledBlock, ...]

    def block(self, key: str) -> FilledBlock:
        return next(b for b in self.blocks if b.key == key)


FilledTables = dict[str, FilledTable]  # by table key: 二, 三, 四


@dataclass(frozen=True)
class CheckedReport:
    report: Report
    tables: FilledTables  # empty for freeform reports or unreadable table data
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Checked(Findings):
    """The outcome of validation: every problem, and each report's tables read."""

    portal: Portal
    reports: tuple[CheckedReport, ...]
    problems: tuple[Problem, ...]
