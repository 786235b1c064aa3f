"""Writing the agencies' 修订记录 (`content.revisions`) once a build has published the site.

A unit reads its agency's ledger and returns it with this build's revisions recorded
(`UnitResult.ledger`). Only once the site is written are the ledgers written back into the
agency folders: a failed build records nothing, so a change is recorded by the build that
publishes it.

A ledger is one of its folder's files, so writing it changes the unit's key; the next build
would render the agency again, for the same pages (recording is idempotent: a ledger that
holds a report's state records nothing more). So the unit's result is also kept under the
key the folder now has (`rekeyed`), and an edit costs one build, not two.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..content.layout import REPORTS_DIR, REVISIONS_NAME, revisions_path
from ..fingerprint import bytes_digest
from ..model import Problem
from ..rules.catalogue import RULES
from .units import Unit, UnitResult

Recording = list[tuple[Unit, UnitResult, str]]
"""Each unit whose ledger a build records: the unit as its folder will be once the ledger is
written, its result with nothing more to record, and the ledger's text."""


def recording(done: Iterable[tuple[Unit, UnitResult]]) -> Recording:
    """The units of `done` whose results carry a new ledger, as their folders will be."""
    found = []
    for unit, result in done:
        if result.ledger is not None:
            files = dict(unit.files) | {REVISIONS_NAME: bytes_digest(result.ledger.encode("utf-8"))}
            found.append((replace(unit, files=tuple(sorted(files.items()))), replace(result, ledger=None), result.ledger))
    return found


def write_ledgers(project: Path, recorded: Recording) -> tuple[Problem, ...]:
    """Write each ledger, atomically (a reader never sees half of one); a problem for each one
    that could not be written (the next build tries again: its folder is not as recorded)."""
    problems = []
    for unit, _, text in recorded:
        path = project / REPORTS_DIR / unit.folder / REVISIONS_NAME
        temporary = path.with_name(f".{REVISIONS_NAME}.{os.getpid()}")
        try:
            temporary.write_bytes(text.encode("utf-8"))
            os.replace(temporary, path)
        except OSError as exc:
            why = f"（{exc.strerror}）" if exc.strerror else ""
            problems.append(RULES.revisions_file.at(revisions_path(unit.folder), 1, f"修订记录无法写入{why}：本次的修改未能记录，请检查文件夹的权限后重新生成"))
        finally:
            temporary.unlink(missing_ok=True)  # left only when the write failed: a hidden file would change the folder's key
    return tuple(problems)
