"""The command line as an editor uses it: messages, files written and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator import __version__
from generator.cli import main

from .conftest import Portal, line_of
from .test_import import damaged_text


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_check_passes_with_exit_0(portal: Portal) -> None:
    portal.report()
    code, output = run("--project", str(portal.root), "check")
    assert code == 0
    assert output.strip() == "共 1 份报告：0 个错误，0 个警告"


def test_check_reports_a_wrong_total_with_file_and_line(portal: Portal) -> None:
    path = portal.report(changes={"received: [5, 2, 0, 0, 1, 0]": "received: [5, 2, 0, 0, 1, 0, 9]"})
    code, output = run("--project", str(portal.root), "check")
    assert code == 1
    line = line_of(path, "received:")
    assert f"content/reports/county/2022.md:{line}: error [applicant-total] “一、本年新收政府信息公开申请数量”：“总计”列应等于自然人与法人或其他组织各列之和，应为 8，实际填写 9" in output
    assert "Traceback" not in output


def test_check_json(portal: Portal) -> None:
    portal.report(published="2023-05-01")
    code, output = run("-p", str(portal.root), "check", "--format", "json")
    data = json.loads(output)
    assert code == 0
    assert (data["errors"], data["warnings"], data["reports"]) == (0, 1, 1)
    assert data["problems"][0]["rule"] == "late-publication"
    assert data["problems"][0]["file"] == "content/reports/county/2022.md"


def test_build_refuses_on_errors_and_succeeds_otherwise(portal: Portal) -> None:
    path = portal.report(changes={"licensing: 35": "licensing: -35"})
    code, output = run("-p", str(portal.root), "build")
    assert code == 1 and "未生成站点" in output
    assert not (portal.root / "site").exists()
    path.write_text(path.read_text(encoding="utf-8").replace("licensing: -35", "licensing: 35"), encoding="utf-8")
    out = portal.root / "public"
    code, output = run("-p", str(portal.root), "build", "--out", str(out), "--base-url", "/a/b/")
    assert code == 0 and "已生成" in output
    assert 'href="/a/b/assets/style.css"' in (out / "index.html").read_text(encoding="utf-8")


def test_new_writes_a_ready_to_fill_report_that_passes_check(portal: Portal) -> None:
    code, output = run("-p", str(portal.root), "new", "--agency", "town", "--year", "2023")
    assert code == 0, output
    text = (portal.root / "content/reports/town/2023.md").read_text(encoding="utf-8")
    for label in ("# 规章", "# 1.属于国家秘密", "# 3.危及“三安全一稳定”", "# 四、结转下年度继续办理", "# 复议后起诉", "国办公开办函〔2021〕30号"):
        assert label in text
    code, output = run("-p", str(portal.root), "check")
    assert code == 0
    assert "[missing-published]" in output  # the one thing left to fill
    code, output = run("-p", str(portal.root), "new", "--agency", "town", "--year", "2023")
    assert code == 1 and "已存在" in output


def test_new_picks_the_format_by_year(portal: Portal) -> None:
    run("-p", str(portal.root), "new", "--agency", "town", "--year", "2020")
    run("-p", str(portal.root), "new", "--agency", "town", "--year", "2016")
    assert "# 其他对外管理服务事项" in (portal.root / "content/reports/town/2020.md").read_text(encoding="utf-8")
    assert "tables:" not in (portal.root / "content/reports/town/2016.md").read_text(encoding="utf-8")
    code, output = run("-p", str(portal.root), "check")
    assert code == 0 and "0 个错误" in output


def test_new_with_an_unknown_agency_is_a_usage_error(portal: Portal) -> None:
    code, output = run("-p", str(portal.root), "new", "--agency", "nobody", "--year", "2023")
    assert code == 2
    assert "nobody" in output and "county" in output


def test_init_creates_a_portal_that_builds(tmp_path: Path) -> None:
    code, output = run("init", str(tmp_path / "p"))
    assert code == 0, output
    assert (tmp_path / "p/content/site.yaml").is_file()
    code, output = run("-p", str(tmp_path / "p"), "build")
    assert code == 0, output
    assert (tmp_path / "p/site/index.html").is_file()
    code, output = run("init", str(tmp_path / "p"))
    assert code == 1 and "已存在" in output


def test_help_is_in_chinese_and_english() -> None:
    code, output = run("--help")
    assert code == 0
    assert "年度报告" in output and "static portal" in output
    for command in ("init", "new", "check", "build", "serve"):
        assert command in output
    code, output = run("build", "--help")
    assert "--base-url" in output and "Output directory" in output and "输出目录" in output


def test_installed_console_script_reports_its_version() -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"xxgk {__version__}"


def test_build_refuses_to_write_over_the_content(portal: Portal) -> None:
    portal.report()
    for out in ("content", ".", "content/reports", "templates", ".xxgk-cache"):
        code, output = run("-p", str(portal.root), "build", "--out", str(portal.root / out))
        assert code == 2 and "会覆盖门户的内容、模板或缓存" in output, out
    assert (portal.root / "content/reports/county/2022.md").is_file()


def test_build_refuses_to_replace_a_folder_it_did_not_build(portal: Portal, tmp_path: Path) -> None:
    portal.report()
    other = tmp_path / "documents"
    other.mkdir()
    (other / "keep.txt").write_text("keep", encoding="utf-8")
    code, output = run("-p", str(portal.root), "build", "--out", str(other))
    assert code == 2 and "不是 xxgk 生成的站点" in output
    assert (other / "keep.txt").read_text(encoding="utf-8") == "keep"
    code, _ = run("-p", str(portal.root), "build")  # its own site/ is rebuilt again and again
    assert code == 0
    code, _ = run("-p", str(portal.root), "build")
    assert code == 0


def test_build_rejects_an_unsafe_base_url(portal: Portal) -> None:
    portal.report()
    code, output = run("-p", str(portal.root), "build", "--base-url", "/\\evil.com/")
    assert code == 2 and "发布地址" in output


def test_serve_outside_a_portal_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("-p", str(tmp_path), "serve", "--port", "0")
    assert code == 2 and "没有 content/ 文件夹" in output


# --- the portal directory before or after the command ------------------------------------------


def test_project_after_the_command(portal: Portal) -> None:
    portal.report()
    code, output = run("check", "-p", str(portal.root))
    assert (code, output.strip()) == (0, "共 1 份报告：0 个错误，0 个警告")
    code, output = run("check", "--project", str(portal.root), "--format", "json")
    assert code == 0 and json.loads(output)["reports"] == 1


def test_project_before_the_command_still_works(portal: Portal) -> None:
    portal.report()
    code, output = run("-p", str(portal.root), "check")
    assert (code, output.strip()) == (0, "共 1 份报告：0 个错误，0 个警告")


def test_project_after_the_command_wins_over_one_before_it(portal: Portal, tmp_path: Path) -> None:
    portal.report(changes={"licensing: 35": "licensing: -35"})
    other = Portal(tmp_path / "other")  # a portal without reports, so without errors
    code, output = run("-p", str(other.root), "check", "-p", str(portal.root))
    assert code == 1 and "content/reports/county/2022.md" in output
    code, output = run("-p", str(portal.root), "check", "-p", str(other.root))
    assert (code, output.strip()) == (0, "共 0 份报告：0 个错误，0 个警告")


def test_build_with_project_after_the_command(portal: Portal) -> None:
    portal.report()
    code, output = run("build", "--project", str(portal.root), "--no-search")
    assert code == 0 and "已生成" in output, output
    assert (portal.root / "site/index.html").is_file()
    assert not (portal.root / "site/pagefind").exists()


def test_import_with_project_after_the_command(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text(), encoding="utf-8")
    code, output = run("import", str(source), "--project", str(portal.root), "--dry-run")
    assert code == 0 and "试运行" in output and str(portal.root / "content/reports/county/2022.md") in output
    assert not (portal.root / "content/reports/county").exists()


def test_new_with_project_after_the_command(portal: Portal) -> None:
    code, output = run("new", "-p", str(portal.root), "--agency", "town", "--year", "2023")
    assert code == 0, output
    assert (portal.root / "content/reports/town/2023.md").is_file()


def test_every_portal_command_lists_the_project_option() -> None:
    for command in ("check", "build", "serve", "new", "import"):
        code, output = run(command, "--help")
        assert code == 0 and "-p, --project DIRECTORY" in output and "命令前后均可" in output, command


def test_a_command_starts_without_the_importers_dictionaries() -> None:
    """Every `xxgk build` or `check` starts a Python process; pypinyin's dictionaries took half a
    second of each start, and only an import that names a new agency needs them."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, generator.cli; print('pypinyin' in sys.modules)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False"
