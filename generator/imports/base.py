"""The contract every reader keeps, and what readers of one file share.

A reader is a class per set of file extensions (Pelican's `BaseReader` is the
model): it says whether it can run here (`available`, None or the reason in
Chinese, e.g. which package to install) and turns a file into a Document
(`read`). A reader that needs a library names it (`LibraryReader`), so its
absence is a message, not an ImportError.
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from .document import Document, ReadError


class Reader(ABC):
    """Reads one kind of file into a Document."""

    extensions: ClassVar[tuple[str, ...]] = ()
    """Lower-case suffixes with their dot, e.g. (".html", ".htm")."""

    def available(self) -> str | None:
        """None when this reader can run here; else why not, in Chinese."""
        return None

    @abstractmethod
    def read(self, path: Path) -> Document:
        """The file as a Document. Raises ReadError, with the reason in Chinese."""


class LibraryReader(Reader):
    """A reader that needs a library which may not be installed (python-docx, pdfplumber):
    it is unavailable, with the package to install, until the library can be imported."""

    library: ClassVar[str]  # the module imported, e.g. "docx"
    package: ClassVar[str]  # what pip installs, e.g. "python-docx"

    def available(self) -> str | None:
        return None if has_module(self.library) else missing_package(self.extensions[0], self.package)


def has_module(name: str) -> bool:
    """Whether `name` can be imported, without importing it (a reader's library is
    loaded only when a file of its kind is read)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing_package(extension: str, package: str) -> str:
    return f"读取 {extension} 文件需要 {package}，当前没有安装：请运行 pip install {package}"


def file_bytes(path: Path) -> bytes:
    """The file's bytes; a file that cannot be opened or holds nothing is refused here,
    the same way for every kind of file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("文件是空的")
    return data


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which covers GBK and GB2312: the
    encodings Chinese Windows, Word's "plain text" and WPS save in."""
    if b"\x00" in data:
        raise ReadError("文件含有二进制内容（NUL 字节），不是文本文件：Word 文件请用 .docx 导入")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ReadError("无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030）：请在记事本或 WPS 中另存为 UTF-8")
