"""Read HTML tables the way a reader sees them: spans expanded into a full grid.

A test can then say "the cell under 自然人 in the row 1.属于国家秘密 is 3"
without caring how rowspan and colspan were used to draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    tag: str
    text: str
    attrs: dict[str, str]


@dataclass
class Table:
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)  # as written, spans not expanded
    classes: str = ""

    def headers_of(self, cell: Cell) -> list[str]:
        """The texts of the header cells a value cell names in its `headers` attribute."""
        by_id = {c.attrs["id"]: c.text for row in self.rows for c in row if "id" in c.attrs}
        return [by_id[i] for i in cell.attrs.get("headers", "").split()]

    def row_starting(self, label: str) -> list[Cell]:
        """The cells written in the row whose own label (its last header cell) is `label`."""
        for row in self.rows:
            heads = [c for c in row if c.tag == "th"]
            if heads and heads[-1].text == label:
                return row
        raise KeyError(label)

    def grid(self) -> list[list[str]]:
        """Every row with every column filled in, spanned cells repeated."""
        grid: dict[tuple[int, int], str] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in grid:
                    c += 1
                for dr in range(int(cell.attrs.get("rowspan", 1))):
                    for dc in range(int(cell.attrs.get("colspan", 1))):
                        grid[(r + dr, c + dc)] = cell.text
                c += int(cell.attrs.get("colspan", 1))
        height = max(r for r, _ in grid) + 1
        width = max(c for _, c in grid) + 1
        return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.cell: Cell | None = None
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.tables.append(Table(classes=values.get("class", "")))
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = Cell(tag, "", values)
            self.tables[-1].rows[-1].append(self.cell)
        elif tag == "caption":
            self.in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "caption":
            self.in_caption = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text += data.strip()
        elif self.in_caption:
            self.tables[-1].caption += data.strip()


def tables(html: str) -> list[Table]:
    parser = _Parser()
    parser.feed(html)
    return parser.tables


def table_captioned(html: str, caption: str) -> Table:
    return next(t for t in tables(html) if t.caption.startswith(caption))
