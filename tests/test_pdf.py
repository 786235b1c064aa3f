"""The PDF reader: a reader like the others (its library named when missing), and a PDF it
cannot read (a scan, a broken file) refused with what to do instead. Real published PDFs
are read in test_samples.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.imports.pdf import PdfReader
from generator.imports.readers import ReadError, read_document
from generator.imports.text import TextReader

from .conftest import Portal


class PdfWithoutLibrary(PdfReader):
    library = "xxgk_test_no_such_library"


def test_without_pdfplumber_the_message_names_the_package(tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReadError, match="读取 .pdf 文件需要 pdfplumber，当前没有安装：请运行 pip install pdfplumber"):
        read_document(source, (TextReader(), PdfWithoutLibrary()))


def test_a_scanned_pdf_is_refused_through_the_command_and_nothing_is_written(portal: Portal, tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")  # Pillow comes with pdfplumber
    source = tmp_path / "scan.pdf"
    image.new("RGB", (200, 280), "white").save(source, "PDF")
    before = sorted(path for path in portal.root.rglob("*"))
    result = CliRunner().invoke(main, ["-p", str(portal.root), "import", str(source), "--agency", "scan"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "扫描版 PDF" in result.output and "OCR" in result.output
    assert sorted(path for path in portal.root.rglob("*")) == before


def test_a_broken_pdf_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    with pytest.raises(ReadError, match="不是有效的 PDF 文件"):
        read_document(source)
