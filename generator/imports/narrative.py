"""The narrative: a document's paragraphs as Markdown, with the official section
headings as `##` and `###`, and paragraphs a page break cut joined again.

The statistics tables are not copied into the narrative: the site draws them
from the data under their own headings, so a grid that gave data and the
heading of a table section are left out (see `build_narrative`'s `skip`).
"""

from __future__ import annotations

import re
from collections.abc import Container
from difflib import SequenceMatcher

from ..formats.schema import Format
from .document import Document, Grid, Paragraph
from .labels import CHINESE_NUMERALS, MATCH, normalise, split_label

_TERMINAL = tuple("。！？；：…”’）)」』.!?;:")
_SECTION = re.compile(rf"^[{CHINESE_NUMERALS}]+、")
_SUBSECTION = re.compile(rf"^[（(][{CHINESE_NUMERALS}]+[）)]")
_ITEM = re.compile(rf"^(?:\d+[.、．]|[-*+]\s|[（(][{CHINESE_NUMERALS}\d]+[）)]|[{CHINESE_NUMERALS}]+、)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def _plain(text: str) -> str:
    """A heading's text without the emphasis and marks editors wrap headings in, its
    numbering in full-width brackets as the official headings have it."""
    text = text.strip().strip("#").strip()
    while text.startswith("**") and text.endswith("**") and len(text) > 4:
        text = text[2:-2].strip()
    return re.sub(rf"^[（(]\s*([{CHINESE_NUMERALS}]+)\s*[）)]\s*", r"（\1）", text)


def heading_level(block: Paragraph) -> int:
    """2 for 一、…, 3 for （一）…, 4 for any other heading the source marked; 0 for body text."""
    text = _plain(block.text)
    if len(text) <= 40 and not text.endswith("。"):
        if _SECTION.match(text):
            return 2
        if _SUBSECTION.match(text):
            return 3
        if block.heading:
            return 4
    return 0


def _is_table_heading(text: str, fmt: Format) -> bool:
    number, core = split_label(_plain(text))
    return any(number == f"{t.key}." and SequenceMatcher(None, core, normalise(t.title)).ratio() >= MATCH for t in fmt.tables)


def markdown_table(grid: Grid) -> str:
    """A grid that gave no data (an appendix, a list laid out as a table) as a Markdown
    table, kept in the narrative; "" when every row is blank."""
    rows = [row for row in grid.rows if any(c.strip() for c in row)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in (*cells, *("",) * (width - len(cells)))) + " |"

    return "\n".join([line(rows[0]), "| " + " | ".join("---" for _ in range(width)) + " |", *(line(r) for r in rows[1:])])


def build_narrative(document: Document, fmt: Format, skip: Container[int]) -> list[str]:
    """The paragraphs as Markdown blocks: official section headings as `##`, sub-sections
    as `###`, paragraphs broken by a page break joined again."""
    out: list[str] = []
    body_open = False  # the last block is a body paragraph that may continue
    for index, block in enumerate(document.blocks):
        if index in skip:
            continue
        if isinstance(block, Grid):
            if table := markdown_table(block):
                out.append(table)
            body_open = False
            continue
        level = heading_level(block)
        if level:
            if fmt.tables and level == 2 and _is_table_heading(block.text, fmt):
                body_open = False
                continue  # the tables are drawn from the data, under their own headings
            out.append("#" * level + " " + _plain(block.text))
            body_open = False
            continue
        text = block.text.strip()
        if body_open and _continues(out[-1], text):
            out[-1] += text
        else:
            out.append(text)
        body_open = True
    return out


def _continues(previous: str, text: str) -> bool:
    """Whether `text` is the rest of `previous`, cut by a page break mid-sentence."""
    return (
        len(previous) >= 20
        and not previous.rstrip("*").endswith(_TERMINAL)
        and not _ITEM.match(text.lstrip("*"))
        and not _DATE_LINE.match(text)
    )
