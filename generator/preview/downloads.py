"""The data downloads (/data/) in the preview: made when one is asked for, by the build's own stage.

Most saves never need them, so they are not made with every refresh: the first
request under data/ after a save makes them, from the parts the preview keeps.
An agency's rows are made again only when its part is a new object (its folder,
or the settings, changed); the files are joined by `build.data`, the build's
own stage, into a cache folder of the preview's own, deleted when it stops.
So the preview serves the bytes `xxgk build` would write.
"""

from __future__ import annotations

import datetime
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build.cache import BuildCache
from ..build.data import export_data
from ..build.part import AgencyPart
from ..build.units import Output, UnitResult
from ..exports.fragments import agency_fragments, pack
from ..exports.workbook import MONEY_STYLE
from ..model import Agency, Licence
from ..site.render import Theme


@dataclass(frozen=True)
class DataInputs:
    """What the downloads are made of, as one snapshot of the preview holds it."""

    version: str  # the snapshot's: downloads are made once per snapshot at most
    parts: tuple[AgencyPart, ...]
    registry: tuple[Agency, ...]
    site: dict[str, Any]  # site.plan.site_context
    licence: Licence | None
    theme: Theme


class Downloads:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.rows: dict[str, tuple[AgencyPart, Output | None]] = {}  # by agency folder: its part and its rows' blob
        self.made: tuple[str, dict[str, Path]] | None = None  # a snapshot's version and its files
        self.theme: tuple[Theme, int] | None = None  # the theme last used, and how many there were

    def files(self, inputs: DataInputs) -> dict[str, Path]:
        """Every download and the data page, by output path, for the snapshot `inputs` is of."""
        with self.lock:
            if self.made is not None and self.made[0] == inputs.version:
                return self.made[1]
            if self.folder is None:
                self.folder = tempfile.TemporaryDirectory(prefix="xxgk-serve-data-")
            cache = BuildCache(Path(self.folder.name))  # a new one each time: it lists its store once
            registry = {agency.id: agency for agency in inputs.registry}
            done = [UnitResult((), 0, summaries=part.summaries if part.pages else (), rows=self._rows(cache, part, registry, inputs.site)) for part in inputs.parts]
            exported = export_data(cache, done, inputs.registry, inputs.site, inputs.licence, datetime.date.today(), inputs.theme, self._theme_key(inputs.theme))
            exported.store_all()()
            cache.prune(set(), exported.page_keys, set(exported.files.values()) | exported.kept, "")
            files = {output: Path(cache.object_path(digest)) for output, digest in exported.files.items()}
            self.made = (inputs.version, files)
            return files

    def _rows(self, cache: BuildCache, part: AgencyPart, registry: dict[str, Agency], site: dict[str, Any]) -> Output | None:
        kept = self.rows.get(part.folder)
        if kept is not None and kept[0] is part:
            return kept[1]
        agency = registry.get(part.folder)
        rows = None
        if agency is not None and part.pages:
            packed = pack(agency_fragments(part.reports, part.summaries, agency, site, MONEY_STYLE))
            rows = Output("", cache.store(packed.blob, packed.digest))
        self.rows[part.folder] = (part, rows)
        return rows

    def _theme_key(self, theme: Theme) -> str:
        """Tells themes apart for the data page's cache: a new Theme object is a changed template."""
        if self.theme is None or self.theme[0] is not theme:
            self.theme = (theme, 1 if self.theme is None else self.theme[1] + 1)
        return f"preview-theme-{self.theme[1]}"

    def close(self) -> None:
        with self.lock:
            if self.folder is not None:
                self.folder.cleanup()
                self.folder = None
            self.made = None
            self.rows.clear()
