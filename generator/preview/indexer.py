"""The preview's search index, rebuilt in the background after a save.

Off the request path: the newest request wins, and a shard whose documents
did not change is kept, not indexed again (see `search.index.build_index`).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..search.documents import SearchDocument
from ..search.index import SEARCH_DIR, build_index
from ..search.pagefind import SearchError

if TYPE_CHECKING:
    from .app import Preview


class Indexer:
    """Rebuilds the search index after a save, off the request path: the newest
    request wins, and a shard whose reports did not change is copied, not re-indexed."""

    def __init__(self, preview: Preview, echo: Callable[[str], None]) -> None:
        self.preview = preview
        self.echo = echo
        self.folder = Path(tempfile.mkdtemp(prefix="xxgk-serve-"))
        self.pending: tuple[SearchDocument, ...] | None = None
        self.retired: Path | None = None
        self.wake = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="xxgk-search", daemon=True)
        self.thread.start()

    def request(self, documents: tuple[SearchDocument, ...]) -> None:
        with self.wake:
            self.pending = documents
            self.wake.notify()

    def stop(self) -> None:
        with self.wake:
            self.stopped = True
            self.wake.notify()
        self.thread.join(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self) -> None:
        number = 0
        while True:
            with self.wake:
                self.wake.wait_for(lambda: self.pending is not None or self.stopped)
                if self.stopped:
                    return
                documents, self.pending = self.pending, None
            assert documents is not None
            number += 1
            out = self.folder / str(number) / SEARCH_DIR
            start = time.perf_counter()
            previous = self.preview.search_dir
            regions = {agency.id: agency.region for agency in self.preview.sources.registry.value}  # an archive's shards are by area
            try:
                build_index(documents, out, previous=previous, regions=regions)
            except Exception as exc:  # Pagefind failed, or a bug: the pages are still served
                self.echo(f"{exc}：搜索在预览中暂不可用" if isinstance(exc, SearchError) else "建立搜索索引时出错：\n" + traceback.format_exc())
                shutil.rmtree(out.parent, ignore_errors=True)
                continue
            self.preview.search_dir = out
            # A search page may still be reading the index before last: keep the last one
            # for one more round, remove the one before it.
            if self.retired is not None:
                shutil.rmtree(self.retired.parent, ignore_errors=True)
            self.retired = previous
            self.echo(f"搜索索引已更新（{time.perf_counter() - start:.1f} 秒）")


