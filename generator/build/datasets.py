"""The data files made from every agency's figure rows: the Parquet dataset, a file per year.

Workers keep each report's figure rows in the cache's store (`units.Figures`). A year's
file is looked up, as a portal-wide page is, by the hash of what it is made from (the
rows of its reports, and pyarrow's version, which the file names); it is written again
only when a report of that year changed, from the rows read one report at a time, so
memory does not grow with the portal.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import defaultdict
from collections.abc import Iterator

from ..exports.figures import FigureRow
from ..exports.parquet import MISSING, parquet_bytes, pyarrow_missing, pyarrow_version
from ..site import urls
from .cache import BuildCache
from .units import UnitResult


def parquet_wanted(asked: bool) -> tuple[bool, str | None]:
    """Whether the build writes the dataset, and what it tells the editor: asked for in
    site.yaml (`parquet: true`) but pyarrow not installed, it says so and goes on."""
    if not asked:
        return False, None
    if pyarrow_missing():
        return False, MISSING
    return True, None


def parquet_digest(wanted: bool) -> str:
    """What the dataset adds to the build's inputs: whether it is made, and by which pyarrow."""
    return f"parquet {pyarrow_version()}" if wanted else ""


def parquet_outputs(done: list[UnitResult], cache: BuildCache, shared: str, clean: bool) -> tuple[dict[str, str], set[str]]:
    """Each year's file by output path → stored hash, and the cache keys they were found by."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for result in done:
        for figures in result.figures:
            by_year[figures.year].append(figures.output.digest)
    files: dict[str, str] = {}
    keys: set[str] = set()
    for year, digests in sorted(by_year.items()):
        key = hashlib.sha256(f"{shared}\0parquet\0{year}\0{''.join(digests)}".encode()).hexdigest()
        found = None if clean else cache.page(key)
        if found is None or not cache.has_objects([found[1]]):
            found = (urls.parquet(year).output, cache.store(parquet_bytes(_rows(cache, digests))))
            cache.put_page(key, found)
        files[found[0]] = found[1]
        keys.add(key)
    return files, keys


def figure_objects(done: list[UnitResult]) -> set[str]:
    """The stored rows the next build may take again: kept when the cache is pruned."""
    return {figures.output.digest for result in done for figures in result.figures}


def _rows(cache: BuildCache, digests: list[str]) -> Iterator[FigureRow]:
    for digest in digests:
        with open(cache.object_path(digest), "rb") as file:
            plain = pickle.load(file)
        yield from (FigureRow(*row) for row in plain)
