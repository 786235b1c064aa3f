"""Full-text search: the documents Pagefind indexes, and the indexing run.

Beside the pipeline: it takes the validated portal (like plan) and writes
`pagefind/` into the site being built (like write). Pagefind never sees the
public pages: each report gets a small document whose body is the token
stream of `segment` and whose metadata and filters are readable text, so
results link to the report page and excerpts can be rebuilt in the browser.

Large portals are indexed in shards (one Pagefind index per group of years,
each indexing run small enough to stay within memory), which the browser
searches together with Pagefind's mergeIndex.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from .formats import FORMATS
from .model import Agency, Checked, CheckedReport
from .plan import report_title
from .segment import index_content

SEARCH_DIR = "pagefind"
SHARD_REPORTS = 2500  # reports per indexing run: Pagefind's memory grows with what one run holds


class SearchError(Exception):
    """Pagefind could not build the index; the message says why, in Chinese."""


@dataclass(frozen=True)
class SearchDocument:
    path: str  # the report page's path under the site root, e.g. reports/a/2022/
    title: str
    agency: str
    year: int
    level: str
    regions: tuple[str, ...]  # every level of the region path, for the 地区 filter
    text: str  # what a reader can search for


def region_levels(region: tuple[str, ...]) -> tuple[str, ...]:
    """`A / B / C` → `A`, `A / B`, `A / B / C`: a filter on a city finds its counties too."""
    return tuple(" / ".join(region[: i + 1]) for i in range(len(region)))


_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_text(source: str) -> str:
    """The words of a Markdown narrative, one block per line, without markup."""
    lines = []
    for token in _MARKDOWN.parse(source):
        if token.type == "inline" and token.children is not None:
            lines.append("".join(child.content for child in token.children if child.type in ("text", "code_inline")))
    return "\n".join(lines)


def table_labels(format_id: str) -> list[str]:
    fmt = FORMATS[format_id]
    labels: list[str] = []
    for table in fmt.tables:
        labels.append(table.heading)
        for block in table.blocks:
            labels.append(block.title)
            labels.extend(column.label for column in block.columns)
            for row in block.rows:
                labels.extend(part for part in row.path if part not in labels)
    return labels


def search_document(c: CheckedReport, agency: Agency) -> SearchDocument:
    report = c.report
    title = report_title(c, agency)
    text = "\n".join(
        [title, agency.name, " ".join(agency.region), f"{report.year}年", markdown_text(report.narrative), *table_labels(report.format)]
    )
    return SearchDocument(
        path=f"reports/{agency.id}/{report.year}/",
        title=title,
        agency=agency.name,
        year=report.year,
        level=agency.level,
        regions=region_levels(agency.region),
        text=text,
    )


def search_documents(checked: Checked) -> list[SearchDocument]:
    agencies = {a.id: a for a in checked.portal.agencies}
    return [search_document(c, agencies[c.report.agency_id]) for c in sorted(checked.reports, key=lambda c: (c.report.year, c.report.agency_id))]


def document_html(doc: SearchDocument) -> bytes:
    """The page Pagefind indexes for one report: tokens in the body, readable metadata and filters."""
    e = html.escape
    filters = [("year", str(doc.year)), ("level", doc.level), ("agency", doc.agency), *(("region", r) for r in doc.regions)]
    return (
        "<!DOCTYPE html>\n<html lang=\"und\"><head><meta charset=\"utf-8\"><title></title></head><body>\n"
        f'<span data-pagefind-meta="title">{e(doc.title)}</span>'
        f'<span data-pagefind-meta="agency">{e(doc.agency)}</span>'
        f'<span data-pagefind-meta="year">{doc.year}</span>\n'
        + "".join(f'<span data-pagefind-filter="{key}">{e(value)}</span>' for key, value in filters)
        + f"\n<main data-pagefind-body>{e(index_content(doc.text))}</main>\n</body></html>\n"
    ).encode("utf-8")


def shards(documents: list[SearchDocument], size: int = SHARD_REPORTS) -> list[tuple[str, list[SearchDocument]]]:
    """Group documents by consecutive years into shards of about `size` reports, named by their years."""
    groups: list[list[SearchDocument]] = []
    for doc in documents:  # sorted by year
        if groups and (len(groups[-1]) < size or groups[-1][-1].year == doc.year):
            groups[-1].append(doc)
        else:
            groups.append([doc])
    return [(f"{group[0].year}-{group[-1].year}", group) for group in groups]


def pagefind_executable() -> Path:
    try:
        import pagefind_bin
    except ImportError as exc:
        raise SearchError("找不到 Pagefind：请运行 make install（或 pip install pagefind-bin），或加 --no-search 跳过搜索索引") from exc
    return Path(pagefind_bin.get_executable())


def build_index(documents: Iterable[SearchDocument], out: Path, size: int = SHARD_REPORTS) -> list[str]:
    """Write the search index for `documents` into `out` (the site's pagefind/ folder).

    Returns the names of the shards written; `out/shards.json` lists them for the browser.
    """
    executable = pagefind_executable()
    names: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    for name, group in shards(list(documents), size):
        with tempfile.TemporaryDirectory(prefix="xxgk-search-") as staging:
            root = Path(staging)
            for doc in group:
                target = root / doc.path / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(document_html(doc))
            _run_pagefind(executable, root, out / name)
        names.append(name)
    _keep_one_runtime(out, names)
    (out / "shards.json").write_text(json.dumps({"shards": names}, ensure_ascii=False) + "\n", encoding="utf-8")
    return names


def _run_pagefind(executable: Path, site: Path, output: Path) -> None:
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


def _keep_one_runtime(out: Path, names: list[str]) -> None:
    """Every shard folder gets Pagefind's script and wasm; the site needs them once.

    The first shard keeps its copy; the UI bundles Pagefind writes are not used
    (the portal has its own search page) and are removed from every shard.
    """
    for index, name in enumerate(names):
        for path in (out / name).iterdir():
            if path.is_file() and path.name.startswith("pagefind-") and path.name.endswith((".js", ".css")) and path.name != "pagefind-worker.js":
                path.unlink()
            elif index > 0 and path.name in RUNTIME:
                path.unlink()
        playground = out / name / "playground"
        if playground.exists():
            shutil.rmtree(playground)
