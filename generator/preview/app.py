"""`xxgk serve`: the portal as the public will see it, brought up to date on every save.

The preview runs the build's own per-agency step (`build.part`) and keeps its
results in memory: a save re-reads only the saved file (`sources`), makes
again only the part of the agency whose folder it is in (every part, when the
settings or the registry changed), keeps the pages of that part that did not
change (`memo.keep_unchanged`), and plans the portal-wide pages from the
parts' summaries, again only those whose summaries changed. Pages are
rendered on request, or at once when a browser has them open.

While the content has an error, every page is answered with an error page that
lists the problems in the words of `xxgk check`; the live-reload script, which
is added to pages here and never by `xxgk build`, reloads open tabs after each
save, so fixing the file brings the pages back by itself. The HTTP server and
the file watcher are in `server`, the background search indexer in `indexer`.
"""

from __future__ import annotations

import datetime
import html
import mimetypes
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from ..build.part import AgencyPart, PartContext, agency_part, folders
from ..content.layout import CONTENT, TEMPLATES
from ..exports.query import query_calls
from ..exports.web import web_calls
from ..model import Problem, merged
from ..rules.validate import agency_rules
from ..search.documents import SearchDocument
from ..search.index import SEARCH_DIR
from ..site import urls
from ..site.compliance import compliance_calls
from ..site.outputs import Page
from ..site.plan import portal_page_calls, site_context
from ..site.render import Theme, render_page, render_problem, template_problems
from .downloads import DataInputs, Downloads
from .memo import Memo, keep_unchanged
from .sources import Reports, Sources

LIVE = "/__xxgk/"
"""Where the preview's own files are served, outside any base URL."""

LIVE_RELOAD_JS = b"""// Added by `xxgk serve` to every page it previews (never by `xxgk build`):
// reload the page when the preview has been rebuilt after a save.
(() => {
  const script = document.currentScript;
  const version = script.dataset.version;
  const events = new EventSource(new URL("events", script.src));
  events.onmessage = (event) => {
    if (event.data !== version) location.reload();
  };
})();
"""


# --- one state of the preview --------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What every request is answered from until the next save; replaced whole."""

    version: str  # new after every save: open pages reload when it changes
    base: str  # the path the site is served under
    errors: tuple[Problem, ...]  # while there are any, every page shows them
    theme: Theme
    problems: tuple[Problem, ...] = ()  # every problem, as `xxgk check` lists them
    reports: int = 0  # report files read
    pages: dict[str, Page] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    assets: dict[str, Path] = field(default_factory=dict)
    documents: tuple[SearchDocument, ...] = ()  # for the search index, when the preview has one
    data: DataInputs | None = None  # what the data downloads are made of, when one is asked for


@dataclass(frozen=True)
class Refresh:
    """What one save did, for the terminal."""

    changed: int  # pages that are new, changed or gone
    errors: tuple[Problem, ...]
    seconds: float


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    location: str | None = None


class Preview:
    """The portal kept in memory and answered from; `refresh` after files change."""

    def __init__(self, project: Path, base_url: str | None = None, search: bool = False) -> None:
        self.project = project.absolute()
        self.base_url = base_url
        self.search = search
        self.memo = Memo()
        self.parts: dict[str, tuple[PartContext, Reports, AgencyPart]] = {}  # by agency folder: the inputs it was made of
        self.token = secrets.token_hex(4)
        self.generation = 0
        self.sources = Sources(self.project)
        self.theme = Theme.for_project(self.project)
        self.template_errors = template_problems(self.theme, self.project)
        self.rendered: dict[str, tuple[Page, Theme, bytes]] = {}
        self.downloads = Downloads()
        self.search_dir: Path | None = None  # the newest complete search index
        self.changes = threading.Condition()
        self.snapshot = self._snapshot()
        self.good = self.snapshot  # the last snapshot without errors: what pages changed since

    def refresh(self, paths: Iterable[Path]) -> Refresh:
        """Bring the preview up to date after `paths` changed on disk."""
        start = time.perf_counter()
        for path in paths:
            path = path.absolute()
            if path.is_relative_to(self.project / TEMPLATES):
                self.theme = Theme.for_project(self.project)
                self.template_errors = template_problems(self.theme, self.project)
            elif path.is_relative_to(self.project / CONTENT):
                self.sources.reload(path)
        snapshot = self._snapshot()
        changed = 0
        if not snapshot.errors:
            changed = self._render_again(self.good, snapshot)
            self.good = snapshot
        with self.changes:
            self.snapshot = snapshot
            self.changes.notify_all()
        return Refresh(changed, snapshot.errors, time.perf_counter() - start)

    def _snapshot(self) -> Snapshot:
        self.generation += 1
        version = f"{self.token}-{self.generation}"
        site, registry = self.sources.site, self.sources.registry
        context = self.memo.call(site_context, "site", site.value, self.base_url)
        base = context["base"]
        part_context = self.memo.call(PartContext, "context", self.project, context, registry.value, datetime.date.today(), self.search)
        parts = [self._part(part_context, name) for name in folders(registry.value, self.sources.folders)]
        for gone in self.parts.keys() - {part.folder for part in parts}:
            del self.parts[gone]
        own = (*site.problems, *registry.problems, *self.memo.call(agency_rules, "registry", registry.value))
        problems = merged(own, *(part.problems for part in parts))
        errors = (*(p for p in problems if p.severity == "error"), *self.template_errors)
        assets = self.theme.assets()
        reports = sum(part.read for part in parts)
        if errors:
            return Snapshot(version, base, errors, self.theme, problems, reports, assets=assets)
        pages = {page.output: page for part in parts for page in part.pages}
        summaries = tuple(s for part in parts for s in part.summaries)
        calls = (
            *portal_page_calls(registry.value, summaries, context),
            *compliance_calls(registry.value, summaries, context, datetime.date.today()),
            *query_calls(registry.value, summaries, context),
            *web_calls(registry.value, summaries, context),
        )
        for call in calls:
            page = self.memo.call(call.function, call.key, *call.args)
            pages[page.output] = page
        copies = {copy.output: copy.source for part in parts for copy in part.copies}
        documents = tuple(sorted((d for part in parts for d in part.documents or ()), key=lambda d: (d.year, d.agency_id)))
        data = DataInputs(version, tuple(parts), registry.value, context, site.value.data_licence, self.theme)
        return Snapshot(version, base, (), self.theme, problems, reports, pages, copies, assets, documents, data)

    def _part(self, context: PartContext, folder: str) -> AgencyPart:
        """The agency part of `folder`: kept while its reports and the context are the
        same objects; made again otherwise, keeping the pages that did not change."""
        reports = self.sources.reports(folder)
        kept = self.parts.get(folder)
        if kept is not None and kept[0] is context and kept[1] is reports:
            return kept[2]
        part = agency_part(context, folder, reports)
        if kept is not None:
            part = keep_unchanged(kept[2], part)
        self.parts[folder] = (context, reports, part)
        return part

    def _render_again(self, previous: Snapshot, snapshot: Snapshot) -> int:
        """Count the pages that changed, and render again at once those a browser has
        open (they were rendered before), so the reload that follows finds them ready."""
        if snapshot.theme is not previous.theme:
            changed = len(snapshot.pages)  # a template changed: every page is rendered anew
        else:
            changed = sum(1 for output, page in snapshot.pages.items() if previous.pages.get(output) is not page)
        changed += sum(1 for output in previous.pages if output not in snapshot.pages)
        for output in list(self.rendered):
            if output in snapshot.pages:
                try:
                    self._render(snapshot, output)
                except jinja2.TemplateError:
                    pass  # shown when the page is requested
            else:
                self.rendered.pop(output, None)
        return changed

    def _render(self, snapshot: Snapshot, output: str) -> bytes:
        page = snapshot.pages[output]
        cached = self.rendered.get(output)
        if cached is not None and cached[0] is page and cached[1] is snapshot.theme:
            return cached[2]
        body = render_page(page, snapshot.theme)
        self.rendered[output] = (page, snapshot.theme, body)
        return body

    def wait(self, version: str | None, timeout: float) -> str:
        """The current version, as soon as it differs from `version` (or after `timeout`)."""
        with self.changes:
            self.changes.wait_for(lambda: self.snapshot.version != version, timeout)
            return self.snapshot.version

    # --- answering requests ---------------------------------------------------------

    def respond(self, url_path: str) -> Response:
        snapshot = self.snapshot
        path = unquote(urlsplit(url_path).path)
        if path == LIVE + "livereload.js":
            return Response(200, "text/javascript; charset=utf-8", LIVE_RELOAD_JS)
        if not path.startswith(snapshot.base):
            if path in ("", "/"):
                return Response(302, "text/plain; charset=utf-8", b"", location=snapshot.base)
            return Response(404, "text/plain; charset=utf-8", f"预览站点位于 {snapshot.base}".encode())
        relative = path[len(snapshot.base) :]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if ".." in relative.split("/"):
            return Response(404, "text/plain; charset=utf-8", b"")
        if relative in snapshot.assets:
            return _file(snapshot.assets[relative])
        if relative.startswith(SEARCH_DIR + "/"):
            return self._search_file(relative)
        if snapshot.errors:
            return self._page(snapshot, 500, error_page(snapshot.errors, "内容有错误"))
        if relative in snapshot.copies:
            return _file(snapshot.copies[relative])
        if relative.startswith(urls.DATA.path) and snapshot.data is not None:
            downloads = self.downloads.files(snapshot.data)
            if relative == urls.DATA.output:
                return self._page(snapshot, 200, downloads[relative].read_bytes())
            if relative in downloads:
                return _file(downloads[relative], relative)
        if relative in snapshot.pages:
            return self._rendered(snapshot, relative, 200)
        if relative + "/index.html" in snapshot.pages:
            return Response(301, "text/plain; charset=utf-8", b"", location=path + "/")
        return self._rendered(snapshot, "404.html", 404)

    def _rendered(self, snapshot: Snapshot, output: str, status: int) -> Response:
        page = snapshot.pages[output]
        try:
            body = self._render(snapshot, output)
        except jinja2.TemplateError as exc:
            return self._page(snapshot, 500, error_page((render_problem(exc, self.project),), "模板有错误"))
        if not page.format.document:
            return Response(status, page.format.media_type, body)
        return self._page(snapshot, status, body)

    def _page(self, snapshot: Snapshot, status: int, body: bytes) -> Response:
        return Response(status, "text/html; charset=utf-8", with_live_reload(body, snapshot.version))

    def _search_file(self, relative: str) -> Response:
        if self.search_dir is None:
            return Response(404, "text/plain; charset=utf-8", "搜索索引正在建立，请稍候".encode())
        return _file(self.search_dir.parent / relative)


def _file(path: Path, name: str = "") -> Response:
    """A file's bytes, served as the type its name says (`name`, when the file is stored under another)."""
    try:
        body = path.read_bytes()
    except (OSError, ValueError):  # ValueError: a NUL in the requested path
        return Response(404, "text/plain; charset=utf-8", b"")
    content_type = mimetypes.guess_type(name or path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
        content_type += "; charset=utf-8"
    return Response(200, content_type, body)


def with_live_reload(body: bytes, version: str) -> bytes:
    tag = f'<script src="{LIVE}livereload.js" data-version="{version}"></script>\n'.encode()
    at = body.rfind(b"</body>")
    return body + tag if at < 0 else body[:at] + tag + body[at:]


def error_page(errors: Iterable[Problem], heading: str) -> bytes:
    """A page of its own (no template: a template may be what is broken)."""
    errors = tuple(errors)
    items = "\n".join(f"<li><code>{html.escape(str(problem))}</code></li>" for problem in errors)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>预览：{heading}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.6; color: #0b0c0c; }}
h1 {{ border-left: 0.4rem solid #d4351c; padding-left: 0.8rem; }}
code {{ white-space: pre-wrap; word-break: break-all; font-size: 0.95rem; }}
li {{ margin-bottom: 0.6rem; }}
</style>
</head>
<body>
<main>
<h1>预览：{heading}</h1>
<p>共 {len(errors)} 个错误，站点暂时无法预览。请按下列文件和行号修正；保存后本页会自动刷新。</p>
<ul>
{items}
</ul>
</main>
</body>
</html>
""".encode()
