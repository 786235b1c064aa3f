"""Table placement: which official row each row of a document's grids is, and its
values fitted to that row's columns.

A row is placed by the label it carries, never by its position (see `labels`);
rows come in official order, so among equally good labels the first official
row after the last one placed wins. Whatever cannot be placed is returned, not
dropped, for the narrative to keep under a visible note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..formats import FORMATS, format_for_year
from ..formats.schema import Block, Format, Row, Table
from ..model import Value
from .document import Document, Grid
from .labels import MATCH, is_value, likeness, normalise, parse_value

RowKey = tuple[str, str]
"""(table key, row key): an official row."""


@dataclass(frozen=True)
class Placed:
    """A table row as found: the official row it is, and its values in column order."""

    table: Table
    block: Block
    row: Row
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Placement:
    """What the grids of a document gave: the official rows found, in the order found;
    every fit that was not certain; the rows of used grids that fit no official row
    (cells joined by " | "); and which blocks were grids with data (the narrative
    leaves them out)."""

    rows: Mapping[RowKey, Placed]
    guesses: tuple[str, ...]
    unplaced: tuple[str, ...]
    used: frozenset[int]


def choose_format(document: Document, year: int) -> Format:
    """The format the document's tables are in: the one whose labels they match best,
    the year's own on a tie; free-form when it has no tables of either."""
    grids = [b for b in document.blocks if isinstance(b, Grid)]
    votes = {fid: sum(1 for grid in grids for row in grid.rows if _best_row(FORMATS[fid], row)[0] is not None) for fid in ("2021", "2019")}
    if max(votes.values()) < 3:
        return format_for_year(year)  # from 2019 on, tables are due: `xxgk check` asks for them
    by_year = format_for_year(year)
    if by_year.id in votes and votes[by_year.id] >= max(votes.values()):
        return by_year
    return FORMATS[max(votes, key=lambda fid: votes[fid])]


def _rows(fmt: Format) -> list[tuple[Table, Block, Row]]:
    return [(table, block, row) for table in fmt.tables for block in table.blocks for row in block.rows]


def _best_row(fmt: Format, cells: tuple[str, ...], after: int = -1) -> tuple[tuple[Table, Block, Row] | None, int]:
    """The official row a table row names, and the index of the cell naming it.
    Only rows with a number name a row (others are headers); among equals the
    first official row after `after` (rows come in official order) wins."""
    if not any(is_value(c) for c in cells):
        return None, -1
    best: tuple[float, int, int] | None = None  # (score, order preference, cell index)
    found: tuple[Table, Block, Row] | None = None
    candidates = _rows(fmt)
    for cell_index, cell in enumerate(cells):
        if not cell.strip() or is_value(cell):
            continue
        for order, candidate in enumerate(candidates):
            score = likeness(cell, candidate[2].label)
            if score < MATCH:
                continue
            key = (round(score, 3), 1 if order > after else 0, cell_index)
            if best is None or key > best:
                best, found = key, candidate
    return found, (best[2] if best else -1)


def read_values(cells: tuple[str, ...], block: Block, label: str, guesses: list[str]) -> tuple[Value, ...]:
    """The values after a row's label, fitted to the block's columns; every fit that
    is not certain is told in `guesses`."""
    columns, required = block.columns, block.required_columns
    kinds = [c.kind for c in columns]
    seq = list(cells)
    while seq and not seq[0].strip():
        seq.pop(0)
    cells_given = len(seq)  # a blank total still has its cell
    while seq and not seq[-1].strip():
        seq.pop()
    leading = len(cells) - cells_given
    parsed = [parse_value(c, kinds[min(i, len(kinds) - 1)]) for i, c in enumerate(seq)]
    values = tuple(v for v in parsed if v is not None)
    if len(values) != len(parsed):
        guesses.append(f"“{label}”：有不是数字的单元格，已略过（{' | '.join(seq)}）")
    if len(values) == len(columns):
        return values
    if len(values) == len(required):
        if cells_given < len(columns):
            guesses.append(f"“{label}”：{len(values)} 个数对应 {len(columns)} 列，按最后的总计列空白处理（总计由程序计算并核对）")
        return values
    if len(values) + leading in (len(columns), len(required)):
        guesses.append(f"“{label}”：前面 {leading} 个空白单元格按 0 计")
        return (0,) * leading + values
    if len(values) > len(columns):
        guesses.append(f"“{label}”：有 {len(values)} 个数，但只有 {len(columns)} 列，取前 {len(columns)} 个（{' | '.join(seq)}）")
        return values[: len(columns)]
    guesses.append(f"“{label}”：只有 {len(values)} 个数，应有 {len(required)} 个，已照录，请补全")
    return values


def place_tables(document: Document, fmt: Format) -> Placement:
    """Place the rows of the document's grids in the format's tables."""
    rows: dict[RowKey, Placed] = {}
    guesses: list[str] = []
    unplaced: list[str] = []
    used: set[int] = set()
    if not fmt.tables:
        return Placement(rows, (), (), frozenset())
    order = _rows(fmt)
    last = -1
    appeals = fmt.table("四")
    for index, block in enumerate(document.blocks):
        if not isinstance(block, Grid):
            continue
        matched_here = 0
        leftovers: list[tuple[str, ...]] = []
        for cells in block.rows:
            found, at = _best_row(fmt, cells, last)
            if found is None:
                if _label_free_appeals(cells, appeals, rows):
                    matched_here += 1
                elif any(is_value(c) for c in cells) or not _is_header(cells, fmt):
                    leftovers.append(cells)
                continue
            table, part, row = found
            if (table.key, row.key) in rows:
                guesses.append(f"表{table.key}“{row.label}”出现了两次，只用了第一次；另一次保留在正文末尾")
                leftovers.append(cells)
                continue
            values = read_values(cells[at + 1 :], part, row.label, guesses)
            rows[(table.key, row.key)] = Placed(table, part, row, values)
            last = order.index(found)
            matched_here += 1
        if matched_here:
            used.add(index)
            unplaced += [" | ".join(c for c in cells if c.strip()) for cells in leftovers if any(c.strip() for c in cells)]
    return Placement(rows, tuple(guesses), tuple(unplaced), frozenset(used))


def _label_free_appeals(cells: tuple[str, ...], table: Table, rows: dict[RowKey, Placed]) -> bool:
    """Table 四 is printed as header rows over one line of bare numbers: review, then
    the two kinds of lawsuit, five columns each (four when the totals are blank)."""
    values = [c for c in cells if c.strip()]
    official = [(block, row) for block in table.blocks for row in block.rows]
    if not values or not all(is_value(c) for c in values) or any((table.key, row.key) in rows for _, row in official):
        return False
    for width in (len(official[0][0].columns), len(official[0][0].required_columns)):
        if len(values) == width * len(official):
            for number, (block, row) in enumerate(official):
                chunk = tuple(values[number * width : (number + 1) * width])
                rows[(table.key, row.key)] = Placed(table, block, row, tuple(parse_value(c, "count") or 0 for c in chunk))
            return True
    return False


def _is_header(cells: tuple[str, ...], fmt: Format) -> bool:
    """A row of headings only: every text is a label the official table prints."""
    labels = {normalise(text) for text in _printed_labels(fmt)}
    texts = [c for c in cells if c.strip()]
    return bool(texts) and all(
        normalise(c) in labels or any(likeness(c, label) >= MATCH for label in labels) for c in texts
    )


def _printed_labels(fmt: Format) -> list[str]:
    labels = ["信息内容", "申请人情况", "总计"]
    for table in fmt.tables:
        labels += [table.heading, table.title, table.corner, table.column_title]
        for block in table.blocks:
            labels += [block.title, block.column_heading, *(c.label for c in block.columns), *(c.group or "" for c in block.columns)]
            for row in block.rows:
                labels += [*row.parents, row.label]
    return [label for label in labels if label]
