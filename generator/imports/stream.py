"""Figures that stand apart from their labels, placed by their order and confirmed by
the table's own arithmetic.

Text copied out of a PDF gives a table's cells one after another in reading order,
labels away from their numbers, sometimes a column of cells at a time; a layout in
spaces can leave a row's figures on the line below its label. Within one table's part
of the document, the rows whose labels appear there (every row, for table 四, whose
labels are column headings) and the figures no label line holds are matched here, in
this order of trust:
- read: each label is followed by exactly its row's figures;
- by position: a block of one row, or of rows of one column each, gives its figures in
  order (top to bottom is kept by any reading order);
- by arithmetic: the figures are cut into the rows in official order, each run of rows
  read row by row or column by column, and a cutting is kept only when every row's
  total and the table's column rules agree; a row is placed only when every cutting
  kept gives it the same figures. Anything else is left out and said.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..formats.schema import Balance, ColumnTotal, Format, RowTotal, Table
from ..model import Value
from .rows import Group, Target

CAP = 64
"""Distinct readings kept per position before a part of a table counts as too ambiguous."""


@dataclass(frozen=True)
class Token:
    """A label (the row or group it names) or a figure, in the order the document gives them."""

    target: Target | None = None
    value: Value | None = None


@dataclass(frozen=True)
class Solved:
    """Rows placed from a stream of tokens (by key: a row's, or a group's), how, and notes."""

    rows: Mapping[str, tuple[Value, ...]]
    how: str = ""  # "read", "position" or "arithmetic"
    notes: tuple[str, ...] = ()


def width(table: Table, target: Target) -> int:
    row = target.rows[0] if isinstance(target, Group) else target
    return len(next(b for b in table.blocks if row in b.rows).columns)


def row_totals(fmt: Format, table: Table, target: Target) -> bool:
    """Whether the format says the target's block has a total column that is the sum of the others."""
    row = target.rows[0] if isinstance(target, Group) else target
    block = next(b for b in table.blocks if row in b.rows)
    return any(isinstance(r, RowTotal) and r.table == table.key and r.block == block.key for r in fmt.rules)


def solve(fmt: Format, table: Table, tokens: Sequence[Token], rows: Sequence[Target], known: Mapping[str, tuple[Value, ...]]) -> Solved:
    """Place `rows` (in official order) from the figures among `tokens`; `known` gives the
    full figures (totals included) of the table's rows placed already, by row key."""
    figures = [t.value for t in tokens if t.value is not None]
    if not rows or not figures:
        return Solved({})
    if (read := _interleaved(table, tokens, rows)) is not None:
        return Solved(read, "read")
    widths = {width(table, r) for r in rows}
    need = sum(width(table, r) for r in rows)
    shown = f"表{table.key}：{len(rows)} 行（{_names(rows)}）应有 {need} 个数，原文在这部分有 {len(figures)} 个与行名分开的数"
    if len(figures) != need:
        return Solved({}, notes=(shown + "，无法对应，未填写",))
    if len(widths) == 1 and all(row_totals(fmt, table, r) for r in rows):
        return _by_arithmetic(fmt, table, rows, figures, known, shown)
    if len(rows) == 1 or widths == {1}:
        return Solved({key_of(r): tuple(figures[i * (n := width(table, r)) : (i + 1) * n]) for i, r in enumerate(rows)}, "position")
    return Solved({}, notes=(shown + "，没有可用来确认的勾稽关系，未填写",))


def key_of(target: Target) -> str:
    return target.key


def _names(rows: Sequence[Target]) -> str:
    shown = [f"“{r.label}”" for r in rows[:3]]
    return "、".join(shown) + (f" 等 {len(rows)} 行" if len(rows) > 3 else "")


def _interleaved(table: Table, tokens: Sequence[Token], rows: Sequence[Target]) -> dict[str, tuple[Value, ...]] | None:
    """Each row's label followed by exactly its figures, every row once, in official order."""
    out: dict[str, tuple[Value, ...]] = {}
    wanted = list(rows)
    position = 0
    relevant = [t for t in tokens if t.value is not None or t.target in wanted]
    while position < len(relevant):
        token = relevant[position]
        if token.target is None or not wanted or token.target is not wanted[0]:
            return None
        n = width(table, token.target)
        values = [t.value for t in relevant[position + 1 : position + 1 + n]]
        if len(values) != n or any(v is None for v in values):
            return None
        out[key_of(wanted.pop(0))] = tuple(v for v in values if v is not None)
        position += 1 + n
    return out if not wanted else None


def _by_arithmetic(
    fmt: Format, table: Table, rows: Sequence[Target], figures: list[Value], known: Mapping[str, tuple[Value, ...]], shown: str
) -> Solved:
    n = width(table, rows[0])
    cuts = _cuttings(figures, len(rows), n, _row_ok)
    if cuts is None:
        return Solved({}, notes=(shown + "，可能的对应方式太多，无法确定，未填写",))
    keys = [key_of(r) for r in rows]
    agreeing = [cut for cut in cuts if _columns_ok(fmt, table, {**known, **dict(zip(keys, cut))})]
    if not agreeing:
        return Solved({}, notes=(shown + "，无论怎样对应，都与表内勾稽关系不符，未填写",))
    placed = {key: agreeing[0][i] for i, key in enumerate(keys) if all(cut[i] == agreeing[0][i] for cut in agreeing)}
    notes = []
    if placed:
        notes.append(f"表{table.key}：{_names([r for r in rows if key_of(r) in placed])} 的数字与行名分开，按表格顺序对应到行，已由表内勾稽关系（各行总计、各列合计）确认")
    if left := [r for r in rows if key_of(r) not in placed]:
        notes.append(f"表{table.key}：{_names(left)} 的数字有不止一种对应方式都与勾稽关系相符，未填写")
    return Solved(placed, "arithmetic", tuple(notes))


def _row_ok(row: tuple[Value, ...]) -> bool:
    return all(isinstance(v, int) and v >= 0 for v in row) and row[-1] == sum(row[:-1])


def _cuttings(figures: list[Value], count: int, n: int, ok: Callable[[tuple[Value, ...]], bool]) -> list[tuple[tuple[Value, ...], ...]] | None:
    """Every way to read `figures` as `count` rows of `n` in order, a run of k rows read row
    by row or (k ≥ 2) column by column, every row passing `ok`; None past CAP."""
    memo: dict[int, set[tuple[tuple[Value, ...], ...]] | None] = {}

    def rest(i: int) -> set[tuple[tuple[Value, ...], ...]] | None:
        if i == count:
            return {()}
        if i in memo:
            return memo[i]
        found: set[tuple[tuple[Value, ...], ...]] | None = set()
        for k in range(1, count - i + 1):
            chunk = figures[i * n : (i + k) * n]
            block = tuple(tuple(chunk[c * k + r] for c in range(n)) for r in range(k))
            if not all(ok(row) for row in block):
                continue
            tails = rest(i + k)
            if tails is None or found is None:
                found = None
                break
            found |= {block + tail for tail in tails}
            if len(found) > CAP:
                found = None
                break
        memo[i] = found
        return found

    result = rest(0)
    return None if result is None else sorted(result, key=str)


def _columns_ok(fmt: Format, table: Table, figures: Mapping[str, tuple[Value, ...]]) -> bool:
    """Whether the table's column rules hold, column by column, wherever all their rows are
    known (a group standing in for its rows when they are not)."""
    groups = {key: g for g in _groups_in(figures) if not any(k in figures for k in g) for key in g}

    def total(keys: Sequence[str]) -> list[Value] | None:
        sums: list[Value] | None = None
        seen: set[tuple[str, ...]] = set()
        for key in keys:
            if key in figures:
                values = figures[key]
            elif key in groups:
                if groups[key] in seen:
                    continue
                seen.add(groups[key])
                values = figures["+".join(groups[key])]
            else:
                return None
            sums = list(values) if sums is None else [a + b for a, b in zip(sums, values)]
        return sums

    for rule in fmt.rules:
        if rule.table != table.key:
            continue
        if isinstance(rule, ColumnTotal):
            left, right = total([rule.total]), total(rule.parts)
        elif isinstance(rule, Balance):
            left, right = total(rule.left), total(rule.right)
        else:
            continue
        if left is not None and right is not None and left != right:
            return False
    return True


def _groups_in(figures: Mapping[str, tuple[Value, ...]]) -> list[tuple[str, ...]]:
    return [tuple(key.split("+")) for key in figures if "+" in key]


def full(values: tuple[Value, ...], columns: int) -> tuple[Value, ...]:
    """A placed row's figures with its total, computed when it was left blank."""
    return values if len(values) == columns else (*values, sum(values))
