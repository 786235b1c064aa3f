"""Pagefind itself: finding its binary, one indexing run over a group of documents,
what it made of each (its page ids), and the files of its runtime the site needs once.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..files import link_or_copy
from .documents import Indexable, SearchDocument, document_html


class SearchError(Exception):
    """Pagefind could not build the index; the message says why, in Chinese."""


def executable() -> Path:
    try:
        import pagefind_bin
    except ImportError as exc:
        raise SearchError("找不到 Pagefind：请运行 make install（或 pip install pagefind-bin），或加 --no-search 跳过搜索索引") from exc
    return Path(pagefind_bin.get_executable())


def page_ids(folder: Path, group: list[Indexable], digests: list[str]) -> dict[str, tuple[str, str]]:
    """Each document's hash and the id of the page Pagefind made of it (its fragment's name):
    what the overlay names when it replaces a document."""
    by_path = dict(zip((doc.path for doc in group), digests))
    found = {}
    for fragment in (folder / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        url = json.loads(data[data.index(b"{") :])["url"]
        path = url.lstrip("/")
        if path in by_path:
            found[path] = (by_path[path], fragment.name.removesuffix(".pf_fragment"))
    return found


def index_group(executable: Path, group: list[SearchDocument], output: Path) -> None:
    if output.exists():
        shutil.rmtree(output)  # an older version of the shard: Pagefind would leave its pages in place
    with tempfile.TemporaryDirectory(prefix="xxgk-search-") as staging:
        root = Path(staging)
        for doc in group:
            target = root / doc.path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document_html(doc))
        _run(executable, root, output)


def shard_files(group: list[SearchDocument]) -> tuple[str, dict[str, bytes]]:
    """What a cluster's worker does for one shard: index `group` with its own Pagefind and send
    back the files made, by their paths in the shard's folder, with the version of the Pagefind
    that made them (the controller refuses another version's: its index would differ)."""
    with tempfile.TemporaryDirectory(prefix="xxgk-shard-") as staging:
        output = Path(staging) / "index"
        index_group(executable(), group, output)
        files = {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}
    return version(), files


def version() -> str:
    return importlib.metadata.version("pagefind_bin")


def _run(executable: Path, site: Path, output: Path) -> None:
    result = subprocess.run(
        [str(executable), "--site", str(site), "--output-path", str(output), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["（无输出）"]
        raise SearchError(f"Pagefind 建立搜索索引失败：{detail[0]}")


RUNTIME = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")


def keep_one_runtime(out: Path, names: list[str], previous: Path | None = None, every: bool = False) -> None:
    """Every shard folder gets Pagefind's script and wasm; the site needs them once, or, when
    the browser may search any shard without the first (a scoped index, `every`), in each.

    The first shard keeps (or, when it was copied from a build in which it was
    not first, gets) a copy, and with `every` so does each shard, linked to it;
    the UI bundles Pagefind writes are not used (the portal has its own search
    page) and are removed from every shard.
    """
    if not names:
        return  # a portal without reports: nothing indexed
    first = out / names[0]
    for file in RUNTIME:
        if not (first / file).exists():
            found = [folder / file for folder in _shard_folders(out, previous) if (folder / file).is_file()]
            if found:
                shutil.copyfile(found[0], first / file)
    for index, name in enumerate(names):
        for path in (out / name).iterdir():
            if path.is_file() and path.name.startswith("pagefind-") and path.name.endswith((".js", ".css")) and path.name != "pagefind-worker.js":
                path.unlink()
            elif index > 0 and path.name in RUNTIME:
                path.unlink()
        if every and index > 0:
            for file in RUNTIME:
                if (first / file).exists():
                    link_or_copy(str(first / file), str(out / name / file))
        playground = out / name / "playground"
        if playground.exists():
            shutil.rmtree(playground)


def _shard_folders(*indexes: Path | None) -> list[Path]:
    return [folder for index in indexes if index is not None and index.is_dir() for folder in sorted(index.iterdir()) if folder.is_dir()]
