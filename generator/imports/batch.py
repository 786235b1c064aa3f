"""Many files imported at once: the registry read once; every file read, matched and
written in turn (a new agency registered the first time one of its files is met,
with an id and a region made from its name, see `registration`); then the portal
checked once, and each problem handed back to the file it is about.

Checking the whole portal is what an import costs on a large portal, and a
batch of N files used to pay it N times (`xxgk import` loaded and checked the
portal once per file). Nothing here prints: the command prints the result,
one typed outcome per file, in the order the files were given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..build.project import check_project, default_jobs
from ..content.layout import AGENCIES_FILE, report_path
from ..content.load import load_agencies, load_site
from ..content.scaffold import report_text
from ..model import Agency, Checked, Problem
from .matching import Imported
from .readers import READERS, Reader
from .reading import read_reports
from .registration import KnownAgencies, NewAgency

Check = Callable[[Path], Checked]
"""What checks a portal: `build.project.check_project`, or a stand-in that counts its calls."""


@dataclass(frozen=True)
class Facts:
    """What an import found in a file, for the summary table: the agency (its id, and
    whether this batch registered it), the year, the format, and how many official rows
    were filled, are missing (totals aside) and were guessed."""

    agency: str
    year: int
    format: str
    filled: int
    missing: int
    guesses: int
    new_agency: bool = False


@dataclass(frozen=True)
class Refused:
    """A file not imported: unreadable, not a report, or of an agency the registry does
    not know when no agency id was given. `reason` is Chinese and does not name the file."""

    file: Path
    reason: str
    exit_code: ClassVar[int] = 2


@dataclass(frozen=True)
class Kept:
    """The report's file already exists and overwriting was not asked for: left as it was."""

    file: Path
    target: Path
    facts: Facts
    exit_code: ClassVar[int] = 1


@dataclass(frozen=True)
class Previewed:
    """A dry run: the report file that would be written to `target`, and the notes on it."""

    file: Path
    target: Path
    notes: tuple[str, ...]
    text: str
    facts: Facts
    exit_code: ClassVar[int] = 0


@dataclass(frozen=True)
class Written:
    """A report file written, with the notes on what was filled and guessed, and the
    problems the check found in it (and in the registry, when this file registered
    a new agency)."""

    file: Path
    target: Path
    notes: tuple[str, ...]
    problems: tuple[Problem, ...]
    facts: Facts

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


Outcome = Refused | Kept | Previewed | Written


@dataclass(frozen=True)
class BatchResult:
    """One outcome per file, in the order given, and how many times the portal was
    checked (1 when any file was written, else 0)."""

    outcomes: tuple[Outcome, ...]
    checks: int

    @property
    def exit_code(self) -> int:
        """The worst file's: 0 all imported and clean, 1 imported with errors (or kept), 2 not read."""
        return max((o.exit_code for o in self.outcomes), default=0)


@dataclass(frozen=True)
class _Planned:
    """A file read and matched: the report it makes, for which agency (and its registry
    entry when new), and where it goes."""

    file: Path
    agency: Agency
    new: NewAgency | None
    relative: str  # the report's path in the project
    text: str
    notes: tuple[str, ...]
    facts: Facts


@dataclass(frozen=True)
class _Done:
    """A file written: what was planned, and the registry lines its new agency's entry took."""

    planned: _Planned
    entry_lines: range


def import_files(
    project: Path,
    files: Sequence[Path],
    agency: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    *,
    check: Check = check_project,
    readers: Sequence[Reader] = READERS,
    on_file: Callable[[Path], object] | None = None,
    jobs: int | None = None,
) -> BatchResult:
    """Import `files` into the portal at `project`. `agency` (a valid id) is the agency of
    every file, registered if new; without it each file's agency is found by the name in
    its title, and registered under an id made from that name when the registry does not
    know it. `year` overrides the title's. Files are handled in order, as if imported one
    by one: a later file sees what an earlier one wrote and registered (they are read and
    matched in `jobs` worker processes, by default one per core, see `reading`). `on_file`
    is told of each file once it is handled (a progress bar)."""
    known = KnownAgencies(load_agencies(project).value, load_site(project).value.default_region)
    done: list[Outcome | _Done] = []
    for file, read in zip(files, read_reports(files, year, readers, jobs or default_jobs())):
        done.append(_import_one(project, file, read, known, agency, dry_run, force))
        if on_file is not None:
            on_file(file)
    if not any(isinstance(item, _Done) for item in done):
        return BatchResult(tuple(item for item in done if not isinstance(item, _Done)), 0)
    problems = check(project).problems
    return BatchResult(tuple(_written(project, item, problems) if isinstance(item, _Done) else item for item in done), 1)


def _import_one(project: Path, file: Path, read: Imported | str, known: KnownAgencies, agency: str | None, dry_run: bool, force: bool) -> Outcome | _Done:
    """One file, read and matched, written (unless a dry run, or its report exists); its new
    agency, if any, is then known to the files after it."""
    planned = _plan_file(file, read, known, agency)
    if isinstance(planned, Refused):
        return planned
    target = project / planned.relative
    if dry_run:
        outcome: Outcome | _Done = Previewed(file, target, planned.notes, planned.text, planned.facts)
    elif target.exists() and not force:
        return Kept(file, target, planned.facts)
    else:
        written = _write(project, planned)
        if isinstance(written, Refused):
            return written
        outcome = _Done(planned, written)
    if planned.new is not None:
        known.add(planned.agency)
    return outcome


def _plan_file(file: Path, imported: Imported | str, known: KnownAgencies, agency_id: str | None) -> _Planned | Refused:
    """Decide the agency of a file read and matched (or refuse it, with why it could not
    be read), and its report's text and path; nothing is written."""
    if isinstance(imported, str):
        return Refused(file, imported)
    found = known.by_id(agency_id) if agency_id is not None else known.by_name(imported.agency_name)
    new = None
    if found is None:
        if agency_id is None and not imported.agency_name:
            return Refused(file, "标题和网页信息中都没有机关名称，无法确定是哪个机关的报告：请用 --agency 指定机关标识（如 --agency pingluo-qukou）")
        new = known.new(imported.agency_name, agency_id)
        found = new.agency
    values = imported.values() if imported.format.tables else None
    text = report_text(found, imported.year, imported.format, imported.narrative, imported.published, values, note=f"由 xxgk import 从 {file.name} 导入")
    facts = Facts(found.id, imported.year, imported.format.id, len(imported.rows), len(imported.missing()), len(imported.guesses), new is not None)
    return _Planned(file, found, new, report_path(found.id, imported.year), text, notes(imported, found, new), facts)


def notes(imported: Imported, agency: Agency, new: NewAgency | None = None) -> tuple[str, ...]:
    """What an editor should know about an imported report: the agency (for a new one, how
    its id, region and level were found) and format, the rows filled, every guess, the
    rows the source lacks, what was kept unplaced, the date and where it was read."""
    if new is None:
        lines = [f"机关：{agency.name}（{agency.id}）"]
    else:
        named = "标识按名称拼音生成，" if new.id_from_name else ""
        lines = [f"机关：{agency.name}（{agency.id}，新登记到 content/agencies.yaml：{named}层级按名称推测为“{agency.level}”，请核对）"]
        lines.append(f"所属地区：{' / '.join(agency.region)}（{new.region.basis}）" if new.region.found else f"所属地区：{new.region.basis}")
    if "agency" in imported.said_by:
        lines.append(f"机关名称：标题中没有，取自网页的“{imported.said_by['agency']}”，请核对")
    lines.append(f"年度：{imported.year}；格式：{imported.format.name}")
    if imported.format.tables:
        counts = Counter(key for key, _ in imported.rows)
        lines.append("已填入：" + "，".join(f"表{t.key} {counts[t.key]} 行" for t in imported.format.tables))
        lines += [f"推测：{guess}" for guess in imported.guesses]
        if missing := imported.missing():
            lines.append("原文没有的行（未填写，请补充）：" + "、".join(missing))
    if imported.unplaced:
        lines.append(f"未能对应到官方表格的内容 {len(imported.unplaced)} 处：原样保留在正文末尾的“导入说明”中")
    if imported.published is None:
        lines.append("发布日期：原文没有写明发布日期，未填写（请在 published 中填写）")
    else:
        lines.append(f"发布日期：{imported.published.isoformat()}（取自网页的“{imported.said_by['published']}”）")
    return tuple(lines)


def _write(project: Path, planned: _Planned) -> Refused | range:
    """Register the file's new agency, if any, and write its report; the registry lines the
    entry took (none when no agency was new). A folder or file that cannot be written is
    the file's refusal (in Chinese), not a traceback."""
    target = project / planned.relative
    try:
        lines = _register(project, planned.new.entry) if planned.new is not None else range(0)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(planned.text, encoding="utf-8")
    except OSError as exc:
        return Refused(planned.file, f"无法写入 {exc.filename or target}：{exc.strerror or exc}")
    except UnicodeDecodeError:
        return Refused(planned.file, f"{AGENCIES_FILE} 不是 UTF-8 编码，无法登记新机关：请先用 UTF-8 重新保存它（xxgk check 会指出问题所在）")
    return lines


def _register(project: Path, entry: str) -> range:
    """Append a new agency's entry to the registry (made when there is none); the lines it took."""
    registry = project / AGENCIES_FILE
    existing = registry.read_text(encoding="utf-8") if registry.is_file() else "agencies:\n"
    before = existing + ("" if existing.endswith("\n") else "\n")
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(before + entry, encoding="utf-8")
    first = before.count("\n") + 1
    return range(first, first + entry.count("\n"))


def _written(project: Path, done: _Done, problems: Iterable[Problem]) -> Written:
    """A written file's outcome: the problems in its report, and those in the registry
    entry it made for a new agency (a region that could not be inferred)."""
    planned = done.planned
    mine = tuple(p for p in problems if p.file == planned.relative or (p.file == AGENCIES_FILE and p.line in done.entry_lines))
    return Written(planned.file, project / planned.relative, planned.notes, mine, planned.facts)
