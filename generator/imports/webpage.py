"""The HTML reader: a report page saved from a government site (.html, .htm), its
paragraphs and its tables with merged cells laid out on a full grid; the site's
menus, forms and footers left out, and the page's metadata kept apart (see `chrome`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .base import Reader, decode, file_bytes
from .chrome import article
from .document import Block, Document, Grid, Paragraph
from .labels import is_value


class HtmlReader(Reader):
    extensions = (".html", ".htm")

    def read(self, path: Path) -> Document:
        return read_html(decode(file_bytes(path)))


_SKIPPED = {"script", "style", "head", "noscript", "nav", "aside", "footer", "form", "select", "button", "iframe", "menu"}
"""What a page holds besides its content: code, and the site's navigation, forms and footer."""

_BLOCK_TAGS = {"p", "div", "li", "br", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "title"}


class _PageParser(HTMLParser):
    """Paragraphs and tables of a report page saved from a government site.

    A table that holds another table is page layout, not data: its cells are
    read as paragraphs and only the inner table is a grid.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.heading = 0
        self.skip = 0  # inside script, style, head
        self.tables: list[list[list[tuple[str, int, int]]]] = []  # rows of (text, rowspan, colspan)
        self.layout: list[bool] = []  # per open table: a layout table
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def _in_grid(self) -> bool:
        return bool(self.tables) and not self.layout[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "table":
            if self.cell is not None:  # a table inside a cell: the outer one is layout
                self._become_layout()
            self._flush()
            self.tables.append([])
            self.layout.append(False)
        elif tag == "tr" and self._in_grid():
            self._close_cell()
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._in_grid():
            self._close_cell()
            if not self.tables[-1]:
                self.tables[-1].append([])  # a cell without <tr>
            values = dict(attrs)
            self.cell = []
            self.span = (_span(values.get("rowspan")), _span(values.get("colspan")))
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in _BLOCK_TAGS:
            if self.cell is not None:
                self._write("\n")  # a space in a data cell; a paragraph break if it is layout
            else:
                self._flush()
                if tag[0] == "h" and tag[1:].isdigit():
                    self.heading = int(tag[1:])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self._in_grid():
            self._close_cell()
        elif tag == "table" and self.tables:
            self._close_cell()
            rows, layout = self.tables.pop(), self.layout.pop()
            self._flush()
            if not layout:
                self.blocks.append(expand_spans(rows))
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in _BLOCK_TAGS:
            if self.cell is not None:
                self._write("\n")
            else:
                self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._write(data)

    def _close_cell(self) -> None:
        if self.cell is not None and self.tables and self.tables[-1]:
            text = re.sub(r"\s+", " ", "".join(self.cell)).replace("**", "").strip()
            self.tables[-1][-1].append((text, *self.span))
        self.cell = None

    def _become_layout(self) -> None:
        """The open table turns out to be layout: what it held so far becomes paragraphs."""
        pieces = "".join(self.cell or []).split("\n")
        self.cell = None
        for row in self.tables[-1]:
            for text, _, _ in row:
                if text:
                    self.blocks.append(Paragraph(text))
        self.tables[-1] = []
        self.layout[-1] = True
        for piece in pieces:
            self.text.append(piece)
            self._flush()

    def _write(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        elif not self._in_grid():
            self.text.append(text)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.text)).strip()
        text = re.sub(r"\*\*\s*\*\*", "", text)
        if text and text != "**":
            self.blocks.append(Paragraph(text, self.heading))
        self.text, self.heading = [], 0


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> Grid:
    """Rows with rowspan and colspan laid out on a full grid. A merged label is repeated
    in every position it covers (a group label names each row under it); a merged figure
    stands at its first position only, the others marked as merged (see `Grid`), so it
    is never read twice."""
    grid: dict[tuple[int, int], str] = {}
    merged: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            figure = is_value(text)
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered = dr or dc
                    grid[(r + dr, c + dc)] = "" if covered and figure else text
                    if covered and figure:
                        merged.add((r + dr, c + dc))
            c += colspan
    if not grid:
        return Grid(())
    width = max(c for _, c in grid) + 1
    return Grid(tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(rows))), merged=frozenset(merged))


def read_html(text: str) -> Document:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    while parser.tables:  # a table never closed: keep what it held
        parser.handle_endtag("table")
    parser._flush()
    return article(Document(tuple(parser.blocks)))
