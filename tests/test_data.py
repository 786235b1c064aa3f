"""The data downloads (/data/): every figure as CSV, Excel and a validated data package.

The demo portal is built once; its CSV files are read back and compared with the
report.json of every report (computed totals included), the data package is
validated with frictionless, every report.json with the published JSON Schema,
and the zip and the workbook are compared byte for byte across builds. The
incremental cases use the small portal of conftest.
"""

from __future__ import annotations

import csv
import datetime
import errno
import functools
import io
import json
import os
import re
import shutil
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import jsonschema
import openpyxl
import openpyxl.writer.excel
import pytest

import generator.build.data
import generator.build.objects
from generator.build.cache import CACHE_DIR
from generator.build.project import build_project, check_project
from generator.content.load import load_site
from generator.content.scaffold import portal_files
from generator.exports import archive
from generator.exports.archive import Span
from generator.exports.datasets import figures_of
from generator.exports.rows import header
from generator.exports.workbook import frame
from generator.model import Agency
from generator.preview.app import Preview

from .conftest import REPORT_2019, Portal, with_reports

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.date(2026, 11, 22)
MONEY = re.compile(r"^\d+\.\d{4}$")


def build(root: Path, out: Path, clean: bool = False) -> None:
    result = build_project(root, out, None, TODAY, search=False, jobs=1, clean=clean)
    assert result.ok, result.errors


def copy_of_demo(folder: Path) -> Path:
    shutil.copytree(ROOT / "content", folder / "content")
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's site, built from a copy (its cache stays out of the repository)."""
    project = copy_of_demo(tmp_path_factory.mktemp("demo"))
    build(project, project / "site")
    return project / "site"


@functools.cache
def registry() -> tuple[Agency, ...]:
    return check_project(ROOT, TODAY).portal.agencies


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} starts with a BOM, for Excel on Chinese Windows"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def reports_json(site: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Every report's report.json, by agency in registry order, then by year: as the CSV files list them."""
    order = {agency.id: number for number, agency in enumerate(registry())}
    found = {}
    for path in site.glob("reports/*/*/report.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[(data["agency"]["id"], data["year"])] = data
    return dict(sorted(found.items(), key=lambda item: (order[item[0][0]], item[0][1])))


def flat(data: dict[str, Any], table: str) -> list[tuple[str, str, Decimal]]:
    """A report.json table's cells in order: (row label, column label, value)."""
    return [
        (row["label"], block["columns"][i], Decimal(str(value)))
        for block in data["tables"][table]["blocks"]
        for row in block["rows"]
        for i, value in enumerate(row["values"])
    ]


# --- the CSV files say what report.json says ------------------------------------------------


def every_years_figures(demo: Path) -> list[dict[str, str]]:
    return [row for path in sorted((demo / "data/figures").glob("*.csv")) for row in read_csv(path)]


def test_every_figure_of_every_report_is_in_the_tidy_csv_as_in_its_report_json(demo: Path) -> None:
    rows = every_years_figures(demo)
    by_table: dict[tuple[str, int, str], list[dict[str, str]]] = {}
    for row in rows:
        by_table.setdefault((row["agency_id"], int(row["year"]), row["table"]), []).append(row)
    expected = 0
    for (agency, year), data in reports_json(demo).items():
        for table in data["tables"]:
            cells = flat(data, table)
            got = by_table.pop((agency, year, table))
            assert [(r["row_label"], r["column_label"], Decimal(r["value"])) for r in got] == cells
            expected += len(cells)
    assert by_table == {} and len(rows) == expected == 7970
    for row in rows:
        if row["kind"] == "money":
            assert MONEY.match(row["value"]), row
        else:
            assert re.fullmatch(r"-?\d+", row["value"]), row
    # Exact figures of the demo's 示例县 2023 report: totals it leaves out are computed and marked so.
    xian = {(r["table"], r["row"], r["column"]): r for r in rows if (r["agency_id"], r["year"]) == ("shili-xian", "2023")}
    assert xian[("三", "received", "total")]["value"] == "49" and xian[("三", "received", "total")]["computed"] == "true"
    assert xian[("三", "received", "natural-persons")]["value"] == "40" and xian[("三", "received", "natural-persons")]["computed"] == "false"
    assert xian[("三", "results-total", "natural-persons")]["value"] == "41"
    assert xian[("三", "results-total", "total")]["value"] == "51"
    assert (xian[("三", "denied-secret", "businesses")]["row_label"], xian[("三", "denied-secret", "businesses")]["column_label"]) == ("1.属于国家秘密", "商业企业")
    assert xian[("二", "fees", "amount")]["value"] == "1154.0867" and xian[("二", "fees", "amount")]["kind"] == "money"


def test_there_is_a_tidy_file_per_year_holding_that_years_reports_alone(demo: Path) -> None:
    years = sorted(int(p.stem) for p in (demo / "data/figures").glob("*.csv"))
    assert years == [2019, 2020, 2021, 2022, 2023]  # the demo's years with tables; 2018 is free-form
    for year in years:
        assert {row["year"] for row in read_csv(demo / f"data/figures/{year}.csv")} == {str(year)}
    assert not (demo / "data/figures.csv").exists()  # every year's figures: the zip (see the next tests)


def test_the_wide_tables_hold_each_report_in_a_row_under_the_official_labels(demo: Path) -> None:
    reports = reports_json(demo)
    for fmt, table, key in (("2021", "三", "applications"), ("2021", "二", "active"), ("2019", "四", "appeals"), ("2019", "二", "active")):
        rows = read_csv(demo / f"data/tables/{fmt}-{key}.csv")
        of_format = {k: d for k, d in reports.items() if d["format"] == fmt}
        assert [(r["agency_id"], int(r["year"])) for r in rows] == list(of_format)  # by agency, then year
        for row in rows:
            data = of_format[(row["agency_id"], int(row["year"]))]
            assert row["agency_name"] == data["agency"]["name"]
            assert [Decimal(v) for v in list(row.values())[3:]] == [cell[2] for cell in flat(data, table)]
    header = next(csv.reader(io.StringIO((demo / "data/tables/2021-applications.csv").read_text(encoding="utf-8-sig"))))
    assert len(header) == 3 + 25 * 7 == len(set(header))
    assert header[:5] == ["agency_id", "agency_name", "year", "一、本年新收政府信息公开申请数量 / 自然人", "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业"]
    assert "三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密 / 总计" in header
    active = read_csv(demo / "data/tables/2021-active.csv")
    xian = next(r for r in active if (r["agency_id"], r["year"]) == ("shili-xian", "2023"))
    assert xian["第二十条第（八）项 / 行政事业性收费 / 本年收费金额（单位：万元）"] == "1154.0867"
    appeals = read_csv(demo / "data/tables/2019-appeals.csv")
    assert "行政复议 / 结果维持" in appeals[0] and "行政诉讼 / 复议后起诉 / 总计" in appeals[0]


def test_reports_csv_has_every_report_with_its_key_figures_and_timeliness(demo: Path) -> None:
    rows = read_csv(demo / "data/reports.csv")
    reports = reports_json(demo)
    assert [(r["agency_id"], int(r["year"])) for r in rows] == list(reports)
    for row in rows:
        data = reports[(row["agency_id"], int(row["year"]))]
        assert (row["title"], row["format"], row["url"]) == (data["title"], data["format"], data["url"])
        assert row["json_url"] == data["url"] + "report.json"
        if data["tables"]:
            received = data["tables"]["三"]["blocks"][0]["rows"][0]["values"][-1]
            assert int(row["received"]) == received
        else:
            assert row["received"] == ""
        late = any(p["rule"] == "late-publication" for p in data["problems"])
        assert row["on_time"] == ("" if data["published"] is None else "false" if late else "true")
    xian = next(r for r in rows if (r["agency_id"], r["year"]) == ("shili-xian", "2023"))
    assert (xian["published"], xian["deadline"], xian["on_time"], xian["days_late"]) == ("2024-01-18", "2024-03-31", "true", "0")
    assert (xian["received"], xian["carried_over"], xian["reviews"]) == ("49", "3", "1")
    late = [r for r in rows if r["on_time"] == "false"]
    assert [(r["agency_id"], r["year"], r["deadline"], r["days_late"]) for r in late] == [(r["agency_id"], r["year"], r["deadline"], r["days_late"]) for r in late]
    assert all(int(r["days_late"]) > 0 for r in late) and len(late) == 1
    missing = [r for r in rows if r["published"] == ""]
    assert len(missing) == 1 and missing[0]["on_time"] == missing[0]["days_late"] == ""
    agencies = read_csv(demo / "data/agencies.csv")
    assert [a["id"] for a in agencies] == [a.id for a in registry()]
    assert agencies[2]["region"] == "示例省 / 示例市 / 示例县" and agencies[2]["parent"] == "shili-shi" and agencies[2]["url"] == "/agencies/shili-xian/"


# --- validators: frictionless and JSON Schema ------------------------------------------------


def test_the_data_package_validates_with_frictionless(demo: Path) -> None:
    report = frictionless.validate(demo / "data/datapackage.json")
    assert report.valid, [(task.name, error.type, error.note) for task in report.tasks for error in task.errors][:10]
    package = json.loads((demo / "data/datapackage.json").read_text(encoding="utf-8"))
    names = [r["path"] for r in package["resources"]]
    csv_files = sorted(p.relative_to(demo / "data").as_posix() for p in (demo / "data").rglob("*.csv"))
    assert sorted(names) == csv_files and len(names) == 15
    reports = next(r for r in package["resources"] if r["name"] == "reports")
    assert reports["schema"]["foreignKeys"] == [{"fields": ["agency_id"], "reference": {"resource": "agencies", "fields": ["id"]}}]
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans", "title": "知识共享署名 4.0 国际许可协议（CC BY 4.0）"}]


def test_frictionless_catches_a_negative_count_and_a_report_of_no_agency(demo: Path, tmp_path: Path) -> None:
    """The package's constraints and foreign keys can fail: a tampered copy does."""
    data = tmp_path / "data"
    shutil.copytree(demo / "data", data)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        del resource["bytes"]  # the tampered files differ in size too
    (data / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    path = data / "tables/2021-appeals.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    fields = lines[1].split(",")
    fields[3] = "-1"
    lines[1] = ",".join(fields)
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    reports = data / "reports.csv"
    reports.write_bytes(reports.read_bytes().replace("shili-shi,示例市人民政府,".encode(), "nobody,示例市人民政府,".encode(), 1))
    report = frictionless.validate(data / "datapackage.json")
    errors = {(task.name, error.type) for task in report.tasks for error in task.errors}
    assert errors == {("table-2021-appeals", "constraint-error"), ("reports", "foreign-key")}


def test_every_report_json_validates_against_the_published_schema(demo: Path) -> None:
    schema = json.loads((demo / "data/schema/report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    reports = reports_json(demo)
    assert len(reports) == 47
    for data in reports.values():
        assert list(validator.iter_errors(data)) == [], data["url"]
    # and it can fail: a negative count, a row missing, a label changed, a 2019 table under 2021
    data = reports[("shili-xian", 2023)]
    broken = json.loads(json.dumps(data))
    broken["tables"]["三"]["blocks"][0]["rows"][0]["values"][0] = -1
    missing = json.loads(json.dumps(data))
    del missing["tables"]["四"]["blocks"][1]["rows"][1]
    relabelled = json.loads(json.dumps(data))
    relabelled["tables"]["二"]["blocks"][0]["rows"][0]["label"] = "规章制度"
    older = json.loads(json.dumps(reports[("shili-xian", 2020)]))
    older["format"] = "2021"
    for wrong in (broken, missing, relabelled, older):
        assert not validator.is_valid(wrong)


# --- the zip and the workbook -----------------------------------------------------------------


def test_the_zip_holds_every_csv_the_package_and_the_schema_with_fixed_dates(demo: Path) -> None:
    data = demo / "data"
    with zipfile.ZipFile(data / "xxgk-data.zip") as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        downloads = (p.relative_to(data).as_posix() for p in data.rglob("*") if p.suffix in (".csv", ".json"))
        expected = sorted(path for path in downloads if not path.startswith("query/"))  # the query page's own files are no download
        assert sorted(names) == expected
        assert names[:5] == ["reports.csv", "agencies.csv", "statistics.csv", "compliance.csv", "figures/2019.csv"]
        for name in names:
            assert archive.read(name) == (data / name).read_bytes(), name
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_workbook_has_a_sheet_per_wide_table_with_the_same_figures(demo: Path) -> None:
    book = openpyxl.load_workbook(demo / "data/xxgk-tables.xlsx")
    assert book.sheetnames == ["说明", "2021年版表二", "2021年版表三", "2021年版表四", "2019年版表二", "2019年版表三", "2019年版表四"]
    assert book.properties.created == book.properties.modified == datetime.datetime(1980, 1, 1)
    for sheet, name in (("2021年版表三", "2021-applications"), ("2021年版表二", "2021-active"), ("2019年版表四", "2019-appeals")):
        ws = book[sheet]
        assert ws.freeze_panes == "D2"
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wide = list(csv.reader(io.StringIO((demo / f"data/tables/{name}.csv").read_text(encoding="utf-8-sig"), newline="")))
        assert rows[0] == wide[0]
        assert len(rows) == len(wide) > 1
        for got, expected in zip(rows[1:], wide[1:]):
            assert got[:2] == expected[:2] and [Decimal(str(v)) for v in got[2:]] == [Decimal(v) for v in expected[2:]]
    fees = next(r for r in book["2021年版表二"].iter_rows(min_row=2) if r[0].value == "shili-xian" and r[2].value == 2023)[-1]
    assert fees.value == pytest.approx(1154.0867) and fees.number_format == "0.0000"


def test_two_clean_builds_at_different_times_give_the_same_zip_and_workbook(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In another folder, with openpyxl's clock (and the zipfile's) set ten years on."""

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> Later:  # type: ignore[override]
            return cls(2036, 5, 17, 9, 30, tzinfo=tz)

    monkeypatch.setattr(openpyxl.writer.excel.datetime, "datetime", Later)
    real_time = __import__("time").time
    monkeypatch.setattr("time.time", lambda: real_time() + 10 * 365 * 86400)
    frame.cache_clear()
    try:
        project = copy_of_demo(tmp_path / "elsewhere")
        build(project, project / "public", clean=True)
    finally:
        monkeypatch.undo()
        frame.cache_clear()
    for name in ("xxgk-data.zip", "xxgk-tables.xlsx", "datapackage.json", "figures/2023.csv", "schema/report.schema.json"):
        assert (project / "public/data" / name).read_bytes() == (demo / "data" / name).read_bytes(), name


# --- incremental -------------------------------------------------------------------------------


def data_tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site / "data").as_posix(): p.read_bytes() for p in sorted((site / "data").rglob("*")) if p.is_file()}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def test_an_edited_figure_rewrites_exactly_the_data_files_that_hold_it(portal: Portal, tmp_path: Path) -> None:
    county = with_reports(portal)
    site = county.root / "site"
    build(county.root, site)
    first = data_tree(site)
    county.report("county", 2022, changes={"licensing: 35": "licensing: 36"})  # 表二 of a 2021-format report: no key figure
    build(county.root, site)
    second = data_tree(site)
    # The same sizes: the data package, which gives each file's size, and the data page are as they were.
    assert changed(first, second) == ["figures/2022.csv", "tables/2021-active.csv", "xxgk-data.zip", "xxgk-tables.xlsx"]
    # A figure a digit longer: the data package's sizes change, not the data page's (to a tenth of a KB).
    changes = {"received: [2, 1, 0, 0, 0, 0]": "received: [12, 1, 0, 0, 0, 0]", "disclosed: [2, 0, 0, 0, 0, 0]": "disclosed: [12, 0, 0, 0, 0, 0]"}
    county.report("county", 2020, template=REPORT_2019, changes=changes)
    build(county.root, site)
    third = data_tree(site)  # a key figure (新收申请) of a 2019-format report: reports.csv too, and the statistics
    assert changed(second, third) == [
        "datapackage.json", "figures/2020.csv", "query/2020.json", "reports.csv", "statistics.csv", "tables/2019-applications.csv", "xxgk-data.zip",
        "xxgk-tables.xlsx",
    ]
    copy = tmp_path / "copy"
    shutil.copytree(county.root, copy, ignore=shutil.ignore_patterns("site", ".site-previous", CACHE_DIR))
    build(copy, copy / "site", clean=True)
    assert data_tree(copy / "site") == third


def test_a_text_edit_changes_no_data_file_and_reads_no_piece(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """The downloads are made of the agencies' rows alone: when no agency's blob changed, the
    build knows from the last build's record, and reads no piece of any."""
    county = with_reports(portal)
    site = county.root / "site"
    build(county.root, site)
    before = data_tree(site)

    def unexpected(*args: object) -> None:
        raise AssertionError("the pieces were read although no agency's rows changed")

    monkeypatch.setattr(generator.build.data, "_by_file", unexpected)
    county.report("county", 2022, changes={"仍需改进。": "仍需改进，明年继续。"})
    result = build_project(county.root, site, None, TODAY, search=False, jobs=1)
    assert result.rendered == 7  # county's three report pages, their report.json and its agency page: no data page
    assert data_tree(site) == before


def test_the_tidy_file_is_written_as_it_is_read_never_whole(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are streamed into the store: each agency's piece copied from its blob by the
    system, never read into Python; only headers and frames are bytes at hand."""
    county = with_reports(portal)
    largest: dict[str, int] = {}
    spans: dict[str, int] = {}
    real = generator.build.objects.write_whole

    def watched(path, data, mode=0o644):  # type: ignore[no-untyped-def]
        if not isinstance(data, bytes):
            chunks = list(data)
            largest[str(path)] = max((len(c) for c in chunks if isinstance(c, bytes)), default=0)
            spans[str(path)] = sum(isinstance(c, Span) for c in chunks)
            data = iter(chunks)
        real(path, data, mode)

    monkeypatch.setattr(generator.build.objects, "write_whole", watched)
    build(county.root, county.root / "site")
    assert len(largest) == 14  # every CSV file, the zip and the workbook
    by_inode = {Path(path).stat().st_ino: path for path in largest}
    tidy = by_inode[(county.root / "site/data/figures/2022.csv").stat().st_ino]
    assert spans[tidy] == 2  # two reports of 2022 with tables, each its agency's piece
    assert largest[tidy] == len(header(figures_of(2022)))  # the header is the one piece made here
    assert max(largest.values()) < 32_000  # the rest: headers (表三's 175 labelled columns, 20 KB) and the workbook's frame


# --- the page and the setting ----------------------------------------------------------------


def test_the_data_page_lists_every_download_with_its_size_and_rows(demo: Path) -> None:
    html = (demo / "data/index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="/data/([^"]+)"', html))
    files = {p.relative_to(demo / "data").as_posix() for p in (demo / "data").rglob("*") if p.is_file() and p.name != "index.html"}
    fetched = {f for f in files if f.startswith("query/")}  # what the query builder's page fetches: not downloads
    assert fetched and linked == (files - fetched) | {"query/"}
    assert "UTF-8 编码并带 BOM" in html and "Excel" in html
    assert '<time datetime="2026-11-22">2026年11月22日</time>' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.zh-hans" rel="license external">知识共享署名 4.0 国际许可协议（CC BY 4.0）' in html
    reports = demo / "data/reports.csv"
    size = reports.stat().st_size
    assert f"{size / 1024:.1f} KB" in html and ">47<" in html  # reports.csv: its size, its 47 rows
    for field in ("agency_id", "row_label", "computed", "days_late", "json_url"):
        assert f"<code>{field}</code>" in html
    for page in ("index.html", "reports/shili-xian/2023/index.html"):
        assert 'href="/data/">数据下载</a>' in (demo / page).read_text(encoding="utf-8")


def test_the_licence_setting_is_checked_and_named_on_the_page(portal: Portal) -> None:
    site = portal.root / "content/site.yaml"
    base = site.read_text(encoding="utf-8")
    site.write_text(base + "data_licence: CC-BY-5.0\n", encoding="utf-8")
    problems = [str(p) for p in load_site(portal.root).problems]
    assert problems == [
        "content/site.yaml:6: error [data-licence] 数据许可 “CC-BY-5.0” 不是已知的许可协议标识，是否想写 “CC-BY-4.0”？；"
        "应是一个许可协议标识（CC-BY-4.0、CC-BY-SA-4.0、CC0-1.0、ODC-BY-1.0、ODbL-1.0、PDDL-1.0），"
        "或门户自己的条款：写成 “title: 条款名称” 和可选的 “url: https://…” 两行（缩进在 data_licence: 下）"
    ]
    site.write_text(base + "data_licence:\n  title: 测试县政府数据开放条款\n  url: https://data.example.gov.cn/terms\n", encoding="utf-8")
    licence = load_site(portal.root).value.data_licence
    assert licence is not None and (licence.id, licence.title, licence.url) == ("", "测试县政府数据开放条款", "https://data.example.gov.cn/terms")
    with_reports(portal)
    build(portal.root, portal.root / "site")
    html = (portal.root / "site/data/index.html").read_text(encoding="utf-8")
    assert '<a href="https://data.example.gov.cn/terms" rel="license external">测试县政府数据开放条款</a>' in html
    package = json.loads((portal.root / "site/data/datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [{"path": "https://data.example.gov.cn/terms", "title": "测试县政府数据开放条款"}]


def test_the_preview_serves_the_downloads_a_build_writes_and_follows_a_save(portal: Portal) -> None:
    county = with_reports(portal)
    build(county.root, county.root / "site")
    built = county.root / "site/data"
    preview = Preview(county.root)
    page = preview.respond("/data/")
    assert page.status == 200 and "数据下载" in page.body.decode() and b"livereload.js" in page.body
    for name in ("xxgk-data.zip", "figures/2022.csv", "tables/2021-active.csv", "datapackage.json", "xxgk-tables.xlsx"):
        response = preview.respond(f"/data/{name}")
        assert response.status == 200 and response.body == (built / name).read_bytes(), name
    assert preview.respond("/data/figures/2022.csv").content_type == "text/csv; charset=utf-8"
    path = county.report("county", 2022, changes={"licensing: 35": "licensing: 36"})
    preview.refresh([path])
    figures = preview.respond("/data/figures/2022.csv").body.decode("utf-8-sig")
    assert "county,2022,二,item-5,licensing,行政许可,decisions,本年处理决定数量,count,36,false" in figures
    preview.downloads.close()


def test_the_scaffold_offers_the_licence_setting_and_its_example_is_valid(tmp_path: Path) -> None:
    files = portal_files(TODAY)
    site = files["content/site.yaml"]
    assert "# data_licence: CC-BY-4.0" in site
    (tmp_path / "content").mkdir()
    (tmp_path / "content/site.yaml").write_text(site.replace("# data_licence:", "data_licence:"), encoding="utf-8")
    loaded = load_site(tmp_path)
    assert loaded.problems == () and loaded.value.data_licence is not None and loaded.value.data_licence.id == "CC-BY-4.0"
    demo = load_site(ROOT).value.data_licence
    assert demo is not None and demo.id == "CC-BY-4.0"
    assert "演示数据为虚构" in (ROOT / "content/site.yaml").read_text(encoding="utf-8")


def test_where_the_system_cannot_copy_between_files_the_downloads_are_the_same(portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """copy_file_range refused (another file system, an old kernel): copied through Python instead."""
    county = with_reports(portal)
    build(county.root, tmp_path / "copied")

    def refused(*args: object) -> int:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refused)
    build(county.root, tmp_path / "read", clean=True)
    assert data_tree(tmp_path / "read") == data_tree(tmp_path / "copied")


@pytest.mark.parametrize("limit", [archive.ZIP64_LIMIT, 10])
def test_a_zip_is_the_size_said_before_it_is_written_and_reads_back(limit: int) -> None:
    """The data page gives the zip's size while it is being written; with `limit` 10 every
    member and offset takes the Zip64 fields, which zipfile reads as it would a province's."""
    parts = [b"agency_id,year\r\n", "示例县,2023\r\n".encode() * 500, b"", b"x" * 70_000]
    packed = [archive.deflated(part) for part in parts]
    crc = 0
    for part in parts:
        crc = archive.crc_join(crc, zlib.crc32(part), archive.crc_shift(len(part)))
    data = b"".join(parts)
    assert crc == zlib.crc32(data)
    member = archive.Member("figures/2023.csv", len(data), crc, sum(map(len, packed)) + 2, lambda: [*packed, archive.FINAL_BLOCK])
    members = [member, archive.small_member("datapackage.json", b"{}")]
    written = b"".join(c for c in archive.zip_chunks(members, limit) if isinstance(c, bytes))
    assert archive.zip_size(members, limit) == len(written)
    with zipfile.ZipFile(io.BytesIO(written)) as read:
        assert read.testzip() is None and read.read("figures/2023.csv") == data and read.read("datapackage.json") == b"{}"
