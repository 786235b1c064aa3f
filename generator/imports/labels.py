"""Labels and cells by meaning: how alike a cell is to an official row's label,
and what number a cell holds.

Published tables are retyped, reworded and re-encoded: full-width and
half-width forms, spaces, quotes, emphasis and numbering differ from the
official text. Everything that compares a cell with a label, or reads a cell
as a number, goes through here, so the tolerance is decided in one place.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from difflib import SequenceMatcher
from typing import TypeVar

from ..model import Value

F = TypeVar("F")
T = TypeVar("T")

MATCH = 0.8
"""How alike a cell and an official label must be (1.0: the same once normalised).
Reworded labels seen in published reports score 0.85–0.95; different rows of
one table score below 0.6."""

ZERO_MARKS = {"", "/", "-", "—", "——", "－", "–", "无", "0"}
"""What published tables put in a cell that means 0 (after NFKC normalisation)."""

CHINESE_NUMERALS = "一二三四五六七八九十"
"""The numerals of section and item numbering (一、 （二）)."""

_NUMBERING = re.compile(rf"^(?:[{CHINESE_NUMERALS}]+[、.]|\([{CHINESE_NUMERALS}]+\)|\d+[.、])")
_NUMBER = re.compile(r"^-?\d{1,15}(?:\.\d{1,8})?$")


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """One spelling for a label: half-width digits and brackets, no spaces, quotes or emphasis,
    radicals and compatibility ideographs as the ideographs they stand for."""
    text = unicodedata.normalize("NFKC", fold_cjk(text))
    return re.sub(r"[\s*#“”\"'‘’「」]", "", text)


# --- ideographs as PDFs spell them -------------------------------------------------------------

RADICALS = dict(
    zip(
        "⺀⺁⺂⺃⺄⺅⺆⺉⺊⺋⺎⺏⺐⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺫⺬⺭⺮⺯⺰⺱⺳⺴⺹⺺⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻈⻉⻋⻍⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
        "冫厂乛乚乙亻冂刂卜㔾兀尣尢巳幺彑彐忄㣺扌攵旡日月歺母民氵氺灬爫爫丬牛犭王罒示礻竹糹纟罓㓁㓁耂肀月臼艹艹艹虎衤覀西见角讠贝车辶阝钅長镸长门阝雨青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
    )
)
"""CJK Radicals Supplement characters and the ideographs they are drawn as (after Unicode's
EquivalentUnifiedIdeograph.txt): PDF fonts often map 民 长 门 见 to these, and NFKC keeps them."""

_FOLDED_BY_NFKC = re.compile("[\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
"""Kangxi radicals and CJK compatibility ideographs: NFKC gives the ideograph for these."""


def fold_cjk(text: str) -> str:
    """Text with radicals and compatibility ideographs replaced by the ideographs they stand
    for (⼈⺠ → 人民), and nothing else changed: full-width punctuation stays as it is, so
    this is safe on narrative text, unlike NFKC on the whole."""
    text = _FOLDED_BY_NFKC.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return text.translate(_RADICAL_TABLE) if any("\u2e80" <= c <= "\u2eff" for c in text) else text


_RADICAL_TABLE = str.maketrans(RADICALS)


@functools.lru_cache(maxsize=8192)
def split_label(text: str) -> tuple[str, str]:
    """(numbering, the rest): "(三)不予公开" → ("(三)", "不予公开"); "1.属于国家秘密" → ("1.", …)."""
    text = normalise(text)
    match = _NUMBERING.match(text)
    if not match:
        return "", text
    return match.group(0).replace("、", "."), text[match.end() :]


@functools.lru_cache(maxsize=65536)
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


# --- values -------------------------------------------------------------------------------


def per_format(compute: Callable[[F], T]) -> Callable[[F], T]:
    """`compute(fmt)` kept per format object: formats are module constants, and hashing one
    (a tree of frozen dataclasses) costs more than what is kept."""
    kept: dict[int, tuple[F, T]] = {}

    def cached(fmt: F) -> T:
        if id(fmt) not in kept:
            kept[id(fmt)] = (fmt, compute(fmt))
        return kept[id(fmt)][1]

    return functools.wraps(compute)(cached)


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
    """Whether a cell gives a number: what tells a data row from a header row (an
    empty cell counts as 0 in a data row, but gives nothing)."""
    return parse_value(cell, "money") is not None and cell.strip() != ""

