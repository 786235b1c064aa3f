"""Import: a report an agency already published becomes what a content file holds.

A Document (see `document`) is read against the official formats: its title
gives the agency and the year (the page's metadata the agency when the title does
not, and the date it was published, see `title`), its table rows are matched to official rows by
their labels (`placement`, by meaning: full-width and half-width forms, spaces,
numbering and reworded labels are tolerated, the position of a cell is not
trusted, see `labels`), and its paragraphs become Markdown with the official
section headings (`narrative`). Nothing is invented: a row the source lacks is
left out (and `xxgk check` will ask for it), a published date the page does not
give is left empty, and whatever cannot be placed is kept at the end of the
narrative under a visible note.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..formats.schema import Format
from ..model import Value
from .document import Document, Paragraph, ReadError
from .labels import fold_cjk
from .narrative import build_narrative
from .placement import Placed, RowKey, choose_format, place_tables
from .title import AGENCY_LABELS, find_title, published, split_run_in_title

__all__ = ["Imported", "Placed", "import_document"]

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
    published: datetime.date | None = None
    said_by: dict[str, str] = field(default_factory=dict)  # where the agency and the date were read ("agency", "published" → said where), if not from the title

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
    return replace(
        document,
        blocks=tuple(
            replace(b, text=fold_cjk(b.text)) if isinstance(b, Paragraph) else replace(b, rows=tuple(tuple(fold_cjk(c) for c in row) for row in b.rows))
            for b in document.blocks
        ),
        metadata=tuple((label, fold_cjk(value)) for label, value in document.metadata),
    )


def import_document(document: Document, year: int | None = None, agency_name: str | None = None) -> Imported:
    """Read a document as a report. Raises ReadError when it is not one."""
    document = split_run_in_title(folded(document))
    text = "".join(b.text if isinstance(b, Paragraph) else "".join("".join(r) for r in b.rows) for b in document.blocks)
    if "公开" not in text:
        raise ReadError("这不像政府信息公开工作年度报告（全文没有“公开”二字）")
    title = find_title(document)
    year = year or title.year
    if year is None:
        raise ReadError("无法从标题中识别报告年度：请用 --year 指定")
    said_by = {}
    name = agency_name or title.agency
    if not name:
        name, label = _agency_in_metadata(document)
        if name:
            said_by["agency"] = label
    date = published(document)
    if date is not None:
        said_by["published"] = date[1]
    fmt = choose_format(document, year)
    placement = place_tables(document, fmt)
    blocks = build_narrative(document, fmt, title.blocks | placement.used)
    if placement.unplaced:
        blocks.append(UNPLACED_NOTE + "\n".join(f"> - {line}" for line in placement.unplaced))
    narrative = "\n\n".join(blocks) + "\n"
    return Imported(
        name, year, fmt, dict(placement.rows), narrative, list(placement.guesses), list(placement.unplaced), date[0] if date else None, said_by
    )


def _agency_in_metadata(document: Document) -> tuple[str, str]:
    """The agency the page's metadata names, and the label it stands under; ("", "") when none."""
    return next(((document.meta(label), label) for label in AGENCY_LABELS if document.meta(label)), ("", ""))
