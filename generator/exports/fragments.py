"""One agency's share of every data file, made with its part of the site.

Every row of every data file but agencies.csv belongs to one agency's reports.
So each agency's rows are made where its pages are (in the build's worker, see
`build.units`), as fragments: its lines of reports.csv, of each year's figures,
of each wide table and of each workbook sheet. The build cache keeps them with
the agency's pages, and the portal's data files are the fragments joined in a
fixed order (`build.data`): an unchanged agency costs nothing, and an edited
figure changes only the files that hold a fragment of its agency that changed.

Each fragment is also kept deflated on its own (`archive.deflated`), with its
CRC-32: the zip and the workbook are made of those pieces, joined, so the
portal's compression is done once per agency, in the workers, and only again
for an agency that changed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..formats import FORMATS
from ..model import Agency, CheckedReport
from ..site import urls
from ..site.summaries import Summary
from .archive import crc_shift, deflated
from .datasets import REPORTS, wide
from .rows import figure_lines, report_line, report_values, sheet_row, wide_line


def sheet_file(dataset_path: str) -> str:
    """What the fragments of a wide table's workbook sheet are filed under."""
    return "sheet:" + dataset_path


@dataclass(frozen=True)
class Fragment:
    """An agency's lines of one data file."""

    file: str  # the file's path under data/ ("figures/2023.csv"), or a sheet's (`sheet_file`)
    years: tuple[int, ...]  # of the reports whose lines these are
    rows: int
    data: bytes


def agency_fragments(
    group: tuple[CheckedReport, ...], summaries: tuple[Summary, ...], agency: Agency, site: dict[str, str], money_style: int
) -> tuple[Fragment, ...]:
    """An agency's fragments (reports in year order, with their summaries): its reports, each
    year's figures, then each wide table and its sheet, in the official order."""
    if not group:
        return ()
    out = [_fragment(REPORTS.path, group, "".join(report_line(c, agency, site, s) for c, s in zip(group, summaries, strict=True)))]
    complete = [(c, report_values(c)) for c in group if _complete(c)]  # each report's figures written once, used thrice
    for c, values in complete:
        lines, rows = figure_lines(c, values)
        out.append(Fragment(urls.in_data(urls.data_figures(c.report.year)), (c.report.year,), rows, lines))
    for format_id, fmt in FORMATS.items():
        of_format = [(c, values) for c, values in complete if c.report.format == format_id]
        reports = tuple(c for c, _ in of_format)
        for table in fmt.tables if of_format else ():
            dataset = wide(format_id, table.key)
            out.append(_fragment(dataset.path, reports, "".join(wide_line(c, agency, values[table.key]) for c, values in of_format)))
            sheet = "".join(sheet_row(c, agency, table.key, values[table.key], money_style) for c, values in of_format)
            out.append(_fragment(sheet_file(dataset.path), reports, sheet))
    return tuple(out)


def _complete(c: CheckedReport) -> bool:
    """Whether a report has every table of its format (a free-form one has none)."""
    tables = FORMATS[c.report.format].tables
    return bool(tables) and len(c.tables) == len(tables)


def _fragment(file: str, group: tuple[CheckedReport, ...], text: str) -> Fragment:
    return Fragment(file, tuple(c.report.year for c in group), len(group), text.encode("utf-8"))


@dataclass(frozen=True)
class Piece:
    """A fragment as the build keeps it: where its bytes, and its deflated bytes, are in
    its agency's blob, and the hash that tells whether it changed."""

    file: str
    years: tuple[int, ...]
    rows: int
    digest: str  # sha256 of its deflated bytes (a tenth of its bytes to hash, and as telling)
    crc: int  # CRC-32 of its bytes, and what joining it to other bytes needs (`archive.crc_join`)
    shift: int
    start: int
    size: int
    packed_start: int
    packed_size: int


@dataclass(frozen=True)
class Packed:
    """An agency's fragments as one blob (stored as one file), which ends with the pieces that
    index it: so a build's record of an agency needs only the blob's hash (most builds only
    need to know that it is the same), and the pieces are read when a download is made again."""

    blob: bytes
    pieces: tuple[Piece, ...]
    digest: str  # the blob's identity: the hash of its index (each piece's hash, where it lies), which decides every byte


def pack(fragments: Iterable[Fragment]) -> Packed:
    chunks: list[bytes] = []
    pieces = []
    offset = 0
    for fragment in fragments:
        packed = deflated(fragment.data)
        start = offset
        chunks += [fragment.data, packed]
        offset += len(fragment.data) + len(packed)
        digest = hashlib.sha256(packed).hexdigest()  # deflate is lossless: the same packed bytes, the same bytes
        size = len(fragment.data)
        crc, shift = zlib.crc32(fragment.data), crc_shift(size)
        pieces.append(Piece(fragment.file, fragment.years, fragment.rows, digest, crc, shift, start, size, start + size, len(packed)))
    fields = [(p.file, p.years, p.rows, p.digest, p.crc, p.shift, p.start, p.size, p.packed_start, p.packed_size) for p in pieces]
    index = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
    blob = b"".join([*chunks, index, INDEX_LENGTH.pack(len(index))])
    return Packed(blob, tuple(pieces), hashlib.sha256(b"xxgk-blob\0" + index).hexdigest())


INDEX_LENGTH = struct.Struct("<Q")


def pieces_in(path: str) -> tuple[Piece, ...]:
    """The pieces of a stored blob, read from its end (see `pack`)."""
    with open(path, "rb") as blob:
        blob.seek(-INDEX_LENGTH.size, os.SEEK_END)
        (length,) = INDEX_LENGTH.unpack(blob.read(INDEX_LENGTH.size))
        blob.seek(-INDEX_LENGTH.size - length, os.SEEK_END)
        return tuple(Piece(*fields) for fields in pickle.loads(blob.read(length)))
