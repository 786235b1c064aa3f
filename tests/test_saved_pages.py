"""Reports saved from a government site: the report apart from the site's menus, metadata
table and footer; the metadata kept for the importer. The pages here are fictional."""

from __future__ import annotations

from pathlib import Path

from generator.imports.chrome import pairs
from generator.imports.document import Grid, Paragraph
from generator.imports.matching import import_document
from generator.imports.readers import read_document

from .test_import import HTML, html_rows_3

CHROME_BEFORE = """
<header><div class="logo">测试县人民政府</div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政府信息公开</a></li>
<li><a href="/zwgk/nb/">政府信息公开年度报告</a></li><li><a href="/hd/">互动交流</a></li></ul></nav></header>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<form><input name="q"><button>搜索</button></form>
<table class="meta">
<tr><td>索引号：</td><td>000000000/2023-00001</td><td>发布机构：</td><td>测试县人民政府办公室</td></tr>
<tr><td>发布日期：</td><td>2023-01-18</td><td>主题分类：</td><td>政务公开</td></tr>
</table>
"""

CHROME_AFTER = """
<p>【打印本页】【关闭窗口】</p>
<footer><p>主办单位：测试县人民政府办公室</p><p>网站标识码：0000000000 测ICP备00000000号</p></footer>
<p>版权所有：测试县人民政府</p>
"""


def saved_page() -> str:
    page = HTML.format(rows3=html_rows_3())
    page = page.replace("<body>\n", "<body>\n" + CHROME_BEFORE, 1)
    page = page.replace("<h2>一、总体情况</h2>", "<p>发布日期：2023-01-18　　来源：测试县人民政府办公室　　浏览次数：128</p>\n<h2>一、总体情况</h2>", 1)
    return page.replace("</body>", CHROME_AFTER + "</body>", 1)


def test_a_saved_page_is_read_from_its_title_to_its_last_section(tmp_path: Path) -> None:
    source = tmp_path / "report.html"
    source.write_text(saved_page(), encoding="utf-8")
    document = read_document(source)
    first = document.blocks[0]
    assert isinstance(first, Paragraph) and first.text == "测试县人民政府2022年政府信息公开工作年度报告"
    texts = "".join(b.text if isinstance(b, Paragraph) else "".join(map("".join, b.rows)) for b in document.blocks)
    for chrome in ("首页", "互动交流", "搜索", "当前位置", "索引号", "浏览次数", "打印本页", "网站标识码", "版权所有"):
        assert chrome not in texts, chrome
    assert sum(isinstance(b, Grid) for b in document.blocks) == 3  # the report's own three tables
    assert document.meta("发布日期") == "2023-01-18"
    assert document.meta("发布机构", "来源") == "测试县人民政府办公室"
    assert document.meta("索引号") == "000000000/2023-00001"


def test_a_saved_page_imports_as_the_same_report_as_the_bare_page(tmp_path: Path) -> None:
    bare, saved = tmp_path / "bare.html", tmp_path / "saved.html"
    bare.write_text(HTML.format(rows3=html_rows_3()), encoding="utf-8")
    saved.write_text(saved_page(), encoding="utf-8")
    one, other = import_document(read_document(bare)), import_document(read_document(saved))
    assert (other.agency_name, other.year) == (one.agency_name, one.year) == ("测试县人民政府", 2022)
    assert other.values() == one.values() and other.narrative == one.narrative


def test_a_page_without_a_report_title_is_kept_whole(tmp_path: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text("<p>政府信息公开年度报告</p><p>本机关本年度政府信息公开工作情况如下。</p>", encoding="utf-8")
    assert [b.text for b in read_document(source).blocks if isinstance(b, Paragraph)] == ["政府信息公开年度报告", "本机关本年度政府信息公开工作情况如下。"]


def test_metadata_lines_are_read_label_by_label() -> None:
    assert pairs("索引号：01-2024-00001 发布机构：某区人民政府办公室 生成日期：2024-01-18") == [
        ("索引号", "01-2024-00001"), ("发布机构", "某区人民政府办公室"), ("生成日期", "2024-01-18")]
    assert pairs("发布日期：2024-01-20　　来源：某区人民政府办公室  浏览次数：100") == [("发布日期", "2024-01-20"), ("来源", "某区人民政府办公室")]
    assert pairs("本机关来源于群众的意见：共 3 条") == []  # a label inside a sentence is not metadata


def test_a_merged_figure_is_never_read_into_the_columns_it_covers(tmp_path: Path) -> None:
    """A figure spread over two columns by colspan could be either: it is not copied into both."""
    page = HTML.format(rows3=html_rows_3()).replace("<tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr>", "<tr><td>规章</td><td colspan='2'>1</td><td>3</td></tr>")
    source = tmp_path / "report.html"
    source.write_text(page, encoding="utf-8")
    grid = next(b for b in read_document(source).blocks if isinstance(b, Grid))
    row = next(r for r, cells in enumerate(grid.rows) if cells[0] == "规章")
    assert grid.rows[row][1:] == ("1", "", "3") and (row, 2) in grid.merged
    imported = import_document(read_document(source))
    assert imported.values()["active"].get("regulations") != (1, 1, 3)  # left for the editor, never guessed
    assert imported.values()["active"]["licensing"] == (7,)  # a figure spread over its row's width is one figure
