"""A build is made one agency at a time: each agency is a unit of work and of caching.

Every rule that compares reports compares reports of one agency, and every page
but the portal-wide index pages belongs to one agency; so an agency's folder
under content/reports, with its registry entry, the site settings and the
theme, decides its part of the site completely. `build_unit` runs the pipeline
(load → validate → plan → render) over one such folder and returns plain data:
the problems, the summaries that index pages list, the search documents and
the hashes of the rendered files (stored in the build cache). Units share
nothing, so they run in any order, in parallel processes, or not at all when
the cache holds a result for the same key.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from .cache import BuildCache, bytes_digest, json_digest
from .load import REPORTS_DIR, load_report
from .memo import Memo
from .model import Agency, CheckedReport, Problem
from .plan import agency_pages
from .render import Theme, render_page, render_problem
from .search import DocumentRef, SearchDocument, search_document
from .validate import by_agency, check_agency


@dataclass(frozen=True)
class Unit:
    """One agency's folder: every file in it (reports and attachments), by name and hash."""

    folder: str  # the folder's name: the agency id it is meant for
    files: tuple[tuple[str, str], ...]  # (file name, sha256 of its bytes), by name

    @property
    def reports(self) -> list[str]:
        return [name for name, _ in self.files if name.endswith(".md") and not name.startswith(".")]


@dataclass(frozen=True)
class UnitContext:
    """What every unit is built with: the same for all of them in one build."""

    root: Path
    theme: Theme
    site: dict[str, Any]  # plan.site_context
    agencies: tuple[Agency, ...]  # the registry, in its order
    today: datetime.date
    cache: BuildCache
    search: bool  # make the search documents (a third of an agency's build time otherwise saved)

    @cached_property
    def registry(self) -> dict[str, Agency]:
        return {a.id: a for a in self.agencies}


@dataclass(frozen=True)
class UnitResult:
    problems: tuple[Problem, ...]
    reports: int  # report files that could be read
    summaries: tuple[dict[str, Any], ...]  # as index pages list them, oldest first
    documents: tuple[SearchDocument | DocumentRef, ...] | None  # None: not made (a build without search); references once cached
    outputs: tuple[tuple[str, str], ...]  # (path in the site, hash of the stored file); empty when it has errors
    rendered: int = 0  # pages rendered to make it (outputs also hold attachments)
    summary_digests: tuple[str, ...] = ()  # a hash of each summary: what the portal-wide pages are looked up by
    foreign: bool = False  # a report in the folder names another agency: the grouping differs from `xxgk check`'s
    unsettled: bool = False  # a file changed while the unit was built: the result is not kept in the cache

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


Stat = tuple[int, int, int, int]
"""What a file's status says of its bytes: size, modification and change times (ns), inode."""

SETTLED = 2_000_000_000
"""A file changed within this many nanoseconds before a scan is read again at the next:
two saves within a file system's timestamp resolution can leave the times unchanged."""


@dataclass(frozen=True)
class FileHashes:
    """The hash of every file of the last scan, with the status it had. A file whose
    status is unchanged since is not read again (git's index does the same); the key
    of a unit is still the hash of its bytes."""

    scanned: int  # time.time_ns() when the scan began
    files: dict[str, tuple[Stat, str]]  # "folder/name" → (status, sha256)


def scan_units(root: Path, agencies: tuple[Agency, ...], known: FileHashes | None = None) -> tuple[list[Unit], FileHashes]:
    """A unit for every agency of the registry, in its order, then for every other folder
    under content/reports (reports of an unknown agency), by name; with the hashes, to be
    `known` next time. Files are hashed here, so a key changes whenever a byte of a
    unit's input does; a file `known` with the same status is not read again."""
    scanned = time.time_ns()
    base = root / REPORTS_DIR
    try:
        folders = {e.name: e.path for e in os.scandir(base) if e.is_dir() and not e.name.startswith(".")}
    except (FileNotFoundError, NotADirectoryError):
        folders = {}
    names = list(dict.fromkeys(a.id for a in agencies))
    names += sorted(set(folders) - set(names))
    trusted = {} if known is None else {path: entry for path, entry in known.files.items() if max(entry[0][1:3]) < known.scanned - SETTLED}
    hashes: dict[str, tuple[Stat, str]] = {}
    units = [Unit(name, _files(folders[name], name, trusted, hashes) if name in folders else ()) for name in names]
    return units, FileHashes(scanned, hashes)


def _files(folder: str, name: str, trusted: dict[str, tuple[Stat, str]], hashes: dict[str, tuple[Stat, str]]) -> tuple[tuple[str, str], ...]:
    found = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    for entry in entries:
        if not entry.is_file():  # hidden files count: an attachment may be one
            continue
        status = entry.stat()
        stat = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        path = f"{name}/{entry.name}"
        old = trusted.get(path)
        digest = old[1] if old is not None and old[0] == stat else _hash(entry.path)
        hashes[path] = (stat, digest)
        found.append((entry.name, digest))
    return tuple(sorted(found))


def _hash(path: str) -> str:
    with open(path, "rb") as file:
        return bytes_digest(file.read())


def _read_again(folder: Path) -> tuple[tuple[str, str], ...]:
    """Every file of a folder, read and hashed now."""
    return _files(str(folder), folder.name, {}, {})


def unit_key(base: str, unit: Unit, agencies: dict[str, Agency], children: dict[str, list[Agency]]) -> str:
    """The hash of everything a unit's result depends on. `base` covers what every unit
    shares (code, theme, site settings, the year of today); the rest is the agency as
    its pages show it, its parent and children (linked from its page) and its files."""
    agency = agencies.get(unit.folder)
    view = None
    if agency is not None:
        parent = agencies.get(agency.parent) if agency.parent else None
        view = {
            "agency": _agency_fields(agency),
            "parent": _agency_fields(parent) if parent else None,
            "children": [_agency_fields(child) for child in children.get(agency.id, [])],
        }
    digest = hashlib.sha256(base.encode())
    digest.update(json.dumps([unit.folder, view, unit.files], ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def _agency_fields(agency: Agency) -> list[Any]:
    return [agency.id, agency.name, list(agency.region), agency.level, agency.parent, agency.phone, agency.address, agency.website]


def build_unit(context: UnitContext, unit: Unit) -> UnitResult:
    """Load, check, plan and render one agency's folder; rendered files go to the cache."""
    folder = context.root / REPORTS_DIR / unit.folder
    loaded = [load_report(context.root, folder / name) for name in unit.reports]
    problems = [p for item in loaded for p in item.problems]
    reports = tuple(item.value for item in loaded if item.value is not None)
    registry = context.registry
    checked: list[CheckedReport] = []
    for agency_id, named in by_agency(reports).items():
        found_reports, found = check_agency(named, registry.get(agency_id), context.today, Memo())
        checked += found_reports
        problems += found
    agency = registry.get(unit.folder)
    foreign = any(c.report.agency_id != unit.folder for c in checked)
    result = UnitResult(tuple(sorted(set(problems))), len(reports), (), (), (), foreign=foreign)
    if agency is not None and not foreign and not result.failed:
        group = tuple(sorted(checked, key=lambda c: c.report.year))
        planned = agency_pages(agency, group, context.site, context.agencies, Memo())
        try:
            outputs = [(page.output, context.cache.store(render_page(page, context.theme))) for page in planned.pages]
        except jinja2.TemplateError as exc:  # a portal's own template that fails on these pages
            return replace(result, problems=(*result.problems, render_problem(exc, context.root)))
        hashes = dict(unit.files)
        for copy in planned.copies:
            # by the name as written: on a disk that ignores case, "Plan.pdf" may be plan.pdf
            digest = hashes.get(copy.source.name) or _hash(str(copy.source))
            context.cache.store_file(copy.source, digest)
            outputs.append((copy.output, digest))
        documents = tuple(search_document(c, agency) for c in group) if context.search else None
        for doc in documents or ():
            _ = doc.digest  # hashed here, in the worker: the hash is cached on the document and pickled with it
        digests = tuple(json_digest(summary) for summary in planned.summaries)
        result = UnitResult(result.problems, len(reports), planned.summaries, documents, tuple(outputs), len(planned.pages), digests)
    if _read_again(folder) != unit.files:  # saved while it was read: the key no longer tells what was built
        result = replace(result, unsettled=True)
    return result


_CONTEXT: UnitContext | None = None
"""The context of a worker process's build, set once when the process starts."""


def _start_worker(context: UnitContext) -> None:
    global _CONTEXT
    _CONTEXT = context


def _build_in_worker(unit: Unit) -> UnitResult:
    assert _CONTEXT is not None
    return build_unit(_CONTEXT, unit)


def build_units(context: UnitContext, units: list[Unit], jobs: int) -> list[UnitResult]:
    """Every unit's result, in the order given, built by `jobs` processes.

    Workers are forked, so they start with the context (registry, theme) already
    in memory and send back only plain results; where fork is not available the
    units are built here, one after another. Each unit is built by the same
    function either way, so the site is the same byte for byte."""
    if jobs <= 1 or len(units) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [build_unit(context, unit) for unit in units]
    workers = min(jobs, len(units))
    chunk = max(1, len(units) // (workers * 8))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker, initargs=(context,)) as pool:
        return list(pool.map(_build_in_worker, units, chunksize=chunk))
