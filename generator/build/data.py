"""The portal's data downloads, joined from every agency's fragments: after the agencies,
beside the portal-wide pages.

Each agency's rows of every data file were made with its part (`exports.fragments`)
and stored as one blob, which ends with the pieces that index it. A data
file here is its pieces in registry order, each file keyed by the hashes of its
pieces: a file whose key the store holds is taken as it is, so an unchanged
portal costs a few hashes, and an edited figure rewrites exactly the files that
hold a piece that changed (its year's figures, its wide
table, reports.csv when a key figure changed; the workbook, the zip, the data
package and the data page that describe them). Files are written by streaming
their pieces from the blobs into the store, copied by the system (`Span`): nothing
the size of the portal is held in memory or passes through Python. The zip and
the workbook are joined from the pieces' deflated bytes (see `exports.archive`),
so nothing is compressed here but a few headers; and they are stored while the
rest of the site is linked (`Exported.store_all`), their sizes known beforehand.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..exports.archive import FINAL_BLOCK, Chunk, Member, Span, crc_join, deflated, small_member, zip_chunks, zip_size
from ..exports.compliance import compliance_lines
from ..exports.data_page import Download, data_page, described, whole
from ..exports.datapackage import Written, datapackage, package_bytes
from ..exports.datasets import AGENCIES, COMPLIANCE, REPORTS, STATISTICS, Dataset, figures_of, wide_tables
from ..exports.fragments import Piece, pieces_in, sheet_file
from ..exports.parquet import ParquetFile
from ..exports.report_schema import schema_bytes
from ..exports.rows import agency_line, header
from ..exports.statistics import statistics_lines
from ..exports.workbook import frame, openpyxl_version
from ..fingerprint import json_digest
from ..model import Agency, Licence
from ..site import urls
from ..site.outputs import Page
from ..site.render import Theme, render_page
from .cache import BuildCache, DataRecord
from .units import UnitResult, agency_fields

WRITERS = 2
"""Files stored at once: copying waits on the disk, and the system copies without the
interpreter's lock, so two threads keep two cores busy."""


@dataclass(frozen=True)
class Held:
    """Bytes made here, not by an agency: a header, the registry's rows, a sheet's frame."""

    data: bytes
    rows: int = 0

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def packed(self) -> bytes:
        return deflated(self.data)


Item = Held | tuple[str, Piece]  # bytes at hand, or a piece of a stored blob (its hash)


def _digest(item: Item) -> str:
    return item.digest if isinstance(item, Held) else item[1].digest


@dataclass(frozen=True)
class Joined:
    """A file (or a zip member) made of items in order: what it is, known without reading them."""

    name: str
    items: tuple[Item, ...]

    @cached_property
    def key(self) -> str:
        digest = hashlib.sha256(self.name.encode() + b"\0")
        for item in self.items:
            digest.update(_digest(item).encode())
        return digest.hexdigest()

    @property
    def size(self) -> int:
        return sum(len(i.data) if isinstance(i, Held) else i[1].size for i in self.items)

    @property
    def rows(self) -> int:
        return sum(i.rows if isinstance(i, Held) else i[1].rows for i in self.items)

    @property
    def years(self) -> tuple[int, ...]:
        found: set[int] = set()
        for item in self.items:
            if not isinstance(item, Held):
                found.update(item[1].years)
        return tuple(sorted(found))

    def member(self, store: Blobs, crc: bool = True) -> Member:
        """As a zip member; without its CRC-32 (0, joined from the pieces' at a few microseconds
        each) when only its size is asked for."""
        value = 0
        packed = len(FINAL_BLOCK)
        for item in self.items:
            if isinstance(item, Held):
                value = zlib.crc32(item.data, value) if crc else 0
                packed += len(item.packed)
            else:
                value = crc_join(value, item[1].crc, item[1].shift) if crc else 0
                packed += item[1].packed_size
        return Member(self.name, self.size, value, packed, lambda: store.packed(self.items))


class Blobs:
    """Where the pieces are in the agencies' stored blobs: spans the store copies from them
    (`objects.write_whole`), never read into Python."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache

    def _read(self, items: Iterable[Item], packed: bool) -> Iterator[Chunk]:
        for item in items:
            if isinstance(item, Held):
                yield item.packed if packed else item.data
            else:
                blob, piece = item
                path = self.cache.object_path(blob)
                yield Span(path, piece.packed_start, piece.packed_size) if packed else Span(path, piece.start, piece.size)
        if packed:
            yield FINAL_BLOCK

    def raw(self, items: Iterable[Item]) -> Iterator[Chunk]:
        return self._read(items, False)

    def packed(self, items: Iterable[Item]) -> Iterator[Chunk]:
        return self._read(items, True)


@dataclass(frozen=True)
class Exported:
    """The data downloads: every file as it will be stored, and what is left to store."""

    files: dict[str, str]  # output path → stored file
    rendered: int  # pages rendered (the data page, when its inputs changed)
    page_keys: set[str]  # the data page's cache key
    kept: set[str]  # stored files the site does not link but the cache must keep (the agencies' blobs)
    writes: tuple[Callable[[], None], ...] = ()  # each stores a file of `files` not stored yet: see `store_all`
    later: frozenset[str] = frozenset()  # the outputs those files are linked to

    def store_all(self, workers: int = WRITERS) -> Callable[[], None]:
        """Start storing the files left to store, `workers` at a time, and return what waits
        until they are stored (and raises what failed): the site's other files are linked
        meanwhile (`write.write_site`'s `later`). The largest go first, so the writers finish together."""
        if not self.writes:
            return lambda: None
        pool = ThreadPoolExecutor(workers, thread_name_prefix="xxgk-data")
        futures = [pool.submit(write) for write in self.writes]
        pool.shutdown(wait=False)

        def ready() -> None:
            for future in futures:
                future.result()

        return ready


def _put(cache: BuildCache, key: str, chunks: Callable[[], Iterable[Chunk]]) -> None:
    """Store the file `key` stands for, from the chunks made then."""
    cache.object_store.put_stream(key, chunks())


def _by_file(cache: BuildCache, done: list[UnitResult]) -> dict[str, list[Item]]:
    """Every agency's pieces, by the file they belong to, in registry order."""
    by_file: dict[str, list[Item]] = defaultdict(list)
    for result in done:
        if result.rows is not None:
            blob = result.rows.digest
            for piece in pieces_in(cache.object_path(blob)):
                by_file[piece.file].append((blob, piece))
    return by_file


def _csv_files(
    by_file: dict[str, list[Item]], done: list[UnitResult], registry: tuple[Agency, ...], site: dict[str, Any], today: datetime.date
) -> list[tuple[Dataset, Joined]]:
    """Every CSV file, in the order the data page lists them, with its items."""
    agencies = Held(b"".join(agency_line(a, site).encode("utf-8") for a in registry), len(registry))
    summaries = tuple(s for result in done for s in result.summaries)
    statistics = Held(*statistics_lines(registry, summaries))
    compliance = Held(*compliance_lines(registry, summaries, today))
    years = sorted(int(name[len("figures/") : -len(".csv")]) for name in by_file if name.startswith("figures/"))
    files: list[tuple[Dataset, list[Item]]] = [(REPORTS, by_file[REPORTS.path]), (AGENCIES, [agencies]), (STATISTICS, [statistics]), (COMPLIANCE, [compliance])]
    files += [(figures_of(year), by_file[figures_of(year).path]) for year in years]
    files += [(dataset, by_file[dataset.path]) for dataset in wide_tables()]
    return [(dataset, Joined(dataset.path, (Held(header(dataset)), *items))) for dataset, items in files]


def _book_key(by_file: dict[str, list[Item]], shared: str) -> str:
    """The workbook's key, known without its frame (openpyxl is imported only to write it):
    the code (in `shared`), openpyxl's version and each sheet's pieces."""
    sheets = [_digest(item) for dataset in wide_tables() for item in by_file[sheet_file(dataset.path)]]
    return _key("xlsx", shared, openpyxl_version(), *sheets)


def _sheets(by_file: dict[str, list[Item]]) -> list[Joined]:
    """The workbook's parts: openpyxl's frame, each wide sheet with the agencies' rows put in."""
    parts = []
    for part in frame().parts:
        if part.dataset is None:
            parts.append(Joined(part.name, (Held(part.data),)))
        else:
            rows = by_file[sheet_file(part.dataset.path)]
            parts.append(Joined(part.name, (Held(part.data), *rows, Held(part.rest))))
    return parts


def _zipped(members: Callable[[], list[Member]]) -> Iterator[Chunk]:
    return zip_chunks(members())


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _page(cache: BuildCache, page: Page, theme: Theme, shared: str) -> tuple[tuple[str, str], str, int]:
    """The data page's output and stored file, its key, and 1 when it had to be rendered: it is
    looked up by what it shows (sizes as rounded there), so most changes of a figure leave it."""
    key = _key("data-page", shared, json_digest(page.context))
    found = cache.page(key) if cache.trusted else None
    if found is not None and cache.has_objects([found[1]]):
        return found, key, 0
    found = (page.output, cache.store(render_page(page, theme)))
    cache.put_page(key, found)
    return found, key, 1


def export_data(
    cache: BuildCache,
    done: list[UnitResult],
    registry: tuple[Agency, ...],
    site: dict[str, Any],
    licence: Licence | None,
    today: datetime.date,
    theme: Theme,
    shared: str,
    parquet: tuple[ParquetFile, ...] = (),
) -> Exported:
    """Store every data file (reusing those whose pieces are unchanged) and the data page;
    `shared` is the hash of what every page depends on (code, theme, settings)."""
    blobs = [result.rows.digest for result in done if result.rows is not None]
    judged = hashlib.sha256("".join(s.compliance_digest for result in done for s in result.summaries).encode()).hexdigest()  # compliance.csv's
    inputs = [shared, openpyxl_version(), site, repr(licence), today.isoformat(), [agency_fields(a) for a in registry], blobs, judged]
    key = _key("data", json_digest(inputs))
    record = cache.data_record() if cache.trusted else None
    if record is not None and record.key == key and cache.has_objects(record.files.values()):  # nothing they show changed
        return Exported(record.files, 0, {record.page_key}, set(blobs), (), frozenset())
    by_file = _by_file(cache, done)
    csv_files = _csv_files(by_file, done, registry, site, today)
    origin, base = site["origin"], site["base"]
    resources = [(dataset, Written(file.size, file.rows)) for dataset, file in csv_files]
    package = package_bytes(datapackage(resources, site, licence, origin + urls.DATA.url(base)))
    schema = schema_bytes(origin + urls.REPORT_SCHEMA.url(base) if origin else "", site["archive"])
    blobs_of = Blobs(cache)

    def stored(key: str) -> bool:
        return cache.trusted and cache.has_objects([key])

    def zip_members(crc: bool = True) -> list[Member]:
        small = ((urls.DATA_PACKAGE, package), (urls.REPORT_SCHEMA, schema))
        return [*(file.member(blobs_of, crc) for _, file in csv_files), *(small_member(urls.in_data(route), data) for route, data in small)]

    def book_members(crc: bool = True) -> list[Member]:
        return [part.member(blobs_of, crc) for part in _sheets(by_file)]

    zip_key = _key("zip", *(file.key for _, file in csv_files), hashlib.sha256(package).hexdigest(), hashlib.sha256(schema).hexdigest())
    book_key = _book_key(by_file, shared)
    writes: list[Callable[[], None]] = []
    sizes = {}
    for archive_key, members in ((zip_key, zip_members), (book_key, book_members)):
        if stored(archive_key):
            sizes[archive_key] = os.path.getsize(cache.object_path(archive_key))
        else:  # its size from its members, before it is written (their CRCs joined by the writer)
            sizes[archive_key] = zip_size(members(crc=False))
            writes.append(functools.partial(_put, cache, archive_key, functools.partial(_zipped, members)))
    for _, file in sorted(csv_files, key=lambda item: -item[1].size):
        if not stored(file.key):
            writes.append(functools.partial(_put, cache, file.key, functools.partial(blobs_of.raw, file.items)))

    files = {dataset.route.output: file.key for dataset, file in csv_files}
    files[urls.DATA_WORKBOOK.output] = book_key
    files[urls.DATA_ZIP.output] = zip_key
    files[urls.DATA_PACKAGE.output] = cache.store(package)
    files[urls.REPORT_SCHEMA.output] = cache.store(schema)

    downloads = tuple(Download(dataset.title, dataset.route, "CSV", file.size, file.rows, file.years, dataset.description) for dataset, file in csv_files)
    years = tuple(sorted({year for download in downloads for year in download.years}))
    wide_rows = sum(file.rows for dataset, file in csv_files if dataset.sheet)
    listed = (whole(sizes[zip_key], sizes[book_key], wide_rows, years), downloads, described(len(package), len(schema), years))
    found, page_key, rendered = _page(cache, data_page(site, *listed, wide_tables()[1], licence, today, parquet), theme, shared)
    files[found[0]] = found[1]
    cache.put_data_record(DataRecord(key, files, page_key))
    later = frozenset(output for output, stored_as in files.items() if not stored(stored_as))
    return Exported(files, rendered, {page_key}, set(blobs), tuple(writes), later)

