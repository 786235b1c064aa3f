"""The official report formats, as data.

Everything that knows an official label, a row key, a column or an arithmetic
rule reads it from here: validation, rendering, the JSON export, `xxgk new`
and the importer. Nothing else in the code base spells a label.

Sources: 国办公开办函〔2019〕60号 (reports for 2019 and 2020) and
国办公开办函〔2021〕30号 (reports for 2021 on). Reports for 2008–2018 follow no
national table format and are "freeform".

Terms used below:
- a *table* is one of the numbered tables 二、三、四;
- a *block* is a part of a table with its own columns (table 二 has one block
  per 第二十条 item, table 四 one block for 行政复议 and one for 行政诉讼);
- a *row* has a short ASCII key that editors type in front matter, its
  official label and the labels of the groups it sits in (its `parents`);
- a *column* is a value position; editors give values in column order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..model import RuleSpec

ValueKind = Literal["count", "money", "delta"]
"""count: non-negative integer; money: non-negative amount (万元), at most
4 decimals; delta: an integer that may be negative (本年增/减)."""

Layout = Literal["stacked", "matrix", "wide"]
"""How a table is drawn to read like the printed form:
stacked: blocks one under another, each with a title row (table 二);
matrix:  one block, grouped column headers, nested row labels (table 三);
wide:    every row of every block side by side in one line (table 四)."""

FREEFORM = "freeform"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ValueKind = "count"
    group: str | None = None  # a header cell spanning neighbouring columns
    is_total: bool = False  # may be omitted by the editor, then computed


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    parents: tuple[str, ...] = ()
    is_total: bool = False  # may be omitted by the editor, then computed

    @property
    def path(self) -> tuple[str, ...]:
        return (*self.parents, self.label)


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    column_heading: str = "信息内容"  # the header of the label column (table 二)

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.is_total)


@dataclass(frozen=True)
class BlockRule:
    """A rule over the figures of one block of a table: its catalogue entry (id and
    severity), where it applies, and what a breach says. The kinds below add, by
    keyword, what they compare."""

    spec: RuleSpec
    table: str
    block: str
    message: str


@dataclass(frozen=True)
class RowTotal(BlockRule):
    """In every row of a block, the total column equals the sum of the others."""


@dataclass(frozen=True, kw_only=True)
class ColumnTotal(BlockRule):
    """In every column of a block, the total row equals the sum of `parts`."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Balance(BlockRule):
    """In every column of a block, sum(left rows) equals sum(right rows)."""

    left: tuple[str, ...]
    right: tuple[str, ...]


Rule = RowTotal | ColumnTotal | Balance


@dataclass(frozen=True, kw_only=True)
class CarryOver(BlockRule):
    """Across years: this year's `row` equals last year's `previous_row`, column by column."""

    row: str
    previous_row: str


@dataclass(frozen=True, kw_only=True)
class Continuity(BlockRule):
    """Across years: `column` of a row = last year's + `added` − `removed` (a plausibility check)."""

    column: str
    added: str
    removed: str


CrossYearRule = CarryOver | Continuity


@dataclass(frozen=True)
class Table:
    key: str  # the section number, 二/三/四
    title: str
    front_matter_key: str  # the key editors type under `tables:`
    layout: Layout
    blocks: tuple[Block, ...]
    corner: str = ""  # text in the top-left header cell (matrix)
    column_title: str = ""  # a header spanning all value columns (matrix)

    def block(self, key: str) -> Block:
        return next(b for b in self.blocks if b.key == key)

    @property
    def heading(self) -> str:
        return f"{self.key}、{self.title}"


@dataclass(frozen=True)
class KeyFigure:
    """A figure shown for every report on the agency and year index pages."""

    key: str
    label: str
    table: str
    block: str
    row: str
    column: str


@dataclass(frozen=True)
class Format:
    id: str
    name: str
    document: str  # the circular that defines it
    first_year: int
    last_year: int | None
    tables: tuple[Table, ...] = ()
    rules: tuple[Rule, ...] = ()
    key_figures: tuple[KeyFigure, ...] = ()
    sections: tuple[str, ...] = field(default=())  # narrative headings in order

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)
