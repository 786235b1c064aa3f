"""Bad input, end to end: every mistake an editor can make (or a stranger can
try) ends in a Chinese message naming the file and line, from `xxgk check`,
`xxgk build` (exit code 1, no traceback, the published site left byte for byte
as it was) and `xxgk serve` (the same line on the error page). Bad files given
to `xxgk import` are in test_import.py."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.preview.app import Preview

from .conftest import FREEFORM, REPORT_2019, REPORT_2021, Portal, line_of

REPORT = "content/reports/county/2022.md"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def replace(portal: Portal, old: str, new: str, relative: str = REPORT) -> Path:
    path = portal.root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Case:
    make: Callable[[Portal], int | None]  # writes the bad input; returns the line expected (None: `line`)
    rule: str
    words: str  # part of the message
    file: str = REPORT
    line: int | None = None


def gbk(portal: Portal) -> int:
    path = portal.root / REPORT
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    return next(n for n, line in enumerate(text.split("\n"), start=1) if not line.isascii())


def binary(data: bytes) -> Callable[[Portal], None]:
    def make(portal: Portal) -> None:
        (portal.root / REPORT).write_bytes(data)

    return make


def bomb(portal: Portal) -> None:
    lines = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    (portal.root / REPORT).write_text("---\nagency: county\nyear: 2022\n" + lines + "---\n", encoding="utf-8")


def value(new: str) -> Callable[[Portal], int]:
    def make(portal: Portal) -> int:
        path = replace(portal, "    licensing: 35", f"    licensing: {new}")
        return line_of(path, "licensing:")

    return make


def at(old: str, new: str, needle: str | None, relative: str = REPORT) -> Callable[[Portal], int | None]:
    """Replace `old` by `new`; the problem is expected on the line of `needle` (None: the case's line)."""

    def make(portal: Portal) -> int | None:
        path = replace(portal, old, new, relative)
        return line_of(path, needle) if needle else None

    return make


def year(number: int) -> Callable[[Portal], int]:
    def make(portal: Portal) -> int:
        path = portal.report("county", number, published=f"{number + 1}-01-20")
        return line_of(path, "year:")

    return make


def unknown_agency(portal: Portal) -> int:
    path = portal.report("nobody", 2022)
    return line_of(path, "agency:")


def second_report(portal: Portal) -> None:
    portal.report("county", 2022, name="2022-copy")


def outside(portal: Portal) -> None:
    target = portal.root.parent / "outside.md"
    target.write_text(REPORT_2021.format(agency="county", year=2021, published="2022-01-20"), encoding="utf-8")
    os.symlink(target, portal.root / "content/reports/county/2021.md")


def folder_outside(portal: Portal) -> None:
    elsewhere = portal.root.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2022.md").write_text(REPORT_2021.format(agency="town", year=2022, published="2023-01-20"), encoding="utf-8")
    os.symlink(elsewhere, portal.root / "content/reports/town")


def attachment_link(portal: Portal) -> int:
    secret = portal.root.parent / "secret.txt"
    secret.write_text("not for publication", encoding="utf-8")
    os.symlink(secret, portal.root / "content/reports/county/plan.pdf")
    path = replace(portal, "---\n\n## 一", "attachments:\n  - file: plan.pdf\n---\n\n## 一")
    return line_of(path, "- file: plan.pdf")


CASES = {
    "GBK file": Case(gbk, "encoding", "GBK/GB18030"),
    "NUL byte": Case(binary(b"---\nagency: county\nyear: 2022\x00\n---\n"), "binary-file", "二进制文件", line=3),
    "Word file renamed .md": Case(binary(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256))), "binary-file", "xxgk import", line=1),
    "empty file": Case(binary(b""), "empty-file", "文件是空的", line=1),
    "YAML syntax": Case(at("    licensing: 35", "    licensing: [35", "licensing:"), "yaml-syntax", "列"),
    "duplicate key": Case(at("    penalties: 12", "    penalties: 12\n    penalties: 13", "penalties: 13"), "duplicate-key", "重复"),
    "tab indentation": Case(at("    licensing: 35", "\tlicensing: 35", "licensing:"), "yaml-syntax", "制表符"),
    "front matter never closed": Case(at("---\n\n## 一", "\n## 一", None), "front-matter", "没有结束", line=1),
    "alias bomb": Case(bomb, "yaml-too-large", "别名", line=4),
    "negative number": Case(value("-3"), "invalid-value", "不能为负数"),
    "decimal count": Case(value("3.5"), "invalid-value", "应为非负整数"),
    "number as a string": Case(value('"35"'), "invalid-value", "不要加引号"),
    "full-width digits": Case(value("３５"), "invalid-value", "半角数字 35"),
    "number too large": Case(value("350000000000"), "invalid-value", "数值过大"),
    "date that does not exist": Case(at("published: 2023-01-20", "published: 2023-02-30", "published:"), "invalid-date", "不存在"),
    "year far in the past": Case(year(1899), "year-range", "超出范围", file="content/reports/county/1899.md"),
    "year in the future": Case(year(2999), "year-range", "超出范围", file="content/reports/county/2999.md"),
    "unknown agency": Case(unknown_agency, "unknown-agency", "nobody", file="content/reports/nobody/2022.md"),
    "duplicate agency id": Case(
        at("  - id: town", "  - id: county", None, "content/agencies.yaml"), "duplicate-agency", "重复", file="content/agencies.yaml", line=11
    ),
    "agency id leaving content": Case(
        at("  - id: town", "  - id: ../../etc", "../../etc", "content/agencies.yaml"), "agency-id", "无效", file="content/agencies.yaml"
    ),
    "two reports for one year": Case(second_report, "duplicate-report", "每个机关每年只能有一份", line=2),
    "link out of content": Case(outside, "outside-content", "符号链接", file="content/reports/county/2021.md", line=1),
    "agency folder linked from outside": Case(folder_outside, "outside-content", "符号链接", file="content/reports/town/2022.md", line=1),
    "attachment linked from elsewhere": Case(attachment_link, "attachment", "符号链接"),
    "attachment by absolute path": Case(at("---\n\n## 一", "attachments:\n  - file: /etc/passwd\n---\n\n## 一", "- file:"), "attachment", "不能含路径"),
    "attachment path leaving its folder": Case(
        at("---\n\n## 一", "attachments:\n  - file: ../../agencies.yaml\n---\n\n## 一", "- file:"), "attachment", "不能含路径"
    ),
    "unknown top-level key": Case(at("format: ", "titel: 报告\nformat: ", "titel:"), "unknown-key", "title"),
}


@pytest.fixture
def published(portal: Portal) -> Portal:
    """A portal with a valid report and its published site."""
    portal.report("county", 2022)
    code, output = run("-p", str(portal.root), "build", "--no-search")
    assert code == 0, output
    return portal


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_named_by_file_and_line_and_the_site_stays(published: Portal, name: str) -> None:
    case = CASES[name]
    site = published.root / "site"
    before = tree(site)
    line = case.make(published) or case.line
    assert line is not None
    expected = f"{case.file}:{line}: error [{case.rule}]"
    for command in (["check"], ["build", "--no-search"]):
        code, output = run("-p", str(published.root), *command)
        assert code == 1, output
        assert "Traceback" not in output
        found = [text for text in output.splitlines() if text.startswith(expected)]
        assert found and case.words in found[0], (expected, output)
    assert tree(site) == before


def test_bom_crlf_and_cr_files_read_like_any_other(portal: Portal) -> None:
    folder = portal.root / "content/reports/county"
    folder.mkdir(parents=True)
    (folder / "2022.md").write_bytes(b"\xef\xbb\xbf" + REPORT_2021.format(agency="county", year=2022, published="2023-01-20").encode())
    (folder / "2020.md").write_bytes(REPORT_2019.format(agency="county", year=2020, published="2021-01-20").replace("\n", "\r").encode())
    (folder / "2018.md").write_bytes(FREEFORM.format(agency="county", year=2018, published="2019-01-20").replace("\n", "\r\n").encode())
    code, output = run("-p", str(portal.root), "build", "--no-search")
    assert code == 0, output
    page = (portal.root / "site/reports/county/2020/index.html").read_text(encoding="utf-8")
    assert "\r" not in page and "2019年度报告正文" in page.replace(" ", "")


@pytest.mark.parametrize("name", CASES)
def test_the_preview_shows_the_same_message_in_the_browser(portal: Portal, name: str) -> None:
    portal.report("county", 2022)
    case = CASES[name]
    line = case.make(portal) or case.line
    response = Preview(portal.root).respond("/")
    assert response.status == 500
    page = html.unescape(response.body.decode("utf-8"))
    assert f"{case.file}:{line}: error [{case.rule}]" in page and case.words in page


@pytest.mark.parametrize(
    ("template", "line"),
    [
        ('{% extends "base.html" %}\n{% block main %}\n{% if report.title %}\n{% endblock %}\n', 4),  # syntax: an if never closed
        ('{% extends "base.html" %}\n{% block main %}\n{{ report.no_such_field.title }}\n{% endblock %}\n', 3),  # fails as it renders
    ],
)
def test_a_broken_template_is_named_by_file_and_line_and_the_site_stays(published: Portal, template: str, line: int) -> None:
    site = published.root / "site"
    before = tree(site)
    published.write("templates/report.html", template)
    code, output = run("-p", str(published.root), "build", "--no-search")
    assert code == 1 and "Traceback" not in output
    assert f"templates/report.html:{line}: error [template] 模板错误" in output
    assert tree(site) == before
