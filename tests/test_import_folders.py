"""`xxgk import` of the reports agencies really published: new agencies named in pinyin
and placed in a region inferred from their names, so that a clean report imports with
exit 0."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli
from generator.cli import main
from generator.content.load import load_agencies
from generator.imports import reading
from generator.imports.batch import Written, import_files
from generator.imports.folders import collect
from generator.imports.naming import base_id, same_name, split_name

from .conftest import Portal
from .test_batch import Counting
from .test_import import complete_text, damaged_text

HUAIAN = """\
agencies:
  - id: hongze
    name: 淮安市洪泽区人民政府
    region: 江苏省 / 淮安市 / 洪泽区
    level: 县级
  - id: huaian
    name: 淮安市人民政府
    region: 江苏省 / 淮安市
    level: 市级
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def source(folder: Path, name: str, year: int = 2022, file: str | None = None) -> Path:
    """A complete, correct report of `name` for `year`, as a text file in `folder`."""
    path = folder / (file or f"{name}{year}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(complete_text(name, year), encoding="utf-8")
    return path


def registered(portal: Portal) -> dict[str, tuple[str, tuple[str, ...], str]]:
    return {a.id: (a.name, a.region, a.level) for a in load_agencies(portal.root).value}


# --- ids from names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("淮安市洪泽区人民政府", "huaian-hongze"),
        ("平罗县渠口乡人民政府", "pingluo-qukou"),
        ("江苏省淮安市洪泽区岔河镇人民政府", "jiangsu-huaian-hongze-chahe"),
        ("淮安市洪泽区教育局", "huaian-hongze-jiaoyuju"),
        ("淮安市住房和城乡建设局", "huaian-zhufanghechengxiangjiansheju"),  # 城乡 is no place
        ("沛县人民政府", "peixian"),  # a one-character county keeps its unit
        ("内蒙古自治区人民政府", "neimenggu"),
        ("测试县清河街道办事处", "ceshi-qinghe"),
        ("国家统计局", "guojiatongjiju"),
        ("某某局: #1", "moumouju1"),
        ("！！！", "jiguan"),
    ],
)
def test_an_id_is_the_name_in_pinyin_without_units_and_government(name: str, expected: str) -> None:
    assert base_id(name) == expected


def test_a_name_with_or_without_its_city_is_one_agency() -> None:
    assert split_name("淮安市洪泽区人民政府").places == ("淮安市", "洪泽区")
    assert same_name("淮安市洪泽区人民政府", "洪泽区 人民政府")
    assert not same_name("淮安市洪泽区人民政府", "淮安市洪泽区教育局")
    assert not same_name("洪泽区人民政府", "人民政府")


def test_a_new_agency_gets_a_pinyin_id_unique_in_the_registry(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
                 + "  - id: ceshi-nanshan\n    name: 测试县南山街道办事处\n    region: 测试省 / 测试市 / 测试县 / 南山街道\n    level: 乡镇/街道\n")
    files = [source(tmp_path, "测试县南山镇人民政府"), source(tmp_path, "测试县南山乡人民政府")]
    code, output = run("-p", str(portal.root), "import", *map(str, files))
    assert code == 0, output
    agencies = registered(portal)
    assert agencies["ceshi-nanshan-2"][0] == "测试县南山镇人民政府"
    assert agencies["ceshi-nanshan-3"][0] == "测试县南山乡人民政府"
    assert (portal.root / "content/reports/ceshi-nanshan-2/2022.md").is_file()
    assert "测试县南山镇人民政府（ceshi-nanshan-2，新登记到 content/agencies.yaml" in output


def test_agency_option_still_chooses_the_id(portal: Portal, tmp_path: Path) -> None:
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "测试县南山镇人民政府")), "--agency", "nanshan")
    assert code == 0, output
    assert registered(portal)["nanshan"] == ("测试县南山镇人民政府", ("测试省", "测试市", "测试县", "南山镇"), "乡镇/街道")


def test_years_named_with_and_without_the_city_go_under_one_id(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", "agencies:\n")
    portal.write("content/site.yaml", "title: 门户\ndefault_region: 江苏省 / 淮安市\n")
    files = [source(tmp_path, "淮安市洪泽区人民政府", 2024), source(tmp_path, "洪泽区人民政府", 2023)]
    code, output = run("-p", str(portal.root), "import", *map(str, files))
    assert code == 0, output
    assert list(registered(portal)) == ["huaian-hongze"]
    assert sorted(p.name for p in (portal.root / "content/reports/huaian-hongze").iterdir()) == ["2023.md", "2024.md"]


# --- regions -----------------------------------------------------------------------------------


def test_the_region_is_inferred_from_the_registry_regions_and_a_clean_import_exits_0(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", HUAIAN)
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "洪泽区岔河镇人民政府")))
    assert code == 0, output
    assert registered(portal)["hongze-chahe"] == ("洪泽区岔河镇人民政府", ("江苏省", "淮安市", "洪泽区", "岔河镇"), "乡镇/街道")
    assert "所属地区：江苏省 / 淮安市 / 洪泽区 / 岔河镇（按名称中的“洪泽区”与机关名录中已有的地区推断，请核对）" in output
    assert "层级按名称推测为“乡镇/街道”，请核对" in output
    registry = (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
    assert '    region: "江苏省 / 淮安市 / 洪泽区 / 岔河镇"' in registry and "# 由 xxgk import 推断，请核对" in registry
    assert run("-p", str(portal.root), "check")[0] == 0  # the portal as a whole is clean too


def test_a_department_takes_the_region_of_the_place_it_names(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", HUAIAN)
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "淮安市洪泽区教育局")))
    assert code == 0, output
    assert registered(portal)["huaian-hongze-jiaoyuju"][1:] == (("江苏省", "淮安市", "洪泽区"), "部门")


def test_the_region_is_inferred_from_the_default_region(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/site.yaml", "title: 门户\ndefault_region: 江苏省 / 淮安市\n")
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "淮安市洪泽区人民政府")))
    assert code == 0, output
    assert registered(portal)["huaian-hongze"] == ("淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "县级")
    assert "所属地区：江苏省 / 淮安市 / 洪泽区（按 content/site.yaml 的 default_region 和名称中的地名推断，请核对）" in output


def test_without_a_region_to_infer_the_import_exits_1_saying_what_to_do(portal: Portal, tmp_path: Path) -> None:
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "淮安市洪泽区人民政府")))
    assert code == 1, output
    assert "所属地区：未能推断：名称中的地名不在机关名录已有的地区中，content/site.yaml 也没有设置 default_region" in output
    registry = portal.root / "content/agencies.yaml"
    line = registry.read_text(encoding="utf-8").splitlines().index("  - id: huaian-hongze") + 3  # its region's line
    assert f"content/agencies.yaml:{line}: error [required-field] 缺少所属地区 “region”" in output


def test_problems_of_other_registry_entries_are_not_the_import_s(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", HUAIAN + "  - id: broken\n    name: 别的机关\n    region: 江苏省\n    level: 国家级\n")
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "洪泽区岔河镇人民政府")))
    assert code == 0 and "agency-level" not in output, output
    assert run("-p", str(portal.root), "check")[0] == 1  # still reported by the check of the portal


# --- folders -------------------------------------------------------------------------------------


def reports_folder(root: Path) -> Path:
    """What an editor collects: two years of a county (named with and without its city), a
    town in a sub-folder, a department's damaged report, and files that are no reports."""
    folder = root / "src"
    source(folder, "洪泽区人民政府", 2023, "2023/洪泽区.txt")
    source(folder, "淮安市洪泽区人民政府", 2024, "2024/洪泽区.txt")
    source(folder, "淮安市洪泽区岔河镇人民政府", 2024, "2024/岔河镇/年报.txt")
    (folder / "2024/教育局.txt").write_text(damaged_text().replace("测试县人民政府", "淮安市洪泽区教育局", 1), encoding="utf-8")
    (folder / "2024/统计表.xlsx").write_bytes(b"PK")
    (folder / "2024/~$洪泽区.docx").write_bytes(b"lock")  # Word's lock file beside an open document
    (folder / ".git").mkdir()
    (folder / ".git/notes.txt").write_text("not a report", encoding="utf-8")
    return folder


def empty_portal(portal: Portal, default_region: str = "江苏省 / 淮安市") -> Portal:
    portal.write("content/agencies.yaml", "agencies:\n")
    portal.write("content/site.yaml", f"title: 门户\ndefault_region: {default_region}\n")
    return portal


def test_a_folder_is_every_report_file_in_it_at_any_depth(tmp_path: Path) -> None:
    folder = reports_folder(tmp_path)
    loose = source(tmp_path, "测试县人民政府", 2022, "loose.txt")
    found = collect([folder, loose, folder / "2023/洪泽区.txt"])  # files and folders mixed; one given twice
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == [
        "src/2023/洪泽区.txt", "src/2024/教育局.txt", "src/2024/洪泽区.txt", "src/2024/岔河镇/年报.txt", "loose.txt",
    ]
    assert [p.relative_to(tmp_path).as_posix() for p in found.skipped] == ["src/2024/~$洪泽区.docx", "src/2024/统计表.xlsx"]


def test_a_folder_of_agencies_and_years_is_imported_with_one_check(portal: Portal, tmp_path: Path) -> None:
    empty_portal(portal)
    check = Counting()
    result = import_files(portal.root, collect([reports_folder(tmp_path)]).files, check=check)
    assert check.calls == result.checks == 1
    assert [(o.facts.agency, o.facts.year, o.exit_code) for o in result.outcomes if isinstance(o, Written)] == [
        ("hongze", 2023, 0), ("huaian-hongze-jiaoyuju", 2022, 1), ("hongze", 2024, 0), ("huaian-hongze-chahe", 2024, 0),
    ]
    assert registered(portal) == {
        "hongze": ("洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "县级"),
        "huaian-hongze-jiaoyuju": ("淮安市洪泽区教育局", ("江苏省", "淮安市", "洪泽区"), "部门"),
        "huaian-hongze-chahe": ("淮安市洪泽区岔河镇人民政府", ("江苏省", "淮安市", "洪泽区", "岔河镇"), "乡镇/街道"),
    }


def import_folder(portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> tuple[int, str]:
    """`xxgk import src ...` run where the folder is, so the table names files as typed."""
    empty_portal(portal)
    reports_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    return run("-p", str(portal.root), "import", "src", *options)


TABLE = """\
文件                      机关                    年度  格式  已填行数  缺少行数  推测  结果
src/2023/洪泽区.txt       hongze                  2023  2021  34        0         0     通过；新登记机关
src/2024/教育局.txt       huaian-hongze-jiaoyuju  2022  2021  31        3         1     3 个错误；新登记机关
src/2024/洪泽区.txt       hongze                  2024  2021  34        0         0     通过
src/2024/岔河镇/年报.txt  huaian-hongze-chahe     2024  2021  34        0         0     通过；新登记机关
共 4 个文件：3 个通过，1 个有错误，0 个未导入，新登记 3 个机关，另有 2 个其他文件已跳过
"""

ROWS = [
    ("src/2023/洪泽区.txt", "hongze", 2023, "2021", 34, 0, 0, "通过；新登记机关"),
    ("src/2024/教育局.txt", "huaian-hongze-jiaoyuju", 2022, "2021", 31, 3, 1, "3 个错误；新登记机关"),
    ("src/2024/洪泽区.txt", "hongze", 2024, "2021", 34, 0, 0, "通过"),
    ("src/2024/岔河镇/年报.txt", "huaian-hongze-chahe", 2024, "2021", 34, 0, 0, "通过；新登记机关"),
]


def test_the_summary_table_is_printed_and_written_as_csv_with_a_bom(portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = import_folder(portal, tmp_path, monkeypatch, "--summary", "汇总.csv")
    assert code == 1  # the department's report lacks rows
    assert output.endswith("\n导入汇总：\n" + TABLE + "汇总表已写入 汇总.csv\n")
    heading = "文件,机关,年度,格式,已填行数,缺少行数,推测,结果\r\n"
    assert (tmp_path / "汇总.csv").read_bytes() == ("\ufeff" + heading + "".join(",".join(map(str, row)) + "\r\n" for row in ROWS)).encode("utf-8")


def test_the_summary_is_written_as_json(portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_folder(portal, tmp_path, monkeypatch, "--summary", "summary.JSON")
    keys = ("file", "agency", "year", "format", "filled", "missing", "guesses", "result")
    assert json.loads((tmp_path / "summary.JSON").read_text(encoding="utf-8")) == {
        "files": [dict(zip(keys, row)) for row in ROWS],
        "skipped": ["src/2024/~$洪泽区.docx", "src/2024/统计表.xlsx"],
    }


def test_a_refused_file_and_a_dry_run_in_the_summary(portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty_portal(portal)
    reports_folder(tmp_path)
    (tmp_path / "src/2023/空白.txt").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, output = run("-p", str(portal.root), "import", "src", "--dry-run", "--summary", "s.json")
    assert code == 2 and "共 5 个文件：0 个通过，0 个有错误，4 个试运行未写入，1 个未导入，新登记 0 个机关，将新登记 3 个机关，另有 2 个其他文件已跳过\n" in output
    files = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["files"]
    assert files[0] == {"file": "src/2023/洪泽区.txt", "agency": "hongze", "year": 2023, "format": "2021", "filled": 34,
                        "missing": 0, "guesses": 0, "result": "试运行，未写入；将新登记机关"}
    assert files[1] == {"file": "src/2023/空白.txt", "agency": "", "year": None, "format": "", "filled": None,
                        "missing": None, "guesses": None, "result": "未导入：文件是空的"}
    assert files[3]["agency"] == "hongze" and files[3]["result"] == "试运行，未写入"  # the same agency, named by the year before
    assert registered(portal) == {}


def test_one_file_prints_no_summary_and_a_folder_without_reports_is_exit_2(portal: Portal, tmp_path: Path) -> None:
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "测试县人民政府")))
    assert code == 0 and "导入汇总" not in output
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty/scan.jpg").write_bytes(b"\xff\xd8")
    code, output = run("-p", str(portal.root), "import", str(tmp_path / "empty"))
    assert code == 2 and "没有找到可导入的报告文件（可导入 .txt、" in output and "跳过了 1 个其他文件" in output


def test_a_summary_file_of_another_kind_is_a_usage_error(portal: Portal, tmp_path: Path) -> None:
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "测试县人民政府")), "--summary", "s.xlsx")
    assert code == 2 and "汇总表只能存为 .csv 或 .json 文件" in output
    assert not (portal.root / "content/reports/county").exists()


def test_many_files_show_progress_on_a_terminal_only(portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sources = collect([source(tmp_path, "测试县人民政府", year) for year in (2021, 2022)])
    monkeypatch.setattr(cli, "PROGRESS_FROM", 2)
    cli._import_with_progress(portal.root, sources, None, None, True, False)
    assert "正在导入" not in capsys.readouterr().err  # not a terminal: nothing
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = cli._import_with_progress(portal.root, sources, None, None, True, False)
    assert "正在导入" in capsys.readouterr().err and len(result.outcomes) == 2


def test_files_read_in_worker_processes_give_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = collect([reports_folder(tmp_path / "in")]).files
    results = []
    for jobs in (1, 2):
        portal = empty_portal(Portal(tmp_path / f"portal-{jobs}"))
        monkeypatch.setattr(reading, "PARALLEL_FROM", 2)
        results.append(import_files(portal.root, files, jobs=jobs))
    serial, parallel = (tuple((o.facts, o.notes, o.problems) for o in r.outcomes if isinstance(o, Written)) for r in results)
    assert serial == parallel and len(serial) == 4
