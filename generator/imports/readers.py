"""Readers by file type: one registry that chooses the reader for a file's extension.

Pelican's `readers.py` is the model: a reader per set of extensions, each able
to say why it cannot run (see `base.Reader`). A new type is one reader added to
`READERS` (PDF, through pdfplumber, is a `LibraryReader`); an unknown extension,
or a reader whose library is missing, is a ReadError in Chinese that says what
can be imported or which package to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .base import LibraryReader, Reader
from .document import Document, ReadError
from .legacy_word import LegacyWordReader
from .pdf import PdfReader
from .text import TextReader
from .webpage import HtmlReader
from .word import WordReader

__all__ = ["READERS", "Document", "LibraryReader", "ReadError", "Reader", "read_document", "reader_for", "supported"]

READERS: tuple[Reader, ...] = (TextReader(), HtmlReader(), WordReader(), LegacyWordReader(), PdfReader())
"""Every reader, in the order their extensions are listed to editors."""

CONVERT_FIRST = "（其他格式请先在 Word 或 WPS 中另存为 .docx）"
"""What to do with a type no reader takes."""


def supported(readers: Sequence[Reader] = READERS) -> tuple[str, ...]:
    """The extensions the readers take, in their order, each once."""
    return tuple(dict.fromkeys(extension for reader in readers for extension in reader.extensions))


def reader_for(path: Path, readers: Sequence[Reader] = READERS) -> Reader:
    """The reader of `path` by its extension. Raises ReadError when no reader takes the
    extension, or when the one that does cannot run here (its library is missing)."""
    suffix = path.suffix.lower()
    reader = next((r for r in readers if suffix in r.extensions), None)
    if reader is None:
        *most, last = supported(readers) or ("（无）",)
        listed = f"{'、'.join(most)} 和 {last}" if most else last
        raise ReadError(f"不支持的文件类型 “{path.suffix or '（无扩展名）'}”：可导入 {listed}{CONVERT_FIRST}")
    if (reason := reader.available()) is not None:
        raise ReadError(reason)
    return reader


def read_document(path: Path, readers: Sequence[Reader] = READERS) -> Document:
    """`path` read by the reader its extension chooses."""
    return reader_for(path, readers).read(path)
