"""The PDF reader (.pdf, through pdfplumber): a report as published, its tables drawn
in ruling lines.

Tables are found from the lines a reader sees: WPS draws an invisible white box around
every line of text, and those are no table. A table that runs over a page break is
closed where its columns stop and joined to its continuation on the next page into
one grid; a merged cell keeps its text at its first position only (see `Grid.merged`).
The text around the tables is read a line at a time, the pages' headers, footers and
page numbers dropped, and lines joined into paragraphs where the text runs on to the
margin. A PDF whose pages hold no ruled table with figures is read from its text laid
out in columns instead (as `pdftotext -layout` gives it). A PDF with no text layer (a
scan) or whose text cannot be read (fonts without their character map) is refused,
with what to do instead.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import LibraryReader, file_bytes
from .document import Block, Document, Grid, Paragraph, ReadError
from .labels import is_value
from .text import PAGE_NUMBER, read_text

SCANNED = (
    "这是扫描版 PDF：页面只是图片，没有可提取的文字。请找到这份报告的 Word 或网页原文导入，"
    "或先用 OCR（文字识别）软件把 PDF 转成文字后再导入"
)
GARBLED = (
    "这个 PDF 的文字无法辨认：它的字体没有正确的字符编码，提取出来的是乱码。请找到这份报告的 Word 或网页原文导入，"
    "或先用 OCR（文字识别）软件把 PDF 转成文字后再导入"
)
BROKEN = "不是有效的 PDF 文件（可能已损坏、设了打开密码，或是改了扩展名的其他文件）"

_CID = re.compile(r"\(cid:\d+\)")
_MARGIN = 0.08
"""The share of a page's height, at its top and at its bottom, where headers and footers are."""


class PdfReader(LibraryReader):
    extensions = (".pdf",)
    library = "pdfplumber"
    package = "pdfplumber"

    def read(self, path: Path) -> Document:
        data = file_bytes(path)
        import pdfplumber  # loaded only when a PDF is read

        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                pages = [_page(page) for page in pdf.pages]
                _check_text(pages)
                if not any(_has_figures(table) for page in pages for table in page.tables):
                    return read_text("\n\n".join(_laid_out(page) for page in pdf.pages))
        except ReadError:
            raise
        except Exception:
            raise ReadError(BROKEN) from None
        return _document(pages)


@dataclass(frozen=True)
class TextLine:
    text: str
    x0: float
    x1: float
    top: float
    size: float  # the height of its characters


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    merged: frozenset[tuple[int, int]]
    top: float
    bottom: float


@dataclass(frozen=True)
class Page:
    """What a page gives: its lines of text outside the tables, its tables, its height, and
    counts of its characters (all, unreadable, CJK) to tell a readable PDF from a scan."""

    height: float
    lines: tuple[TextLine, ...]
    tables: tuple[Table, ...]
    chars: int
    unreadable: int
    cjk: int


def _check_text(pages: list[Page]) -> None:
    """Refuse a scan (no text layer) and a PDF whose text is gibberish (the characters a
    report is written in are not there, or are character ids without their map)."""
    chars = sum(p.chars for p in pages)
    if chars < 20:
        raise ReadError(SCANNED)
    if sum(p.unreadable for p in pages) > 0.05 * chars or sum(p.cjk for p in pages) < 0.2 * chars:
        raise ReadError(GARBLED)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff"


def _page(page: Any) -> Page:
    texts = [c["text"] for c in page.chars if c["text"].strip()]
    tables = _tables(page)
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    lines = tuple(
        TextLine(_CID.sub("\ufffd", line["text"]).strip(), line["x0"], line["x1"], line["top"], line["bottom"] - line["top"])
        for line in page.filter(outside).extract_text_lines(return_chars=False)
        if line["text"].strip()
    )
    return Page(
        page.height,
        lines,
        tuple(_table(t) for t in tables),
        len(texts),
        sum(1 for t in texts if _CID.fullmatch(t)),
        sum(1 for t in texts if _is_cjk(t)),
    )


def _laid_out(page: Any) -> str:
    """A page's text with the columns of its tables apart by wide gaps, as `pdftotext -layout`
    gives it (what the text reader takes): a gap wider than a character between two
    characters of a line is a cell's edge; a narrower one is a space or nothing."""
    out = []
    for line in page.extract_text_lines(return_chars=True):
        chars = sorted((c for c in line["chars"] if c["text"].strip()), key=lambda c: c["x0"])
        text = ""
        for previous, char in zip([None, *chars], chars):
            if previous is not None:
                gap = char["x0"] - previous["x1"]
                size = max(previous["size"], char["size"], 1.0)
                text += "    " if gap > 1.2 * size else " " if gap > 0.2 * size else ""
            text += char["text"]
        out.append(_CID.sub("\ufffd", text))
    return "\n".join(out)


def _visible(edge: dict[str, Any]) -> bool:
    """Whether an edge is drawn where a reader sees it: a stroke or a filled bar in a colour
    that is not white. A white box around a line of text is no ruling."""
    if edge.get("object_type", "").startswith("rect"):
        return (bool(edge.get("stroke")) and not _white(edge.get("stroking_color"))) or (
            bool(edge.get("fill")) and not _white(edge.get("non_stroking_color")) and min(edge.get("width", 9), edge.get("height", 9)) < 3
        )
    return not _white(edge.get("stroking_color"))


def _white(color: Any) -> bool:
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not color or not all(isinstance(v, int | float) for v in color):
        return False
    if len(color) == 4:  # CMYK
        return all(v <= 0.05 for v in color)
    return all(v >= 0.95 for v in color)


def _tables(page: Any) -> list[Any]:
    edges = [e for e in page.edges if _visible(e)]
    edges += _closing_edges(edges)
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    return [t for t in page.find_tables(settings) if len(t.rows) >= 1]


def _closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rulings where a table's columns stop without one: a table cut by a page
    break has no line under its last row (nor over its first row on the next page), and
    without it that row would not be read."""
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    out = []
    for end in ("top", "bottom"):
        for y, group in _clusters([(e[end], e) for e in vertical]):
            x0, x1 = min(e["x0"] for e in group), max(e["x1"] for e in group)
            if len(group) < 2 or any(abs(h["top"] - y) <= 2 and h["x0"] <= x0 + 2 and h["x1"] >= x1 - 2 for h in horizontal):
                continue
            out.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0, "orientation": "h", "object_type": "line_edge"})
    return out


def _clusters(items: list[tuple[float, dict[str, Any]]]) -> list[tuple[float, list[dict[str, Any]]]]:
    out: list[tuple[float, list[dict[str, Any]]]] = []
    for y, item in sorted(items, key=lambda pair: pair[0]):
        if out and y - out[-1][0] <= 2:
            out[-1][1].append(item)
        else:
            out.append((y, [item]))
    return out


def _table(found: Any) -> Table:
    """A found table's rows, a merged cell's text at its first position, the positions it
    covers listed as merged (pdfplumber gives None there)."""
    rows = found.extract()
    merged = frozenset((r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell is None)
    text = tuple(tuple(_CID.sub("\ufffd", cell or "").strip() for cell in row) for row in rows)
    return Table(text, merged, found.bbox[1], found.bbox[3])


def _has_figures(table: Table) -> bool:
    return any(is_value(cell) and any(ch.isdigit() for ch in cell) for row in table.rows for cell in row)


# --- the document: tables and paragraphs in reading order ----------------------------------------


def _document(pages: list[Page]) -> Document:
    furniture = _furniture(pages)
    items: list[TextLine | Table] = []
    breaks: set[int] = set()  # positions in items where a new page starts
    for page in pages:
        breaks.add(len(items))
        kept = [line for line in page.lines if not _is_furniture(line, page, furniture)]
        items += sorted([*kept, *page.tables], key=lambda item: item.top)
    body = [item for item in items if isinstance(item, TextLine)]
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0] if body else 0.0
    right = max((line.x1 for line in body), default=0.0)
    blocks: list[Block] = []
    for position, item in enumerate(items):
        if isinstance(item, Table):
            if _single_column(item):
                for text in (cell for row in item.rows for cell in row if cell):
                    blocks.append(Paragraph(text.replace("\n", "")))
            elif blocks and isinstance(blocks[-1], Grid) and position in breaks and position > 0 and isinstance(items[position - 1], Table):
                blocks[-1] = _joined(blocks[-1], item)
            else:
                blocks.append(Grid(item.rows, merged=item.merged))
            continue
        previous = items[position - 1] if position else None
        if isinstance(previous, TextLine) and blocks and isinstance(blocks[-1], Paragraph) and _continues(previous, item, left, right):
            blocks[-1] = Paragraph(blocks[-1].text + item.text)
        else:
            blocks.append(Paragraph(item.text))
    return Document(tuple(blocks))


def _furniture(pages: list[Page]) -> set[str]:
    """Texts in the top or bottom margin that repeat on most pages (digits aside): a running
    header or footer."""
    seen = Counter(
        re.sub(r"\d+", "#", line.text) for page in pages for line in page.lines if _in_margin(line, page)
    )
    return {text for text, count in seen.items() if count >= max(2, len(pages) // 2)}


def _in_margin(line: TextLine, page: Page) -> bool:
    return line.top < _MARGIN * page.height or line.top > (1 - _MARGIN) * page.height


def _is_furniture(line: TextLine, page: Page, furniture: set[str]) -> bool:
    if not _in_margin(line, page):
        return False
    text = line.text.replace(" ", "")
    return bool(PAGE_NUMBER.match(text)) or text.isdigit() or re.sub(r"\d+", "#", line.text) in furniture


def _single_column(table: Table) -> bool:
    return all(sum(1 for c, cell in enumerate(row) if (r, c) not in table.merged) <= 1 for r, row in enumerate(table.rows))


def _joined(grid: Grid, table: Table) -> Grid:
    offset = len(grid.rows)
    return Grid(grid.rows + table.rows, grid.line, grid.merged | {(r + offset, c) for r, c in table.merged})


def _continues(previous: TextLine, line: TextLine, left: float, right: float) -> bool:
    """Whether a line runs on from the one before: that one reached the right margin and
    this one starts at the left margin (a paragraph's first line is indented; a title is
    centred)."""
    size = max(previous.size, line.size, 1.0)
    return previous.x1 >= right - 1.5 * size and line.x0 <= left + 0.8 * size
