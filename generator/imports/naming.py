"""What an agency's name says: the places it names, a readable id made from them, and
whether two spellings of a name are one agency.

A folder of published reports is mostly of agencies the registry does not know
yet, so `xxgk import` must name them itself: an id an editor can read and type
(淮安市洪泽区人民政府 → `huaian-hongze`), made from the name in pinyin, unique in
the registry. The same reading of the name finds the places a new agency's region
is made of (see `regions`), and lets "洪泽区人民政府" in one year's title and
"淮安市洪泽区人民政府" in the next be the same agency.

Names are read by a few rules, not a gazetteer: a place is two or more
characters followed by an administrative unit (省, 市, 区, 县, 乡, 镇, 街道, ...), or one
and 县; what follows the places is the body (教育局), with 人民政府 and 办事处 dropped.
A name the rules misread gives a clumsy id, never a wrong report: the editor
reviews every new entry, and `--agency` chooses the id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

UNITS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "街道", "省", "市", "区", "县", "旗", "盟", "州", "乡", "镇")
"""Administrative units a place name ends with, longest first so 自治区 wins over 区."""

_PLACE = re.compile(r"[\u4e00-\u9fff]县|[\u4e00-\u9fff]{2,}?(?:" + "|".join(UNITS) + ")")
"""A place: two or more characters and a unit, or one and 县 (沛县, 易县: counties are the
units with one-character names), tried first so that 沛县龙固镇 is 沛县 and 龙固镇."""

NOT_PLACES = ("城乡", "市场", "市政", "市民", "市容", "区域", "县域", "乡村")
"""Words with a unit's character in them that start a department's name, not a place:
住房和城乡建设局 is no 住房和城乡, 农贸市场管理所 no 农贸市."""

GOVERNMENT = ("人民政府", "政府", "办事处")
"""What follows the places in the name of a government as a whole: no part of its id."""

FALLBACK_ID = "jiguan"


@dataclass(frozen=True)
class NameParts:
    """A name read: its places as written ("淮安市", "洪泽区"), outermost first, and the
    body after them, without 人民政府 ("" for a government, "教育局" for a department)."""

    places: tuple[str, ...]
    body: str


@lru_cache(maxsize=4096)
def split_name(name: str) -> NameParts:
    """The places and the body of an agency's name (cached: a batch reads a name for each
    of its files and for each registered agency it is compared with)."""
    text = plain_name(name)
    places: list[str] = []
    while (match := _PLACE.match(text)) and not _not_a_place(text, match):
        places.append(match.group(0))
        text = text[match.end():]
    for word in GOVERNMENT:
        if text.startswith(word):
            text = text[len(word):]
            break
    return NameParts(tuple(places), text)


def _not_a_place(text: str, match: re.Match[str]) -> bool:
    """Whether a place-like start is a department's word instead (see NOT_PLACES)."""
    end = match.end()
    around = text[end - 2: end + 1]
    return any(word in around for word in NOT_PLACES)


def plain_name(name: str) -> str:
    """The name as compared: full-width letters and digits folded, spaces dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def bare(place: str) -> str:
    """A place without its unit (洪泽区 → 洪泽), except a one-character name (沛县 stays 沛县)."""
    for unit in UNITS:
        if place.endswith(unit) and len(place) - len(unit) >= 2:
            return place[: -len(unit)]
    return place


def pinyin(text: str) -> str:
    """`text` in toneless pinyin, lower-case ASCII letters and digits only (ü is v)."""
    # Imported here, not with the module: loading pypinyin's dictionaries takes about half a
    # second, which every command would pay (the command line imports the importer), and only
    # an import that registers agencies needs it.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: chars)
    return re.sub(r"[^a-z0-9]", "", "".join(syllables).lower())


def base_id(name: str) -> str:
    """The id a name suggests: each place without its unit and the body, in pinyin,
    joined by hyphens (淮安市洪泽区人民政府 → huaian-hongze; 淮安市教育局 → huaian-jiaoyuju)."""
    parts = split_name(name)
    words = [pinyin(bare(place)) for place in parts.places] + ([pinyin(parts.body)] if parts.body else [])
    return "-".join(word for word in words if word) or FALLBACK_ID


def new_agency_id(name: str, taken: Collection[str]) -> str:
    """A readable id for a new agency, unique among `taken`: the name's own, else with -2, -3 ..."""
    base = base_id(name)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def same_name(a: str, b: str) -> bool:
    """Whether two names are one agency's: equal once spaces and full-width forms are set
    aside, or equal but for places the longer one puts in front (淮安市洪泽区人民政府 and
    洪泽区人民政府: reports of one agency name it with or without its city, year by year)."""
    a, b = plain_name(a), plain_name(b)
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if not shorter or not longer.endswith(shorter) or not split_name(shorter).places:
        return False
    prefix = split_name(longer[: -len(shorter)])
    return bool(prefix.places) and not prefix.body
