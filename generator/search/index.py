"""The search index: documents (see `documents`) indexed by Pagefind into `pagefind/`.

Pagefind never sees the public pages, only each report's search document.

Large portals are indexed in shards (one Pagefind index per group of years,
each indexing run small enough to stay within memory), which the browser
searches together with Pagefind's mergeIndex. An archive (SCOPED_FROM reports
and more) is indexed in shards by area and years instead, and the manifest says
each one's scope, so that a query reads the shards its filters allow, a batch
at a time (see `shards.areas` and docs/performance.md, "Search at a million reports").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..files import link_or_copy
from ..site import urls
from . import pagefind
from .documents import Indexable, Loader, SearchDocument
from .labels import label_places
from .segment import layout
from .shards import areas, scope, shards

SEARCH_DIR = urls.SEARCH_INDEX
MANIFEST = "xxgk.json"
SHARD_REPORTS = 2000
"""Reports per indexing run. Pagefind holds a run's whole index in memory, some
0.5 KB per distinct token of each report (measured: the largest shard of the
10,000-report benchmark, 1,799 reports of 2020–2021, peaked at 1.64 GB), so a
run is kept under 2 GB; every shard costs the browser a little more per query."""


SCOPED_FROM = 25_000
"""Reports from which the index is scoped. Below, every query searches every shard, as a
county's or a city's portal always has: a first query was measured at about 1 MB at
10,000 reports, and what it reads grows with the reports (9.5 bytes each of metadata)
and the shards (one index chunk per token each), to about 2.5 MB here and 7 MB at 100,000.
From here on a query searches the shards of the area and years its filters name."""

SEARCH_BATCH = 4_000
"""Reports a scoped query searches at once, and then again each time the reader asks for
more: what a first query reads within 600 KB. Measured (tests/bench/archive_search_bench.py,
10,000 reports indexed as an archive, 47 queries): a first batch of 4,492 reports read 673 KB
(median; the runtime, each shard's metadata and a chunk per token per shard), an area's year
of 1,030 reports 256 KB; so about 4,000 reports, two shards of SHARD_REPORTS."""


RUN_MEMORY_PER_REPORT = 950_000
"""Bytes of Pagefind's peak memory per report of an indexing run (measured on the benchmark corpus:
1.64 GB for a run of 1,799 reports), from which the runs that fit in memory at once are counted."""


def concurrent_runs(largest: int, jobs: int, available: int | None) -> int:
    """How many indexing runs to start at once: one per core allowed (`jobs`), but no more than fit,
    the largest run counted for each, in four fifths of the memory `available` (None: not known,
    one at a time). A Pagefind run keeps about one core busy (measured: 19 s of processor time in
    15 s), so one run at a time leaves the other cores idle for most of the index."""
    if available is None:
        return 1
    fit = int(available * 0.8) // max(1, largest * RUN_MEMORY_PER_REPORT)
    return max(1, min(jobs, fit))


def available_memory() -> int | None:
    """The memory a new process may take without swapping (Linux's MemAvailable), in bytes."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


RECORD = "xxgk-shard.json"
"""Left in each shard's folder: what it was built from (a hash of all its documents, and
each document's hash and Pagefind page id), so an unchanged shard can be kept and a
changed one can be patched by the overlay."""

OVERLAY = "overlay"
OVERLAY_LIMIT = 200
"""Changed reports the overlay shard may hold before the shards they belong to are
indexed again. Indexing costs some 5 ms per report: a 2,000-report shard takes 10 s,
an overlay of a few reports well under a second."""


def _code_digest() -> bytes:
    """The code that turns documents into indexed pages: a change to it is a change to every shard.
    (The official formats are in it for FIRST_YEAR, from which a document's year slot counts.)"""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for module in (Path(__file__), *(here / f"{name}.py" for name in ("documents", "segment", "pagefind")), here.parent / "formats/official.py"):
        digest.update(module.read_bytes())
    return digest.digest()


def maker_digest(executable: Path) -> str:
    """What makes the indexed pages of documents: the code and the Pagefind binary."""
    return hashlib.sha256(_code_digest() + str(executable).encode()).hexdigest()


def document_digest(doc: Indexable) -> str:
    return doc.digest


def shard_digest(digests: list[str], maker: str) -> str:
    """A hash of everything a shard is built from: its documents (by their hashes, which
    cost far less than making their pages) and what makes their pages."""
    digest = hashlib.sha256(maker.encode())
    for value in digests:
        digest.update(value.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class ShardRecord:
    digest: str
    maker: str  # maker_digest of the build that indexed it: only its own code may patch it
    documents: dict[str, tuple[str, str]]  # path → (document hash, Pagefind page id)

    @classmethod
    def read(cls, folder: Path) -> ShardRecord | None:
        try:
            data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
            return cls(data["digest"], data["maker"], {path: (pair[0], pair[1]) for path, pair in data["documents"].items()})
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def write(self, folder: Path) -> None:
        documents = {path: list(pair) for path, pair in self.documents.items()}
        data = {"digest": self.digest, "maker": self.maker, "documents": documents}
        (folder / RECORD).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


@dataclass
class _Shard:
    name: str
    group: list[Indexable]
    digests: list[str]
    digest: str


def build_index(
    documents: Sequence[Indexable],
    out: Path,
    size: int | None = None,
    previous: Path | None = None,
    load: Loader | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    regions: Mapping[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """Write the search index for `documents` into `out` (the site's pagefind/ folder).

    Returns the names of the shards written, newest first; `out/xxgk.json`
    lists them for the browser, with the table labels of each format (each with
    the place it names, see `labels`) and the layout of an indexed document
    (`segment.layout`), and the page ids two shards share (`shared_ids`).
    From SCOPED_FROM documents on, the shards are by area (`regions`: each
    agency's region, by id) and years, and xxgk.json says each one's scope
    (its years, its area and its reports), the depth of the areas and the
    reports a query searches at once (SEARCH_BATCH).

    `out` may hold an older index (the site kept beside the published one), and
    `previous` is the published index: a shard built from the same documents
    in either is kept or linked, not indexed again. When only a few reports
    changed, their shards are kept as they were and the changed reports are
    indexed into one small overlay shard; xxgk.json then lists the Pagefind
    pages they replace, which the browser leaves out of the results. Past
    OVERLAY_LIMIT changed reports, the changed shards are indexed again and the
    overlay goes away. `documents` may be references (see DocumentRef): `load`
    gives the documents of those that have to be indexed. Up to `jobs` shards
    are indexed at once, as memory allows (`concurrent_runs`), or, given an
    `executor` (a cluster's), `jobs` at a time by its workers (`pagefind.shard_files`).
    """
    executable = pagefind.executable()
    out.mkdir(parents=True, exist_ok=True)
    # Newest first: the browser merges shards in this order, so among results
    # of equal score the newest reports come first.
    maker = maker_digest(executable)
    scoped = areas(regions) if regions is not None and len(documents) >= SCOPED_FROM else None
    planned = []
    for name, group in reversed(shards(documents, size or SHARD_REPORTS, scoped[0] if scoped else None)):
        digests = [document_digest(doc) for doc in group]
        planned.append(_Shard(name, group, digests, shard_digest(digests, maker)))
    stale = [shard for shard in planned if not _keep(shard, out, previous)]
    patches = [(shard, _base(shard, out, previous, maker)) for shard in stale]
    changed = [
        (doc, digest)
        for shard, base in patches
        if base is not None
        for doc, digest in zip(shard.group, shard.digests)
        if base.documents.get(doc.path, ("",))[0] != digest
    ]
    overlay: list[Indexable] = []
    replaced: dict[str, str] = {}  # Pagefind page id of an older version → its path
    if stale and len(changed) <= OVERLAY_LIMIT and all(base is not None for _, base in patches):
        for shard, base in patches:
            assert base is not None
            _use(out / shard.name, base, out, previous)
            current = dict(zip((doc.path for doc in shard.group), shard.digests))
            replaced.update({page: path for path, (digest, page) in base.documents.items() if current.get(path) != digest})
        overlay = [doc for doc, _ in changed]
    else:
        _index_shards(executable, maker, stale, out, load, jobs, executor)
    names = [shard.name for shard in planned]
    if overlay:
        extra = _Shard(OVERLAY, overlay, [document_digest(doc) for doc in overlay], "")
        extra.digest = shard_digest(extra.digests, maker)
        if not _keep(extra, out, previous):
            pagefind.index_group(executable, _loaded(overlay, load), out / OVERLAY)
            ShardRecord(extra.digest, maker, pagefind.page_ids(out / OVERLAY, overlay, extra.digests)).write(out / OVERLAY)
        names.insert(0, OVERLAY)
    for folder in out.iterdir():
        if folder.is_dir() and folder.name not in names:
            shutil.rmtree(folder)
    pagefind.keep_one_runtime(out, names, previous, every=scoped is not None)
    formats = sorted({doc.format for doc in documents})
    manifest: dict[str, object] = {
        "shards": names,
        "labels": {f: [list(pair) for pair in label_places(f)] for f in formats},
        "layout": layout(),
        "replaced": dict(sorted(replaced.items())),
        "shared": shared_ids(out, names),
    }
    if scoped is not None:
        by_agency, depth = scoped
        manifest |= {"scopes": {shard.name: scope(shard.group, by_agency) for shard in planned}, "depth": depth, "batch": SEARCH_BATCH}
    temporary = out / f".{MANIFEST}.new"
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, out / MANIFEST)
    return names


def shared_ids(out: Path, names: list[str]) -> list[str]:
    """The Pagefind page ids that name a page in more than one shard. An id is the first seven hex
    digits of a hash of the page, unique within a shard only: 32 ids of the 100,000-report
    benchmark name a page in each of two shards. The browser tells those apart by their
    pages' URLs (xxgk.json "shared")."""
    seen = Counter(page for name in names if (record := ShardRecord.read(out / name)) for _, page in record.documents.values())
    return sorted(page for page, count in seen.items() if count > 1)


def _index_shards(
    executable: Path, maker: str, stale: list[_Shard], out: Path, load: Loader | None, jobs: int, executor: Executor | None = None
) -> None:
    """Index each shard into its own folder, several at once when cores and memory allow. Each
    run's output depends on its documents alone, so the index is the same however many run at
    once, and wherever; the largest start first, so that no large one is left to run alone at the end."""

    def index(shard: _Shard) -> None:
        pagefind.index_group(executable, _loaded(shard.group, load), out / shard.name)
        _record(shard, maker, out)

    ordered = sorted(stale, key=lambda shard: -len(shard.group))
    if executor is not None:
        _index_elsewhere(ordered, maker, out, load, jobs, executor)
        return
    runs = concurrent_runs(len(ordered[0].group), jobs, available_memory()) if len(ordered) > 1 and jobs > 1 else 1
    if runs == 1:
        for shard in ordered:
            index(shard)
        return
    with ThreadPoolExecutor(runs) as pool:  # threads: each waits on its Pagefind process
        for future in [pool.submit(index, shard) for shard in ordered]:
            future.result()


def _record(shard: _Shard, maker: str, out: Path) -> None:
    ShardRecord(shard.digest, maker, pagefind.page_ids(out / shard.name, shard.group, shard.digests)).write(out / shard.name)


def _index_elsewhere(ordered: list[_Shard], maker: str, out: Path, load: Loader | None, jobs: int, executor: Executor) -> None:
    """Each shard indexed by a worker of `executor`, `jobs` in flight: its documents go with the
    task (loaded here, from this machine's cache, only when it is sent) and its files come back."""
    waiting = iter(ordered)
    running: dict[Future[tuple[str, dict[str, bytes]]], _Shard] = {}

    def send() -> None:
        if (shard := next(waiting, None)) is not None:
            running[executor.submit(pagefind.shard_files, _loaded(shard.group, load))] = shard

    for _ in range(max(1, jobs)):
        send()
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            shard = running.pop(future)
            made_by, files = future.result()
            if made_by != pagefind.version():
                raise pagefind.SearchError(f"工作机上的 Pagefind（{made_by}）与本机的（{pagefind.version()}）版本不同：请在各台机器上安装同一版本的 pagefind-bin")
            folder = out / shard.name
            if folder.exists():
                shutil.rmtree(folder)
            for name, data in files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            _record(shard, maker, out)
            send()


def _loaded(group: list[Indexable], load: Loader | None) -> list[SearchDocument]:
    if all(isinstance(doc, SearchDocument) for doc in group):
        return [doc for doc in group if isinstance(doc, SearchDocument)]
    if load is None:
        raise ValueError("documents given by reference, without a way to load them")
    return load(group)


def _keep(shard: _Shard, out: Path, previous: Path | None) -> bool:
    """Whether `shard` is in `out` already, or now is, linked from `previous`: built from the same documents."""
    own = ShardRecord.read(out / shard.name)
    if own is not None and own.digest == shard.digest:
        return True
    published = ShardRecord.read(previous / shard.name) if previous is not None else None
    if published is not None and published.digest == shard.digest:
        assert previous is not None
        _replace_folder(previous / shard.name, out / shard.name)
        return True
    return False


def _base(shard: _Shard, out: Path, previous: Path | None, maker: str) -> ShardRecord | None:
    """The most recent older version of a shard, to be patched by the overlay: the
    published one, or else the one in `out`. Only one made by the same code and
    binary: the overlay replaces the pages of changed documents, and after a change
    to the code every page is made differently (the shard is indexed anew)."""
    for folder in (previous / shard.name if previous is not None else None, out / shard.name):
        if folder is not None and (record := ShardRecord.read(folder)) is not None and record.maker == maker:
            return record
    return None


def _use(target: Path, base: ShardRecord, out: Path, previous: Path | None) -> None:
    """Make `target` the shard version `base` was read from (unless it is already)."""
    own = ShardRecord.read(target)
    if own is not None and own.digest == base.digest:
        return
    assert previous is not None  # `base` came from `previous`: `out` did not have it
    _replace_folder(previous / target.name, target)


def _replace_folder(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, copy_function=link_or_copy)


