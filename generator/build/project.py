"""The whole build, top to bottom: load → validate → plan → render → write.

Commands call these functions; nothing here prints, so the same pipeline serves
`xxgk check` and `xxgk build` (the preview server runs the stages itself).

`build_project` runs the stages one agency at a time (see `units`), each agency
in a worker process and only when the build cache has no result for exactly
its inputs; then the portal-wide pages are made from every agency's summaries,
and the site is written in one swap with the stored pages linked into it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2

from ..content.layout import AGENCIES_FILE, CONTENT, SITE_FILE, TEMPLATES, agency_folders, file_names
from ..content.load import Loaded, load_agencies, load_site
from ..exports.parquet import parquet_files
from ..exports.query import query_calls
from ..exports.web import full_address_note, web_calls
from ..exports.workbook import frame
from ..fingerprint import bytes_digest, json_digest
from ..model import Agency, Checked, Portal, merged
from ..rules.validate import agency_rules
from ..search.documents import DocumentRef, Indexable, SearchDocument
from ..search.index import SEARCH_DIR, Loader, build_index
from ..site.compliance import Judged, compliance_calls
from ..site.outputs import PageCall
from ..site.plan import portal_page_calls, site_context
from ..site.render import Theme, render_problem, template_problems
from ..site.statistics import Tallied
from ..site.summaries import Summary
from .cache import CACHE_DIR, BuildCache, Registry, code_digest, folder_digest
from .data import Exported, export_data
from .datasets import figure_objects, parquet_digest, parquet_outputs, parquet_wanted
from .ledgers import recording, write_ledgers
from .pages import PageFailed, render_calls
from .part import PartContext, check_part, folders, load_folder, without_lines
from .units import (
    BuildResult,
    Unit,
    UnitContext,
    UnitResult,
    Workers,
    agency_fields,
    build_units,
    default_executor,
    scan_units,
    unit_key,
)
from .write import OutputError, stamp, write_site

__all__ = ["BuildResult", "build_project", "check_project", "default_jobs", "output_problem"]


def check_project(project: Path, today: datetime.date | None = None) -> Checked:
    """Every problem of the portal, as `xxgk check` lists them: the settings', the
    registry's and each agency folder's, checked by the same step the build runs."""
    site, agencies = load_site(project), load_agencies(project)
    context = PartContext(project, site_context(site.value), agencies.value, today or datetime.date.today(), search=False)
    present = agency_folders(project)
    parts = [
        check_part(context, name, load_folder(project, name, file_names(present[name]) if name in present else ()))
        for name in folders(agencies.value, present)
    ]
    own = (*site.problems, *agencies.problems, *agency_rules(agencies.value))
    checked = tuple(c for part in parts for c in part.reports)
    portal = Portal(project, site.value, agencies.value, tuple(c.report for c in checked), own)
    return Checked(portal, checked, merged(own, *(part.problems for part in parts)))


def output_problem(project: Path, out: Path) -> str | None:
    """Why the site may not be written to `out`: it would replace what editors wrote, or the cache."""
    out, project = out.resolve(), project.resolve()
    if project.is_relative_to(out) or any(out.is_relative_to(project / kept) for kept in (CONTENT, TEMPLATES, CACHE_DIR)):
        return f"不能输出到 {out}：那样会覆盖门户的内容、模板或缓存。请用门户目录下的 site/ 或另一个文件夹"
    return None


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_project(
    project: Path,
    out: Path,
    base_url: str | None = None,
    today: datetime.date | None = None,
    search: bool = True,
    jobs: int | None = None,
    clean: bool = False,
    workers: Workers | None = None,
) -> BuildResult:
    """Validate, then (only when there is no error) write the whole site to `out`,
    with its search index unless `search` is false. Agencies and the portal's pages are
    built by `workers` when given (a cluster's), else by `jobs` forked worker processes
    (default: one per core), which also bound the search shards indexed at once;
    `clean` ignores what the cache holds."""
    if (message := output_problem(project, out)) is not None:
        raise OutputError(message)
    if workers is not None:  # they read the content where they run, from another folder than ours
        project = project.absolute()
    with BuildCache(project / CACHE_DIR, trusted=not clean).lock():
        return _build(project, out, base_url, today or datetime.date.today(), search, jobs or default_jobs(), clean, workers)


def _build(
    project: Path, out: Path, base_url: str | None, today: datetime.date, search: bool, jobs: int, clean: bool, workers: Workers | None
) -> BuildResult:
    cache = BuildCache(project / CACHE_DIR, trusted=not clean)
    site, agencies = load_site(project), _load_registry(project, cache)
    registry = agencies.value
    theme = Theme.for_project(project)
    context = site_context(site.value, base_url)
    parquet, parquet_note = parquet_wanted(site.value.parquet)
    shared = _shared_digest(theme, context, today, parquet_digest(parquet))
    units, hashes = scan_units(project, registry, None if clean else cache.file_hashes())
    keys = _unit_keys(shared, units, registry)
    digest = _build_digest(shared, project, keys, search)
    cache.put_file_hashes(hashes)
    if not clean and stamp(out) == digest and (kept := cache.build(digest)) is not None:
        return replace(kept, rendered=0, linked=0, recorded=0, unchanged=True)

    # Our own workers, on this machine, store their files themselves; so do a cluster's that see this cache.
    local = workers is None or (workers.sees is not None and workers.sees(cache.probe()))
    executor, slots = (workers.executor, workers.slots) if workers is not None else (None, jobs)
    part_context = PartContext(project, context, without_lines(registry), today, search, data=True)
    unit_context = UnitContext(part_context, theme, cache.object_store if local else None, figures=parquet)
    # The workbook's frame (openpyxl, a fifth of a second) is made while the workers build.
    done, rendered = _unit_results(unit_context, cache, units, keys, clean, slots, workers, meanwhile=frame)
    own = (*site.problems, *agencies.problems, *agency_rules(registry), *template_problems(theme, project))
    problems = merged(own, *(r.problems for r in done))
    notes = tuple(note for note in (full_address_note(context), parquet_note) if note)
    result = BuildResult(problems, sum(r.reports for r in done), 0, rendered, notes=notes)
    if result.errors:
        return result

    files = {o.path: o.digest for r in done for o in r.outputs}
    summaries = tuple(s for r in done for s in r.summaries)
    calls = [*portal_page_calls(registry, summaries, context), *compliance_calls(registry, summaries, context, today)]
    calls += [*query_calls(registry, summaries, context), *web_calls(registry, summaries, context)]
    try:
        # Before any thread starts: the pages may be made in forked workers.
        listed = parquet_files(summaries) if parquet else ()
        exports: list[Exported] = []  # made while workers render the portal's pages

        def export() -> None:
            exports.append(export_data(cache, done, registry, context, site.value.data_licence, today, theme, shared, listed))

        page_keys, rendered = _portal_files(calls, _Inputs(shared, registry, context), theme, project, cache, files, clean, slots, workers, export, (registry, *summaries))
        exported = exports[0]
    except PageFailed as exc:
        return replace(result, problems=(*result.problems, exc.problem))
    except jinja2.TemplateError as exc:  # the data page's
        return replace(result, problems=(*result.problems, render_problem(exc, project)))
    files.update(exported.files)
    rendered += exported.rendered
    data_files, data_keys = parquet_outputs(done, cache, shared, clean)
    files.update(data_files)
    files.update(_asset_files(theme, cache))
    ready = exported.store_all()  # the data downloads are stored while the site is linked
    links = {output: (cache.object_path(stored), stored) for output, stored in files.items()}
    index = _search_index(done, registry, out, clean, _document_loader(cache, keys, done), slots, executor) if search else None
    recorded = recording(zip(units, done, strict=True))  # 修订记录 to write once the site is (build.ledgers)
    rekeyed = _unit_keys(shared, [unit for unit, _, _ in recorded], registry)
    final = dict(zip((unit.folder for unit, _, _ in recorded), rekeyed))
    digest = _build_digest(shared, project, [final.get(unit.folder, key) for unit, key in zip(units, keys)], search)  # as they will be
    linked = write_site(out, links, finish=index, stamp=digest, apart=(SEARCH_DIR,) if search else (), ledger=cache.trees, later=exported.later, ready=ready)
    unwritten = write_ledgers(project, recorded)
    for key, (_, same, _) in zip(rekeyed, recorded):
        if same.cacheable and not any(isinstance(d, DocumentRef) for d in same.documents or ()):
            cache.keep_unit(key, same)  # what the next build finds, with the ledger in the folder (build.ledgers)
    result = replace(result, problems=merged(result.problems, unwritten), files=len(files), rendered=result.rendered + rendered, linked=linked, recorded=len(recorded) - len(unwritten))
    cache.put_build(digest, result)
    cache.prune(set(keys) | set(rekeyed), page_keys | data_keys | exported.page_keys, set(files.values()) | figure_objects(done) | exported.kept, digest)
    return result


def _search_index(
    done: list[UnitResult], registry: tuple[Agency, ...], out: Path, clean: bool, load: Loader, jobs: int, executor: Executor | None
) -> Callable[[Path], None]:
    """What writes the search index into the new tree: shards of the published index
    whose documents did not change are kept (see `search.index.build_index`), and up to
    `jobs` are indexed at once, here or by `executor`'s workers. An archive's shards are
    by the registry's regions (`search.shards.areas`)."""
    documents = sorted((d for r in done for d in r.documents or ()), key=lambda d: (d.year, d.agency_id))
    previous = out / SEARCH_DIR
    regions = {agency.id: agency.region for agency in registry}

    def index(tree: Path) -> None:
        kept = previous if previous.is_dir() and not clean else None
        build_index(documents, tree / SEARCH_DIR, previous=kept, load=load, jobs=jobs, executor=executor, regions=regions)

    return index


def _load_registry(project: Path, cache: BuildCache) -> Loaded[tuple[Agency, ...]]:
    """The agency registry, from the cache when agencies.yaml and the code are byte for byte
    what they were (reading a province's six thousand agencies with the line of every
    value takes more than a second)."""
    try:
        digest = hashlib.sha256(code_digest().encode() + (project / AGENCIES_FILE).read_bytes()).hexdigest()
    except OSError:
        return load_agencies(project)
    kept = cache.registry(digest) if cache.trusted else None
    if kept is not None:
        return kept.loaded
    loaded = load_agencies(project)
    cache.put_registry(Registry(digest, loaded))
    return loaded


STORE_THREADS = 4
"""Threads that store the files workers send back. Making a file waits on the disk more than
it works the processor, so a few at once keep the controller up with the workers."""


def _unit_results(
    context: UnitContext,
    cache: BuildCache,
    units: list[Unit],
    keys: list[str],
    clean: bool,
    jobs: int,
    workers: Workers | None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[UnitResult], int]:
    """Every unit's result, from the cache where it has one for the unit's key, else built
    (its files stored, and the result kept in the cache); and how many pages were rendered.
    `meanwhile` runs in a thread while workers build (started once the first result is in:
    a process forked while a thread is importing could inherit a held lock)."""
    found = {} if clean else {key: cache.stored_unit(key, context.part.search) for key in keys}
    missing = [(unit, key) for unit, key in zip(units, keys) if found.get(key) is None]
    rendered = 0
    with ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="xxgk-store") as storing:
        stored: list[Future[str]] = []
        with nullcontext(workers.executor) if workers is not None else default_executor(jobs, len(missing)) as pool:
            chunk = max(1, len(missing) // (jobs * 32))
            sent = workers.share(context) if workers is not None and workers.share is not None and missing else None
            for number, fresh in build_units(context, [unit for unit, _ in missing], pool, chunk, sent):
                if meanwhile is not None and pool is not None:
                    storing.submit(meanwhile)  # its failure, if any, is met again where its result is needed
                    meanwhile = None
                key = missing[number][1]
                made = (*fresh.outputs, *(f.output for f in fresh.figures), *([fresh.rows] if fresh.rows is not None else []))
                stored += [storing.submit(cache.store, o.data, o.digest) for o in made if o.data is not None]
                fresh = replace(
                    fresh,
                    outputs=tuple(replace(o, data=None) for o in fresh.outputs),
                    figures=tuple(replace(f, output=replace(f.output, data=None)) for f in fresh.figures),
                    rows=replace(fresh.rows, data=None) if fresh.rows is not None else None,
                )
                found[key] = fresh
                rendered += fresh.rendered
                if fresh.cacheable:
                    cache.keep_unit(key, fresh)
        for future in stored:
            future.result()  # a file that could not be stored fails the build here
    return [result for result in (found[key] for key in keys) if result is not None], rendered


def _document_loader(cache: BuildCache, keys: list[str], done: list[UnitResult]) -> Loader:
    """Loads the documents of references from their agencies' cache entries."""
    by_path = {d.path: key for key, r in zip(keys, done) for d in r.documents or () if isinstance(d, DocumentRef)}

    def load(group: list[Indexable]) -> list[SearchDocument]:
        found = {d.path: d for d in group if isinstance(d, SearchDocument)}
        for key in {by_path[d.path] for d in group if isinstance(d, DocumentRef)}:
            kept = cache.documents(key)
            found.update((d.path, d) for d in (kept.items if kept is not None else ()))
        return [found[d.path] for d in group]

    return load


def _portal_files(
    calls: list[PageCall],
    inputs: _Inputs,
    theme: Theme,
    project: Path,
    cache: BuildCache,
    files: dict[str, str],
    clean: bool,
    jobs: int = 1,
    workers: Workers | None = None,
    meanwhile: Callable[[], None] = lambda: None,
    shared: tuple[object, ...] = (),
) -> tuple[set[str], int]:
    """Render the portal-wide pages whose inputs changed into the cache, and add every one
    to `files`; return their cache keys and how many were rendered (`meanwhile` is called
    while they are rendered, and `shared` is what many of them read, see `pages.render_calls`). A page is looked up
    by the hash of its inputs (the summaries it lists, the registry, the settings), so
    one whose inputs are unchanged costs neither its context nor its rendering. Many pages
    to make (a cold build's region and year pages) are made by workers, as units are."""
    keys = set()
    todo: list[tuple[PageCall, str]] = []
    for call in calls:
        key = inputs.key(call)
        keys.add(key)
        found = None if clean else cache.page(key)
        if found is None or not cache.has_objects([found[1]]):
            todo.append((call, key))
        else:
            files[found[0]] = found[1]
    made = render_calls(theme, project, tuple(call for call, _ in todo), jobs, workers, meanwhile, shared)
    for (_, key), (output, data) in zip(todo, made, strict=True):
        found = (output, cache.store(data))
        cache.put_page(key, found)
        files[output] = found[1]
    return keys, len(todo)


class _Inputs:
    """Hashes of what portal-wide pages are planned from (see `site.plan.portal_page_calls`):
    summaries (each hashed once, in the worker that made it), the registry and the
    settings (once per build), and plain values."""

    def __init__(self, shared: str, registry: tuple[Agency, ...], context: dict[str, Any]) -> None:
        self.shared = shared
        self.registry = registry
        digests = [json_digest(agency_fields(a)) for a in registry]
        self.agency_digests = {a.id: digest for a, digest in zip(registry, digests)}
        self.registry_digest = hashlib.sha256("".join(digests).encode()).hexdigest()
        self.context = context
        self.context_digest = json_digest(context)

    def key(self, call: PageCall) -> str:
        digest = hashlib.sha256(f"{self.shared}\0{call.function.__name__}\0".encode())
        for arg in call.args:
            digest.update(self._digest(arg).encode() + b"\0")
        return digest.hexdigest()

    def _digest(self, arg: object) -> str:
        if arg is self.registry:
            return self.registry_digest
        if arg is self.context:
            return self.context_digest
        if isinstance(arg, Tallied | Judged):
            return arg.digest
        if isinstance(arg, tuple) and arg and all(isinstance(a, Agency) for a in arg):  # a region's agencies
            return hashlib.sha256("".join(self.agency_digests[a.id] for a in arg).encode()).hexdigest()
        if isinstance(arg, tuple) and arg and all(isinstance(s, Summary) for s in arg):
            return hashlib.sha256("".join(s.digest for s in arg).encode()).hexdigest()
        return json_digest([type(arg).__name__, arg])  # plain values: a year, (agency, year) pairs


def _asset_files(theme: Theme, cache: BuildCache) -> dict[str, str]:
    stored = {}
    for output, path in theme.assets().items():
        digest = bytes_digest(path.read_bytes())
        cache.store_file(path, digest)
        stored[output] = digest
    return stored


def _shared_digest(theme: Theme, context: dict[str, Any], today: datetime.date, data: str = "") -> str:
    """What every agency's part depends on besides its own: code, theme, site settings,
    the year of today (the latest year a report may be for), and the data files asked
    for (`data`: whether figure rows are kept, and the library that writes them)."""
    digest = hashlib.sha256()
    for part in (code_digest(), folder_digest(theme.folders), json.dumps(context, ensure_ascii=False, sort_keys=True), str(today.year), data):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _unit_keys(shared: str, units: list[Unit], registry: tuple[Agency, ...]) -> list[str]:
    by_id = {a.id: a for a in registry}
    children: dict[str, list[Agency]] = {}
    for agency in registry:
        if agency.parent:
            children.setdefault(agency.parent, []).append(agency)
    return [unit_key(shared, unit, by_id, children) for unit in units]


def _build_digest(shared: str, project: Path, keys: list[str], search: bool) -> str:
    """The whole build's inputs: with the same digest, the same site (and the same
    problems, to the line) comes out. The registry and settings files count byte for
    byte here, since the portal-wide pages and their problems read them whole."""
    digest = hashlib.sha256(shared.encode())
    for name in (SITE_FILE, AGENCIES_FILE):
        try:
            digest.update(hashlib.sha256((project / name).read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    digest.update("".join(keys).encode() + (b"search" if search else b""))
    return digest.hexdigest()
