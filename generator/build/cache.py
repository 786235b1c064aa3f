"""The build cache: what earlier builds made, kept by the hash of what it was made from.

`xxgk build` works one agency at a time (see `units`). What an agency's part
of the build produced (its problems, the summaries index pages list, its
search documents, and the hashes of its rendered files) is kept under a key
that hashes every input it was made from; the rendered files themselves are
kept once each, named by the hash of their bytes. A later build whose key is
the same takes the result from here instead of loading, checking and
rendering again; a key that differs in any input is a miss, so the cache is
never stale, only unused.

Stored files are hard-linked into each new site rather than copied, so they
are made read-only: a tool that edited a file of site/ in place would
otherwise change the cached copy too.

Layout, under the project's `.xxgk-cache/`:
    units/<key>.pickle     one agency's result (its search documents by reference)
    units/<key>.documents.pickle  its search documents
    pages/<key>            a portal-wide page's path and stored file, by the hash of its inputs
    trees/<name>           the file list of the published site and of the one kept beside it
    objects/ab/cdef...     rendered files and attachments, by sha256
    builds/<digest>.pickle what the last build reported, for a no-op rebuild
    files.pickle           the hash and status of every content file, so unchanged files are not read again
    data.pickle            the last build's data downloads: the hash of what they were made from, and its files
    registry.pickle        the agency registry as loaded, by the hash of agencies.yaml
    lock                   held by the build that is running (see `BuildCache.lock`)
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import jinja2
import markdown_it
import yaml

from .. import __version__
from ..content.load import Loaded
from ..fingerprint import bytes_digest
from ..model import Agency
from ..search.documents import DocumentRef, SearchDocument
from .objects import ObjectStore, write_whole
from .units import BuildResult, FileHashes, UnitResult

T = TypeVar("T")


@dataclass(frozen=True)
class Documents:
    """One agency's search documents, as the cache keeps them."""

    items: tuple[SearchDocument, ...]


@dataclass(frozen=True)
class Registry:
    """The agency registry as loaded, with the hash of the file (and code) it was loaded from."""

    digest: str
    loaded: Loaded[tuple[Agency, ...]]


@dataclass(frozen=True)
class DataRecord:
    """The data downloads of the last build (see `data`): the hash of everything they were
    made from, the files (output path → stored file) and the data page's key."""

    key: str
    files: dict[str, str]
    page_key: str


CACHE_DIR = ".xxgk-cache"


class BuildBusy(Exception):
    """Another build of the same portal is running; the message says so, in Chinese."""

PACKAGE = Path(__file__).resolve().parent.parent
"""The generator package, whose code decides what a build makes."""


def code_digest(package: Path = PACKAGE) -> str:
    """Everything besides the content that decides a build's output: the package's
    code, every module of every subpackage, and the versions of Python and of the
    libraries that render, parse and compress (zlib's deflated bytes, kept per agency,
    are joined into the downloads: another zlib may deflate the same bytes otherwise;
    openpyxl's version is in the workbook's key alone, see `data`)."""
    digest = hashlib.sha256()
    for part in (__version__, sys.version, jinja2.__version__, markdown_it.__version__, yaml.__version__, zlib.ZLIB_RUNTIME_VERSION):
        digest.update(part.encode() + b"\0")
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """Every file under `folders` (a theme's templates and assets), by path and bytes."""
    digest = hashlib.sha256()
    for number, folder in enumerate(folders):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"{number}/{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class BuildCache:
    """One project's cache folder. Every write goes to a temporary file renamed into
    place, so two builds sharing the folder, or a build stopped half-way, leave
    only whole entries behind."""

    def __init__(self, folder: Path, trusted: bool = True) -> None:
        self.folder = folder
        self.trusted = trusted  # False (a clean build): stored files are written again, not taken as they are
        self.units = folder / "units"
        self.objects = folder / "objects"
        self.builds = folder / "builds"
        self.pages = folder / "pages"
        self.trees = folder / "trees"  # what the published and the kept site hold (see write.write_site)
        self.object_store = ObjectStore(str(self.objects), trusted)
        self._listed: dict[str, int] | None = None  # stored files by hash → inode, listed once

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the portal's build lock: two builds at once would update the same kept
        site and cache files. The second is refused at once rather than made to wait,
        with the process id of the first. Where the system has no flock (Windows), builds
        are not locked."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "a+", encoding="ascii") as file:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                file.seek(0)
                holder = file.read().strip() or "?"
                raise BuildBusy(f"另一个 xxgk build 正在生成这个门户（进程 {holder}）：请等它完成后再试。原有站点保持不变") from None
            file.seek(0)
            file.truncate()
            file.write(str(os.getpid()))
            file.flush()
            try:
                yield
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def probe(self) -> Path:
        """A file of the cache written anew with bytes no other build has: workers elsewhere
        that read these bytes at this path see the cache itself (a file system they share
        with this machine), not a copy of it (see `units.Workers.sees`)."""
        path = self.folder / "probe"
        write_whole(path, os.urandom(16).hex().encode("ascii"))
        return path

    # --- entries: each of one type, pickled; a damaged or foreign entry is a miss ----

    def _get(self, path: Path, kind: type[T]) -> T | None:
        try:
            value = pickle.loads(path.read_bytes())
        except Exception:  # missing, damaged, or from code that no longer exists: never a failed build
            return None
        return value if isinstance(value, kind) else None

    def _put(self, path: Path, value: object) -> None:
        self._write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def unit(self, key: str) -> UnitResult | None:
        """An agency's result (its search documents by reference)."""
        return self._get(self.units / f"{key}.pickle", UnitResult)

    def put_unit(self, key: str, result: UnitResult) -> None:
        self._put(self.units / f"{key}.pickle", result)

    def keep_unit(self, key: str, result: UnitResult) -> None:
        """Cache a unit's result, its search documents apart (by reference in the result)."""
        if result.documents is not None:
            documents = tuple(d for d in result.documents if isinstance(d, SearchDocument))
            self.put_documents(key, Documents(documents))
            result = replace(result, documents=tuple(DocumentRef.of(d) for d in documents))
        self.put_unit(key, result)

    def stored_unit(self, key: str, search: bool) -> UnitResult | None:
        """The cached result of a unit, if every file it rendered is still stored
        (and it has search documents, when they are needed)."""
        result = self.unit(key)
        digests = [*(o.digest for o in result.outputs), *(f.output.digest for f in result.figures), *([result.rows.digest] if result.rows else [])] if result else []
        if result is None or not self.has_objects(digests):
            return None
        if search and not result.failed and (result.documents is None or not self.has_documents(key)):
            return None
        return result

    def documents(self, key: str) -> Documents | None:
        """An agency's search documents, kept apart from its result: most builds need only their hashes."""
        return self._get(self.units / f"{key}.documents.pickle", Documents)

    def has_documents(self, key: str) -> bool:
        return (self.units / f"{key}.documents.pickle").is_file()

    def put_documents(self, key: str, documents: Documents) -> None:
        self._put(self.units / f"{key}.documents.pickle", documents)

    def file_hashes(self) -> FileHashes | None:
        """The content files' hashes from the last scan."""
        return self._get(self.folder / "files.pickle", FileHashes)

    def put_file_hashes(self, hashes: FileHashes) -> None:
        self._put(self.folder / "files.pickle", hashes)

    def data_record(self) -> DataRecord | None:
        """What the last build's data downloads were made of, and are."""
        return self._get(self.folder / "data.pickle", DataRecord)

    def put_data_record(self, record: DataRecord) -> None:
        self._put(self.folder / "data.pickle", record)

    def registry(self, digest: str) -> Registry | None:
        """The loaded agency registry, if it was loaded from a file (and code) hashing to `digest`."""
        kept = self._get(self.folder / "registry.pickle", Registry)
        return kept if kept is not None and kept.digest == digest else None

    def put_registry(self, registry: Registry) -> None:
        self._put(self.folder / "registry.pickle", registry)

    def build(self, digest: str) -> BuildResult | None:
        """What the build of this digest reported, for a no-op rebuild."""
        return self._get(self.builds / f"{digest}.pickle", BuildResult)

    def put_build(self, digest: str, result: BuildResult) -> None:
        self._put(self.builds / f"{digest}.pickle", result)

    def page(self, key: str) -> tuple[str, str] | None:
        """A portal-wide page by the hash of its inputs: its output path and the hash of its stored file."""
        try:
            output, digest = (self.pages / key).read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        return output, digest

    def put_page(self, key: str, page: tuple[str, str]) -> None:
        self._write(self.pages / key, "\n".join(page).encode("utf-8"))

    # --- stored files --------------------------------------------------------

    def object_path(self, digest: str) -> str:
        return self.object_store.path(digest)

    def store(self, data: bytes, digest: str | None = None) -> str:
        """Keep `data` (whose hash is `digest`, when a worker made it already); return
        its hash, by which the file is linked into a site."""
        digest = digest or bytes_digest(data)
        self.object_store.put(data, digest)
        return digest

    def store_file(self, source: Path, digest: str) -> None:
        """Keep a copy of `source`, whose bytes hash to `digest` (a file of the theme's assets)."""
        path = Path(self.object_path(digest))
        if self.trusted and path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-")
        os.close(handle)
        try:
            shutil.copyfile(source, temporary)
            os.chmod(temporary, 0o444)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def has_objects(self, digests: Iterable[str]) -> bool:
        listed = self._listing()
        return all(d in listed for d in digests)

    def _listing(self) -> dict[str, int]:
        """Every stored file, by hash, with its inode: one directory listing instead of a
        stat per file (os.scandir gives inodes for free)."""
        if self._listed is None:
            self._listed = {
                shard.name + entry.name: entry.inode()
                for shard in _entries(self.objects)
                for entry in _entries(Path(shard.path))
                if not entry.name.startswith(".")
            }
        return self._listed

    # --- housekeeping ---------------------------------------------------------

    def prune(self, units: set[str], pages: set[str], objects: set[str], build: str) -> None:
        """Delete what the build just made does not use: an edited report's old pages,
        a deleted agency's entry. The cache stays the size of one build."""
        kept = (
            (self.units, {f"{k}{suffix}" for k in units for suffix in (".pickle", ".documents.pickle")}),
            (self.pages, pages),
            (self.builds, {f"{build}.pickle"}),
        )
        for folder, keep in kept:
            for entry in _entries(folder):
                if entry.name not in keep:
                    _remove(entry.path)
        for digest in self._listing().keys() - objects:  # files stored during this build are all in use
            _remove(self.object_path(digest))

    def _write(self, path: Path, data: bytes) -> None:
        write_whole(path, data)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
