"""Readers for the files agencies already have: text, Markdown, HTML and Word.

Each reader turns a file into the same plain Document: paragraphs (with the
heading level the source gave, if any, and `**bold**` kept) and grids (tables
as rows of cell texts, merged cells repeated in every position they cover, as
a reader sees them). What the rows mean is the importer's business; here only
the shape of the source is read, the way Pelican keeps readers apart from
what is done with their output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: int = 0  # 1–6 when the source marks it as a heading, else 0
    line: int = 0  # where it starts in the source, when the source has lines


@dataclass(frozen=True)
class Grid:
    rows: tuple[tuple[str, ...], ...]
    line: int = 0


Block = Paragraph | Grid


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)


class ReadError(Exception):
    """The file cannot be read as a report; the message says why, in Chinese."""


SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"不支持的文件类型 “{path.suffix or '（无扩展名）'}”：可导入 .txt、.md、.html/.htm 和 .docx（.doc 请先在 Word 或 WPS 中另存为 .docx）")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("文件是空的")
    if suffix == ".docx":
        return read_docx(path)
    text = decode(data)
    if suffix in (".html", ".htm"):
        return read_html(text)
    return read_text(text)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which covers GBK and GB2312: the
    encodings Chinese Windows, Word's "plain text" and WPS save in."""
    if b"\x00" in data:
        raise ReadError("文件含有二进制内容（NUL 字节），不是文本文件：Word 文件请用 .docx 导入")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ReadError("无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030）：请在记事本或 WPS 中另存为 UTF-8")


# --- text and Markdown ------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _table_line(line: str) -> tuple[str, ...] | None:
    """The cells of a line that is a table row: tab-separated (a tab between two texts,
    or the trailing tabs of an extracted row; a tab-indented paragraph is not one),
    or a Markdown pipe row."""
    if "\t" in line.strip(" \t") or line.rstrip(" ").endswith("\t"):
        return tuple(cell.strip() for cell in line.split("\t"))
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return tuple(cell.strip() for cell in stripped[1:-1].split("|"))
    return None


def read_text(text: str) -> Document:
    """Paragraphs are separated by blank lines; a run of table lines is one grid,
    even when blank lines break it (a page break in the middle of a table)."""
    document = Document()
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if _table_line(line) is not None:
            start, rows = index, []
            while index < len(lines):
                cells = _table_line(lines[index])
                if cells is not None:
                    if not _PIPE_SEPARATOR.match(lines[index].strip()):
                        rows.append(cells)
                    index += 1
                elif not lines[index].strip() and _next_is_table(lines, index):
                    index += 1
                else:
                    break
            document.blocks.append(Grid(tuple(rows), start + 1))
            continue
        if heading := _MD_HEADING.match(line):
            document.blocks.append(Paragraph(heading.group(2).rstrip().rstrip("#").rstrip(), len(heading.group(1)), index + 1))
            index += 1
            continue
        start, parts = index, []
        while index < len(lines) and lines[index].strip() and _table_line(lines[index]) is None and not _MD_HEADING.match(lines[index]):
            parts.append(lines[index].strip())
            index += 1
            if _starts_item(lines[index] if index < len(lines) else ""):
                break
        document.blocks.append(Paragraph("".join(parts), 0, start + 1))
    return document


def _next_is_table(lines: list[str], index: int) -> bool:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and _table_line(lines[index]) is not None


def _starts_item(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*+]\s|\d+[.、．]\s?)", line))


# --- HTML ----------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "li", "br", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "title"}


class _HtmlReader(HTMLParser):
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
        if tag in ("script", "style", "head", "noscript"):
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
        if tag in ("script", "style", "head", "noscript"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self._in_grid():
            self._close_cell()
        elif tag == "table" and self.tables:
            self._close_cell()
            rows, layout = self.tables.pop(), self.layout.pop()
            self._flush()
            if not layout:
                self.blocks.append(Grid(expand_spans(rows)))
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


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> tuple[tuple[str, ...], ...]:
    """Rows with rowspan and colspan laid out on a full grid, a merged cell's
    text in every position it covers (as the reader sees it)."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
    if not grid:
        return ()
    width = max(c for _, c in grid) + 1
    return tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(rows)))


def read_html(text: str) -> Document:
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    while reader.tables:  # a table never closed: keep what it held
        reader.handle_endtag("table")
    reader._flush()
    return Document(reader.blocks)


# --- Word (.docx) ---------------------------------------------------------------------


def read_docx(path: Path) -> Document:
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph as DocxParagraph
    except ImportError:  # pragma: no cover - a dependency of xxgk
        raise ReadError("读取 .docx 需要 python-docx：请运行 make install") from None
    try:
        word = docx.Document(str(path))
    except Exception:
        raise ReadError("不是有效的 .docx 文件（可能已损坏，或是改了扩展名的其他文件）") from None
    document = Document()
    for item in word.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = "".join(f"**{run.text}**" if run.bold and run.text.strip() else run.text for run in item.runs).strip()
            text = re.sub(r"\*\*\s*\*\*", "", text)
            if text:
                style = (item.style.name if item.style is not None else "") or ""
                level = int(style.split()[-1]) if style.startswith("Heading") and style.split()[-1].isdigit() else 0
                document.blocks.append(Paragraph(text.replace("**", "") if level else text, min(level, 6)))
        elif isinstance(item, Table):
            rows = tuple(tuple(cell.text.strip() for cell in row.cells) for row in item.rows)
            document.blocks.append(Grid(rows))
    return document
