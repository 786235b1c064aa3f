"""The region of a new agency, inferred so that a report imported cleanly is clean.

A report never says which region its agency is in, yet the registry requires one:
before this, every new agency's import ended with an error for the editor to fill
in by hand. Most names say it (淮安市洪泽区人民政府): the places a name names are
looked up among the regions the registry already has, and the deepest one found
is taken, with the name's places below it (a new town under a known county).
Failing that, the portal's own `default_region` (site.yaml) is taken, with the
places of the name it does not have. Either way the import says what it inferred,
for the editor to review; when neither applies the region is left empty and
`xxgk check` asks for it, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .naming import split_name

Region = tuple[str, ...]


@dataclass(frozen=True)
class Inferred:
    """A region and how it was found, in Chinese for the import's notes; `region` is ()
    and `basis` says what to do when nothing could be inferred."""

    region: Region
    basis: str

    @property
    def found(self) -> bool:
        return bool(self.region)


NOT_FOUND = "未能推断：名称中的地名不在机关名录已有的地区中，content/site.yaml 也没有设置 default_region。请在 content/agencies.yaml 中填写 region，或在 site.yaml 中设置 default_region 后重新导入"


class RegionIndex:
    """The regions of the registry, every level of each (江苏省; 江苏省 / 淮安市; ...), by
    their last place: what a name is looked up in. It grows as a batch registers
    agencies, so a batch of a thousand new agencies does not rebuild it a thousand times."""

    def __init__(self, regions: Iterable[Region] = ()) -> None:
        self._by_place: dict[str, set[Region]] = {}
        for region in regions:
            self.add(region)

    def add(self, region: Region) -> None:
        for depth in range(len(region)):
            self._by_place.setdefault(region[depth], set()).add(region[: depth + 1])

    def match(self, name: str) -> Region | None:
        """The deepest region whose last place the name contains; when two different
        regions tie, the one more of whose places the name names; None when that still
        leaves two (the name does not say which one it is)."""
        named = [node for place, nodes in self._by_place.items() if place in name for node in nodes]
        if not named:
            return None

        def score(node: Region) -> tuple[int, int]:
            return len(node), sum(1 for place in node if place in name)

        best = max(score(node) for node in named)
        top = [node for node in named if score(node) == best]
        return top[0] if len(top) == 1 else None


def infer_region(name: str, known: RegionIndex, default: Region = ()) -> Inferred:
    """The region of a new agency called `name`: from the registry's regions (`known`)
    where the name names one of their places, else from `default`, else none."""
    places = split_name(name).places
    match = known.match(name)
    if match is not None:
        region = (*match, *_below(places, match[-1]))
        return Inferred(region, f"按名称中的“{match[-1]}”与机关名录中已有的地区推断，请核对")
    if default:
        region = (*default, *_below(places, *default))
        return Inferred(region, "按 content/site.yaml 的 default_region 和名称中的地名推断，请核对")
    return Inferred((), NOT_FOUND)


def _below(places: tuple[str, ...], *region: str) -> tuple[str, ...]:
    """The places of a name that lie below the deepest of `region` it names (all of them
    when it names none): 淮安市洪泽区岔河镇 below 淮安市 is 洪泽区, 岔河镇."""
    named = [index for index, place in enumerate(places) if place in region]
    return places[named[-1] + 1:] if named else places
