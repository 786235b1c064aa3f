"""The files an import is given: files named one by one, and folders of them.

An editor who collected an agency's (or a whole county's) published reports has a
folder, often with sub-folders by year or agency and with other files beside the
reports (scans, spreadsheets, notes). A folder stands for every file in it, at any
depth, that a reader takes (by extension, see `readers.supported`, so a new reader
widens it with no change here); the rest are skipped and counted, not refused, since
nobody asked for them. A file named on its own is always imported, or refused with
the reason, as before. Hidden files and folders (.git, .DS_Store) and the lock files
Word and WPS leave beside an open document (~$报告.docx) are never reports.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .readers import READERS, Reader, supported

LOCK_PREFIX = "~$"


@dataclass(frozen=True)
class Sources:
    """What to import, in order, each once; and the files of the folders given that no
    reader takes (skipped)."""

    files: tuple[Path, ...]
    skipped: tuple[Path, ...]


def collect(paths: Sequence[Path], readers: Sequence[Reader] = READERS) -> Sources:
    """The files `paths` stand for: a file itself, a folder every report file under it
    (in name order, so a run is repeatable). A file met twice is imported once."""
    extensions = set(supported(readers))
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in _walk(path):
                (files if _is_report_file(found, extensions) else skipped).append(found)
        else:
            files.append(path)
    return Sources(_once(files), _once(skipped))


def _walk(folder: Path) -> list[Path]:
    """Every visible file under `folder`: a folder's files by name, then its sub-folders by name;
    hidden folders are not entered."""
    found: list[Path] = []
    for directory, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        found += [Path(directory) / name for name in sorted(names) if not name.startswith(".")]
    return found


def _is_report_file(path: Path, extensions: set[str]) -> bool:
    return path.suffix.lower() in extensions and not path.name.startswith(LOCK_PREFIX)


def _once(paths: list[Path]) -> tuple[Path, ...]:
    """`paths` in order, a file given twice (say, by itself and in its folder) kept the first time."""
    seen: set[Path] = set()
    kept = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return tuple(kept)
