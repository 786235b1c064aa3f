"""Table placement: which official row each row of a document's tables is, and its
values fitted to that row's columns, never by a guess.

A row is placed by the label it carries, never by its position in the source (see
`rows` and `labels`), and its cells are fitted to its columns (`fitting`). Figures
that stand apart from their labels (text copied out of a PDF) are placed by their
order within the table and confirmed by the table's own arithmetic (`stream`). A
figure that cannot be placed for certain is not written: the row is left out for
`xxgk check` to ask for, and the notes say why. Whatever fits no official row is
returned, not dropped, for the narrative to keep under a visible note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..formats import FORMATS, format_for_year
from ..formats.schema import Block, Format, Row, Table
from ..model import Value
from .document import Document, Grid, Paragraph
from .fitting import fit_row
from .labels import is_value, normalise, parse_value, per_format, split_label
from .rows import Group, Line, Name, Target, groups, read_lines
from .stream import Solved, Token, full, row_totals, solve

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
    """What the tables of a document gave: the official rows found, in the order found;
    every fit that was not read as printed (confirmed, or not placed, and why); the rows
    that fit no official row (cells joined by " | "); and which blocks held table rows
    (the narrative leaves them out)."""

    rows: Mapping[RowKey, Placed]
    guesses: tuple[str, ...]
    unplaced: tuple[str, ...]
    used: frozenset[int]


def choose_format(document: Document, year: int) -> Format:
    """The format the document's tables are in: the one more of whose printed labels (rows,
    columns, block titles) the document spells exactly, the year's own on a tie; the
    year's own when it has no tables."""
    texts = [normalise(cell) for block in document.blocks if isinstance(block, Grid) for row in block.rows for cell in row if cell.strip()]
    texts += [normalise(block.text) for block in document.blocks if isinstance(block, Paragraph) and len(block.text) <= 60]
    votes = {fid: sum(1 for text in texts if text in _spelled(FORMATS[fid])) for fid in ("2021", "2019")}
    by_year = format_for_year(year)
    if max(votes.values()) < 3:
        return by_year  # from 2019 on, tables are due: `xxgk check` asks for them
    if by_year.id in votes and votes[by_year.id] >= max(votes.values()):
        return by_year
    return FORMATS[max(votes, key=lambda fid: votes[fid])]


@per_format
def _spelled(fmt: Format) -> frozenset[str]:
    """The format's own labels as a document spells them, with and without numbering."""
    labels = set()
    for table in fmt.tables:
        for block in table.blocks:
            labels |= {block.title, *(c.label for c in block.columns)}
            labels |= {row.label for row in block.rows}
        labels |= {group.label for group in groups(table)}
    return frozenset({normalise(label) for label in labels} | {split_label(label)[1] for label in labels})


@dataclass
class _State:
    """What placing has found so far (one document, one format)."""

    fmt: Format
    lines: list[Line]
    rows: dict[RowKey, Placed] = field(default_factory=dict)
    grouped: dict[RowKey, tuple[Name, tuple[Value, ...]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)  # lines whose figures are placed, or given up
    duplicate: set[int] = field(default_factory=set)

    def has(self, name: Name) -> bool:
        key = (name.table.key, name.target.key)
        return key in self.rows or key in self.grouped

    def put(self, name: Name, values: tuple[Value, ...], line: int | None = None) -> None:
        if isinstance(name.target, Group):
            self.grouped[(name.table.key, name.target.key)] = (name, values)
        else:
            self.rows[(name.table.key, name.target.key)] = Placed(name.table, name.block, name.target, values)
        if line is not None:
            self.taken.add(line)


def place_tables(document: Document, fmt: Format) -> Placement:
    """Place the rows of the document's tables in the format's tables."""
    if not fmt.tables:
        return Placement({}, (), (), frozenset())
    state = _State(fmt, read_lines(document, fmt))
    for index, line in enumerate(state.lines):
        if line.kind == "label" and line.name is not None and any(is_value(c) for c in line.values):
            _read_row(state, index, line, line.name)
        elif line.kind == "values":
            _read_wide_row(state, index, line)
    for region in dict.fromkeys(line.region for line in state.lines if line.region):
        table = fmt.table(region)
        parts = [""] if table.layout != "stacked" else list(dict.fromkeys(line.part for line in state.lines if line.region == region))
        for part in parts:
            _solve_stream(state, table, part)
    _expand_groups(state)
    return Placement(dict(state.rows), tuple(state.notes), tuple(_unplaced(state)), frozenset(_used(state)))


def _read_row(state: _State, index: int, line: Line, name: Name) -> None:
    """A label with figures on its own line: fitted to its columns, or not placed."""
    if state.has(name):
        state.notes.append(f"表{name.table.key}“{name.target.label}”出现了两次，只用了第一次；另一次保留在正文末尾")
        state.duplicate.add(index)
        return
    fit = fit_row(line.values, name.block, name.target.label, row_totals(state.fmt, name.table, name.target))
    if fit.overflow:
        return  # its figures may be the next rows' too: left to the table's stream
    state.taken.add(index)
    if fit.note:
        state.notes.append(fit.note)
    if fit.values is not None:
        state.put(name, fit.values, index)


def _read_wide_row(state: _State, index: int, line: Line) -> None:
    """Table 四 printed as header rows over one line of bare figures: review, then the two
    kinds of lawsuit, five columns each, a blank cell a zero (a blank total computed)."""
    table = next((t for t in state.fmt.tables if t.layout == "wide"), None)
    if table is None or (line.region and line.region != table.key):
        return
    official = [(block, row) for block in table.blocks for row in block.rows]
    if any((table.key, row.key) in state.rows for _, row in official):
        return
    width = len(official[0][0].columns)
    seq = list(line.values)
    while len(seq) > width * len(official) and not seq[0].strip():
        seq.pop(0)  # an empty cell before the row, as tab-separated text often has
    while len(seq) > width * len(official) and not seq[-1].strip():
        seq.pop()
    if len(seq) != width * len(official):
        return  # fewer cells than the form has: which ones are missing is not known here
    values = [parse_value(c, "count") for c in seq]
    if any(v is None for v in values):
        return
    for number, (block, row) in enumerate(official):
        chunk = tuple(v or 0 for v in values[number * width : (number + 1) * width])
        if not seq[(number + 1) * width - 1].strip():
            chunk = chunk[: width - 1]  # a blank total: computed and checked by the program
        state.rows[(table.key, row.key)] = Placed(table, block, row, chunk)
    state.taken.add(index)


def _solve_stream(state: _State, table: Table, part: str) -> None:
    """The labels and loose figures of one table's part of the document, placed together."""
    tokens: list[Token] = []
    members: list[int] = []
    for index, line in enumerate(state.lines):
        if line.region != table.key or line.part != part or index in state.taken or index in state.duplicate:
            continue
        if line.kind == "label" and line.name is not None and line.name.table is table and not state.has(line.name):
            tokens.append(Token(target=line.name.target))
            members.append(index)
            tokens += _figures(line.values)
        elif line.kind == "values":
            tokens += _figures(line.values)
            members.append(index)
    named = {line.name.target.key for line in state.lines if line.name is not None and line.name.table is table and isinstance(line.name.target, Row)}
    wanted: dict[str, Target] = {}
    for token in tokens:
        target = token.target
        if target is None:
            continue
        if isinstance(target, Group) and any(row.key in named for row in target.rows):
            continue  # a heading over rows of its own
        wanted.setdefault(target.key, target)
    if table.layout == "wide":
        wanted = {row.key: row for block in table.blocks for row in block.rows if (table.key, row.key) not in state.rows}
    order = _order(table)
    rows = sorted(wanted.values(), key=lambda t: order[(t.rows[0] if isinstance(t, Group) else t).key])
    known = {p.row.key: full(p.values, len(p.block.columns)) for (key, _), p in state.rows.items() if key == table.key}
    known |= {name.target.key: values for (key, _), (name, values) in state.grouped.items() if key == table.key}
    solved = solve(state.fmt, table, tokens, rows, known)
    _take(state, table, rows, solved, members)


def _figures(cells: tuple[str, ...]) -> list[Token]:
    """The figures of a line, a blank between two figures read as 0 (the form has a cell
    there), blanks at either end left out (they may be no cell at all)."""
    marks = [i for i, c in enumerate(cells) if is_value(c)]
    if not marks:
        return []
    return [Token(value=_number(cell)) for cell in cells[marks[0] : marks[-1] + 1]]


def _number(cell: str) -> Value | None:
    count = parse_value(cell, "count")
    return count if count is not None else parse_value(cell, "money")


def _coerce(values: tuple[Value, ...], block: Block) -> tuple[Value, ...] | None:
    """Figures placed by their order, as their columns take them (counts whole, amounts
    exact); None when one does not fit its column."""
    out = []
    for value, column in zip(values, block.columns):
        typed = parse_value(str(value), column.kind)
        if typed is None:
            return None
        out.append(typed)
    return tuple(out)


def _take(state: _State, table: Table, rows: list[Target], solved: Solved, members: list[int]) -> None:
    state.notes += solved.notes
    by_key = {t.key: t for t in rows}
    for key, values in solved.rows.items():
        target = by_key[key]
        row = target.rows[0] if isinstance(target, Group) else target
        block = next(b for b in table.blocks if row in b.rows)
        if (typed := _coerce(values, block)) is None:
            state.notes.append(f"表{table.key}“{target.label}”：有的数不是这一列能有的数，未填写")
            continue
        state.put(Name(table, block, target, 1.0, 0), typed)
    if solved.rows and len(solved.rows) == len(rows):
        state.taken.update(members)


def _order(table: Table) -> dict[str, int]:
    return {row.key: n for n, row in enumerate(row for block in table.blocks for row in block.rows)}


def _expand_groups(state: _State) -> None:
    """A heading printed as one row in place of its rows (（六）其他处理 as a single line):
    its rows are 0 when it is 0 (non-negative counts summing to 0), else left out."""
    for (table_key, _), (name, values) in state.grouped.items():
        group = name.target
        assert isinstance(group, Group)
        if any((table_key, row.key) in state.rows for row in group.rows):
            continue
        if all(v == 0 for v in values):
            for row in group.rows:
                state.rows[(table_key, row.key)] = Placed(name.table, name.block, row, tuple(values))
            state.notes.append(f"“{group.label}”只有一行且均为 0：其下 {len(group.rows)} 项各按 0 填写（各项之和为 0，每项只能是 0）")
        else:
            state.notes.append(f"“{group.label}”只有一行合计，没有分项：其下 {len(group.rows)} 项无法确定，未填写")


def _used(state: _State) -> set[int]:
    """Blocks that held table rows: grids any of whose lines was placed, and paragraphs that
    were table labels or figures."""
    placed_blocks = {state.lines[i].block for i in state.taken}
    placed_names = {(key, target) for key, target in (*state.rows, *state.grouped)}
    for line in state.lines:
        if line.region and line.name is not None and (line.name.table.key, line.name.target.key) in placed_names:
            placed_blocks.add(line.block)
    return placed_blocks


def _unplaced(state: _State) -> list[str]:
    """The lines of used grids with figures that no official row took, and words that are
    not the tables' own headings; loose figures in a row are kept as one entry."""
    used = _used(state)
    out: list[str] = []
    loose: list[str] = []
    previous = -2
    for index, line in enumerate(state.lines):
        if line.block not in used or index in state.taken or line.kind in ("marker", "label") and index not in state.duplicate:
            continue
        if line.kind == "values":
            if loose and previous != index - 1:
                out.append(" ".join(loose))
                loose = []
            loose += [c for c in line.values if c.strip()]
            previous = index
            continue
        if line.kind == "text" and _is_header(line.cells, state.fmt):
            continue
        out.append(" | ".join(c for c in line.cells if c.strip()))
    if loose:
        out.append(" ".join(loose))
    return out


_PLACEHOLDER = re.compile(r"(?:列|栏|Column|Col|Field)\s*\d{1,2}", re.IGNORECASE)
"""The header a converter or OCR tool puts over a table whose own header it did not take
(列1 列2 ..., Column1 ...): it says nothing, and is dropped like the table's own headings."""

_PIECES = re.compile(r"[\s()（）:：、,，]+")


def _is_header(cells: tuple[str, ...], fmt: Format) -> bool:
    """Words that are the tables' own printed headings, or pieces of them (a header cell
    read a line at a time, or two headings joined: 行政诉讼（复议后起诉）), or a converter's
    placeholder headers."""
    printed = _printed(fmt)
    words = [normalise(w) for cell in cells for w in _PIECES.split(cell) if normalise(w)]
    return bool(words) and all(_PLACEHOLDER.fullmatch(w) or any(w in label for label in printed) for w in words)


def _printed(fmt: Format) -> list[str]:
    labels = ["信息内容", "申请人情况", "总计"]
    for table in fmt.tables:
        labels += [table.heading, table.title, table.corner, table.column_title]
        for block in table.blocks:
            labels += [block.title, block.column_heading, *(c.label for c in block.columns), *(c.group or "" for c in block.columns)]
            for row in block.rows:
                labels += [*row.parents, row.label]
    return [normalise(label) for label in labels if label]
