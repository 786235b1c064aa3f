"""One row's cells fitted to its block's columns, never by a guess.

A row with as many cells as its block has columns is read as printed: a blank cell is
0 (the form has a cell there), a blank total is left for the program to compute. A
row with fewer cells lost some (a column left out, or a blank that a layout in spaces
could not keep): which ones is decided by the row's own arithmetic (总计 = the sum of
the other columns) when it leaves one reading only; otherwise the row is not placed
and the note says why. A figure is never written in a column it may not belong to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from ..formats.schema import Block, Column
from ..model import Value
from .labels import parse_value


@dataclass(frozen=True)
class Fit:
    """A row's values in column order (the total left out when it is to be computed), or
    None when the row cannot be placed; `note` says, in Chinese, what was done and why;
    `overflow` when there are more figures than columns (they may be the next rows')."""

    values: tuple[Value, ...] | None
    note: str = ""
    confirmed: bool = False
    overflow: bool = False


def fit_row(cells: Sequence[str], block: Block, label: str, totals: bool) -> Fit:
    """`cells` (those after the row's label) fitted to `block`'s columns; `totals` when the
    format's rules say the block's total column is the sum of the others."""
    columns = block.columns
    seq = list(cells)
    while seq and not seq[0].strip():
        seq.pop(0)  # the label's own cells, or a gap before the figures
    while len(seq) > len(columns) and not seq[-1].strip():
        seq.pop()
    shown = " | ".join(c.strip() or "（空）" for c in seq)
    if len(columns) == 1 and len(seq) > 1 and len({c.strip() for c in seq}) == 1:
        seq = seq[:1]  # one figure whose merged cell a reader repeated over the columns it spans
    if len(seq) > len(columns):
        return Fit(None, f"“{label}”：有 {len(seq)} 个单元格，但只有 {len(columns)} 列（{shown}），未填写", overflow=True)
    if any(parse_value(c, "money") is None and parse_value(c, "delta") is None for c in seq):
        return Fit(None, f"“{label}”：有不是数字的单元格（{shown}），无法确定各数所在的列，未填写")
    if len(seq) == len(columns):
        return _as_printed(seq, columns, label, shown)
    figures = [c for c in seq if c.strip()]
    total = next((i for i, c in enumerate(columns) if c.is_total), None)
    if total is None or not totals or len(figures) != len(seq):
        return Fit(None, f"“{label}”：{len(seq)} 个数对应 {len(columns)} 列（{shown}），无法确定各数所在的列，未填写")
    readings = _readings(figures, columns, total)
    if readings is None or len(readings) != 1:
        return Fit(None, f"“{label}”：{len(seq)} 个数对应 {len(columns)} 列（{shown}），有不止一种读法都与本行合计相符，未填写")
    ((reading, lost),) = readings.items()
    count = f"“{label}”：{len(seq)} 个数对应 {len(columns)} 列，"
    if (total,) in lost:
        note = count + "按最后的总计列空白处理（其他读法与本行合计不符，由勾稽关系确认；总计由程序计算并核对）"
        return Fit(reading[:total] + reading[total + 1 :], note, confirmed=True)
    if len(lost) > 1:
        return Fit(reading, count + "缺的一格无论在哪一列都只能是 0（由本行合计确认）", confirmed=True)
    where = "、".join(f"“{columns[i].label}”" for i in lost[0])
    return Fit(reading, count + f"缺的是{where}（只有这样才与本行合计相符，由勾稽关系确认）", confirmed=True)


def _as_printed(seq: list[str], columns: tuple[Column, ...], label: str, shown: str) -> Fit:
    values: list[Value] = []
    for column, cell in zip(columns, seq):
        value = parse_value(cell, column.kind)
        if value is None:
            return Fit(None, f"“{label}”：“{cell.strip()}”不是“{column.label}”列能有的数（{shown}），未填写")
        values.append(value)
    if columns[-1].is_total and not seq[-1].strip():
        return Fit(tuple(values[:-1]))  # a blank total: computed and checked by the program
    return Fit(tuple(values))


def _readings(figures: list[str], columns: tuple[Column, ...], total: int) -> dict[tuple[Value, ...], list[tuple[int, ...]]] | None:
    """Every full reading of a row whose cells lost some columns, by the columns it says
    were lost, that agrees with the row's total; None when some reading leaves a figure
    unknown (two columns lost, one of them the total)."""
    readings: dict[tuple[Value, ...], list[tuple[int, ...]]] = {}
    width = len(columns)
    for missing in combinations(range(width), width - len(figures)):
        present = [i for i in range(width) if i not in missing]
        row: list[Value | None] = [None] * width
        for i, cell in zip(present, figures):
            row[i] = parse_value(cell, columns[i].kind)
        if any(row[i] is None for i in present):
            continue  # a decimal in a column of counts: not this reading
        parts = [i for i in range(width) if i != total]
        known = sum(row[i] or 0 for i in parts if i not in missing)
        if total in missing:
            if len(missing) > 1:
                return None
            row[total] = known
        else:
            rest = (row[total] or 0) - known
            if rest < 0:
                continue
            if len(missing) > 1 and rest != 0:
                return None
            for i in missing:
                row[i] = rest if len(missing) == 1 else 0
        readings.setdefault(tuple(v or 0 for v in row), []).append(missing)
    return readings
