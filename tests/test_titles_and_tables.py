"""What converters, crawlers and OCR tools make of a report's title and of its 表四: the
title with the year first, behind "标题：", or run into the first paragraph; the agency and
the published date from the saved page's metadata; 表四 as three small tables, each
labelled only by the heading above it; placeholder headers over a table. The reports are
fictional (see test_import.HTML)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from generator.imports.document import Document, Paragraph
from generator.imports.matching import import_document
from generator.imports.readers import read_document
from generator.imports.text import read_text
from generator.imports.title import find_title, parse_date

from .conftest import Portal
from .test_import import HTML, complete_text, html_rows_3, run
from .test_saved_pages import saved_page

APPEALS = {"review": (1, 0, 0, 0, 1), "lawsuit-direct": (0, 2, 0, 0, 2), "lawsuit-after-review": (0, 0, 0, 3, 3)}
OUTCOMES = "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"


def imported_page(tmp_path: Path, page: str):  # type: ignore[no-untyped-def]
    source = tmp_path / "report.html"
    source.write_text(page, encoding="utf-8")
    return import_document(read_document(source))


def bare_page() -> str:
    return HTML.format(rows3=html_rows_3())


# --- titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "agency", "year"),
    [
        (["测试县人民政府2022年政府信息公开工作年度报告"], "测试县人民政府", 2022),
        (["2019年测试市人民政府办公厅政府信息公开工作年度报告"], "测试市人民政府办公厅", 2019),
        (["2021年度测试县教育局政府信息公开工作年度报告"], "测试县教育局", 2021),
        (["标题：测试县财政局2020年政府信息公开工作年度报告"], "测试县财政局", 2020),
        (["**测试县南山镇人民政府**", "**2023年政府信息公开工作年度报告**"], "测试县南山镇人民政府", 2023),
        (["2022年政府信息公开工作年度报告"], "", 2022),
    ],
)
def test_the_agency_and_year_are_read_from_titles_printed_every_way(opening: list[str], agency: str, year: int) -> None:
    document = Document((*(Paragraph(text) for text in opening), Paragraph("一、总体情况"), Paragraph("本年度依法公开政府信息。")))
    title = find_title(document)
    assert (title.agency, title.year) == (agency, year)
    assert title.blocks == frozenset(range(len(opening)))  # the title, and only it, is left out of the narrative


def test_a_title_run_into_the_first_paragraph_is_split_from_it() -> None:
    text = complete_text().replace(
        "测试县人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n\n本年度未收到申请。",
        "测试县人民政府2022年政府信息公开工作年度报告本报告依据《中华人民共和国政府信息公开条例》编制，本年度未收到申请。\n\n一、总体情况\n\n全年依法公开。",
    )
    result = import_document(read_text(text))
    assert (result.agency_name, result.year, result.missing()) == ("测试县人民政府", 2022, [])
    assert "本报告依据《中华人民共和国政府信息公开条例》编制，本年度未收到申请。" in result.narrative
    assert "年度报告本报告" not in result.narrative


def test_a_paragraph_that_mentions_a_report_is_not_taken_for_a_title() -> None:
    text = complete_text().replace("本年度未收到申请。", "根据《条例》，测试县人民政府办公室编制了2022年政府信息公开工作年度报告，现予公布。")
    result = import_document(read_text(text))
    assert result.agency_name == "测试县人民政府"
    assert "编制了2022年政府信息公开工作年度报告，现予公布。" in result.narrative


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-01-18", datetime.date(2023, 1, 18)),
        ("2023-01-18 09:30:12", datetime.date(2023, 1, 18)),
        ("2023/1/8", datetime.date(2023, 1, 8)),
        ("2023.01.18", datetime.date(2023, 1, 18)),
        ("2023年1月18日", datetime.date(2023, 1, 18)),
        ("2023 年 01 月 18 日", datetime.date(2023, 1, 18)),
        ("2023-02-30", None),
        ("2023年", None),
        ("", None),
    ],
)
def test_dates_as_pages_print_them(text: str, date: datetime.date | None) -> None:
    assert parse_date(text) == date


# --- the saved page's metadata --------------------------------------------------------------------


def test_the_published_date_is_taken_from_the_page_and_said(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.html"
    source.write_text(saved_page(), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "county")
    assert "发布日期：2023-01-18（取自网页的“发布日期”）" in output
    assert "[missing-published]" not in output
    assert "published: 2023-01-18" in (portal.root / "content/reports/county/2022.md").read_text(encoding="utf-8")


def test_without_an_agency_in_the_title_the_page_names_it(portal: Portal, tmp_path: Path) -> None:
    page = saved_page().replace("<h1>测试县人民政府2022年", "<h1>2022年").replace("发布机构：</td><td>测试县人民政府办公室", "发布机构：</td><td>测试县人民政府")
    result = imported_page(tmp_path, page)
    assert (result.agency_name, result.said_by) == ("测试县人民政府", {"agency": "发布机构", "published": "发布日期"})
    source = tmp_path / "untitled.html"
    source.write_text(page, encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source))
    assert "机关名称：标题中没有，取自网页的“发布机构”，请核对" in output
    assert (portal.root / "content/reports/county/2022.md").is_file(), output  # the registry's 测试县人民政府


def test_a_page_without_a_date_leaves_published_empty(tmp_path: Path) -> None:
    result = imported_page(tmp_path, bare_page())
    assert (result.published, result.said_by) == (None, {})


# --- 表四 as three small tables; placeholder headers ------------------------------------------


def table_4(page: str) -> str:
    found = re.search(r"(?<=<h2>四、政府信息公开行政复议、行政诉讼情况</h2>\n)<table>.*?</table>", page, re.S)
    assert found is not None
    return found.group(0)


def sub_table(label: str, values: tuple[int, ...], where: str) -> str:
    row = "<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
    if where == "above":
        return f"<p>{label}</p>\n<table>{OUTCOMES}{row}</table>"
    if where == "caption":
        return f"<table><caption>{label}</caption>{OUTCOMES}{row}</table>"
    return f"<table><tr><td colspan='5'>{label}</td></tr>{OUTCOMES}{row}</table>"


@pytest.mark.parametrize("where", ["above", "caption", "first-row"])
@pytest.mark.parametrize(
    "labels",
    [
        ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"),
        ("（一）行政复议", "（二）行政诉讼：未经复议直接起诉", "（三）行政诉讼：复议后起诉"),
        ("行政复议", "未经复议直接起诉", "复议后起诉"),
    ],
)
def test_table_4_as_three_labelled_tables(tmp_path: Path, labels: tuple[str, str, str], where: str) -> None:
    page = bare_page()
    three = "\n".join(sub_table(label, APPEALS[key], where) for label, key in zip(labels, APPEALS))
    result = imported_page(tmp_path, page.replace(table_4(page), three))
    assert result.values()["appeals"] == APPEALS
    assert result.missing() == [] and result.unplaced == []  # the labels are the table's, not content to keep


def test_placeholder_headers_over_every_table_are_dropped(tmp_path: Path) -> None:
    def placeholders(count: int, word: str) -> str:
        return "<tr>" + "".join(f"<td>{word}{n}</td>" for n in range(1, count + 1)) + "</tr>"

    page = HTML.format(rows3="\n".join([placeholders(10, "列"), *html_rows_3().split("\n")[3:]]))  # 表三's three header rows
    page = page.replace("<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>", placeholders(4, "Column"))
    figures = table_4(page).split("\n")[-2]
    page = page.replace(table_4(page), f"<table>{placeholders(15, '栏')}\n{figures}</table>")
    result = imported_page(tmp_path, page)
    reference = imported_page(tmp_path, bare_page())
    assert result.values() == reference.values() and result.values()["appeals"] == APPEALS
    assert result.missing() == [] and result.unplaced == []
