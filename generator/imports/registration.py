"""The agencies an import knows, and a new one registered: found by its name, given a
readable id and a region inferred from its name (see `naming`, `regions`), its level
guessed from its name, and its registry entry written with a comment on each guess.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Agency
from .naming import new_agency_id, plain_name, same_name
from .regions import NOT_FOUND, Inferred, Region, RegionIndex, infer_region

LEVEL_HINTS = (("省人民政府", "省级"), ("市人民政府", "市级"), ("县人民政府", "县级"), ("区人民政府", "县级"),
               ("乡人民政府", "乡镇/街道"), ("镇人民政府", "乡镇/街道"), ("街道办事处", "乡镇/街道"))

COMMENT_AT = 40
"""The column registry comments start at (a Chinese character counts two)."""


def guess_level(name: str) -> str:
    """The level a name suggests (乡、镇 and 街道 without 人民政府 count too); 部门 otherwise."""
    for ending, level in LEVEL_HINTS:
        if name.endswith(ending):
            return level
    if name.endswith(("乡", "镇", "街道")):
        return "乡镇/街道"
    return "部门"


def registry_entry(agency_id: str, name: str, region: Region = ()) -> str:
    """Lines to append to agencies.yaml for a new agency: the region inferred, or left
    empty for `xxgk check` to ask for; both the region and the level marked for review."""
    if region:
        region_line = _commented(f"    region: {json.dumps(' / '.join(region), ensure_ascii=False)}", "由 xxgk import 推断，请核对")
    else:
        region_line = _commented("    region:", "请填写所属地区，如 “示例省 / 示例市 / 示例县”")
    return (
        f"  - id: {agency_id}\n"
        f"    name: {json.dumps(name, ensure_ascii=False)}\n"
        f"{region_line}\n"
        f"{_commented(f'    level: {guess_level(name)}', '由 xxgk import 按名称推测，请核对')}\n"
    )


def _commented(code: str, comment: str) -> str:
    width = sum(2 if ord(char) > 0x2E7F else 1 for char in code)
    return f"{code}{' ' * max(1, COMMENT_AT - width)}# {comment}"


@dataclass(frozen=True)
class NewAgency:
    """An agency an import registers: as it will be in the registry, its entry's lines,
    and how its region was found."""

    agency: Agency
    entry: str
    region: Inferred
    id_from_name: bool  # False when the editor chose the id (--agency)


class KnownAgencies:
    """The registry as a batch sees it, growing as the batch registers agencies, so that
    a later file of a new agency finds the entry an earlier one made (several years of
    one agency under one id). Mutable on purpose, and private to one batch: a name is
    looked up, and a region inferred, once per file, against indexes kept up to date
    here rather than rebuilt from the whole registry every time."""

    def __init__(self, agencies: Iterable[Agency], default_region: Region = ()) -> None:
        self.default_region = default_region
        self._by_id: dict[str, Agency] = {}
        self._by_name: dict[str, Agency] = {}
        self._regions = RegionIndex()
        for agency in agencies:
            self.add(agency)

    def add(self, agency: Agency) -> None:
        self._by_id.setdefault(agency.id, agency)
        self._by_name.setdefault(plain_name(agency.name), agency)
        if agency.region:
            self._regions.add(agency.region)

    def by_id(self, agency_id: str) -> Agency | None:
        return self._by_id.get(agency_id)

    def by_name(self, name: str) -> Agency | None:
        """The agency called `name`; or the only one whose name is `name` with places
        added or left out in front (see `naming.same_name`)."""
        plain = plain_name(name)
        if not plain:
            return None
        if plain in self._by_name:
            return self._by_name[plain]
        near = [a for known, a in self._by_name.items() if (known.endswith(plain) or plain.endswith(known)) and same_name(known, plain)]
        return near[0] if len(near) == 1 else None

    def new(self, name: str, agency_id: str | None = None) -> NewAgency:
        """A new agency called `name` (its id given, or made from its name), with its region
        inferred; not yet added (see `add`: only once its entry is written)."""
        chosen = agency_id or new_agency_id(name, self._by_id)
        region = infer_region(name, self._regions, self.default_region) if name else Inferred((), NOT_FOUND)
        agency = Agency(chosen, name or chosen, region.region, guess_level(name))
        return NewAgency(agency, registry_entry(agency.id, agency.name, region.region), region, agency_id is None)
