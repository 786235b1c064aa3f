"""Read the table data an editor typed against an official format.

Editors type each row as its short key and the values in official column
order, e.g. `received: [3, 1, 0, 0, 0, 0]`; the total column and the （七）总计
row may be left out. This module turns that into complete FilledTables
(computing what was left out, marking it as computed) and reports every shape
problem with the line of the offending value. The arithmetic rules that
compare given totals with the sums are in validate.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..formats.schema import Block, Column, ColumnTotal, Format, Row, Table
from ..messages import suggestion
from ..model import (
    Cell,
    FilledBlock,
    FilledRow,
    FilledTable,
    FilledTables,
    KeyPath,
    Problem,
    Source,
    Value,
)
from ..rules.catalogue import RULES

MAX_DECIMALS = 4
MAX_VALUE = 1_000_000_000
"""No figure of an annual report comes near a thousand million (万元 for fees):
a larger one is a typing slip, such as digits pasted twice."""


def read_tables(fmt: Format, raw: dict[str, Any] | None, source: Source) -> tuple[FilledTables, list[Problem]]:
    """Read every table of `fmt` from `raw` (the report's `tables:` mapping).

    Returns only the tables that could be read completely, and the problems found.
    """
    if raw is None:
        return {}, []
    if not fmt.tables:
        if raw:
            return {}, [source.problem(RULES.unexpected_tables, f"{fmt.name}的报告没有统计表，请删除 “tables”，或把 “format” 改为 2019 或 2021", "tables")]
        return {}, []
    problems: list[Problem] = []
    expected = tuple(t.front_matter_key for t in fmt.tables)
    for key in raw:
        if key not in expected:
            problems.append(source.problem(RULES.unknown_table, f"未知的表格 “{key}”{suggestion(str(key), expected)}", "tables", key))
    filled: FilledTables = {}
    for table in fmt.tables:
        found = _read_table(fmt, table, raw.get(table.front_matter_key), source, problems)
        if found is not None:
            filled[table.key] = found
    return filled, problems


def _read_table(fmt: Format, table: Table, raw: Any, source: Source, problems: list[Problem]) -> FilledTable | None:
    at = ("tables", table.front_matter_key)
    if raw is None:
        message = f"缺少表{table.key}“{table.title}”：请在 tables 下添加 “{table.front_matter_key}:”"
        problems.append(source.problem(RULES.missing_table, message, *at, facts={"table": table.key, "title": table.title}))
        return None
    if not isinstance(raw, dict):
        problems.append(source.problem(RULES.wrong_type, f"表{table.key} 应是“行: [数值, ...]”形式", *at))
        return None
    known = tuple(row.key for block in table.blocks for row in block.rows)
    for key in raw:
        if key not in known:
            problems.append(source.problem(RULES.unknown_row, f"表{table.key}中没有 “{key}” 这一行{suggestion(str(key), known)}", *at, key))
    before = len(problems)
    blocks = tuple(_read_block(fmt, table, block, raw, source, problems) for block in table.blocks)
    if len(problems) > before or any(b is None for b in blocks):
        return None
    return FilledTable(table.key, tuple(b for b in blocks if b is not None))


def _read_block(fmt: Format, table: Table, block: Block, raw: dict[str, Any], source: Source, problems: list[Problem]) -> FilledBlock | None:
    """The block's rows, or None when one cannot be read. Every row is read even after
    one fails, so that ten missing rows are ten problems an editor sees at once, not
    one at a time over ten runs of `xxgk check`."""
    rows: dict[str, FilledRow] = {}
    complete = True
    for row in block.rows:
        if row.key not in raw and row.is_total:
            continue  # computed below, once its parts are known
        cells = _read_row(table, block, row, raw, source, problems)
        if cells is None:
            complete = False
        else:
            rows[row.key] = FilledRow(row.key, row.label, row.path, cells)
    if not complete:
        return None
    for row in block.rows:
        if row.key not in rows:
            rule = _total_rule(fmt, table, block, row)
            sums = [sum(rows[part].values[i] for part in rule.parts) for i in range(len(block.columns))]
            rows[row.key] = FilledRow(row.key, row.label, row.path, tuple(Cell(v, computed=True) for v in sums))
    return FilledBlock(block.key, block.title, tuple(rows[row.key] for row in block.rows))


def _total_rule(fmt: Format, table: Table, block: Block, row: Row) -> ColumnTotal:
    return next(
        r
        for r in fmt.rules
        if isinstance(r, ColumnTotal) and r.table == table.key and r.block == block.key and r.total == row.key
    )


def _read_row(table: Table, block: Block, row: Row, raw_rows: dict[str, Any], source: Source, problems: list[Problem]) -> tuple[Cell, ...] | None:
    at: KeyPath = ("tables", table.front_matter_key, row.key)
    raw = raw_rows.get(row.key)
    required = block.required_columns
    names = "、".join(c.label for c in required)
    if raw is None:
        if row.key in raw_rows:
            message, path = f"表{table.key}中 “{row.key}”（{row.label}）这一行是空的", at
        else:
            message, path = f"表{table.key}缺少 “{row.key}”（{row.label}）这一行", at[:2]
        problems.append(source.problem(RULES.missing_row, f"{message}：应填 {len(required)} 个数（{names}）", *path, facts={"table": table.key, "row": row.label}))
        return None
    values = raw if isinstance(raw, list) else [raw]
    if len(values) not in (len(required), len(block.columns)):
        expected = f"{len(required)} 个数（{names}）"
        if len(required) != len(block.columns):
            expected += f"，或连同总计共 {len(block.columns)} 个数"
        problems.append(source.problem(RULES.column_count, f"“{row.key}”（{row.label}）应有 {expected}，实际写了 {len(values)} 个", *at))
        return None
    columns = block.columns if len(values) == len(block.columns) else required
    cells: list[Cell] = []
    ok = True
    for index, (column, value) in enumerate(zip(columns, values)):
        parsed = _value(column, value)
        if isinstance(parsed, str):
            where = (*at, index) if isinstance(raw, list) else at
            problems.append(source.problem(RULES.invalid_value, f"“{row.key}”（{row.label}）的“{column.label}”{parsed}，实际为 “{value}”", *where))
            ok = False
        else:
            cells.append(Cell(parsed))
    if not ok:
        return None
    if len(columns) < len(block.columns):  # the total column was left out
        cells.append(Cell(sum(c.value for c in cells), computed=True))
    return tuple(cells)


def _value(column: Column, value: Any) -> Value | str:
    """The value as a number, or a Chinese explanation of what is wrong with it."""
    expected = {"money": "应为数字（单位：万元）", "delta": "应为整数"}.get(column.kind, "应为非负整数")
    if isinstance(value, str):
        return expected + _string_hint(value)
    if column.kind == "money":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return expected
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return expected
        if not amount.is_finite():
            return expected
        if amount < 0:
            return "不能为负数"
        if amount > MAX_VALUE:
            return _too_large()
        if amount.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            return f"最多保留 {MAX_DECIMALS} 位小数"
        return amount
    if isinstance(value, float):
        return expected + "（件数不能有小数）"
    if isinstance(value, bool) or not isinstance(value, int):
        return expected
    if column.kind == "count" and value < 0:
        return "不能为负数"
    if abs(value) > MAX_VALUE:
        return _too_large()
    return value


def _string_hint(value: str) -> str:
    """What to change when a number was typed as text: quotes, or full-width digits."""
    plain = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", plain):
        return ""
    if plain != value.strip():
        return f"（请用半角数字 {plain}，不要用全角数字或千位分隔符）"
    return "（数字两边不要加引号）"


def _too_large() -> str:
    return f"数值过大（超过 {MAX_VALUE:,}），请核对是否多打了数字"
