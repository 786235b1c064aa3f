"""What a report says about itself: the agency and the year in its title, the date it
was published in the metadata of the page it was saved from.

Titles are printed many ways: the agency before the year (测试县人民政府2022年政府
信息公开工作年度报告), the year first (2019年上海市…), the agency on a line of its own
above, behind a crawler's "标题：", or run into the first paragraph when a converter
lost the line break. The agency and the date are taken only from where the source says
them; what is not said is left empty for the editor.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

from .document import Document, Paragraph

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?")
_LABEL = re.compile(r"^\s*(?:文章)?标题\s*[:：]\s*")
_REPORT = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度)?报告")
_RUN_IN = re.compile(r"[^，。；、,;《》“”\n]{0,40}?(?:19|20)\d\d\s*年度?[^，。；、,;《》“”\n]{0,40}?(?:政府)?信息公开(?:工作)?年度报告")
"""A title at the start of a longer paragraph: no sentence punctuation before its end."""
_SENTENCE = re.compile(r"^[^（(【\[].*[。；，]")

OPENING = 8
"""How many blocks from the top a title is looked for in."""

PUBLISHED_LABELS = ("发布日期", "公开日期", "成文日期", "发文日期", "日期")
"""Metadata labels that date a page, the likeliest publication date first."""

AGENCY_LABELS = ("发布机构", "发文机关", "公开机构", "来源")


@dataclass(frozen=True)
class Title:
    """The agency name and year a title gives ("" and None when it gives none) and the
    blocks that are the title (left out of the narrative)."""

    agency: str = ""
    year: int | None = None
    blocks: frozenset[int] = frozenset()


def _clean(text: str) -> str:
    return _LABEL.sub("", text.replace("*", "")).strip(" 　#")


def find_title(document: Document) -> Title:
    """The title among the opening paragraphs: the first short one that names a year and a
    report; its agency before the year, else after a leading year, else the paragraph
    above it."""
    opening = [(i, b) for i, b in enumerate(document.blocks[:OPENING]) if isinstance(b, Paragraph)]
    for position, (index, block) in enumerate(opening):
        text = _clean(block.text)
        year = _YEAR.search(text)
        if not (year and "报告" in text and len(text) <= 80):
            continue
        name = text[: year.start()].strip(" 　")
        if not name and (report := _REPORT.search(text, year.end())):
            name = text[year.end() : report.start()].strip(" 　")
        used = {index}
        if not name and position > 0:
            previous_index, previous = opening[position - 1]
            name = _clean(previous.text)
            used.add(previous_index)
        return Title(name, int(year.group(1)), frozenset(used))
    return Title()


def split_run_in_title(document: Document) -> Document:
    """The document with a title that runs into the first paragraph ("…年度报告本报告依据…。")
    made a paragraph of its own. Only the first title-like paragraph is looked at, and only
    a sentence after it is split off (not a bracketed note such as "（2022年）")."""
    for index, block in enumerate(document.blocks[:OPENING]):
        if not isinstance(block, Paragraph):
            continue
        text = _LABEL.sub("", block.text).lstrip(" 　#")
        if match := _RUN_IN.match(text):
            rest = text[match.end() :].lstrip(" 　")
            if not _SENTENCE.search(rest):
                return document
            parts = (Paragraph(match.group(0), line=block.line), replace(block, text=rest))
            return replace(document, blocks=(*document.blocks[:index], *parts, *document.blocks[index + 1 :]))
    return document


_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str) -> datetime.date | None:
    """A date as pages print it (2023-01-18, 2023/1/18, 2023.01.18, 2023年1月18日, with or
    without a time after it); None for anything else or an impossible date."""
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def published(document: Document) -> tuple[datetime.date, str] | None:
    """The date the page says it was published, and the label that said so."""
    for label in PUBLISHED_LABELS:
        if (date := parse_date(document.meta(label))) is not None:
            return date, label
    return None
