"""Import: a report an agency already published becomes a content file.

A Document (see `documents`) is read against the official formats: its title
gives the agency and the year, its table rows are matched to official rows by
their labels (by meaning: full-width and half-width forms, spaces, numbering
and reworded labels are tolerated, the position of a cell is not trusted), and
its paragraphs become Markdown with the official section headings. Nothing is
invented: a row the source lacks is left out (and `xxgk check` will ask for
it), a published date it does not give is left empty, and whatever cannot be
placed is kept at the end of the narrative under a visible note.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from ..formats import FORMATS, Block, Format, Row, Table, format_for_year
from ..model import Value
from .document import Document, Grid, Paragraph, ReadError

MATCH = 0.8
"""How alike a cell and an official label must be (1.0: the same once normalised).
Reworded labels seen in published reports score 0.85–0.95; different rows of
one table score below 0.6."""

ZERO_MARKS = {"", "/", "-", "—", "——", "－", "–", "无", "0"}
"""What published tables put in a cell that means 0 (after NFKC normalisation)."""

_CHINESE_NUMBER = "一二三四五六七八九十"
_NUMBERING = re.compile(rf"^(?:[{_CHINESE_NUMBER}]+[、.]|\([{_CHINESE_NUMBER}]+\)|\d+[.、])")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_NUMBER = re.compile(r"^-?\d{1,15}(?:\.\d{1,8})?$")


@dataclass(frozen=True)
class Placed:
    """A table row as found: the official row it is, and its values in column order."""

    table: Table
    block: Block
    row: Row
    values: tuple[Value, ...]


@dataclass
class Imported:
    """What an import found in a document, and what it could not do."""

    agency_name: str
    year: int
    format: Format
    rows: dict[tuple[str, str], Placed] = field(default_factory=dict)  # (table key, row key)
    narrative: str = ""
    guesses: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

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


# --- labels --------------------------------------------------------------------------


def normalise(text: str) -> str:
    """One spelling for a label: half-width digits and brackets, no spaces, quotes or emphasis."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*#“”\"'‘’「」]", "", text)


def split_label(text: str) -> tuple[str, str]:
    """(numbering, the rest): "(三)不予公开" → ("(三)", "不予公开"); "1.属于国家秘密" → ("1.", …)."""
    text = normalise(text)
    match = _NUMBERING.match(text)
    if not match:
        return "", text
    return match.group(0).replace("、", "."), text[match.end() :]


def likeness(cell: str, label: str) -> float:
    """How surely `cell` names the row labelled `label`."""
    cell_number, cell_core = split_label(cell)
    label_number, label_core = split_label(label)
    if not cell_core:
        return 0.0
    score = 1.0 if cell_core == label_core else SequenceMatcher(None, cell_core, label_core).ratio()
    if cell_number and label_number:
        score += 0.05 if cell_number == label_number else -0.3
    return score


# --- values --------------------------------------------------------------------------


def parse_value(cell: str, kind: str) -> Value | None:
    """A cell as a number, 0 for the marks that mean none, None when it is text."""
    text = unicodedata.normalize("NFKC", cell).strip().replace(",", "").replace(" ", "")
    if text in ZERO_MARKS:
        return 0
    if not _NUMBER.match(text):
        return None  # words, and forms Decimal takes but no table prints (1e9, Infinity, NaN)
    number = Decimal(text)
    if kind == "money":
        return number
    if number == number.to_integral_value():
        return int(number)
    return None


def is_value(cell: str) -> bool:
    return parse_value(cell, "money") is not None and cell.strip() != ""


# --- the title ------------------------------------------------------------------------


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


# --- tables ---------------------------------------------------------------------------


def choose_format(document: Document, year: int) -> Format:
    """The format the document's tables are in: the one whose labels they match best,
    the year's own on a tie; free-form when it has no tables of either."""
    grids = [b for b in document.blocks if isinstance(b, Grid)]
    votes = {fid: sum(1 for grid in grids for row in grid.rows if _best_row(FORMATS[fid], row)[0] is not None) for fid in ("2021", "2019")}
    if max(votes.values()) < 3:
        return format_for_year(year)  # from 2019 on, tables are due: `xxgk check` asks for them
    by_year = format_for_year(year)
    if by_year.id in votes and votes[by_year.id] >= max(votes.values()):
        return by_year
    return FORMATS[max(votes, key=lambda fid: votes[fid])]


def _rows(fmt: Format) -> list[tuple[Table, Block, Row]]:
    return [(table, block, row) for table in fmt.tables for block in table.blocks for row in block.rows]


def _best_row(fmt: Format, cells: tuple[str, ...], after: int = -1) -> tuple[tuple[Table, Block, Row] | None, int]:
    """The official row a table row names, and the index of the cell naming it.
    Only rows with a number name a row (others are headers); among equals the
    first official row after `after` (rows come in official order) wins."""
    if not any(is_value(c) for c in cells):
        return None, -1
    best: tuple[float, int, int] | None = None  # (score, order preference, cell index)
    found: tuple[Table, Block, Row] | None = None
    candidates = _rows(fmt)
    for cell_index, cell in enumerate(cells):
        if not cell.strip() or is_value(cell):
            continue
        for order, candidate in enumerate(candidates):
            score = likeness(cell, candidate[2].label)
            if score < MATCH:
                continue
            key = (round(score, 3), 1 if order > after else 0, cell_index)
            if best is None or key > best:
                best, found = key, candidate
    return found, (best[2] if best else -1)


def read_values(cells: tuple[str, ...], block: Block, label: str, guesses: list[str]) -> tuple[Value, ...]:
    """The values after a row's label, fitted to the block's columns; every fit that
    is not certain is told in `guesses`."""
    columns, required = block.columns, block.required_columns
    kinds = [c.kind for c in columns]
    seq = list(cells)
    while seq and not seq[0].strip():
        seq.pop(0)
    cells_given = len(seq)  # a blank total still has its cell
    while seq and not seq[-1].strip():
        seq.pop()
    leading = len(cells) - cells_given
    parsed = [parse_value(c, kinds[min(i, len(kinds) - 1)]) for i, c in enumerate(seq)]
    values = tuple(v for v in parsed if v is not None)
    if len(values) != len(parsed):
        guesses.append(f"“{label}”：有不是数字的单元格，已略过（{' | '.join(seq)}）")
    if len(values) == len(columns):
        return values
    if len(values) == len(required):
        if cells_given < len(columns):
            guesses.append(f"“{label}”：{len(values)} 个数对应 {len(columns)} 列，按最后的总计列空白处理（总计由程序计算并核对）")
        return values
    if len(values) + leading in (len(columns), len(required)):
        guesses.append(f"“{label}”：前面 {leading} 个空白单元格按 0 计")
        return (0,) * leading + values
    if len(values) > len(columns):
        guesses.append(f"“{label}”：有 {len(values)} 个数，但只有 {len(columns)} 列，取前 {len(columns)} 个（{' | '.join(seq)}）")
        return values[: len(columns)]
    guesses.append(f"“{label}”：只有 {len(values)} 个数，应有 {len(required)} 个，已照录，请补全")
    return values


def place_tables(document: Document, fmt: Format, imported: Imported) -> set[int]:
    """Fill `imported.rows` from the document's grids; returns the grids used."""
    used: set[int] = set()
    if not fmt.tables:
        return used
    order = _rows(fmt)
    last = -1
    appeals = fmt.table("四")
    for index, block in enumerate(document.blocks):
        if not isinstance(block, Grid):
            continue
        matched_here = 0
        leftovers: list[tuple[str, ...]] = []
        for cells in block.rows:
            found, at = _best_row(fmt, cells, last)
            if found is None:
                if _label_free_appeals(cells, appeals, imported):
                    matched_here += 1
                elif any(is_value(c) for c in cells) or not _is_header(cells, fmt):
                    leftovers.append(cells)
                continue
            table, part, row = found
            if (table.key, row.key) in imported.rows:
                imported.guesses.append(f"表{table.key}“{row.label}”出现了两次，只用了第一次；另一次保留在正文末尾")
                leftovers.append(cells)
                continue
            values = read_values(cells[at + 1 :], part, row.label, imported.guesses)
            imported.rows[(table.key, row.key)] = Placed(table, part, row, values)
            last = order.index(found)
            matched_here += 1
        if matched_here:
            used.add(index)
            imported.unplaced += [" | ".join(c for c in cells if c.strip()) for cells in leftovers if any(c.strip() for c in cells)]
    return used


def _label_free_appeals(cells: tuple[str, ...], table: Table, imported: Imported) -> bool:
    """Table 四 is printed as header rows over one line of bare numbers: review, then
    the two kinds of lawsuit, five columns each (four when the totals are blank)."""
    values = [c for c in cells if c.strip()]
    rows = [(block, row) for block in table.blocks for row in block.rows]
    if not values or not all(is_value(c) for c in values) or any((table.key, row.key) in imported.rows for _, row in rows):
        return False
    for width in (len(rows[0][0].columns), len(rows[0][0].required_columns)):
        if len(values) == width * len(rows):
            for number, (block, row) in enumerate(rows):
                chunk = tuple(values[number * width : (number + 1) * width])
                imported.rows[(table.key, row.key)] = Placed(table, block, row, tuple(parse_value(c, "count") or 0 for c in chunk))
            return True
    return False


def _is_header(cells: tuple[str, ...], fmt: Format) -> bool:
    """A row of headings only: every text is a label the official table prints."""
    labels = {normalise(text) for text in _printed_labels(fmt)}
    texts = [c for c in cells if c.strip()]
    return bool(texts) and all(
        normalise(c) in labels or any(likeness(c, label) >= MATCH for label in labels) for c in texts
    )


def _printed_labels(fmt: Format) -> list[str]:
    labels = ["信息内容", "申请人情况", "总计"]
    for table in fmt.tables:
        labels += [table.heading, table.title, table.corner, table.column_title]
        for block in table.blocks:
            labels += [block.title, block.column_heading, *(c.label for c in block.columns), *(c.group or "" for c in block.columns)]
            for row in block.rows:
                labels += [*row.parents, row.label]
    return [label for label in labels if label]


# --- the narrative -------------------------------------------------------------------

_TERMINAL = tuple("。！？；：…”’）)」』.!?;:")
_SECTION = re.compile(rf"^[{_CHINESE_NUMBER}]+、")
_SUBSECTION = re.compile(rf"^[（(][{_CHINESE_NUMBER}]+[）)]")
_ITEM = re.compile(rf"^(?:\d+[.、．]|[-*+]\s|[（(][{_CHINESE_NUMBER}\d]+[）)]|[{_CHINESE_NUMBER}]+、)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def _plain(text: str) -> str:
    """A heading's text without the emphasis and marks editors wrap headings in, its
    numbering in full-width brackets as the official headings have it."""
    text = text.strip().strip("#").strip()
    while text.startswith("**") and text.endswith("**") and len(text) > 4:
        text = text[2:-2].strip()
    return re.sub(rf"^[（(]\s*([{_CHINESE_NUMBER}]+)\s*[）)]\s*", r"（\1）", text)


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
    rows = [row for row in grid.rows if any(c.strip() for c in row)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in (*cells, *("",) * (width - len(cells)))) + " |"

    return "\n".join([line(rows[0]), "| " + " | ".join("---" for _ in range(width)) + " |", *(line(r) for r in rows[1:])])


def build_narrative(document: Document, fmt: Format, skip: set[int]) -> list[str]:
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


# --- the whole document ------------------------------------------------------------------


def import_document(document: Document, year: int | None = None, agency_name: str | None = None) -> Imported:
    """Read a document as a report. Raises ReadError when it is not one."""
    text = "".join(b.text if isinstance(b, Paragraph) else "".join("".join(r) for r in b.rows) for b in document.blocks)
    if "公开" not in text:
        raise ReadError("这不像政府信息公开工作年度报告（全文没有“公开”二字）")
    name, found_year, title = find_title(document)
    year = year or found_year
    if year is None:
        raise ReadError("无法从标题中识别报告年度：请用 --year 指定")
    fmt = choose_format(document, year)
    imported = Imported(agency_name or name, year, fmt)
    used = place_tables(document, fmt, imported)
    blocks = build_narrative(document, fmt, title | used)
    if imported.unplaced:
        note = "> **导入说明**：以下内容在原文的统计表中，但未能对应到官方表格的行，原样保留在此；请核对后删除本段。\n>\n"
        blocks.append(note + "\n".join(f"> - {line}" for line in imported.unplaced))
    imported.narrative = "\n\n".join(blocks) + "\n"
    return imported


# --- a new agency ---------------------------------------------------------------------

LEVEL_HINTS = (("省人民政府", "省级"), ("市人民政府", "市级"), ("县人民政府", "县级"), ("区人民政府", "县级"),
               ("乡人民政府", "乡镇/街道"), ("镇人民政府", "乡镇/街道"), ("街道办事处", "乡镇/街道"))


def guess_level(name: str) -> str:
    """The level a name suggests (乡、镇 and 街道 without 人民政府 count too); 部门 otherwise."""
    for ending, level in LEVEL_HINTS:
        if name.endswith(ending):
            return level
    if name.endswith(("乡", "镇", "街道")):
        return "乡镇/街道"
    return "部门"


def registry_entry(agency_id: str, name: str) -> str:
    """Lines to append to agencies.yaml for a new agency. The region is not in a
    report, so it is left empty for `xxgk check` to ask for."""
    return (
        f"  - id: {agency_id}\n"
        f"    name: {json.dumps(name, ensure_ascii=False)}\n"
        "    region:                               # 请填写所属地区，如 “示例省 / 示例市 / 示例县”\n"
        f"    level: {guess_level(name)}{' ' * max(1, 32 - len(guess_level(name)) * 2)}# 由 xxgk import 按名称推测，请核对\n"
    )
