"""修订记录: what changed in a report after the portal first published it.

Evaluators penalise reports changed silently after publication. So `xxgk build` keeps,
beside an agency's reports, a ledger (`content/reports/<agency>/revisions.json`): for each
report, the date a build first recorded it (its first publication here, or, for a portal
older than its ledgers, the first build that kept them), its state as last published (a digest of
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
from ..model import CheckedReport, Problem
from ..rules.catalogue import RULES
from .source import SourceError, read_text

ABOUT = "修订记录：由 xxgk build 在每次发布时更新，请随报告一同保存，不要手工修改。"
"""The ledger's first member, for whoever opens the file."""


@dataclass(frozen=True)
class Revision:
    date: str  # ISO date of the build that published the change
    changes: tuple[str, ...]  # in plain Chinese: 正文, 发布日期, each figure changed


@dataclass(frozen=True)
class Entry:
    """A report in the ledger: when it was first published, its state since, its revisions."""

    recorded: str  # ISO date of the build that first recorded it: changes are known from then on
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
    cannot be read is an error: recording on top of it would lose the history it holds.
    JSON, not YAML like the rest of the content: a build reads every agency's, and
    json.loads reads one in a tenth of the time (a province's portal holds 100,000 reports)."""
    if not path.is_file():
        return {}, ()
    try:
        text = read_text(path)
        data = json.loads(text)
    except SourceError as exc:  # empty, not UTF-8, unreadable: the ledger's own words, not a report's
        return {}, (RULES.revisions_file.at(file, exc.line, f"修订记录文件无法读取：{DAMAGED}"),)
    except json.JSONDecodeError as exc:
        return {}, (RULES.revisions_file.at(file, exc.lineno, f"修订记录文件格式有误（第 {exc.colno} 列）：{DAMAGED}"),)
    reports = data.get("reports") if isinstance(data, dict) else None
    ledger: Ledger = {}
    for year, item in reports.items() if isinstance(reports, dict) else [("", None)]:
        entry = _entry(item)
        if not year.isdigit() or entry is None:
            line = text.count("\n", 0, max(text.find(f'"{year}"'), 0)) + 1 if year else 1
            return {}, (RULES.revisions_file.at(file, line, f"修订记录文件的内容无法识别：{DAMAGED}"),)
        ledger[int(year)] = entry
    return ledger, ()


DAMAGED = "它由 xxgk build 维护，请从版本库恢复，不要手工修改"


def _entry(item: Any) -> Entry | None:
    try:
        revisions = tuple(Revision(str(r["date"]), tuple(str(c) for c in r["changes"])) for r in item.get("revisions") or ())
        figures = {str(key): str(value) for key, value in (item.get("figures") or {}).items()}
        return Entry(str(item["recorded"]), str(item["text"]), str(item.get("published") or ""), figures, revisions)
    except (AttributeError, KeyError, TypeError):
        return None


def ledger_text(ledger: Ledger) -> str:
    """The ledger as its file holds it: years in order, one report's state to a line or two
    (so a version-control diff shows which report changed), the same bytes for the same ledger."""
    lines = ["{", f'"about": {_text(ABOUT)},', '"reports": {']
    entries = []
    for year, entry in sorted(ledger.items()):
        state = {"recorded": entry.recorded, "text": entry.text, "published": entry.published, "figures": dict(entry.figures)}
        revisions = [{"date": r.date, "changes": list(r.changes)} for r in entry.revisions]
        entries.append(f'"{year}": {_text(state)[:-1]}' + (f',\n "revisions": {_text(revisions)}}}' if revisions else "}"))
    lines += [",\n".join(entries), "}", "}"]
    return "\n".join(lines) + "\n"


def _text(value: object) -> str:
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
        return [f"表{key}（不再完整列出）"]
    old, new = before.split(), now.split()
    table = c.tables[key]
    forms = FORMATS[c.report.format].table(key).blocks
    cells = [(row.label, column.label, cell.computed) for block, form in zip(table.blocks, forms) for row in block.rows for column, cell in zip(form.columns, row.cells)]
    if len(old) != len(cells):
        return [f"表{key}（格式改变）"]
    differ = [(row, column, computed, a, b) for (row, column, computed), a, b in zip(cells, old, new) if a != b]
    typed = [d for d in differ if not d[2]] or differ  # a computed total follows its parts; alone, it is the change
    return [f"表{key}“{row}”“{column}”由 {a} 改为 {b}" for row, column, _, a, b in typed]
