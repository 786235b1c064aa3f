"""The text reader: .txt and Markdown, as agencies copy reports out of Word or a
web page (tab-separated table rows) or write them by hand (pipe tables, `#` headings).
"""

from __future__ import annotations

import re
from pathlib import Path

from .base import Reader, decode, file_bytes
from .document import Block, Document, Grid, Paragraph


class TextReader(Reader):
    extensions = (".txt", ".md", ".markdown")

    def read(self, path: Path) -> Document:
        return read_text(decode(file_bytes(path)))


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
    blocks: list[Block] = []
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
            blocks.append(Grid(tuple(rows), start + 1))
            continue
        if heading := _MD_HEADING.match(line):
            blocks.append(Paragraph(heading.group(2).rstrip().rstrip("#").rstrip(), len(heading.group(1)), index + 1))
            index += 1
            continue
        start, parts = index, []
        while index < len(lines) and lines[index].strip() and _table_line(lines[index]) is None and not _MD_HEADING.match(lines[index]):
            parts.append(lines[index].strip())
            index += 1
            if _starts_item(lines[index] if index < len(lines) else ""):
                break
        blocks.append(Paragraph("".join(parts), 0, start + 1))
    return Document(tuple(blocks))


def _next_is_table(lines: list[str], index: int) -> bool:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and _table_line(lines[index]) is not None


def _starts_item(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*+]\s|\d+[.、．]\s?)", line))
