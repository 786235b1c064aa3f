"""The report page as a reader sees it: the three tables cell by cell, the
narrative around them, warnings, links to other years, and escaped content."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator.build.project import build_project

from .conftest import FREEFORM, REPORT_2019, Portal
from .htmltable import table_captioned, tables

TODAY = datetime.date(2026, 11, 22)


def build(portal: Portal, base_url: str | None = None) -> Path:
    out = portal.root / "site"
    result = build_project(portal.root, out, base_url, TODAY)
    assert result.ok, result.errors
    return out


def page(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


@pytest.fixture
def report_html(portal: Portal) -> str:
    portal.report("county", 2022)
    return page(build(portal), "reports/county/2022/index.html")


def test_table_2_reads_like_the_official_form(report_html: str) -> None:
    grid = table_captioned(report_html, "二、主动公开政府信息情况").grid()
    assert grid == [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "2", "1", "10"],
        ["第二十条第（五）项"] * 4,
        ["信息内容"] + ["本年处理决定数量"] * 3,
        ["行政许可"] + ["35"] * 3,
        ["第二十条第（六）项"] * 4,
        ["信息内容"] + ["本年处理决定数量"] * 3,
        ["行政处罚"] + ["12"] * 3,
        ["行政强制"] + ["3"] * 3,
        ["第二十条第（八）项"] * 4,
        ["信息内容"] + ["本年收费金额（单位：万元）"] * 3,
        ["行政事业性收费"] + ["1.25"] * 3,
    ]


def test_table_3_reads_like_the_official_form(report_html: str) -> None:
    grid = table_captioned(report_html, "三、收到和处理政府信息公开申请情况").grid()
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert grid[0] == [corner] * 3 + ["申请人情况"] * 7
    assert grid[1] == [corner] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert grid[2] == [corner] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    body = grid[3:]
    assert len(body) == 25
    assert body[0] == ["一、本年新收政府信息公开申请数量"] * 3 + ["5", "2", "0", "0", "1", "0", "8"]
    assert body[1] == ["二、上年结转政府信息公开申请数量"] * 3 + ["1", "0", "0", "0", "0", "0", "1"]
    assert body[2] == ["三、本年度办理结果", "（一）予以公开", "（一）予以公开", "3", "1", "0", "0", "0", "0", "4"]
    assert body[4] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"] + ["0"] * 7
    assert body[7] == ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", "1", "0", "0", "0", "0", "0", "1"]
    assert body[12] == ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "0", "1", "0", "0", "0", "0", "1"]
    assert body[22][:3] == ["三、本年度办理结果", "（六）其他处理", "3.其他"]
    assert body[23] == ["三、本年度办理结果", "（七）总计", "（七）总计", "5", "2", "0", "0", "1", "0", "8"]
    assert body[24] == ["四、结转下年度继续办理"] * 3 + ["1", "0", "0", "0", "0", "0", "1"]


def test_every_value_cell_names_all_its_headers_for_screen_readers(report_html: str) -> None:
    applications = table_captioned(report_html, "三、收到和处理政府信息公开申请情况")
    secret = [c for c in applications.row_starting("1.属于国家秘密") if c.tag == "td"]
    assert applications.headers_of(secret[0]) == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "申请人情况", "自然人"]
    assert applications.headers_of(secret[1]) == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "申请人情况", "法人或其他组织", "商业企业"]
    received = [c for c in applications.row_starting("一、本年新收政府信息公开申请数量") if c.tag == "td"]
    assert applications.headers_of(received[-1]) == ["一、本年新收政府信息公开申请数量", "申请人情况", "总计"]
    assert received[-1].attrs["title"] == "自动计算"

    active = table_captioned(report_html, "二、主动公开政府信息情况")
    licensing = [c for c in active.row_starting("行政许可") if c.tag == "td"]
    assert [active.headers_of(c) for c in licensing] == [["第二十条第（五）项", "本年处理决定数量", "行政许可"]]

    appeals = table_captioned(report_html, "四、政府信息公开行政复议、行政诉讼情况")
    values = [c for row in appeals.rows for c in row if c.tag == "td"]
    assert appeals.headers_of(values[0]) == ["行政复议", "结果维持"]
    assert appeals.headers_of(values[-1]) == ["行政诉讼", "复议后起诉", "总计"]

    for table in (applications, active, appeals):
        for cell in (c for row in table.rows for c in row if c.tag == "td"):
            assert table.headers_of(cell), cell


def test_table_4_reads_like_the_official_form(report_html: str) -> None:
    grid = table_captioned(report_html, "四、政府信息公开行政复议、行政诉讼情况").grid()
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert grid == [
        ["行政复议"] * 5 + ["行政诉讼"] * 10,
        outcomes + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        outcomes * 3,
        ["1", "0", "0", "1", "2", "0", "1", "0", "0", "1", "0", "0", "0", "0", "0"],
    ]


def test_2019_format_tables(portal: Portal) -> None:
    portal.report("county", 2020, template=REPORT_2019)
    html = page(build(portal), "reports/county/2020/index.html")
    grid = table_captioned(html, "二、主动公开政府信息情况").grid()
    assert ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"] in grid
    assert ["行政许可", "120", "-4", "318"] in grid
    assert ["行政事业性收费", "4", "-1", "-1"] in grid
    assert ["政府集中采购", "6", "128.5", "128.5"] in grid
    applications = table_captioned(html, "三、收到和处理政府信息公开申请情况").grid()
    assert ["三、本年度办理结果", "（六）其他处理", "（六）其他处理"] + ["0"] * 7 in applications


def test_narrative_surrounds_the_tables_in_official_order(report_html: str) -> None:
    positions = [report_html.index(text) for text in ("一、总体情况", "二、主动公开政府信息情况</h2>", "四、政府信息公开行政复议、行政诉讼情况</h2>", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")]
    assert positions == sorted(positions)


def test_freeform_report_has_no_tables(portal: Portal) -> None:
    portal.report("county", 2018, template=FREEFORM)
    html = page(build(portal), "reports/county/2018/index.html")
    assert tables(html) == []
    assert "2018 年度自由格式报告。" in html


def test_report_page_shows_metadata_warnings_and_other_years(portal: Portal) -> None:
    portal.report("county-edu", 2021, published="2022-02-15")
    portal.report("county-edu", 2019, template=REPORT_2019)
    site = build(portal)
    html = page(site, "reports/county-edu/2021/index.html")
    assert "<h1>测试县教育局2021年政府信息公开工作年度报告</h1>" in html
    assert '<time datetime="2022-02-15">2022-02-15</time>' in html
    # the reader is told in plain words, never in the editors' terms (rule ids, field names)
    assert "本报告晚于规定期限发布（期限为 2022-01-31，晚 15 天）。" in html
    assert "校验结果" not in html and "[late-publication]" not in html and "逾期发布：" not in html
    assert '<a href="/reports/county-edu/2019/">2019年</a>' in html
    assert '<span aria-current="page">2021年</span>' in html


def test_content_is_escaped_never_executed(portal: Portal) -> None:
    portal.report(
        changes={
            "本年度共收到政府信息公开申请 8 件。": '<script>alert("x")</script> <img src=x onerror=alert(1)> [点此](javascript:alert(1))',
            "agency: county": "agency: county\ntitle: <b onmouseover=alert(1)>标题</b>",
        }
    )
    html = page(build(portal), "reports/county/2022/index.html")
    assert "<script>alert" not in html and "<img" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html


def test_attachment_is_copied_and_linked(portal: Portal) -> None:
    path = portal.report(changes={'format: "2021"': 'format: "2021"\nattachments:\n  - file: report.pdf\n    title: 原件（PDF）'})
    (path.parent / "report.pdf").write_bytes(b"%PDF-1.4 test")
    site = build(portal)
    assert (site / "reports/county/2022/report.pdf").read_bytes() == b"%PDF-1.4 test"
    assert '<a href="/reports/county/2022/report.pdf" download>原件（PDF）</a>' in page(site, "reports/county/2022/index.html")


def test_images_in_the_narrative_are_not_loaded(portal: Portal) -> None:
    portal.report(changes={"本年度共收到政府信息公开申请 8 件。": "![统计图](https://tracker.example/pixel.png)"})
    html = page(build(portal), "reports/county/2022/index.html")
    assert "<img" not in html and 'src="https://tracker.example' not in html


def test_attachment_names_are_escaped_in_links(portal: Portal) -> None:
    path = portal.report(changes={'format: "2021"': 'format: "2021"\nattachments:\n  - file: "a#b?.pdf"'})
    (path.parent / "a#b?.pdf").write_bytes(b"%PDF")
    site = build(portal)
    assert 'href="/reports/county/2022/a%23b%3F.pdf"' in page(site, "reports/county/2022/index.html")
    assert (site / "reports/county/2022/a#b?.pdf").is_file()


def test_freeform_report_says_it_has_no_tables(portal: Portal) -> None:
    portal.report("county", 2018, template=FREEFORM)
    html = page(build(portal), "reports/county/2018/index.html")
    assert "没有全国统一的统计表" in html and "勾稽关系一致" not in html
