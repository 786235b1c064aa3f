"""A document's table lines as the placement reads them.

Every grid row, and every short paragraph, becomes a Line: the official row its label
names (a label a line break split is joined again), the cells after the label, and
the table whose part of the document it stands in (after a table's heading, before
the next heading). Nothing here decides which numbers go where: `placement` reads
the lines, `fitting` fits one row's cells to its columns and `stream` places the
numbers that stand apart from their labels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Literal

from ..formats.official import sections_after_tables
from ..formats.schema import Block, Format, Row, Table
from .document import Document, Grid, Paragraph
from .labels import MATCH, is_value, likeness, normalise, per_format, split_label


@dataclass(frozen=True)
class Group:
    """A heading that stands over numbered rows of a table (（三）不予公开 over 1.–8.).
    Reports print it as a row with figures of its own when they give one line in place
    of its items (（六）其他处理 as the 2019 format had it): those figures are the sum of
    its rows'."""

    label: str
    rows: tuple[Row, ...]

    @property
    def key(self) -> str:
        return "+".join(row.key for row in self.rows)


Target = Row | Group


@dataclass(frozen=True)
class Name:
    """What a label names: an official row (or a group of rows) of a block of a table."""

    table: Table
    block: Block
    target: Target
    score: float
    order: int  # the position of the row (a group: of its first row) among the format's rows


Kind = Literal["label", "values", "text", "other", "marker"]
"""label: names an official row (values may follow); values: figures and no label; text: words
and no figures (a heading, a piece of a label); other: words that name nothing, with figures;
marker: a table's heading, a block's title (第二十条第（一）项), or a heading after the tables."""


@dataclass(frozen=True)
class Line:
    block: int  # the document block it comes from
    cells: tuple[str, ...]  # as read, the positions a merged cell covers left out
    kind: Kind
    name: Name | None = None
    values: tuple[str, ...] = ()  # the cells after the label; for a values line, all its cells
    region: str = ""  # the table whose part of the document it is in ("二", "三", "四"), or ""
    part: str = ""  # in table 二: the block whose title came last
    joined: tuple[int, ...] = ()  # lines whose words are part of this line's label

    @property
    def text(self) -> str:
        return "".join(c for c in self.cells if c.strip() and not is_value(c))


def groups(table: Table) -> tuple[Group, ...]:
    """The headings over numbered rows in a table (the second of a row's parents)."""
    found: dict[str, list[Row]] = {}
    for block in table.blocks:
        for row in block.rows:
            if len(row.parents) >= 2:
                found.setdefault(row.parents[-1], []).append(row)
    return tuple(Group(label, tuple(rows)) for label, rows in found.items())


@per_format
def targets(fmt: Format) -> tuple[tuple[Table, Block, Target, int], ...]:
    """Every official row, then every group, with its position among the rows."""
    out: list[tuple[Table, Block, Target, int]] = []
    for table in fmt.tables:
        for block in table.blocks:
            out += [(table, block, row, len(out)) for row in block.rows]
    order = {row.key: position for _, _, row, position in out if isinstance(row, Row)}
    for table in fmt.tables:
        for group in groups(table):
            block = next(b for b in table.blocks if group.rows[0] in b.rows)
            out.append((table, block, group, order[group.rows[0].key]))
    return tuple(out)


@per_format
def column_labels(fmt: Format) -> frozenset[str]:
    """The tables' column headings (总计, 其他, 结果维持 …): a cell that says one of these
    is a header, whatever row label it is also like ("总计" is not "（七）总计")."""
    columns = {normalise(c.label) for t in fmt.tables for b in t.blocks for c in b.columns}
    titles = {normalise(b.title) for t in fmt.tables for b in t.blocks if not b.title.startswith("第")}
    return frozenset((columns | titles) - {normalise(r.label) for t in fmt.tables for b in t.blocks for r in b.rows})


def name_of(text: str, fmt: Format, after: int = -1) -> Name | None:
    """The official row (or group) a cell names, if any reaches MATCH: the best likeness,
    rows before groups, and among equals the first after `after` (rows come in order).
    A column heading names no row."""
    if normalise(text) in column_labels(fmt):
        return None
    best: tuple[float, int, int] | None = None
    found: Name | None = None
    for table, block, target, order in targets(fmt):
        score = likeness(text, target.label) - (0.01 if isinstance(target, Group) else 0)
        if score < MATCH:
            continue
        key = (round(score, 3), 1 if order > after else 0, -order)
        if best is None or key > best:
            best, found = key, Name(table, block, target, score, order)
    return found


def _marker(text: str, fmt: Format) -> tuple[str, str] | None:
    """("表", key) for a table's heading, ("块", key) for a block title of table 二,
    ("完", "") for a heading after the tables; None for anything else."""
    number, core = split_label(text)
    for table in fmt.tables:
        if number == f"{table.key}." and SequenceMatcher(None, core, normalise(table.title)).ratio() >= MATCH:
            return ("表", table.key)
    plain = normalise(text)
    for table in fmt.tables:
        for block in table.blocks:
            if block.title.startswith("第") and plain == normalise(block.title):
                return ("块", block.key)
    if any(likeness(text, heading) >= MATCH for heading in sections_after_tables(fmt)):
        return ("完", "")
    return None


def _raw_lines(document: Document) -> list[tuple[int, tuple[str, ...]]]:
    """(block, cells) for every grid row, merged positions left out, and every paragraph
    short enough to be a label or a heading."""
    out: list[tuple[int, tuple[str, ...]]] = []
    for index, block in enumerate(document.blocks):
        if isinstance(block, Grid):
            for r, row in enumerate(block.rows):
                cells = tuple(cell for c, cell in enumerate(row) if (r, c) not in block.merged)
                if any(cell.strip() for cell in cells):
                    out.append((index, cells))
        elif isinstance(block, Paragraph) and len(block.text) <= 60:
            out.append((index, (block.text.replace("*", ""),)))
    return out


def _split(cells: tuple[str, ...]) -> tuple[int, int]:
    """(index of the label cell, index of the first figure): the label is the last words
    before the first figure (or the last words of a line without figures); -1 when absent."""
    first = next((i for i, c in enumerate(cells) if is_value(c)), len(cells))
    label = max((i for i, c in enumerate(cells[:first]) if c.strip()), default=-1)
    return label, first


def read_lines(document: Document, fmt: Format) -> list[Line]:
    """The document's lines, labels named and split labels joined, each in its region."""
    raws = _raw_lines(document)
    lines: list[Line] = []
    consumed: set[int] = set()
    after = -1
    for position, (block, cells) in enumerate(raws):
        if position in consumed:
            continue
        label_at, first = _split(cells)
        has_figures = first < len(cells)
        words = [c for c in cells[:first] if c.strip()] + [c for c in cells[first:] if c.strip() and not is_value(c)]
        if not words:
            lines.append(Line(block, cells, "values", values=cells))
            continue
        if not has_figures and (marker := _marker("".join(words), fmt)) is not None:
            lines.append(Line(block, cells, "marker", values=marker))
            continue
        name, joined, named_at = _best_name(raws, position, label_at, fmt, after, consumed)
        consumed.update(joined)
        if position - 1 in joined:
            lines.pop()  # the line before held the first words of this line's label
        if name is None:
            lines.append(Line(block, cells, "other" if has_figures else "text", values=cells[first:]))
            continue
        if isinstance(name.target, Row):
            after = max(after, name.order)
        lines.append(Line(block, cells, "label", name, cells[named_at + 1 :] if has_figures else (), joined=joined))
    return _regions(lines, fmt)


def _best_name(
    raws: list[tuple[int, tuple[str, ...]]], position: int, label_at: int, fmt: Format, after: int, consumed: set[int]
) -> tuple[Name | None, tuple[int, ...], int]:
    """The name of a line's label (and the cell that gives it), joined with the words of
    the lines just before or after it when a line break split the label: the reading
    that names a row best wins."""
    block, cells = raws[position]
    named = [(n, i) for i, c in enumerate(cells) if c.strip() and not is_value(c) and (n := name_of(c, fmt, after))]
    own, own_at = max(named, key=lambda found: (isinstance(found[0].target, Row), found[0].score, found[1]), default=(None, label_at))
    label = cells[label_at] if label_at >= 0 else ""
    candidates: list[tuple[Name | None, tuple[int, ...]]] = [(own, ())]
    previous = position - 1
    if label and previous >= 0 and previous not in consumed and _words_only(raws[previous][1]) and _marker("".join(raws[previous][1]), fmt) is None:
        before = _last_words(raws[previous][1])  # the piece of the label, not a group's name printed before it
        candidates.append((name_of(before + label, fmt, after), (previous,)))
    following: list[int] = []
    text = label
    for nxt in range(position + 1, min(position + 3, len(raws))):
        if not _words_only(raws[nxt][1]) or _marker("".join(raws[nxt][1]), fmt) is not None:
            break
        following.append(nxt)
        text += "".join(raws[nxt][1])
        candidates.append((name_of(text, fmt, after), tuple(following)))
    best, joined = candidates[0]
    for name, lines in candidates[1:]:
        pieces = [(_last_words(raws[i][1]),) if i == previous else raws[i][1] for i in lines]
        alone = max((_own_score(piece, fmt) for piece in pieces), default=0.0)
        if name is not None and name.score > max(best.score if best else 0.0, alone) + 0.02:
            best, joined = name, lines
    return best, joined, own_at if not joined else label_at


def _own_score(cells: tuple[str, ...], fmt: Format) -> float:
    """How well a line (or the piece of a label it ends with) names a row by itself: a
    piece of a label is joined to its neighbour only when together they name a row better
    than either does alone (a group's name printed before the piece is not the piece)."""
    names = [n.score for c in cells if c.strip() and not is_value(c) and (n := name_of(c, fmt)) is not None]
    return max(names, default=0.0)


def _last_words(cells: tuple[str, ...]) -> str:
    """The last cell with words in a line: where the first part of a label cut by a line break is."""
    return next((c for c in reversed(cells) if c.strip()), "")


def _words_only(cells: tuple[str, ...]) -> bool:
    """A line of words and no figures: a heading, or a piece of a label."""
    return any(c.strip() for c in cells) and not any(is_value(c) for c in cells)


def _regions(lines: list[Line], fmt: Format) -> list[Line]:
    """Each line with the table whose part of the document it is in: from a table's heading
    to the next heading; without headings, the table the nearest label before it names."""
    headed = any(line.kind == "marker" and line.values[0] == "表" for line in lines)
    out: list[Line] = []
    region = part = ""
    for line in lines:
        if line.kind == "marker":
            kind, key = line.values
            if kind == "表":
                region, part = key, ""
            elif kind == "块":
                region, part = fmt.tables[0].key if not headed else region or fmt.tables[0].key, key
            else:
                region = part = ""
        elif not headed and line.name is not None:
            region = line.name.table.key
        if not headed and line.name is not None and line.name.table.key == fmt.tables[0].key:
            part = line.name.block.key
        out.append(replace(line, region=region, part=part))
    if not headed:
        first = next((line.region for line in out if line.region), "")
        out = [replace(line, region=line.region or first) for line in out]
    return out
