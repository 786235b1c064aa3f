"""Readers by file type: one registry chooses the reader by extension; an unknown
type, or a reader whose library is missing, is a Chinese message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.imports.document import Document, Paragraph
from generator.imports.pdf import PdfReader
from generator.imports.readers import READERS, LibraryReader, ReadError, read_document, reader_for, supported
from generator.imports.text import TextReader
from generator.imports.webpage import HtmlReader
from generator.imports.word import WordReader


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.txt", TextReader), ("a.md", TextReader), ("a.MARKDOWN", TextReader), ("a.html", HtmlReader),
     ("a.HTM", HtmlReader), ("a.docx", WordReader), ("a.PDF", PdfReader)],
)
def test_the_extension_chooses_the_reader(name: str, kind: type) -> None:
    assert isinstance(reader_for(Path(name)), kind)


def test_every_installed_reader_is_available() -> None:
    assert [reader.available() for reader in READERS] == [None, None, None, None]
    assert supported() == (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")


@pytest.mark.parametrize(("name", "shown"), [("report.xls", "“.xls”"), ("report.doc", "“.doc”"), ("report", "“（无扩展名）”")])
def test_an_unknown_type_says_what_can_be_imported(tmp_path: Path, name: str, shown: str) -> None:
    source = tmp_path / name
    source.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReadError) as raised:
        read_document(source)
    assert str(raised.value) == (
        f"不支持的文件类型 {shown}：可导入 .txt、.md、.markdown、.html、.htm、.docx 和 .pdf（.doc 请先在 Word 或 WPS 中另存为 .docx）"
    )


class WordWithoutLibrary(WordReader):
    library = "xxgk_test_no_such_library"


def test_a_reader_whose_library_is_missing_names_the_package_to_install(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(b"PK")
    readers = (TextReader(), WordWithoutLibrary())
    assert readers[1].available() == "读取 .docx 文件需要 python-docx，当前没有安装：请运行 pip install python-docx"
    with pytest.raises(ReadError, match="pip install python-docx"):
        read_document(source, readers)


class _FakeOdtReader(LibraryReader):
    """What a new reader looks like: one class (a library, a read)."""

    extensions = (".odt",)
    library = "json"  # a module that is always there, standing in for odfpy
    package = "odfpy"

    def read(self, path: Path) -> Document:
        return Document((Paragraph(path.read_text(encoding="utf-8")),))


def test_a_new_type_is_one_reader_added_to_the_registry(tmp_path: Path) -> None:
    source = tmp_path / "report.odt"
    source.write_text("政府信息公开", encoding="utf-8")
    readers = (*READERS, _FakeOdtReader())
    assert read_document(source, readers) == Document((Paragraph("政府信息公开"),))
    assert supported(readers)[-1] == ".odt"
    with pytest.raises(ReadError, match="不支持的文件类型"):
        read_document(source)  # not in the registry: not read


def test_an_unreadable_or_empty_file_is_refused_the_same_way_by_every_reader(tmp_path: Path) -> None:
    for name in ("empty.txt", "empty.html", "empty.docx", "empty.pdf"):
        (tmp_path / name).write_bytes(b"  \n")
        with pytest.raises(ReadError, match="文件是空的"):
            read_document(tmp_path / name)
    with pytest.raises(ReadError, match="无法读取文件"):
        read_document(tmp_path / "absent.docx")
