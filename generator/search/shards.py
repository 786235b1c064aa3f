"""Which reports are indexed together: a search index's shards, and for an archive the areas
and years they are cut by, with the scope the browser chooses shards by (see `index`)."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from ..model import PATH_SEPARATOR
from .documents import Indexable


class _Placed(Protocol):
    """What decides a document's shard."""

    @property
    def year(self) -> int: ...

    @property
    def agency_id(self) -> str: ...


D = TypeVar("D", bound=_Placed)


def areas(regions: Mapping[str, tuple[str, ...]]) -> tuple[dict[str, str], int]:
    """Each agency's area, by its id, and the depth at which areas are cut: the first level of
    region at which the agencies part (a nationwide archive's provinces, a province's cities,
    a city's counties). An agency above that level (a province's own government, in a province's
    portal) is an area of its own with its whole region; a body with no region is in the area ""."""
    paths = list(regions.values())
    common = 0
    while paths and common < len(paths[0]) and all(len(path) > common and path[common] == paths[0][common] for path in paths):
        common += 1
    depth = common + 1
    return {agency: PATH_SEPARATOR.join(region[:depth]) for agency, region in regions.items()}, depth


def shards(documents: Sequence[D], size: int, area_of: Mapping[str, str] | None = None) -> list[tuple[str, list[D]]]:
    """Group documents into indexing runs of at most about `size` reports, named by their years,
    oldest first; given each agency's area, by area and years, named by years and area.

    Consecutive years share a shard while they fit; a year larger than `size`
    is split by a hash of the agency id, so a report stays in the same shard
    from one build to the next.
    """
    if area_of is None:
        return _by_years(documents, size)
    by_area: dict[str, list[D]] = {}
    for doc in documents:
        by_area.setdefault(area_of.get(doc.agency_id, ""), []).append(doc)
    groups = [(f"{name}-{area_code(area)}", group) for area, docs in by_area.items() for name, group in _by_years(docs, size)]
    return sorted(groups, key=lambda pair: (pair[1][0].year, pair[1][-1].year, pair[0]))


def area_code(area: str) -> str:
    """An area as a shard's name holds it: short, plain ASCII, the same from build to build."""
    return hashlib.sha256(area.encode()).hexdigest()[:10]


def _by_years(documents: Sequence[D], size: int) -> list[tuple[str, list[D]]]:
    by_year: dict[int, list[D]] = {}
    for doc in documents:
        by_year.setdefault(doc.year, []).append(doc)
    groups: list[tuple[str, list[D]]] = []
    pending: list[D] = []

    def flush() -> None:
        if pending:
            first, last = pending[0].year, pending[-1].year
            groups.append((str(first) if first == last else f"{first}-{last}", list(pending)))
            pending.clear()

    for year in sorted(by_year):
        docs = by_year[year]
        if len(docs) > size:
            flush()
            parts = -(-len(docs) // size)
            members: list[list[D]] = [[] for _ in range(parts)]
            for d in docs:
                members[zlib.crc32(d.agency_id.encode()) % parts].append(d)
            groups += [(f"{year}-{part + 1}", group) for part, group in enumerate(members) if group]
            continue
        if len(pending) + len(docs) > size:
            flush()
        pending.extend(docs)
    flush()
    return groups


def scope(group: Sequence[Indexable], by_agency: Mapping[str, str]) -> dict[str, object]:
    """What a scoped shard holds, as the browser chooses shards by it: its first and last year,
    its area (its documents are all of one) and how many reports."""
    return {"years": [group[0].year, group[-1].year], "region": by_agency.get(group[0].agency_id, ""), "reports": len(group)}
