"""A build is made one agency at a time: each agency's folder is a unit of work and of caching.

An agency's part of the site (see `part`) depends on its folder, its registry
entry, the site settings and the theme alone. `build_unit` makes the part and
renders its pages, and returns plain data: the problems, the summaries index
pages list, the search documents and each output's bytes and hash, which the
controller stores in the build cache. Units share nothing, so they run in any
order, through any executor (`build_units`), or not at all when the cache
holds a result for the same key (`unit_key`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from ..content.layout import REPORTS_DIR, agency_folders, is_report_name
from ..exports.figures import figure_rows
from ..exports.fragments import pack
from ..fingerprint import bytes_digest
from ..model import Agency, Findings, Problem
from ..rules.catalogue import RULES
from ..search.documents import DocumentRef, SearchDocument
from ..site.outputs import Copy
from ..site.render import Theme, render_page, render_problem
from ..site.summaries import Summary
from .objects import ObjectStore
from .part import AgencyPart, PartContext, agency_part, folders, load_folder


@dataclass(frozen=True)
class Unit:
    """One agency's folder: every file in it (reports and attachments), by name and hash."""

    folder: str  # the folder's name: the agency id it is meant for
    files: tuple[tuple[str, str], ...]  # (file name, sha256 of its bytes), by name

    @property
    def reports(self) -> list[str]:
        return [name for name, _ in self.files if is_report_name(name)]


@dataclass(frozen=True)
class UnitContext:
    """What every unit is built with: plain data, the same for all of them in one build,
    sent to whichever worker builds a unit (a Theme is pickled as its folders).

    `store` is the build cache's store of files when the workers see the controller's cache
    (they run on its machine, or share its file system): they put their files there
    themselves, as the controller would, and send back only the hashes (sending the bytes
    of a cold build's 300 MB through pipes cost a tenth of its time). Workers that do not
    (None) send the bytes, and the controller stores them."""

    part: PartContext
    theme: Theme
    store: ObjectStore | None = None
    figures: bool = False  # keep each report's figure rows, for the Parquet dataset (see `Figures`)


@dataclass(frozen=True)
class Output:
    """A file of the site as a worker made it: its path, the hash of its bytes, and the
    bytes, which the controller stores (and drops) before the result is kept."""

    path: str
    digest: str
    data: bytes | None = None


@dataclass(frozen=True)
class Figures:
    """One report's figure rows (`exports.figures`), pickled and stored as an output is, but
    no file of the site: the controller writes each year's data files from them, one
    report at a time, so it never holds the portal's rows at once (see `build.datasets`)."""

    year: int
    output: Output


@dataclass(frozen=True)
class UnitResult(Findings):
    problems: tuple[Problem, ...]
    reports: int  # report files that could be read
    summaries: tuple[Summary, ...] = ()  # as index pages list them, oldest first, their digests made
    documents: tuple[SearchDocument | DocumentRef, ...] | None = None  # None: not made (a build without search); references once cached
    outputs: tuple[Output, ...] = ()  # empty when it has errors
    rendered: int = 0  # pages rendered to make it (outputs also hold attachments)
    figures: tuple[Figures, ...] = ()  # its reports' figure rows, when the context asks for them
    unsettled: bool = False  # a file changed while the unit was built
    foreign: bool = False  # a report names another agency, whose registry entry its checks read but the key does not cover
    rows: Output | None = None  # its rows of the data downloads, as one blob (see exports.fragments.pack); None: it has none
    ledger: str | None = None  # its 修订记录 to write once the site is (build.ledgers); None: unchanged

    @property
    def cacheable(self) -> bool:
        """Whether the unit's key tells all it was made from, so the result may be kept. Not
        when it records a revision: its date is the build's, which the key does not hold (once
        the ledger is written, the result is kept under the key its folder then has)."""
        return not (self.unsettled or self.foreign or self.ledger is not None)


@dataclass(frozen=True)
class BuildResult(Findings):
    """What a whole build reports."""

    problems: tuple[Problem, ...]
    reports: int  # report files read
    files: int  # files in the site written; 0 when the build was refused
    rendered: int = 0  # pages rendered again (the rest were taken from the build cache)
    linked: int = 0  # files put in the output folder anew (the rest were in place already)
    unchanged: bool = False  # nothing changed since the last build: the site was left as it was
    notes: tuple[str, ...] = ()  # what the editor should know of the site written, not of the content (said once)
    recorded: int = 0  # agencies whose 修订记录 (content/reports/<agency>/revisions.json) it updated

    @property
    def ok(self) -> bool:
        return not self.failed


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
    present = agency_folders(root)
    trusted = {} if known is None else {path: entry for path, entry in known.files.items() if max(entry[0][1:3]) < known.scanned - SETTLED}
    hashes: dict[str, tuple[Stat, str]] = {}
    units = [Unit(name, _files(present[name], name, trusted, hashes) if name in present else ()) for name in folders(agencies, present)]
    return units, FileHashes(scanned, hashes)


def _files(folder: str, name: str, trusted: dict[str, tuple[Stat, str]], hashes: dict[str, tuple[Stat, str]]) -> tuple[tuple[str, str], ...]:
    found = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    for entry in entries:
        try:
            if not entry.is_file():  # hidden files count: an attachment may be one
                continue
            status = entry.stat()
        except OSError:  # deleted while listed
            continue
        stat = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        path = f"{name}/{entry.name}"
        old = trusted.get(path)
        digest = old[1] if old is not None and old[0] == stat else file_digest(entry.path)
        hashes[path] = (stat, digest)
        found.append((entry.name, digest))
    return tuple(sorted(found))


UNREADABLE = "unreadable"
"""The "hash" of a file that cannot be read: its unit is built (and the loader or the
build says why, in Chinese); a change of its permissions changes its status, so it is
hashed again."""


def file_digest(path: str) -> str:
    """The hash of a content file's bytes: read only when its status says it may have changed."""
    try:
        with open(path, "rb") as file:
            return bytes_digest(file.read())
    except OSError:
        return UNREADABLE


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
            "agency": agency_fields(agency),
            "parent": agency_fields(parent) if parent else None,
            "children": [agency_fields(child) for child in children.get(agency.id, [])],
        }
    digest = hashlib.sha256(base.encode())
    digest.update(json.dumps([unit.folder, view, unit.files], ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def agency_fields(agency: Agency) -> list[Any]:
    return [agency.id, agency.name, list(agency.region), agency.level, agency.parent, list(agency.covers), agency.phone, agency.address, agency.website]


def build_unit(context: UnitContext, unit: Unit) -> UnitResult:
    """Make one agency's part and render its pages: what a worker does."""
    root = context.part.root
    part = agency_part(context.part, unit.folder, load_folder(root, unit.folder, unit.reports))
    foreign = any(c.report.agency_id != unit.folder for c in part.reports)
    result = UnitResult(part.problems, part.read, documents=part.documents, foreign=foreign)
    if part.pages:
        try:
            outputs = [_output(context.store, page.output, render_page(page, context.theme)) for page in part.pages]
        except jinja2.TemplateError as exc:  # a portal's own template that fails on these pages
            return replace(result, problems=(*result.problems, render_problem(exc, root)))
        for copy in part.copies:
            try:
                outputs.append(_output(context.store, copy.output, copy.source.read_bytes()))
            except OSError as exc:  # an attachment that cannot be read (its permissions): say which, never a traceback
                return replace(result, problems=(*result.problems, _unreadable(part, copy, exc)))
        # Hashed here, in the worker: cached on each object and pickled with it.
        _ = [(summary.digest, summary.tally_digest, summary.compliance_digest) for summary in part.summaries], [doc.digest for doc in part.documents or ()]
        result = replace(result, summaries=part.summaries, outputs=tuple(outputs), rendered=len(part.pages), ledger=part.ledger_text)
        if context.figures:
            result = replace(result, figures=_figures(context, part))
        if part.data:
            packed = pack(part.data)
            result = replace(result, rows=_output(context.store, "", packed.blob, packed.digest))
    if _read_again(root / REPORTS_DIR / unit.folder) != unit.files:  # saved while it was read: the key no longer tells what was built
        result = replace(result, unsettled=True)
    return result


def _figures(context: UnitContext, part: AgencyPart) -> tuple[Figures, ...]:
    """Each report's figure rows, as plain tuples (pickling dataclasses would take longer);
    none for a report without tables."""
    agency = context.part.registry[part.folder]
    found = []
    for c in part.reports:
        rows = tuple(row.plain() for row in figure_rows(c, agency))
        if rows:
            data = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
            found.append(Figures(c.report.year, _output(context.store, f"figures/{agency.id}/{c.report.year}", data)))
    return tuple(found)


def _unreadable(part: AgencyPart, copy: Copy, exc: OSError) -> Problem:
    """An attachment the checks found but that cannot be read, at the line that lists it."""
    for c in part.reports:
        for index, attachment in enumerate(c.report.attachments):
            if c.report.directory / attachment.file == copy.source:
                return c.report.source.problem(RULES.attachment, f"无法读取附件 “{attachment.file}”：{exc.strerror or exc}", "attachments", index)
    return RULES.attachment.at(copy.output, 1, f"无法读取附件：{exc.strerror or exc}")


def _output(store: ObjectStore | None, path: str, data: bytes, digest: str = "") -> Output:
    """An output with its bytes, or, put in `store` already, with its hash alone (`digest`,
    when the caller knows what the bytes are without hashing them all)."""
    digest = digest or bytes_digest(data)
    if store is None:
        return Output(path, digest, data)
    store.put(data, digest)
    return Output(path, digest)


def build_units(
    context: UnitContext, units: Sequence[Unit], executor: Executor | None = None, chunk: int = 1, sent: Any = None
) -> Iterator[tuple[int, UnitResult]]:
    """Each unit's result with its position in `units`, as soon as it is done.

    `executor` runs them, `chunk` units to a task (a process pool, a thread pool, a
    cluster's executor); without one they are built here, one after another. Each
    unit is built by the same function either way, from the same picklable context,
    so the site is the same byte for byte. Results come in the order they are done,
    so the controller stores one unit's files while the next ones are rendered.
    `sent` is the context as the executor's workers hold it already (see `Workers.share`),
    given to each task in its place."""
    if executor is None:
        yield from enumerate(build_unit(context, unit) for unit in units)
        return
    given = context if sent is None else sent
    tasks = {executor.submit(build_chunk, given, tuple(units[start : start + chunk])): start for start in range(0, len(units), chunk)}
    for done in as_completed(tasks):  # each task let go once taken: a cluster's results carry the files
        yield from enumerate(done.result(), start=tasks.pop(done))


def build_chunk(context: UnitContext, units: tuple[Unit, ...]) -> list[UnitResult]:
    """What one task of an executor does: a few units, so that a task is worth sending."""
    return [build_unit(context, unit) for unit in units]


@dataclass(frozen=True)
class Workers:
    """Workers of someone else's (a Dask cluster's): the executor that sends them tasks, and how
    many tasks they run at once. That count, not this machine's cores, decides how finely the
    build cuts its work (32 tasks of units and 4 batches of pages for each), so that every
    worker has some until the end and none waits on one large last task.

    `share` puts one object in every worker's memory and returns what a task is given in its
    place (a cluster's future of it, which the worker resolves to the object). The units' tasks
    use it for their context (the registry is in it), and the portal's pages for what all their
    batches read, the registry and every report's summary: each task would otherwise carry
    them, and a cluster's scheduler keeps every task's arguments until it is done. None: each
    task carries what it reads.

    `sees` tells whether every worker reads a file of this machine (the build cache's probe)
    at its path with its bytes: then they share this machine's file system and store the
    site's files in the cache themselves; None, or false: they send the files' bytes back."""

    executor: Executor
    slots: int
    share: Callable[[object], Any] | None = None
    sees: Callable[[Path], bool] | None = None


@contextmanager
def default_executor(jobs: int, units: int) -> Iterator[Executor | None]:
    """`jobs` forked worker processes, or none (build here) for one job or one unit,
    or where fork is not available. Forked workers start with the parent's modules
    loaded, which saves each the second it would take to import them."""
    if jobs <= 1 or units < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    # What the workers inherit is left out of their garbage collections (and of the parent's while
    # they run): a collection walks every object, and in a forked worker it also writes to each
    # one's header, copying the parent's memory page by page (the summaries of ten thousand
    # reports while the portal's pages are rendered). A caller's own freeze (the preview's) is kept.
    frozen = gc.get_freeze_count() > 0
    gc.freeze()
    pool = ProcessPoolExecutor(min(jobs, units), mp_context=multiprocessing.get_context("fork"))
    try:
        yield pool
    except BaseException:  # a failed unit or Ctrl-C: the units not started yet are not built
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        if not frozen:
            gc.unfreeze()
    pool.shutdown()
