"""Zip files whose bytes depend on their members' bytes alone, from deflated pieces.

Python's zipfile stamps each member with the time it is written and compresses
members whole. Here a member is given as its deflated pieces (`deflated`), already compressed where they were made, with its size
and CRC-32 known beforehand (joined from the pieces' own by `crc_join`), so a zip
of a province's data is written by copying bytes: no compression, no second
pass. Every member is dated 1980-01-01 00:00 (the earliest date a zip can hold:
reproducible-builds practice), named in UTF-8, and made readable by everyone.
Members or offsets past 4 GiB are written as Zip64.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

LEVEL = 3
"""zlib's fast setting: twice the speed of its default (6) on these files for a download 7 % larger (measured on 10,000 reports)."""

FINAL_BLOCK = b"\x03\x00"
"""An empty, final deflate block (fixed Huffman codes): ends a stream of joined pieces."""


def deflated(data: bytes) -> bytes:
    """`data` as raw deflate, flushed to a byte boundary and not final: pieces deflated apart,
    joined end to end and followed by `FINAL_BLOCK`, are one valid deflate stream."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)

# --- CRC-32 of joined bytes, from each part's (zlib's crc32_combine, in Python) -----------

_POLY = 0xEDB88320  # CRC-32, bits reflected


def _multiply(a: int, b: int) -> int:
    """a·b modulo the CRC polynomial (both as reflected 32-bit polynomials)."""
    mask = 1 << 31
    product = 0
    while True:
        if a & mask:
            product ^= b
            if not a & (mask - 1):
                return product
        mask >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


_POWERS = [1 << 30]  # x^(2^k) modulo the polynomial, k = 0 … 31
for _ in range(31):
    _POWERS.append(_multiply(_POWERS[-1], _POWERS[-1]))


ZEROS = 1 << 20
"""Up to this length, `crc_shift` runs zlib's CRC over zeros (C, 2 GB/s) rather than multiply here."""


def crc_shift(length: int) -> int:
    """x^(8·length) modulo the polynomial: what `crc_join` needs to know of the bytes that
    follow. Made once per piece, where the piece is made. zlib's CRC of zero bytes from a
    value v is S(v ^ M) ^ M, S the shift by those bytes (linear: they add nothing) and M the
    inversion zlib applies before and after; so from v = x^0 ^ M it is S(x^0) ^ M."""
    if length <= ZEROS:
        return zlib.crc32(bytes(length), (1 << 31) ^ 0xFFFFFFFF) ^ 0xFFFFFFFF
    product, k = 1 << 31, 3
    while length:
        if length & 1:
            product = _multiply(_POWERS[k & 31], product)
        length >>= 1
        k += 1
    return product


def crc_join(first: int, second: int, second_shift: int) -> int:
    """The CRC-32 of two byte strings joined, from each one's CRC-32 and the second's `crc_shift`."""
    return _multiply(second_shift, first) ^ second


# --- members ------------------------------------------------------------------------------

ZIP64_LIMIT = 0xFFFFFFFF
DOS_DATE = (1 << 5) | 1  # 1980-01-01
DOS_TIME = 0
UTF8_NAMES = 0x800
DEFLATE = 8
MADE_BY = (3 << 8) | 45  # Unix, zip 4.5
READABLE = (0o100644 << 16)


@dataclass(frozen=True)
class Span:
    """Bytes of a stored file, to be copied by the system (`os.copy_file_range`) rather than read
    into Python: most of a download is agencies' pieces copied from their blobs as they are."""

    path: str
    start: int
    size: int


Chunk = bytes | Span
"""What files are written from, one after another."""


def chunk_size(chunk: Chunk) -> int:
    return chunk.size if isinstance(chunk, Span) else len(chunk)


@dataclass(frozen=True)
class Member:
    """A member of a zip: its name, size and CRC-32, and where its deflated bytes come from
    (`chunks` is called once, when the member is written, so nothing is held meanwhile)."""

    name: str
    size: int
    crc: int
    packed_size: int  # of everything `chunks` gives, the final block included
    chunks: Callable[[], Iterable[Chunk]]


def small_member(name: str, data: bytes) -> Member:
    """A member made of bytes at hand (a JSON file, a workbook's parts)."""
    packed = deflated(data) + FINAL_BLOCK
    return Member(name, len(data), zlib.crc32(data), len(packed), lambda: (packed,))


def _local(member: Member, limit: int) -> bytes:
    """A member's local header, with its name (and sizes in a Zip64 extra field when large)."""
    name = member.name.encode("utf-8")
    large = member.size >= limit or member.packed_size >= limit
    sizes = (ZIP64_LIMIT, ZIP64_LIMIT) if large else (member.packed_size, member.size)
    extra = struct.pack("<HHQQ", 1, 16, member.size, member.packed_size) if large else b""
    version = 45 if large else 20
    header = struct.pack("<IHHHHHIIIHH", 0x04034B50, version, UTF8_NAMES, DEFLATE, DOS_TIME, DOS_DATE, member.crc, *sizes, len(name), len(extra))
    return header + name + extra


def zip_chunks(members: Iterable[Member], limit: int = ZIP64_LIMIT) -> Iterator[Chunk]:
    """A zip of `members`, in their order, as bytes to write one after another.
    `limit` is where Zip64 begins (lower only to test it)."""
    central = []
    offset = 0
    for member in members:
        local = _local(member, limit)
        yield local
        written = 0
        for chunk in member.chunks():
            written += chunk_size(chunk)
            yield chunk
        if written != member.packed_size:
            raise ValueError(f"{member.name}: {written} deflated bytes, {member.packed_size} expected")
        central.append(_central(member, member.name.encode("utf-8"), offset, limit))
        offset += len(local) + written
    directory = b"".join(central)
    yield directory
    yield _end(len(central), len(directory), offset, limit)


def zip_size(members: Iterable[Member], limit: int = ZIP64_LIMIT) -> int:
    """How many bytes `zip_chunks` gives for `members`, known without their bytes: so a page
    can give a zip's size while the zip is being written."""
    central = []
    offset = 0
    for member in members:
        central.append(_central(member, member.name.encode("utf-8"), offset, limit))
        offset += len(_local(member, limit)) + member.packed_size
    directory = sum(map(len, central))
    return offset + directory + len(_end(len(central), directory, offset, limit))


def _central(member: Member, name: bytes, offset: int, limit: int) -> bytes:
    values = []
    size, packed, at = member.size, member.packed_size, offset
    if size >= limit or packed >= limit:  # as in the local header, both sizes go to the extra field
        values += [size, packed]
        size = packed = ZIP64_LIMIT
    if offset >= limit:
        values.append(offset)
        at = ZIP64_LIMIT
    extra = struct.pack(f"<HH{len(values)}Q", 1, 8 * len(values), *values) if values else b""
    version = 45 if values else 20
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            MADE_BY,
            version,
            UTF8_NAMES,
            DEFLATE,
            DOS_TIME,
            DOS_DATE,
            member.crc,
            packed,
            size,
            len(name),
            len(extra),
            0,
            0,
            0,
            READABLE,
            at,
        )
        + name
        + extra
    )


def _end(count: int, size: int, offset: int, limit: int) -> bytes:
    """The end of central directory record, after a Zip64 one where a count or offset needs it."""
    end = b""
    if count >= 0xFFFF or size >= limit or offset >= limit:
        zip64_end = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, MADE_BY, 45, 0, 0, count, count, size, offset)
        locator = struct.pack("<IIQI", 0x07064B50, 0, offset + size, 1)
        end = zip64_end + locator
        count, size, offset = min(count, 0xFFFF), min(size, ZIP64_LIMIT), min(offset, ZIP64_LIMIT)
    return end + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, offset, 0)
