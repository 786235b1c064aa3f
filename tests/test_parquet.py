"""The Parquet dataset: asked for with `parquet: true`, one file per year holding every figure of
that year's reports (computed totals included), read back equal to the checked reports; the
same bytes from two builds; only the edited year's file rewritten; and, without pyarrow, a
build that says once that the dataset was skipped, and goes on."""

from __future__ import annotations

import datetime
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build.project import build_project, check_project
from generator.cli import main
from generator.exports.figures import FigureRow, figure_rows
from generator.exports.parquet import MISSING, parquet_bytes, parquet_files, read_rows
from generator.formats import FORMATS
from generator.site.summaries import report_summary

from .conftest import Portal, with_reports

pytest.importorskip("pyarrow")

TODAY = datetime.date(2026, 11, 22)


def ask_for_parquet(portal: Portal) -> Portal:
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "parquet: true\n", encoding="utf-8")
    return portal


@pytest.fixture
def asked(portal: Portal) -> Portal:
    return ask_for_parquet(with_reports(portal))


def build(portal: Portal, out: Path | None = None, clean: bool = False) -> Path:
    out = out or portal.root / "site"
    result = build_project(portal.root, out, None, TODAY, search=False, clean=clean)
    assert result.ok, result.errors
    assert MISSING not in result.notes
    return out


def dataset(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "data/parquet").rglob("*")) if p.is_file()}


def test_each_years_file_holds_exactly_the_figures_of_that_years_reports(asked: Portal) -> None:
    site = build(asked)
    files = dataset(site)
    assert list(files) == ["data/parquet/year=2020/part-0.parquet", "data/parquet/year=2022/part-0.parquet"]  # 2018 is freeform: no figures
    checked = check_project(asked.root, TODAY)
    registry = {a.id: a for a in checked.portal.agencies}
    for year in (2020, 2022):
        expected = [row for agency in ("county", "county-edu") for c in checked.reports if c.report.key == (agency, year) for row in figure_rows(c, registry[agency])]
        rows = read_rows(files[f"data/parquet/year={year}/part-0.parquet"], year)
        assert rows == expected
        assert [type(r.value) for r in rows] == [Decimal] * len(rows)
    rows_2022 = read_rows(files["data/parquet/year=2022/part-0.parquet"], 2022)
    cells = sum(len(block.rows) * len(block.columns) for table in FORMATS["2021"].tables for block in table.blocks)
    assert cells == 200 and len(rows_2022) == 2 * cells  # every cell of 表二, 表三 and 表四 of the 2021 format, for both agencies
    fees = next(r for r in rows_2022 if r.agency == "county" and r.row == "fees")
    assert (fees.value, fees.column_label) == (Decimal("1.25"), "本年收费金额（单位：万元）")
    total = next(r for r in rows_2022 if r.agency == "county" and r.row == "received" and r.column == "total")
    assert (total.value, total.computed, total.label, total.region) == (8, True, "一、本年新收政府信息公开申请数量", "测试省 / 测试市 / 测试县")
    summaries = [report_summary(c, registry[c.report.agency_id], "/") for c in checked.reports]
    assert [f.route.output for f in parquet_files(summaries)] == list(files)  # what the data page lists is what was written


def test_two_builds_give_the_same_bytes(asked: Portal, tmp_path: Path) -> None:
    assert dataset(build(asked, tmp_path / "a")) == dataset(build(asked, tmp_path / "b", clean=True))


def test_an_edited_figure_rewrites_only_its_years_file(asked: Portal) -> None:
    before = dataset(build(asked))
    asked.report("county", 2022, changes={"licensing: 35": "licensing: 36"})
    after = dataset(build(asked))
    assert {path for path in after if after[path] != before[path]} == {"data/parquet/year=2022/part-0.parquet"}
    licensing = next(r for r in read_rows(after["data/parquet/year=2022/part-0.parquet"], 2022) if r.agency == "county" and r.row == "licensing")
    assert licensing.value == 36


def test_rows_round_trip_with_money_negative_changes_and_more_than_one_row_group(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.exports.parquet

    monkeypatch.setattr(generator.exports.parquet, "ROW_GROUP", 2)
    rows = [
        FigureRow("a", "省 / 市", 2020, "2019", "二", "item-8", "fees", "收费", "amount", "金额", Decimal("128.5"), False),
        FigureRow("a", "省 / 市", 2020, "2019", "二", "item-3", "licensing", "行政许可", "change", "本年增/减", -4, False),
        FigureRow("b", "省", 2020, "2019", "三", "applications", "received", "新收", "total", "总计", 3, True),
    ]
    data = parquet_bytes(rows)
    assert read_rows(data, 2020) == rows
    import pyarrow.parquet as pq

    assert pq.ParquetFile(io.BytesIO(data)).num_row_groups == 2
    assert parquet_bytes(rows) == data


def test_the_data_page_lists_the_dataset_when_the_site_publishes_it(asked: Portal) -> None:
    page = (build(asked) / "data/index.html").read_text(encoding="utf-8")
    assert "Parquet 格式（按年度）" in page
    assert re.findall(r'href="/data/parquet/year=(\d{4})/part-0.parquet"', page) == ["2020", "2022"]


def test_without_the_setting_there_is_no_dataset(portal: Portal) -> None:
    site = build(with_reports(portal))
    assert not (site / "data" / "parquet").exists()
    assert "Parquet" not in (site / "data/index.html").read_text(encoding="utf-8")  # the other downloads are there; the Parquet dataset is not


def test_without_pyarrow_the_build_says_once_that_parquet_was_skipped(asked: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if not installed: importing it fails
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = CliRunner().invoke(main, ["-p", str(asked.root), "build", "--no-search", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.count(MISSING) == 1
    assert "pip install 'xxgk[parquet]'" in MISSING
    assert (asked.root / "site/index.html").is_file() and not (asked.root / "site/data/parquet").exists()
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["-p", str(asked.root), "build", "--no-search", "-j", "1"])
    assert MISSING not in again.output
    assert (asked.root / "site/data/parquet/year=2022/part-0.parquet").is_file()


def test_a_setting_that_is_not_true_or_false_is_reported(portal: Portal) -> None:
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "parquet: 是\n", encoding="utf-8")
    problems = check_project(portal.root, TODAY).problems
    assert [(p.file, p.rule, p.message) for p in problems] == [("content/site.yaml", "wrong-type", "“parquet” 应写 true 或 false")]
