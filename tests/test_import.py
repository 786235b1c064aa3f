"""`xxgk import`: reports as agencies published them (text, HTML, Word) become
content files with every figure in its official row, and nothing lost."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.formats import FORMATS
from generator.imports.matching import import_document
from generator.imports.readers import read_document

from .conftest import Portal

SEEDS = Path(os.environ.get("XXGK_SEEDS") or Path(__file__).resolve().parent.parent.parent / "shared" / "seeds")
"""Real published reports: ../shared/seeds beside the repository, or the folder XXGK_SEEDS names
(a worktree elsewhere)."""
TABLE_3 = FORMATS["2021"].table("三").blocks[0]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def expected_3(index: int) -> tuple[int, ...]:
    """Distinct figures for the index-th row of table 三, with its total."""
    values = (index + 1, index % 3, 0, 1, 0, index % 2)
    return (*values, sum(values))


def damaged_text() -> str:
    """A 2021-format report with the damage real extracted text has: shifted cells,
    labels split over two cells, a table broken by blank lines, reworded labels,
    full-width digits, "/" "—" and empty cells for 0, blank totals, missing rows,
    a paragraph cut by a page break, bold lead-ins."""
    lines = [
        "# 测试县人民政府", "", "## 2022 年政府信息公开工作年度报告", "",
        "根据《中华人民共和国政府信息公开条例》规定，发布本报告。", "",
        "### 一、总体情况", "",
        "#### （一）主动公开", "",
        "本年度共制发文件 12 件，其中公开发布 10 件，通过政府网站和政务新媒体等渠道及时公开了各类政", "",
        "府信息，方便群众查阅。", "",
        "**一是**加强组织领导。**二是**完善制度。", "",
        "二、主动公开政府信息情况", "",
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t１\t\t３",
        "行政 规范性文件\t4\t—\t6",
        "第二十条第（五）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        "\t行政许可\t7\t",
        "第二十条第（六）项\t\t\t",
        "行政处罚\t8\t\t",
        "行政强制\t/\t\t",
        "第二十条第（八）项\t\t\t",
        "行政事业性收费\t1.5\t\t", "",
        "三、收到和处理政府信息公开申请情况", "",
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t",
    ]
    rows = TABLE_3.rows
    for index, row in enumerate(rows):
        if row.key in ("denied-process", "denied-enforcement", "denied-inquiry"):
            continue  # only items 1–5 of （三）, as a real report had
        if row.is_total:
            values = tuple(sum(expected_3(i)[c] for i, r in enumerate(rows) if r.parents and not r.is_total
                               and r.key not in ("denied-process", "denied-enforcement", "denied-inquiry")) for c in range(7))
        else:
            values = expected_3(index)
        cells = [str(v) for v in values]
        if index % 4 == 1:
            cells[-1] = ""  # total left blank
        if row.key == "carried-forward":
            cells = cells[:-1]  # six numbers for seven columns: which one is missing is a guess
        label = row.label.replace("其他法律行政法规禁止公开", "其他法律法规禁止公开").replace("三类内部事务信息", "三类内容事务信息")
        label = label.replace("（", "(").replace("）", ") ")  # half-width brackets, a space
        if len(row.parents) == 2:
            parent = row.parents[1].replace("（", "(").replace("）", ") ")
            line = f"\t{parent}\t{label}\t" + "\t".join(cells)  # the label over two cells
        elif row.parents:
            line = f"\t{label}\t" + "\t".join(cells)
        else:
            line = f"{label}\t\t" + "\t".join(cells)  # an empty cell before the numbers
        lines.append(line)
        if row.key == "denied-secret":
            lines += ["", ""]  # a page break in the middle of the table
    lines += [
        "", "四、政府信息公开行政复议、行政诉讼情况", "",
        "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "1\t0\t－\t0\t1\t0\t2\t0\t0\t2\t0\t0\t0\t3\t3",
        "其他统计项目\t5\t6", "",
        "五、存在的主要问题及改进情况", "", "仍需改进。", "",
        "六、其他需要报告的事项", "", "无。", "",
    ]
    return "\n".join(lines)


def check_figures(values: dict, omitted_totals: bool = True) -> None:
    assert values["active"] == {
        "regulations": (1, 0, 3), "normative-documents": (4, 0, 6), "licensing": (7,), "penalties": (8,),
        "enforcement": (0,), "fees": (pytest.approx(1.5),),
    }
    applications = values["applications"]
    for index, row in enumerate(TABLE_3.rows):
        if row.is_total or row.key in ("denied-process", "denied-enforcement", "denied-inquiry"):
            continue
        want = expected_3(index)
        got = applications[row.key]
        assert got in (want, want[:-1]), (row.key, got, want)  # the total, or left to be computed
    assert values["appeals"] == {"review": (1, 0, 0, 0, 1), "lawsuit-direct": (0, 2, 0, 0, 2), "lawsuit-after-review": (0, 0, 0, 3, 3)}


# --- the importer on damaged input ------------------------------------------------------------


def test_damaged_text_puts_every_figure_in_its_official_row(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text(), encoding="utf-8")
    imported = import_document(read_document(source))
    assert (imported.agency_name, imported.year, imported.format.id) == ("测试县人民政府", 2022, "2021")
    check_figures(imported.values())
    assert imported.missing() == ["表三“6.属于四类过程性信息”", "表三“7.属于行政执法案卷”", "表三“8.属于行政查询事项”"]
    assert imported.unplaced == ["其他统计项目 | 5 | 6"]  # kept, not dropped
    assert imported.guesses == [  # the only reading of six figures in seven columns that agrees with the row's total
        "“四、结转下年度继续办理”：6 个数对应 7 列，按最后的总计列空白处理（其他读法与本行合计不符，由勾稽关系确认；总计由程序计算并核对）"
    ]


def test_the_narrative_gets_official_headings_joined_paragraphs_and_bold_lead_ins(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text(), encoding="utf-8")
    narrative = import_document(read_document(source)).narrative
    assert "## 一、总体情况" in narrative and "### （一）主动公开" in narrative
    assert "## 五、存在的主要问题及改进情况" in narrative and "## 六、其他需要报告的事项" in narrative
    assert "二、主动公开政府信息情况" not in narrative  # the tables carry their own headings
    assert "及时公开了各类政府信息，方便群众查阅。" in narrative  # cut by a page break, joined again
    assert "**一是**加强组织领导。**二是**完善制度。" in narrative
    assert "2022 年政府信息公开工作年度报告" not in narrative  # the title is the page's, not the body's
    assert re.search(r"> \*\*导入说明\*\*.*\n>\n> - 其他统计项目 \| 5 \| 6", narrative)


def test_gbk_text_is_read(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_bytes(damaged_text().encode("gbk"))
    check_figures(import_document(read_document(source)).values())


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府2022年政府信息公开工作年度报告</title>
<style>p {{ color: red }}</style><script>var x = "<td>9</td>";</script></head><body>
<h1>测试县人民政府2022年政府信息公开工作年度报告</h1>
<p>根据《条例》规定，发布本报告。</p>
<h2>一、总体情况</h2><p><strong>一是</strong>加强领导。</p>
<h2>二、主动公开政府信息情况</h2>
<table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr>
<tr><td>行政规范性文件</td><td>4</td><td>0</td><td>6</td></tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>行政许可</td><td colspan="3">7</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>行政处罚</td><td colspan="3">8</td></tr>
<tr><td>行政强制</td><td colspan="3">0</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>行政事业性收费</td><td colspan="3">1.5</td></tr>
</table>
<h2>三、收到和处理政府信息公开申请情况</h2>
<table>{rows3}</table>
<h2>四、政府信息公开行政复议、行政诉讼情况</h2>
<table>
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td><td rowspan="2">总计</td>
<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>2</td><td>0</td><td>0</td><td>2</td><td>0</td><td>0</td><td>0</td><td>3</td><td>3</td></tr>
</table>
<h2>五、存在的主要问题及改进情况</h2><p>仍需改进。</p>
<h2>六、其他需要报告的事项</h2><p>无。</p>
</body></html>
"""


def html_rows_3() -> str:
    """Table 三 as a government site prints it: group labels merged down their rows."""
    rows = TABLE_3.rows
    out = ["<tr><td rowspan='3' colspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
           "<td colspan='7'>申请人情况</td></tr>",
           "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>",
           "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"]
    for index, row in enumerate(rows):
        values = "".join(f"<td>{v}</td>" for v in expected_3(index)) if not row.is_total else "<td></td>" * 7
        if not row.parents:
            out.append(f"<tr><td colspan='3'>{row.label}</td>{values}</tr>")
            continue
        cells = ""
        if index == next(i for i, r in enumerate(rows) if r.parents):
            cells += f"<td rowspan='{sum(1 for r in rows if r.parents)}'>{row.parents[0]}</td>"
        if len(row.parents) == 2:
            group = [r for r in rows if r.parents == row.parents]
            if group[0] is row:
                cells += f"<td rowspan='{len(group)}'>{row.parents[1]}</td>"
            cells += f"<td>{row.label}</td>"
        else:
            cells += f"<td colspan='2'>{row.label}</td>"
        out.append(f"<tr>{cells}{values}</tr>")
    return "\n".join(out)


def test_an_html_page_with_merged_cells(tmp_path: Path) -> None:
    source = tmp_path / "report.html"
    source.write_text(HTML.format(rows3=html_rows_3()), encoding="utf-8")
    imported = import_document(read_document(source))
    assert (imported.agency_name, imported.year) == ("测试县人民政府", 2022)
    values = imported.values()
    for index, row in enumerate(TABLE_3.rows):
        if not row.is_total:
            assert values["applications"][row.key] == expected_3(index), row.key
    assert values["appeals"]["lawsuit-after-review"] == (0, 0, 0, 3, 3)
    assert values["active"]["fees"] == (pytest.approx(1.5),)
    assert imported.missing() == []
    assert "**一是**加强领导。" in imported.narrative
    assert "var x" not in imported.narrative and "color: red" not in imported.narrative


def test_a_word_document_with_merged_cells_and_bold_runs(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("测试县人民政府2022年政府信息公开工作年度报告", level=1)
    document.add_heading("一、总体情况", level=2)
    paragraph = document.add_paragraph()
    paragraph.add_run("一是").bold = True
    paragraph.add_run("加强领导。")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = [r for r in TABLE_3.rows if not r.is_total]
    table = document.add_table(rows=len(rows) + 1, cols=9)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    for column, label in enumerate(("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")):
        table.cell(0, column + 2).text = label
    results = table.cell(3, 0).merge(table.cell(len(rows) - 1, 0))  # 三、本年度办理结果, merged down
    results.text = "三、本年度办理结果"
    for number, row in enumerate(rows, start=1):
        index = TABLE_3.rows.index(row)
        if row.parents:
            table.cell(number, 1).text = row.label
        else:
            table.cell(number, 0).merge(table.cell(number, 1)).text = row.label
        for column, value in enumerate(expected_3(index)):
            table.cell(number, column + 2).text = f"{value:,}"
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph("仍需改进。")
    source = tmp_path / "report.docx"
    document.save(str(source))

    imported = import_document(read_document(source))
    assert (imported.agency_name, imported.year, imported.format.id) == ("测试县人民政府", 2022, "2021")
    for row in rows:
        assert imported.values()["applications"][row.key] == expected_3(TABLE_3.rows.index(row)), row.key
    assert "**一是**加强领导。" in imported.narrative
    assert "## 一、总体情况" in imported.narrative and "## 五、存在的主要问题及改进情况" in imported.narrative


# --- the command -----------------------------------------------------------------------------


def test_import_writes_a_checked_report_and_registers_a_new_agency(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text().replace("测试县人民政府", "测试县南山镇人民政府", 1), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "nanshan")
    assert code == 1, output  # imported, with errors to fix: the rows the source lacks, the region
    written = portal.root / "content/reports/nanshan/2022.md"
    assert written.is_file()
    assert "表三“6.属于四类过程性信息”" in output and "其他统计项目" not in output
    assert "未能对应到官方表格的内容 1 处" in output
    assert "推测：“四、结转下年度继续办理”：6 个数对应 7 列" in output
    assert "发布日期：原文没有写明" in output
    assert "content/reports/nanshan/2022.md" in output and output.count("[missing-row]") == 3  # every row the source lacks
    assert "所属地区：测试省 / 测试市 / 测试县 / 南山镇（按名称中的“测试县”与机关名录中已有的地区推断，请核对）" in output
    assert "[required-field]" not in output  # the region inferred from the registry's 测试县
    registry = (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
    assert '  - id: nanshan\n    name: "测试县南山镇人民政府"\n    region: "测试省 / 测试市 / 测试县 / 南山镇"' in registry
    assert "level: 乡镇/街道" in registry
    text = written.read_text(encoding="utf-8")
    assert "    licensing: 7" in text and "published: " in text and "# denied-process: " in text

    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "nanshan")
    assert code == 1 and "已存在，未覆盖" in output
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "nanshan", "--force")
    assert code == 1 and "已写入" in output


def complete_text(agency_name: str = "测试县人民政府", year: int = 2022) -> str:
    """A report that gives every row of the 2021 format (all zeros) and every section."""
    return "\n".join([
        f"{agency_name}{year}年政府信息公开工作年度报告", "", "一、总体情况", "", "本年度未收到申请。", "",
        "二、主动公开政府信息情况",
        *[f"{row.label}\t" + "\t".join("0" for _ in block.required_columns) for block in FORMATS["2021"].table("二").blocks for row in block.rows],
        "三、收到和处理政府信息公开申请情况",
        *[f"{'　'.join(row.parents[1:])}\t{row.label}\t" + "\t".join("0" for _ in range(7)) for row in TABLE_3.rows],
        "四、政府信息公开行政复议、行政诉讼情况", "\t".join("0" for _ in range(15)), "",
        "五、存在的主要问题及改进情况", "", "无。", "", "六、其他需要报告的事项", "", "无。",
    ])


def test_a_complete_report_of_a_known_agency_imports_with_exit_0(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "2022.txt"
    source.write_text(complete_text(), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source))  # the agency found by its name
    assert code == 0, output
    assert (portal.root / "content/reports/county/2022.md").is_file()
    assert "[missing-published]" in output  # a warning: the date is not in the source, and not invented


def test_dry_run_writes_nothing(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text(), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "county", "--dry-run")
    assert code == 0 and "试运行" in output and "licensing: 7" in output
    assert not (portal.root / "content/reports/county").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.4", "不是有效的 PDF"),
        ("report.xls", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
        ("report.txt", b"\x00\x01binary", "二进制"),
        ("report.txt", "今天天气很好。".encode(), "不像政府信息公开工作年度报告"),
        ("report.txt", b"", "文件是空的"),
        ("report.docx", b"PK not really a zip", "不是有效的 .docx"),
    ],
)
def test_what_cannot_be_read_is_exit_2_with_a_reason(portal: Portal, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "county")
    assert code == 2 and message in output and "Traceback" not in output


def test_a_title_without_an_agency_name_is_exit_2_asking_for_agency(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(complete_text(""), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source))
    assert code == 2 and "都没有机关名称" in output and "--agency" in output


# --- the real samples -------------------------------------------------------------------------

SECTION = re.compile(r"^[#*\s]*([一二三四五六七八九十]+、[^\t*]+?)[*\s]*$")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository (set XXGK_SEEDS)")
@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [], ids=lambda p: p.name[:3])
def test_every_sample_imports_with_its_figures_and_every_section(seed: Path) -> None:
    imported = import_document(read_document(seed))
    source = seed.read_text(encoding="utf-8")
    assert imported.agency_name.startswith("平罗县") and f"{imported.year} 年" in source[:300]
    if "\t" not in source:
        assert imported.format.id == "freeform" and imported.year == 2018 and not imported.rows
    else:
        assert imported.format.id == "2021"
        # every number the source prints in table rows is in the tables (all zeros in these samples)
        printed = [cell for line in source.splitlines() if "\t" in line for cell in line.split("\t") if re.fullmatch(r"\d+", cell.strip())]
        filled = [v for row in imported.rows.values() for v in row.values]
        assert len(filled) == len(printed) and sorted(map(str, filled)) == sorted(printed)
        assert not imported.unplaced and not imported.guesses
    for line in source.splitlines():
        if (match := SECTION.match(line)) and "\t" not in line:
            heading = match.group(1).strip()
            in_tables = imported.format.tables and any(heading.startswith(t.key + "、") for t in imported.format.tables)
            assert in_tables or f"## {heading}" in imported.narrative, heading


@pytest.mark.parametrize("year", [2020, 2022])
def test_a_2019_format_report_is_recognised_by_its_labels(tmp_path: Path, year: int) -> None:
    """Also when a 2022 report still used the superseded 2019 tables: they are imported
    as printed, and `xxgk check` then says the format does not fit the year."""
    fmt = FORMATS["2019"]
    lines = [f"测试县人民政府{year}年政府信息公开工作年度报告", "", "二、主动公开政府信息情况"]
    for table in fmt.tables[:2]:
        for block in table.blocks:
            lines += [f"{row.label}\t" + "\t".join(str(n + 2) for n in range(len(block.required_columns))) for row in block.rows if not row.is_total]
    source = tmp_path / "report.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    imported = import_document(read_document(source))
    assert imported.format.id == "2019"
    assert imported.values()["active"]["other-services"] == (2, 3, 4)  # 其他对外管理服务事项: a 2019 row only
    assert imported.values()["applications"]["other"] == (2, 3, 4, 5, 6, 7)  # （六）其他处理 is one row in 2019


def test_a_name_that_is_not_plain_yaml_is_registered_quoted(portal: Portal, tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text().replace("# 测试县人民政府", "# 某某局: #1", 1), encoding="utf-8")
    code, output = run("-p", str(portal.root), "import", str(source), "--agency", "mou")
    assert code == 1 and "Traceback" not in output
    code, output = run("-p", str(portal.root), "check")
    assert "yaml-syntax" not in output and "unknown-agency" not in output  # the registry still reads


@pytest.mark.parametrize("cell", ["Infinity", "sNaN", "1e999999999", "NaN"])
def test_number_like_words_are_not_numbers(tmp_path: Path, cell: str) -> None:
    source = tmp_path / "report.txt"
    source.write_text(damaged_text().replace("规章\t１\t\t３", f"规章\t{cell}\t0\t5"), encoding="utf-8")
    imported = import_document(read_document(source))
    assert "regulations" not in imported.values()["active"]  # 0 and 5 are not known to be its 2nd and 3rd columns
    assert any("不是数字" in g and "未填写" in g for g in imported.guesses)


def test_tab_indented_paragraphs_are_paragraphs(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text("\t测试县人民政府2022年政府信息公开工作年度报告\n\n一、总体情况\n\n\t本年度依申请公开 2 件。\n", encoding="utf-8")
    imported = import_document(read_document(source))
    assert imported.year == 2022 and "本年度依申请公开 2 件。" in imported.narrative and not imported.unplaced


def test_an_html_page_laid_out_in_a_table_keeps_its_text_and_its_data(tmp_path: Path) -> None:
    source = tmp_path / "report.html"
    source.write_text(
        "<table><tr><td><p>测试县人民政府2022年政府信息公开工作年度报告</p><p>一、总体情况</p>"
        "<table><td>行政许可</td><td>7</td><tr><td>行政处罚</td><td>8</td></tr></table>"
        "<p>五、存在的主要问题及改进情况</p><p>仍需改进。</p></td></tr></table>",
        encoding="utf-8",
    )
    imported = import_document(read_document(source))
    assert imported.values()["active"] == {"licensing": (7,), "penalties": (8,)}
    assert "## 一、总体情况" in imported.narrative and "仍需改进。" in imported.narrative
