"""`xxgk import` of many files at once: the same files and messages as one by one,
with the portal checked once for the whole batch."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.build.project import check_project
from generator.cli import main
from generator.imports.batch import Kept, Previewed, Refused, Written, import_files
from generator.imports.text import TextReader
from generator.model import Checked

from .conftest import Portal
from .test_import import complete_text, damaged_text
from .test_readers import WordWithoutLibrary


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def sources(folder: Path) -> list[Path]:
    """One file of each kind a batch meets: known agencies (clean, with errors, two years of
    one agency), a type no reader takes, an agency the registry does not know (registered,
    its region not inferable) and a report whose title names no agency."""
    texts = {
        "county-2021.txt": complete_text("测试县人民政府", 2021),
        "county-2022.txt": damaged_text(),
        "town.txt": complete_text("测试县北山镇人民政府"),
        "report.xls": "not a report",
        "elsewhere.txt": damaged_text().replace("测试县人民政府", "别处的机关", 1),
        "untitled.txt": complete_text("", 2022),
    }
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]


def per_file(output: str) -> str:
    """What an import printed for its files, without the summary table several files end with."""
    return output.split("\n导入汇总：\n")[0]


def files_of(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


class Counting:
    """A check that counts how often it runs: what a batch is handed instead of check_project."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, project: Path) -> Checked:
        self.calls += 1
        return check_project(project)


def test_several_files_at_once_give_the_same_files_and_messages_as_one_by_one(portal: Portal, tmp_path: Path) -> None:
    files = sources(tmp_path / "sources")
    before = tmp_path / "before"
    shutil.copytree(portal.root / "content", before)
    one_by_one = [run("-p", str(portal.root), "import", str(file)) for file in files]
    written_one_by_one = files_of(portal.root)
    shutil.rmtree(portal.root / "content")
    shutil.copytree(before, portal.root / "content")

    code, output = run("-p", str(portal.root), "import", *map(str, files))
    assert per_file(output) == "".join(out for _, out in one_by_one)
    assert code == max(c for c, _ in one_by_one) == 2
    assert files_of(portal.root) == written_one_by_one
    assert sorted(written_one_by_one) == [
        "content/agencies.yaml", "content/reports/biechudejiguan/2022.md", "content/reports/county/2021.md",
        "content/reports/county/2022.md", "content/reports/town/2022.md", "content/site.yaml",
    ]


def test_a_new_agency_is_registered_once_and_its_files_match_one_by_one(portal: Portal, tmp_path: Path) -> None:
    names = ("测试县南山镇人民政府", 2021), ("测试县南山镇人民政府", 2022)
    files = []
    for name, year in names:
        files.append(tmp_path / f"{year}.txt")
        files[-1].write_text(complete_text(name, year), encoding="utf-8")
    before = tmp_path / "before"
    shutil.copytree(portal.root / "content", before)
    one_by_one = [run("-p", str(portal.root), "import", str(file), "--agency", "nanshan") for file in files]
    written_one_by_one = files_of(portal.root)
    shutil.rmtree(portal.root / "content")
    shutil.copytree(before, portal.root / "content")

    code, output = run("-p", str(portal.root), "import", *map(str, files), "--agency", "nanshan")
    assert (code, per_file(output)) == (max(c for c, _ in one_by_one), "".join(out for _, out in one_by_one))
    assert files_of(portal.root) == written_one_by_one
    assert written_one_by_one["content/agencies.yaml"].count("id: nanshan") == 1
    assert output.count("新登记到 content/agencies.yaml") == 1 and output.count("所属地区：测试省 / 测试市 / 测试县 / 南山镇（") == 1
    assert code == 0 and "[required-field]" not in output  # the region inferred: a clean import is clean


def test_the_portal_is_checked_once_for_many_files(portal: Portal, tmp_path: Path) -> None:
    files = sources(tmp_path / "sources")
    check = Counting()
    result = import_files(portal.root, files, check=check)
    assert check.calls == result.checks == 1
    assert [type(o) for o in result.outcomes] == [Written, Written, Written, Refused, Written, Refused]
    assert result.exit_code == 2
    for outcome in result.outcomes[:3]:
        assert isinstance(outcome, Written)  # each problem given to the file it is about
        relative = outcome.target.relative_to(portal.root).as_posix()
        assert outcome.problems and all(p.file == relative for p in outcome.problems)
    county_2022 = result.outcomes[1]
    assert isinstance(county_2022, Written) and county_2022.exit_code == 1
    assert [p.rule for p in county_2022.problems if p.severity == "error"] == ["missing-row"] * 3
    elsewhere = result.outcomes[4]  # registered; the region it could not infer is its registry entry's error
    assert isinstance(elsewhere, Written) and elsewhere.facts.agency == "biechudejiguan" and elsewhere.facts.new_agency
    assert [(p.file, p.rule) for p in elsewhere.problems if p.severity == "error"] == [("content/agencies.yaml", "required-field")] + [
        ("content/reports/biechudejiguan/2022.md", "missing-row")] * 3
    assert [o.exit_code for o in result.outcomes] == [0, 1, 0, 2, 1, 2]
    untitled = result.outcomes[5]
    assert isinstance(untitled, Refused) and "都没有机关名称" in untitled.reason


def test_nothing_written_means_nothing_checked(portal: Portal, tmp_path: Path) -> None:
    files = sources(tmp_path / "sources")
    check = Counting()
    dry = import_files(portal.root, files, dry_run=True, check=check)
    assert check.calls == dry.checks == 0 and dry.exit_code == 2
    assert [type(o) for o in dry.outcomes] == [Previewed, Previewed, Previewed, Refused, Previewed, Refused]
    assert not (portal.root / "content/reports/county").exists()

    import_files(portal.root, files[:1], check=check)
    again = import_files(portal.root, files[:1], check=check)
    assert [type(o) for o in again.outcomes] == [Kept] and again.checks == 0 and again.exit_code == 1
    assert check.calls == 1


def test_an_unavailable_reader_refuses_its_file_with_the_package_to_install(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(b"PK")
    result = import_files(portal.root, [source], readers=(TextReader(), WordWithoutLibrary()))
    assert result.outcomes == (Refused(source, "读取 .docx 文件需要 python-docx，当前没有安装：请运行 pip install python-docx"),)
    assert result.exit_code == 2 and result.checks == 0


def test_an_unknown_type_is_refused_naming_the_file(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "报告.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    code, output = run("-p", str(portal.root), "import", str(source))
    assert code == 2 and f"{source}: error [import] 不支持的文件类型 “.xls”：可导入 .txt" in output


def test_a_report_that_cannot_be_written_is_refused_with_a_message(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/reports/county", "a file where the agency's folder should be")
    source = tmp_path / "report.txt"
    source.write_text(damaged_text(), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source))
    assert code == 2 and f"{source}: error [import] 无法写入 " in output and "Traceback" not in output


def test_a_registry_saved_in_gbk_refuses_a_new_agency_with_a_message(portal: Portal, tmp_path: Path) -> None:
    registry = portal.root / "content/agencies.yaml"
    registry.write_bytes(registry.read_text(encoding="utf-8").encode("gbk"))
    source = tmp_path / "report.txt"
    source.write_text(complete_text("测试县南山镇人民政府"), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "nanshan")
    assert code == 2 and "不是 UTF-8 编码，无法登记新机关" in output and "Traceback" not in output
