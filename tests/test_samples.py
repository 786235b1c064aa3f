"""Real published reports (../shared/samples: two PDFs as published, their text laid out in
columns and in reading order, a PDF whose fonts give gibberish): every figure of tables
二, 三 and 四 imported exactly as expected.json gives it, read back from the file written
by `xxgk import` and checked by `xxgk check`; the unreadable PDF is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.build.project import check_project
from generator.cli import main
from generator.formats import FORMATS
from generator.imports import pdf
from generator.imports.matching import Imported, import_document
from generator.imports.readers import read_document

from .conftest import Portal

SAMPLES = Path(os.environ.get("XXGK_SAMPLES") or Path(__file__).resolve().parent.parent.parent / "shared" / "samples")
"""../shared/samples beside the repository, or the folder XXGK_SAMPLES names (a worktree elsewhere)."""
EXPECTED: dict[str, Any] = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")) if SAMPLES.is_dir() else {}
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not beside the repository (set XXGK_SAMPLES)")

FORMAT = FORMATS["2021"]
TABLE_2 = {row.label: row.key for block in FORMAT.table("二").blocks for row in block.rows}
TABLE_3 = FORMAT.table("三").blocks[0].rows
TABLE_4 = [row.key for block in FORMAT.table("四").blocks for row in block.rows]


def year_of(name: str) -> list[str]:
    return list(EXPECTED[name].get("import_args", []))


def expected_rows(name: str) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """Every accepted reading of every row, by front matter key, then row key; a total may
    also be left out (the program computes it)."""
    want = EXPECTED[name]
    rows: dict[str, dict[str, list[tuple[Any, ...]]]] = {"active": {}, "applications": {}, "appeals": {}}
    for label, values in want["二"].items():
        rows["active"][TABLE_2[label]] = [tuple(values)]
    for row, values in zip(TABLE_3, want["三"]):
        rows["applications"][row.key] = [tuple(values), tuple(values[:-1])]
    readings = [want["四"], *([want["source_inconsistent"]["四_arith"]] if "source_inconsistent" in want else [])]
    for number, key in enumerate(TABLE_4):
        rows["appeals"][key] = [tuple(r[number * 5 : number * 5 + 5]) for r in readings]
    return rows


def assert_every_figure(name: str, values: dict[str, dict[str, tuple[Any, ...]]], with_totals: bool = False) -> None:
    for table, rows in expected_rows(name).items():
        for key, accepted in rows.items():
            got = tuple(float(v) for v in values[table][key])
            readings = [tuple(float(v) for v in r) for r in accepted if not with_totals or len(r) == len(accepted[0])]
            assert got in readings, (name, table, key, got, accepted)


def imported(name: str) -> Imported:
    args = year_of(name)
    year = int(args[args.index("--year") + 1]) if "--year" in args else None
    return import_document(read_document(SAMPLES / name), year)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_figure_of_a_real_report_is_imported_exactly(name: str) -> None:
    result = imported(name)
    want = EXPECTED[name]
    assert (result.year, result.format.id) == (want["year"], want["format"])
    assert result.agency_name.endswith("洪泽区人民政府")
    assert result.missing() == []
    assert_every_figure(name, result.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_written_file_holds_every_figure_and_passes_the_checks(name: str, portal: Portal) -> None:
    result = CliRunner().invoke(main, ["-p", str(portal.root), "import", str(SAMPLES / name), "--agency", "hongze", *year_of(name)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "已写入" in result.output, result.output
    checked = check_project(portal.root)
    report = next(r for r in checked.reports if r.report.agency_id == "hongze")
    values = {
        FORMAT.table(key).front_matter_key: {row.key: row.values for block in table.blocks for row in block.rows}
        for key, table in report.tables.items()
    }
    assert_every_figure(name, values, with_totals=True)
    errors = {p.rule for p in report.problems if p.severity == "error"}
    # the 2023 report prints 总计 0 for review rows whose parts sum to 11 and 5: its own inconsistency, reported
    assert errors == ({"appeal-total"} if "source_inconsistent" in EXPECTED[name] else set()), report.problems


@pytest.mark.parametrize("name", ["hongze_2023.pdf", "hongze_2024.pdf"])
def test_a_pdf_whose_tables_have_no_ruling_lines_is_read_from_its_text_in_columns(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same PDFs with their ruling lines ignored: the tables come from the text laid out
    in columns, labels and figures on lines of their own, and still every figure is exact."""
    monkeypatch.setattr(pdf, "_tables", lambda page: [])
    result = imported(name)
    assert result.missing() == []
    assert_every_figure(name, result.values())


def test_the_import_says_how_figures_apart_from_their_labels_were_confirmed() -> None:
    notes = imported("r4b_hongze_2024_raw.txt").guesses
    assert any(note.startswith("表三：") and "勾稽关系" in note and "确认" in note for note in notes), notes


def test_a_pdf_whose_fonts_give_gibberish_is_refused_and_nothing_is_written(portal: Portal) -> None:
    before = {path: path.read_bytes() for path in portal.root.rglob("*") if path.is_file()}
    result = CliRunner().invoke(main, ["-p", str(portal.root), "import", str(SAMPLES / "garbled_font.pdf"), "--agency", "garbled"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "文字无法辨认" in result.output and "Word 或网页原文" in result.output and "OCR" in result.output
    assert {path: path.read_bytes() for path in portal.root.rglob("*") if path.is_file()} == before
