"""The content-addressed store of a build's files: each rendered page and attachment
kept once, read-only, under the hash of its bytes, and hard-linked into every site.

A plain value (a folder and whether files already there are trusted), so it can
be handed to a worker process on the same machine, or on a cluster's machine that
shares the folder, which then stores its own files instead of sending their bytes
back (see `units.UnitContext`).
"""

from __future__ import annotations

import errno
import os
import re
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..exports.archive import Chunk, Span

HOST = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64]
"""This machine's name, as a file name may hold it (see `write_whole`)."""


@dataclass(frozen=True)
class ObjectStore:
    folder: str  # a str: a Path costs more than the rest of a rebuild
    trusted: bool = True  # False (a clean build): files are written again, not taken as they are

    def path(self, digest: str) -> str:
        return f"{self.folder}/{digest[:2]}/{digest[2:]}"

    def put(self, data: bytes, digest: str) -> None:
        """Keep `data`, whose bytes hash to `digest`."""
        path = self.path(digest)
        if not (self.trusted and os.path.exists(path)):
            write_whole(Path(path), data, mode=0o444)


    def put_stream(self, digest: str, chunks: Iterable[Chunk]) -> bool:
        """Keep the bytes `chunks` gives, under `digest` (a hash of what they are made of,
        when they are too many to hash first); False, and `chunks` left alone, when they are kept already."""
        path = self.path(digest)
        if self.trusted and os.path.exists(path):
            return False
        write_whole(Path(path), chunks, mode=0o444)
        return True


def write_whole(path: Path, data: bytes | Iterable[Chunk], mode: int = 0o644) -> None:
    """Write `data` (bytes, or chunks of them) to `path` by a temporary file renamed into place,
    so that a build stopped half-way, or two writing at once, leave only whole files behind."""
    # Named by machine, process and thread: files are stored from several threads and processes,
    # on a cluster from several machines into one shared folder, and two outputs with the same
    # bytes are the same stored file.
    temporary = path.with_name(f".new-{HOST}-{os.getpid()}-{threading.get_ident()}-{path.name}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        handle = os.open(temporary, flags, mode)  # the mode is set as it is made
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, flags, mode)
    except FileExistsError:  # left by a build of the same process and thread ids that was stopped
        temporary.unlink()
        handle = os.open(temporary, flags, mode)
    try:
        if isinstance(data, bytes):
            with os.fdopen(handle, "wb") as file:
                file.write(data)
        else:
            try:
                _write_chunks(handle, data)
            finally:
                os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


_NO_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF}
"""copy_file_range is missing or refused (another file system, an old kernel): copy through Python."""


def _write_chunks(handle: int, chunks: Iterable[Chunk]) -> None:
    """Write `chunks` to the open file `handle`: bytes as they are, spans of stored files copied
    by the system (no copy through Python) where it can, one source file open at a time."""
    source, opened = -1, ""
    copy = hasattr(os, "copy_file_range")
    try:
        for chunk in chunks:
            if not isinstance(chunk, Span):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(handle, view) :]
                continue
            if chunk.path != opened:
                if source >= 0:
                    os.close(source)
                source, opened = os.open(chunk.path, os.O_RDONLY), chunk.path
            copy = _copy_span(source, handle, chunk, copy)
    finally:
        if source >= 0:
            os.close(source)


def _copy_span(source: int, handle: int, span: Span, copy: bool) -> bool:
    """Copy a span into `handle`; whether copy_file_range may be used for the next one."""
    offset, left = span.start, span.size
    while left:
        if copy:
            try:
                done = os.copy_file_range(source, handle, left, offset)
            except OSError as exc:
                if exc.errno not in _NO_COPY:
                    raise
                copy = False
                continue
        else:
            data = os.pread(source, min(left, 1 << 20), offset)
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            done = len(data)
        if done == 0:
            raise OSError(errno.EIO, f"{span.path} ends before byte {offset}")
        offset += done
        left -= done
    return copy
