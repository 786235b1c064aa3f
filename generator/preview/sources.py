"""The portal's files as last read, so that a save re-reads only the saved file.

Reports are kept by agency folder: a folder's loaded reports are one tuple,
made anew only when one of its files changes, so an agency part made from an
unchanged folder is found again by identity (see `app.Preview`). Each file is
kept with a digest of its bytes: saving a file unchanged (or an editor
touching it) keeps the loaded objects, so nothing is made again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..content.layout import AGENCIES_FILE, SITE_FILE, place, report_files
from ..content.load import Loaded, load_agencies, load_report, load_site
from ..model import Agency, Report, Site

Reports = tuple[Loaded[Report | None], ...]


class Sources:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, tuple[bytes, Loaded[Any]]] = {}  # by path relative to root
        self.folders: dict[str, set[str]] = {}  # agency folder → its reports' relative paths
        self._reports: dict[str, Reports] = {}  # agency folder → its loaded reports, in name order
        self.read_all()

    @property
    def site(self) -> Loaded[Site]:
        return self.files[SITE_FILE][1]

    @property
    def registry(self) -> Loaded[tuple[Agency, ...]]:
        return self.files[AGENCIES_FILE][1]

    def reports(self, folder: str) -> Reports:
        """A folder's loaded reports: the same tuple until one of its files changes."""
        kept = self._reports.get(folder)
        if kept is None:
            kept = self._reports[folder] = tuple(self.files[relative][1] for relative in sorted(self.folders.get(folder, ())))
        return kept

    def read_all(self, force: bool = False) -> None:
        """Read every file: at the start, or (`force`) when content/ or its reports folder was
        replaced at once and the watcher named only the folder."""
        self._read(SITE_FILE, lambda root, _: load_site(root), force)
        self._read(AGENCIES_FILE, lambda root, _: load_agencies(root), force)
        self.rescan()
        if force:
            for reports in self.folders.values():
                for relative in reports:
                    self._read(relative, load_report, force=True)
            self._reports.clear()

    def rescan(self) -> None:
        """Follow added and removed report files (a folder moved or deleted at once)."""
        present: dict[str, set[str]] = {}
        for path in report_files(self.root):
            relative = path.relative_to(self.root).as_posix()
            present.setdefault(path.parent.name, set()).add(relative)
        for folder in set(self.folders) | set(present):
            before, now = self.folders.get(folder, set()), present.get(folder, set())
            for relative in before - now:
                del self.files[relative]
            for relative in sorted(now - before):
                self._read(relative, load_report)
            if before != now:
                self._reports.pop(folder, None)
        self.folders = present

    def reload(self, path: Path) -> None:
        """Read `path` again after it was saved, added or deleted."""
        where = place(self.root, path)
        if where.kind == "reports":  # the folders themselves moved or replaced: attachments may differ too
            self.read_all(force=True)
        elif where.kind == "settings":
            self._read(SITE_FILE, lambda root, _: load_site(root))
        elif where.kind == "registry":
            self._read(AGENCIES_FILE, lambda root, _: load_agencies(root))
        elif where.kind == "report" and path.is_file():
            self.folders.setdefault(where.agency, set()).add(where.relative)
            if self._read(where.relative, load_report):
                self._reports.pop(where.agency, None)
        elif where.kind in ("report", "agency-file"):
            # A report deleted, a folder, or a file beside the reports (an attachment, which
            # the checks look for on disk): follow the listing, read the folder's reports again.
            self.rescan()
            for relative in self.folders.get(where.agency, ()):
                self._read(relative, load_report, force=True)
            self._reports.pop(where.agency, None)

    def _read(self, relative: str, loader: Callable[[Path, Path], Loaded[Any]], force: bool = False) -> bool:
        """Load the file again if its bytes changed (or `force`); say whether it was."""
        path = self.root / relative
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            digest = b""  # missing or unreadable: the loader says so
        kept = self.files.get(relative)
        if kept is None or kept[0] != digest or force:
            self.files[relative] = (digest, loader(self.root, path))
            return True
        return False
