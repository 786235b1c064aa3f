"""Many files imported at once: the registry read once; every file read, matched and
written in turn (a new agency registered the first time one of its files is met);
then the portal checked once, and each problem handed back to the file it is about.

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

from ..build.project import check_project
from ..content.layout import AGENCIES_FILE, report_path
from ..content.load import load_agencies
from ..content.scaffold import report_text
from ..model import Agency, Checked, Problem
from .document import ReadError
from .matching import Imported, import_document
from .readers import READERS, Reader, read_document
from .registration import guess_level, registry_entry

Check = Callable[[Path], Checked]
"""What checks a portal: `build.project.check_project`, or a stand-in that counts its calls."""


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
    exit_code: ClassVar[int] = 1


@dataclass(frozen=True)
class Previewed:
    """A dry run: the report file that would be written to `target`, and the notes on it."""

    file: Path
    target: Path
    notes: tuple[str, ...]
    text: str
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

    @property
    def exit_code(self) -> int:
        return 1 if any(p.severity == "error" for p in self.problems) else 0


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
    """A file read and matched: the report it makes, for which agency, and where it goes."""

    file: Path
    agency: Agency
    entry: str | None  # the registry lines of a new agency
    relative: str  # the report's path in the project
    text: str
    notes: tuple[str, ...]


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
) -> BatchResult:
    """Import `files` into the portal at `project`. `agency` (a valid id) is the agency of
    every file, registered if new; without it each file's agency is found by the name in
    its title. `year` overrides the title's. Files are handled in order, as if imported
    one by one: a later file sees what an earlier one wrote and registered."""
    agencies = load_agencies(project).value
    done: list[Outcome | _Planned] = []
    for file in files:
        planned = _plan_file(file, agencies, agency, year, readers)
        if isinstance(planned, Refused):
            done.append(planned)
            continue
        target = project / planned.relative
        if dry_run:
            done.append(Previewed(file, target, planned.notes, planned.text))
        elif target.exists() and not force:
            done.append(Kept(file, target))
        elif (failed := _write(project, planned)) is not None:
            done.append(failed)
        else:
            agencies = (*agencies, planned.agency) if planned.entry is not None else agencies
            done.append(planned)
    if not any(isinstance(item, _Planned) for item in done):
        return BatchResult(tuple(item for item in done if not isinstance(item, _Planned)), 0)
    problems = check(project).problems
    return BatchResult(tuple(_written(project, item, problems) if isinstance(item, _Planned) else item for item in done), 1)


def _plan_file(file: Path, agencies: Sequence[Agency], agency_id: str | None, year: int | None, readers: Sequence[Reader] = READERS) -> _Planned | Refused:
    """Read and match one file, and decide its agency and its report's path; nothing is written."""
    try:
        imported = import_document(read_document(file, readers), year)
    except ReadError as exc:
        return Refused(file, str(exc))
    found = _find_agency(imported, agencies, agency_id)
    entry = None
    if found is None:
        if agency_id is None:
            name = imported.agency_name or "（标题中没有机关名称）"
            return Refused(file, f"机关 “{name}” 不在 content/agencies.yaml 中：请用 --agency 给它一个标识（如 --agency pingluo-qukou），将自动登记")
        found = Agency(agency_id, imported.agency_name or agency_id, (), guess_level(imported.agency_name))
        entry = registry_entry(found.id, found.name)
    values = imported.values() if imported.format.tables else None
    text = report_text(found, imported.year, imported.format, imported.narrative, values=values, note=f"由 xxgk import 从 {file.name} 导入")
    return _Planned(file, found, entry, report_path(found.id, imported.year), text, notes(imported, found, entry is not None))


def _find_agency(imported: Imported, agencies: Iterable[Agency], agency_id: str | None) -> Agency | None:
    """The registered agency a report is for: the one with the given id, else the one
    whose name is the title's."""
    if agency_id is not None:
        return next((a for a in agencies if a.id == agency_id), None)
    return next((a for a in agencies if a.name == imported.agency_name), None)


def notes(imported: Imported, agency: Agency, new: bool) -> tuple[str, ...]:
    """What an editor should know about an imported report: the agency and format, the rows
    filled, every guess, the rows the source lacks, what was kept unplaced, the date."""
    lines = [f"机关：{agency.name}（{agency.id}" + ("，新登记到 content/agencies.yaml：请填写所属地区，核对机关层级）" if new else "）")]
    lines.append(f"年度：{imported.year}；格式：{imported.format.name}")
    if imported.format.tables:
        counts = Counter(key for key, _ in imported.rows)
        lines.append("已填入：" + "，".join(f"表{t.key} {counts[t.key]} 行" for t in imported.format.tables))
        lines += [f"推测：{guess}" for guess in imported.guesses]
        if missing := imported.missing():
            lines.append("原文没有的行（未填写，请补充）：" + "、".join(missing))
    if imported.unplaced:
        lines.append(f"未能对应到官方表格的内容 {len(imported.unplaced)} 处：原样保留在正文末尾的“导入说明”中")
    lines.append("发布日期：原文没有写明发布日期，未填写（请在 published 中填写）")
    return tuple(lines)


def _write(project: Path, planned: _Planned) -> Refused | None:
    """Register the file's new agency, if any, and write its report; a folder or file that
    cannot be written is the file's refusal (in Chinese), not a traceback."""
    target = project / planned.relative
    try:
        if planned.entry is not None:
            _register(project, planned.entry)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(planned.text, encoding="utf-8")
    except OSError as exc:
        return Refused(planned.file, f"无法写入 {exc.filename or target}：{exc.strerror or exc}")
    except UnicodeDecodeError:
        return Refused(planned.file, f"{AGENCIES_FILE} 不是 UTF-8 编码，无法登记新机关：请先用 UTF-8 重新保存它（xxgk check 会指出问题所在）")
    return None


def _register(project: Path, entry: str) -> None:
    """Append a new agency's entry to the registry (made when there is none)."""
    registry = project / AGENCIES_FILE
    existing = registry.read_text(encoding="utf-8") if registry.is_file() else "agencies:\n"
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(existing + ("" if existing.endswith("\n") else "\n") + entry, encoding="utf-8")


def _written(project: Path, planned: _Planned, problems: Iterable[Problem]) -> Written:
    """A written file's outcome: the problems in its report, and those in the registry
    when it registered an agency (the region it left for the editor to fill)."""
    mine = tuple(p for p in problems if p.file == planned.relative or (planned.entry is not None and p.file == AGENCIES_FILE))
    return Written(planned.file, project / planned.relative, planned.notes, mine)
