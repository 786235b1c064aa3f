"""Import: a report an agency already published becomes what a content file holds.

A Document (see `document`) is read against the official formats: its title
gives the agency and the year, its table rows are matched to official rows by
their labels (`placement`, by meaning: full-width and half-width forms, spaces,
numbering and reworded labels are tolerated, the position of a cell is not
trusted, see `labels`), and its paragraphs become Markdown with the official
section headings (`narrative`). Nothing is invented: a row the source lacks is
left out (and `xxgk check` will ask for it), a published date it does not give
is left empty, and whatever cannot be placed is kept at the end of the
narrative under a visible note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..formats.schema import Format
from ..model import Value
from .document import Document, Paragraph, ReadError
from .labels import fold_cjk
from .narrative import build_narrative
from .placement import Placed, RowKey, choose_format, place_tables

__all__ = ["Imported", "Placed", "find_title", "import_document"]

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")

UNPLACED_NOTE = "> **导入说明**：以下内容在原文的统计表中，但未能对应到官方表格的行，原样保留在此；请核对后删除本段。\n>\n"


@dataclass(frozen=True)
class Imported:
    """What an import found in a document, and what it could not do."""

    agency_name: str
    year: int
    format: Format
    rows: Mapping[RowKey, Placed] = field(default_factory=dict)  # in the order found
    narrative: str = ""
    guesses: list[str] = field(default_factory=list)  # every fit not read as printed: confirmed by the arithmetic, or left out and why
    unplaced: list[str] = field(default_factory=list)  # table rows kept in the narrative's note

    def values(self) -> dict[str, dict[str, tuple[Value, ...]]]:
        """By front matter key, then row key, as `tables:` takes them."""
        out: dict[str, dict[str, tuple[Value, ...]]] = {}
        for placed in self.rows.values():
            out.setdefault(placed.table.front_matter_key, {})[placed.row.key] = placed.values
        return out

    def missing(self) -> list[str]:
        """The official rows the document did not give (totals, which are computed, aside)."""
        return [
            f"表{table.key}“{row.label}”"
            for table in self.format.tables
            for block in table.blocks
            for row in block.rows
            if not row.is_total and (table.key, row.key) not in self.rows
        ]


def folded(document: Document) -> Document:
    """The document with radicals and compatibility ideographs as the ideographs they stand
    for (⼈⺠ → 人民, as text taken from a PDF has them), so that labels and the agency's
    name match and the narrative reads right."""
    return Document(
        tuple(
            replace(b, text=fold_cjk(b.text)) if isinstance(b, Paragraph) else replace(b, rows=tuple(tuple(fold_cjk(c) for c in row) for row in b.rows))
            for b in document.blocks
        )
    )


def find_title(document: Document) -> tuple[str, int | None, set[int]]:
    """The agency name and year the title gives, and which opening paragraphs are the title."""
    opening = [(i, b) for i, b in enumerate(document.blocks[:8]) if isinstance(b, Paragraph)]
    for position, (index, block) in enumerate(opening):
        text = block.text.replace("*", "").strip()
        year = _YEAR.search(text)
        if year and "报告" in text and len(text) <= 80:
            name = text[: year.start()].strip(" 　#")
            used = {index}
            if not name and position > 0:
                previous_index, previous = opening[position - 1]
                name = previous.text.replace("*", "").strip(" 　#")
                used.add(previous_index)
            return name, int(year.group(1)), used
    return "", None, set()


def import_document(document: Document, year: int | None = None, agency_name: str | None = None) -> Imported:
    """Read a document as a report. Raises ReadError when it is not one."""
    document = folded(document)
    text = "".join(b.text if isinstance(b, Paragraph) else "".join("".join(r) for r in b.rows) for b in document.blocks)
    if "公开" not in text:
        raise ReadError("这不像政府信息公开工作年度报告（全文没有“公开”二字）")
    name, found_year, title = find_title(document)
    year = year or found_year
    if year is None:
        raise ReadError("无法从标题中识别报告年度：请用 --year 指定")
    fmt = choose_format(document, year)
    placement = place_tables(document, fmt)
    blocks = build_narrative(document, fmt, title | placement.used)
    if placement.unplaced:
        blocks.append(UNPLACED_NOTE + "\n".join(f"> - {line}" for line in placement.unplaced))
    narrative = "\n\n".join(blocks) + "\n"
    return Imported(agency_name or name, year, fmt, dict(placement.rows), narrative, list(placement.guesses), list(placement.unplaced))
