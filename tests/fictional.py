"""Fictional reports with known figures, printed the ways real ones reach the importer:
tab-separated, laid out in columns of spaces (pdftotext -layout), or one cell a line in
reading order (plain pdftotext), with labels split over lines, figures on the line
after their label, group labels merged over their rows, zeros printed as blanks.

A test builds a `Known` report, prints it with `Printing` choices, imports the text
and compares every figure written with the one it knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from generator.formats import FORMATS

FORMAT = FORMATS["2021"]
TABLE_2 = FORMAT.table("二")
TABLE_3 = FORMAT.table("三")
ROWS_3 = TABLE_3.blocks[0].rows
TABLE_4 = FORMAT.table("四")
ROWS_4 = [row for block in TABLE_4.blocks for row in block.rows]
PARTS_3 = [row for row in ROWS_3 if row.parents and not row.is_total]
RESULTS = "三、本年度办理结果"

Layout = Literal["tabs", "spaces", "reading"]


@dataclass(frozen=True)
class Known:
    """A report's figures: table 二 by row key; tables 三 and 四 by row key, totals included."""

    active: dict[str, tuple[int | Decimal, ...]]
    applications: dict[str, tuple[int, ...]]
    appeals: dict[str, tuple[int, ...]]

    def figures(self) -> dict[str, dict[str, tuple[int | Decimal, ...]]]:
        return {"active": self.active, "applications": self.applications, "appeals": self.appeals}


def known(parts: Callable[[str, int], int]) -> Known:
    """A report whose table 三 parts are `parts(row key, column)`, its other figures made to
    agree with the arithmetic: totals, （七） the sum of the parts, 一 = （七）+ 四 − 二."""

    def row(values: Sequence[int]) -> tuple[int, ...]:
        return (*values, sum(values))

    applications = {r.key: row([parts(r.key, c) for c in range(6)]) for r in PARTS_3}
    results = [sum(applications[r.key][c] for r in PARTS_3) for c in range(6)]
    carried_over = [min(parts("carried-over", c), results[c]) for c in range(6)]
    carried_forward = [parts("carried-forward", c) for c in range(6)]
    applications["results-total"] = row(results)
    applications["carried-over"] = row(carried_over)
    applications["carried-forward"] = row(carried_forward)
    applications["received"] = row([results[c] + carried_forward[c] - carried_over[c] for c in range(6)])
    appeals = {r.key: row([parts(r.key, c) for c in range(4)]) for r in ROWS_4}
    active: dict[str, tuple[int | Decimal, ...]] = {}
    for block in TABLE_2.blocks:
        for r in block.rows:
            kinds = [c.kind for c in block.columns]
            active[r.key] = tuple(Decimal(parts(r.key, 0)) / 4 if k == "money" else parts(r.key, c) for c, k in enumerate(kinds))
    return Known(active, applications, appeals)


def distinct(zero: Callable[[str, int], bool] = lambda key, column: False) -> Callable[[str, int], int]:
    """Parts that are all different (a figure in a wrong place shows), 0 where `zero` says."""
    counter: Iterator[int] = iter(range(3, 10_000))
    made: dict[tuple[str, int], int] = {}

    def parts(key: str, column: int) -> int:
        if (key, column) not in made:
            made[(key, column)] = 0 if zero(key, column) else next(counter)
        return made[(key, column)]

    return parts


@dataclass(frozen=True)
class Printing:
    """How a report is printed. `zeros` maps a zero cell to what stands for it ("0", "",
    "/", "—"); `blank_totals` rows have their 总计 left blank; `split` rows have their label
    cut over two lines; `apart` rows have their figures on the line after their label;
    `groups` prints a group's label on its first row ("first"), on every row ("every"),
    or on a line of its own in the middle ("middle")."""

    layout: Layout = "tabs"
    zeros: Callable[[str, int], str] = lambda key, column: "0"
    blank_totals: frozenset[str] = frozenset()
    split: frozenset[str] = frozenset()
    apart: frozenset[str] = frozenset()
    groups: Literal["first", "every", "middle"] = "first"
    column_major: tuple[tuple[str, str], ...] = ()  # reading order: runs of rows read a column at a time
    cut: Callable[[str], int] = field(default=lambda label: len(label) // 2)


def report_text(k: Known, p: Printing, agency: str = "测试县人民政府", year: int = 2023) -> str:
    lines = [agency, f"{year}年政府信息公开工作年度报告", "", "一、总体情况", "", "本年度，人民群众申请公开政府信息。", "", "二、主动公开政府信息情况", ""]
    lines += _table_2(k, p)
    lines += ["", "三、收到和处理政府信息公开申请情况", ""]
    lines += _table_3(k, p)
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", ""]
    lines += _table_4(k, p)
    lines += ["", "五、存在的主要问题及改进情况", "", "仍需改进。", "", "六、其他需要报告的事项", "", "无。", ""]
    return "\n".join(lines)


def _cells(p: Printing, key: str, values: Sequence[int | Decimal], total: bool = False) -> list[str]:
    cells = [p.zeros(key, c) if v == 0 else str(v) for c, v in enumerate(values)]
    return [*cells[:-1], ""] if total and key in p.blank_totals else cells


def _line(p: Printing, cells: Sequence[str]) -> list[str]:
    """One printed row: tab-separated, laid out with spaces, or one cell a line."""
    if p.layout == "tabs":
        return ["\t".join(cells)]
    if p.layout == "spaces":
        return ["    ".join(c for c in cells if c) if any(cells) else ""]
    return [c for c in cells if c]


def _row(p: Printing, key: str, label_cells: list[str], values: list[str]) -> list[str]:
    """A row with its label cells (the last one its own label) and its value cells, its label
    split over two lines or its figures on the line after, as `p` says."""
    *before, label = label_cells
    if key in p.split and len(label) > 3:
        at = max(2, min(len(label) - 1, p.cut(label)))
        return _line(p, [*before, label[:at]]) + _line(p, [label[at:], *values])
    if key in p.apart:
        return _line(p, [*before, label]) + _line(p, values)
    return _line(p, [*before, label, *values])


def _table_2(k: Known, p: Printing) -> list[str]:
    out: list[str] = []
    for block in TABLE_2.blocks:
        out += _line(p, [block.title]) + _line(p, ["信息内容", *(c.label for c in block.columns)])
        for row in block.rows:
            out += _row(p, row.key, [row.label], _cells(p, row.key, k.active[row.key]))
    return out


def _table_3(k: Known, p: Printing) -> list[str]:
    out = _line(p, [TABLE_3.corner, "申请人情况"]) + _line(p, ["自然人", "法人或其他组织", "总计"])
    out += _line(p, ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
    if p.layout == "reading":
        return out + _reading_3(k, p)
    for row in ROWS_3:
        label_cells = [row.label]
        if len(row.parents) == 2:
            group = [r for r in ROWS_3 if r.parents == row.parents]
            position = group.index(row)
            if p.groups == "every" or (p.groups == "first" and position == 0):
                label_cells = [row.parents[1], row.label]
            if p.groups == "middle" and position == len(group) // 2:
                out += _line(p, [row.parents[1]])
        if p.groups == "middle" and row.key == "denied-law":
            out += _line(p, [RESULTS])
        out += _row(p, row.key, label_cells, _cells(p, row.key, k.applications[row.key], total=True))
    return out


def _reading_3(k: Known, p: Printing) -> list[str]:
    """Reading order: each row's figures in official order, a run of rows read a column at a
    time where `column_major` says, the labels of those runs printed after their figures."""
    out: list[str] = []
    keys = [row.key for row in ROWS_3]
    index = 0
    while index < len(ROWS_3):
        run = next((r for r in p.column_major if r[0] == keys[index]), None)
        if run is None:
            row = ROWS_3[index]
            out += _row(p, row.key, [row.label], _cells(p, row.key, k.applications[row.key], total=True))
            index += 1
            continue
        end = keys.index(run[1]) + 1
        rows = ROWS_3[index:end]
        for column in range(7):
            out += [cell for row in rows for cell in _cells(p, row.key, k.applications[row.key], total=True)[column : column + 1] if cell]
        out += [row.label for row in rows]
        index = end
    return out


def _table_4(k: Known, p: Printing) -> list[str]:
    out = _line(p, ["行政复议", "行政诉讼"]) + _line(p, ["未经复议直接起诉", "复议后起诉"])
    out += _line(p, ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
    return out + _line(p, [cell for row in ROWS_4 for cell in _cells(p, row.key, k.appeals[row.key], total=True)])


def wrong_figures(k: Known, values: dict[str, dict[str, tuple[object, ...]]]) -> list[str]:
    """Every row written with a figure that is not the known one (a row may be missing, and a
    total may be left for the program to compute, but no figure may differ)."""
    wrong = []
    for table, rows in k.figures().items():
        for key, got in values.get(table, {}).items():
            want = rows[key]
            if tuple(got) not in (tuple(want), tuple(want[:-1]) if table != "active" else None):
                wrong.append(f"{table}.{key}: {tuple(got)} ≠ {tuple(want)}")
    return wrong
