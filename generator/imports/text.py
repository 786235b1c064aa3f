"""The text reader: .txt and Markdown, as agencies copy reports out of Word, a web page
or a PDF viewer, or write them by hand.

Tables come in three shapes, and each becomes a Grid of the rows as printed:
- tab-separated rows (Word, web pages) and Markdown pipe rows;
- columns aligned with spaces (`pdftotext -layout`): cells apart by two or more spaces;
- one cell per line in reading order (plain `pdftotext`, copying from a PDF viewer):
  numbers alone on their lines, labels apart from them.
Which label goes with which numbers is the placement's business, not the reader's:
the reader only keeps the lines of a table together and in order. Paragraphs a hard
line wrap cut are joined again; page numbers are dropped.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from .base import Reader, decode, file_bytes
from .document import Block, Document, Grid, Paragraph
from .labels import CHINESE_NUMERALS, is_value


class TextReader(Reader):
    extensions = (".txt", ".md", ".markdown")

    def read(self, path: Path) -> Document:
        return read_text(decode(file_bytes(path)))


_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
PAGE_NUMBER = re.compile(r"^(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
"""A page number as printed in a header or footer (-1-, - 2 -, 第 3 页, 3/5); a bare
number is not one: in a table copied cell by cell it is a figure."""
_SECTION_LIKE = re.compile(rf"^(?:[{CHINESE_NUMERALS}]+\s*、|[（(][{CHINESE_NUMERALS}]+[）)])")
_PROSE_END = tuple("。！？；：:!?;")
_GAP = re.compile(r" {2,}|\t")


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


def spaced_cells(line: str) -> tuple[str, ...] | None:
    """The cells of a line laid out with spaces: texts apart by two or more spaces, and
    numbers apart by any space; None for a line of one text (a paragraph's line)."""
    cells: list[str] = []
    for part in _GAP.split(line.strip()):
        words = part.split()
        if len(words) > 1 and all(is_value(word) for word in words):
            cells += words
        elif part:
            cells.append(part)
    if len(cells) >= 2 or (len(cells) == 1 and is_value(cells[0])):
        return tuple(cells)
    return None


def _has_figure(cells: Sequence[str]) -> bool:
    """Whether cells give a number with a digit: what starts a table laid out in text
    (a lone "—" or "无" may be a zero in a table, but does not make one)."""
    return any(is_value(cell) and any(ch.isdigit() for ch in cell) for cell in cells)


def _is_prose(line: str) -> bool:
    """A line of running text: it ends a sentence or a lead-in, or is longer than any label."""
    text = line.strip()
    return text.endswith(_PROSE_END) or _width(text) > 80


def _ends_run(line: str) -> bool:
    """Where a table laid out in text stops when it is grown over the lines around it:
    a paragraph's line, or a heading (一、… （二）…) that the next paragraph starts with."""
    text = line.strip()
    return _is_prose(line) or (bool(_SECTION_LIKE.match(text)) and spaced_cells(line) is None)


def _width(text: str) -> int:
    """Display width: a CJK character is two columns, as in the text it was laid out in."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def read_text(text: str) -> Document:
    """Paragraphs are separated by blank lines, or by where a hard-wrapped line stops short;
    a run of tab-separated lines is one grid, even when blank lines break it (a page break
    in the middle of a table); so is a run of lines laid out with spaces or one cell a line."""
    lines = text.replace("\f", "").split("\n")
    lines = ["" if PAGE_NUMBER.match(line.strip()) else line for line in lines]
    runs = _layout_runs(lines)
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if index in runs:
            end = runs[index]
            blocks.append(Grid(tuple(_layout_row(lines[i]) for i in range(index, end) if lines[i].strip()), index + 1))
            index = end
            continue
        if not line.strip():
            index += 1
            continue
        if _table_line(line) is not None:
            start, rows = index, list[tuple[str, ...]]()
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
        start = index
        while index < len(lines) and lines[index].strip() and index not in runs and _table_line(lines[index]) is None:
            if index > start and _MD_HEADING.match(lines[index]):
                break
            index += 1
        blocks += [Paragraph(body, 0, number) for number, body in _paragraphs(lines, start, index)]
    return Document(tuple(blocks))


def _layout_row(line: str) -> tuple[str, ...]:
    return spaced_cells(line) or (line.strip(),)


def _layout_runs(lines: list[str]) -> dict[int, int]:
    """The tables laid out in text, as {first line: line after the last}: runs of lines
    laid out with spaces or holding one figure, with the label lines between and
    around them, up to a paragraph or a heading. Tab-separated lines are left to the
    tab reader."""
    evidence = [i for i, line in enumerate(lines) if _table_line(line) is None and _has_figure(spaced_cells(line) or ())]
    runs: dict[int, int] = {}
    position = previous_end = 0
    while position < len(evidence):
        first = last = evidence[position]
        position += 1
        while position < len(evidence) and all(_joins(lines[i]) for i in range(last + 1, evidence[position])):
            last = evidence[position]
            position += 1
        start, end = first, last + 1
        while start > previous_end and _joins(lines[start - 1]) and not _ends_run(lines[start - 1]):
            start -= 1
        while end < len(lines) and _joins(lines[end]) and not _ends_run(lines[end]):
            end += 1
        while start < first and not lines[start].strip():
            start += 1
        while end > last + 1 and not lines[end - 1].strip():
            end -= 1
        runs[start] = previous_end = end
    return runs


def _joins(line: str) -> bool:
    """Whether a line can sit inside a table laid out in text: blank, laid out with spaces,
    or a label (not running text, not a tab-separated row)."""
    return _table_line(line) is None and (not line.strip() or spaced_cells(line) is not None or not _is_prose(line))


def _paragraphs(lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
    """The paragraphs of lines with no blank line between them, as (line number, text).
    A hard-wrapped paragraph fills its lines to the margin, so a line that stops well
    short of the others, ends a sentence, or a line indented further than the rest,
    starts a new paragraph; so does a list item."""
    chunk = lines[start:end]
    widths = [_width(line.strip().replace(" ", "")) for line in chunk]
    full = statistics.median(widths) if len(chunk) >= 3 else max(widths)
    indents = [len(line) - len(line.lstrip(" \u3000")) for line in chunk]
    base = min(indents)
    out: list[tuple[int, str]] = []
    for offset, line in enumerate(chunk):
        text = line.strip()
        previous = chunk[offset - 1].strip() if offset else ""
        new = (
            not out
            or previous.endswith(("。", "！", "？"))
            or widths[offset - 1] < 0.85 * full
            or indents[offset] > base + 1
            or _starts_item(line)
        )
        if new:
            out.append((start + offset + 1, text))
        else:
            out[-1] = (out[-1][0], out[-1][1] + text)
    return out


def _next_is_table(lines: list[str], index: int) -> bool:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and _table_line(lines[index]) is not None


def _starts_item(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*+]\s|\d+[.、．]\s?)", line))
