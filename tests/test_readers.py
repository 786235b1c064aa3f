"""Readers by file type: one registry chooses the reader by extension; an unknown
type, or a reader whose library is missing, is a Chinese message, never a traceback."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import docx
import pytest

from generator.imports.document import Document, Paragraph
from generator.imports.legacy_word import LegacyWordReader
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
    libraries = [reader.available() for reader in READERS if not isinstance(reader, LegacyWordReader)]
    assert libraries == [None, None, None, None]
    assert (LegacyWordReader().available() is None) == (shutil.which("soffice") is not None or shutil.which("libreoffice") is not None)
    assert supported() == (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".doc", ".wps", ".pdf")


@pytest.mark.parametrize(("name", "shown"), [("report.xls", "“.xls”"), ("report.rtf", "“.rtf”"), ("report", "“（无扩展名）”")])
def test_an_unknown_type_says_what_can_be_imported(tmp_path: Path, name: str, shown: str) -> None:
    source = tmp_path / name
    source.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReadError) as raised:
        read_document(source)
    assert str(raised.value) == (
        f"不支持的文件类型 {shown}：可导入 .txt、.md、.markdown、.html、.htm、.docx、.doc、.wps 和 .pdf（其他格式请先在 Word 或 WPS 中另存为 .docx）"
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


def test_a_doc_without_libreoffice_says_how_to_save_it_as_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    source = tmp_path / "report.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    with pytest.raises(ReadError, match="需要 LibreOffice（soffice），本机没有安装：请在 Word 或 WPS 中把文件另存为 .docx"):
        read_document(source)


def fake_soffice(folder: Path, converted: Path | None) -> None:
    """A `soffice` on PATH that does what LibreOffice's conversion does: writes
    <outdir>/<stem>.docx (here a copy of `converted`), or nothing when it fails."""
    folder.mkdir()
    script = folder / "soffice"
    copy = f'cp "{converted}" "$outdir/$(basename "${{@: -1}}" | sed \'s/\\.[^.]*$//\').docx"' if converted else "true"
    script.write_text(f"""#!/bin/bash
while [ "$1" != "--outdir" ]; do shift; done
outdir="$2"
{copy}
""", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_a_doc_is_converted_by_libreoffice_and_read_as_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    word = docx.Document()
    word.add_heading("测试县人民政府2022年政府信息公开工作年度报告", level=1)
    word.add_paragraph("一、总体情况")
    word.save(str(tmp_path / "converted.docx"))
    fake_soffice(tmp_path / "bin", tmp_path / "converted.docx")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    source = tmp_path / "report.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    document = read_document(source)
    assert [block.text for block in document.blocks if isinstance(block, Paragraph)][:2] == [
        "测试县人民政府2022年政府信息公开工作年度报告", "一、总体情况"]


def test_a_doc_libreoffice_cannot_convert_is_refused_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path / "bin", None)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    source = tmp_path / "report.doc"
    source.write_bytes(b"not really a Word file")
    with pytest.raises(ReadError, match="LibreOffice 无法转换这个文件"):
        read_document(source)
