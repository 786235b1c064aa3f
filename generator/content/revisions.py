"""修订记录: what changed in a report after the portal first published it.

Evaluators penalise reports changed silently after publication. So `xxgk build` keeps,
beside an agency's reports, a ledger (`content/reports/<agency>/revisions.yaml`): for each
report, the date the portal first published it, its state as last published (a digest of
its title and text, its publication date, its figures) and every change found since, dated.
A report's page lists those changes (修订记录).

The ledger is content, not cache: it must outlive a clean build and a new machine, so
editors keep it with the reports (commit it). Only a build that publishes writes it, and
only after the site is written (`build.project`); `check` and the preview read it and
write nothing, so the preview shows what the next build will record.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..formats import FORMATS
from ..model import CheckedReport, Problem, Source
from ..rules.catalogue import RULES
from .source import SourceError, parse_yaml, read_text

HEADER = "# 修订记录：由 xxgk build 在每次发布时更新，请随报告一同保存，不要手工修改。\n"


@dataclass(frozen=True)
class Revision:
    date: str  # ISO date of the build that published the change
    changes: tuple[str, ...]  # in plain Chinese: 正文, 发布日期, each figure changed


@dataclass(frozen=True)
class Entry:
    """A report in the ledger: when it was first published, its state since, its revisions."""

    recorded: str  # ISO date of the build that first published it
    text: str  # digest of its title and narrative
    published: str  # its publication date as written ("" when it names none)
    figures: Mapping[str, str] = field(default_factory=dict)  # table key → its figures, official order, space-separated
    revisions: tuple[Revision, ...] = ()

    def state(self) -> tuple[str, str, dict[str, str]]:
        return self.text, self.published, dict(self.figures)


Ledger = dict[int, Entry]
"""An agency's ledger, by report year."""


# --- reading and writing ------------------------------------------------------------------


def read_ledger(path: Path, file: str) -> tuple[Ledger, tuple[Problem, ...]]:
    """The ledger at `path` (named `file` in messages); empty when there is none. A ledger that
    cannot be read is an error: recording on top of it would lose the history it holds."""
    if not path.is_file():
        return {}, ()
    try:
        data, lines = parse_yaml(read_text(path))
    except SourceError as exc:
        return {}, (exc.rule.at(file, exc.line, exc.message),)
    source = Source(file, lines)
    ledger: Ledger = {}
    items = data.items() if isinstance(data, dict) else [] if data is None else [(None, data)]
    for year, item in items:
        entry = _entry(item)
        if not isinstance(year, int) or entry is None:
            at = (year,) if isinstance(year, (int, str)) else ()
            return {}, (source.problem(RULES.revisions_file, "修订记录文件的内容无法识别：它由 xxgk build 维护，请从版本库恢复，不要手工修改", *at),)
        ledger[year] = entry
    return ledger, ()


def _entry(item: Any) -> Entry | None:
    try:
        revisions = tuple(Revision(str(r["date"]), tuple(str(c) for c in r["changes"])) for r in item.get("revisions") or ())
        figures = {str(key): str(value) for key, value in (item.get("figures") or {}).items()}
        return Entry(str(item["recorded"]), str(item["text"]), str(item.get("published") or ""), figures, revisions)
    except (AttributeError, KeyError, TypeError):
        return None


def ledger_text(ledger: Ledger) -> str:
    """The ledger as its file holds it: years in order, the same bytes for the same ledger.
    Written line by line rather than by yaml.safe_dump, a hundred times slower: a portal's
    first build writes a ledger for every agency. Every text is a JSON string, which YAML reads
    as the same text whatever it holds."""
    lines = [HEADER.rstrip("\n")]
    for year, entry in sorted(ledger.items()):
        lines += [f"{year}:", f"  recorded: {_text(entry.recorded)}", f"  text: {_text(entry.text)}", f"  published: {_text(entry.published)}"]
        if entry.figures:
            lines += ["  figures:", *(f"    {_text(key)}: {_text(values)}" for key, values in entry.figures.items())]
        if entry.revisions:
            lines.append("  revisions:")
            for revision in entry.revisions:
                lines += [f"  - date: {_text(revision.date)}", "    changes:", *(f"    - {_text(change)}" for change in revision.changes)]
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- recording ------------------------------------------------------------------------------


def recorded(ledger: Ledger, reports: Iterable[CheckedReport], today: datetime.date) -> Ledger:
    """The ledger after publishing `reports` on `today`: a report new to it is recorded as first
    published today; one whose state differs from the recorded one gets a revision listing what
    changed. Entries of reports no longer present are kept: their history stays."""
    new = dict(ledger)
    for c in reports:
        text, published, figures = report_state(c)
        entry = ledger.get(c.report.year)
        if entry is None:
            new[c.report.year] = Entry(today.isoformat(), text, published, figures)
        elif entry.state() != (text, published, figures):
            changes = changed(entry, c, text, published, figures)
            new[c.report.year] = Entry(entry.recorded, text, published, figures, (*entry.revisions, Revision(today.isoformat(), changes)))
    return new


def report_state(c: CheckedReport) -> tuple[str, str, dict[str, str]]:
    """What a revision compares: a digest of the title and text, the date, the figures."""
    report = c.report
    text = hashlib.sha256(f"{report.title}\n{report.narrative}".encode()).hexdigest()[:16]
    published = report.published.isoformat() if report.published else ""
    figures = {key: " ".join(str(cell.value) for block in table.blocks for row in block.rows for cell in row.cells) for key, table in c.tables.items()}
    return text, published, figures


def changed(entry: Entry, c: CheckedReport, text: str, published: str, figures: Mapping[str, str]) -> tuple[str, ...]:
    """What differs between the recorded state and the report's, in words a reader follows."""
    changes = []
    if entry.text != text:
        changes.append("正文")
    if entry.published != published:
        changes.append(f"发布日期由 {entry.published or '未注明'} 改为 {published or '未注明'}")
    official = [table.key for table in FORMATS[c.report.format].tables]
    for key in dict.fromkeys([*official, *entry.figures, *figures]):
        before, now = entry.figures.get(key), figures.get(key)
        if before != now:
            changes += _figures_changed(c, key, before, now)
    return tuple(changes)


def _figures_changed(c: CheckedReport, key: str, before: str | None, now: str | None) -> list[str]:
    if before is None:
        return [f"表{key}（新填写）"]
    if now is None:
        return [f"表{key}（已删去）"]
    old, new = before.split(), now.split()
    table = c.tables[key]
    forms = FORMATS[c.report.format].table(key).blocks
    cells = [(row.label, column.label, cell.computed) for block, form in zip(table.blocks, forms) for row in block.rows for column, cell in zip(form.columns, row.cells)]
    if len(old) != len(cells):
        return [f"表{key}（格式改变）"]
    return [f"表{key}“{row}”“{column}”由 {a} 改为 {b}" for (row, column, computed), a, b in zip(cells, old, new) if a != b and not computed]
