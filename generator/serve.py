"""`xxgk serve`: the portal as the public will see it, brought up to date on every save.

Beside the pipeline, reusing its stages: the portal's files stay loaded in
memory (`Sources`), and a save re-reads only the saved file; validate and plan
then run over the whole portal with a `Memo`, so every unchanged report keeps
its checked result and its Page objects, and only pages whose inputs changed
are rendered again (on request, or at once when a browser has them open).

While the content has an error, every page is answered with an error page that
lists the problems in the words of `xxgk check`; the live-reload script, which
is added to pages here and never by `xxgk build`, reloads open tabs after each
save, so fixing the file brings the pages back by itself. The search index is
rebuilt in the background, one shard at a time (see `search.build_index`).
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import html
import mimetypes
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from .load import (
    AGENCIES_FILE,
    REPORTS_DIR,
    SITE_FILE,
    Loaded,
    assemble_portal,
    load_agencies,
    load_report,
    load_site,
    report_files,
)
from .memo import Memo
from .model import Checked, Portal, Problem
from .plan import Page, link_prefix, plan_site
from .render import Theme, render_page, render_problem, template_problems
from .search import SEARCH_DIR, SearchError, build_index, search_documents
from .validate import check

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


# --- the portal's files, kept loaded --------------------------------------------------


class Sources:
    """The portal's files as last read, so that a save re-reads only the saved file.

    Each file is kept with a digest of its bytes: saving a file unchanged (or
    an editor touching it) keeps the loaded objects, so nothing is rebuilt.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, tuple[bytes, Loaded[Any]]] = {}  # by path relative to root
        self.reports: set[str] = set()
        self.order: list[str] = []  # the reports in the order `xxgk check` reads them
        self.reload(root / SITE_FILE)
        self.reload(root / AGENCIES_FILE)
        self.rescan()

    def rescan(self) -> None:
        """Follow added and removed report files (a folder moved or deleted at once)."""
        present = {path.relative_to(self.root).as_posix() for path in report_files(self.root)}
        for relative in self.reports - present:
            del self.files[relative]
        for relative in sorted(present - self.reports):
            self._read(relative, load_report)
        self._listed(present)

    def _listed(self, reports: set[str]) -> None:
        if reports != self.reports:
            self.reports = reports
            self.order = sorted(reports, key=_report_order)

    def reload(self, path: Path) -> None:
        """Read `path` again after it was saved, added or deleted."""
        relative = path.relative_to(self.root).as_posix()
        if relative in ("content", REPORTS_DIR):  # the folders themselves moved or replaced
            self._read(SITE_FILE, lambda root, _: load_site(root))
            self._read(AGENCIES_FILE, lambda root, _: load_agencies(root))
            self.rescan()
        elif relative == SITE_FILE:
            self._read(relative, lambda root, _: load_site(root))
        elif relative == AGENCIES_FILE:
            self._read(relative, lambda root, _: load_agencies(root))
        elif relative.startswith(REPORTS_DIR + "/"):
            parts = relative.split("/")
            if parts[2].startswith("."):
                return  # a hidden folder (a backup, an editor's): not read by `xxgk check` either
            if len(parts) == 4 and parts[3].endswith(".md") and not parts[3].startswith("."):
                if path.is_file():
                    self._listed(self.reports | {relative})
                    self._read(relative, load_report)
                else:
                    self._listed(self.reports - {relative})
                    self.files.pop(relative, None)
            else:
                # A folder, or a file beside the reports (an attachment, which the
                # checks look for on disk): follow the listing and read the folder's reports again.
                self.rescan()
                if len(parts) >= 3:
                    for report in [r for r in self.reports if r.split("/")[2] == parts[2]]:
                        self._read(report, load_report, force=True)

    def _read(self, relative: str, loader: Callable[[Path, Path], Loaded[Any]], force: bool = False) -> None:
        path = self.root / relative
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            digest = b""  # missing or unreadable: the loader says so
        kept = self.files.get(relative)
        if kept is None or kept[0] != digest or force:
            self.files[relative] = (digest, loader(self.root, path))

    def portal(self) -> Portal:
        reports = (self.files[relative][1] for relative in self.order)
        return assemble_portal(self.root, self.files[SITE_FILE][1], self.files[AGENCIES_FILE][1], reports)


def _report_order(relative: str) -> tuple[str, str]:
    _, _, agency, name = relative.split("/")
    return agency, name


# --- one state of the preview --------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What every request is answered from until the next save; replaced whole."""

    version: str  # new after every save: open pages reload when it changes
    base: str  # the path the site is served under
    errors: tuple[Problem, ...]  # while there are any, every page shows them
    theme: Theme
    pages: dict[str, Page] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    assets: dict[str, Path] = field(default_factory=dict)
    checked: Checked | None = None


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

    def __init__(self, project: Path, base_url: str | None = None) -> None:
        self.project = project.absolute()
        self.base_url = base_url
        self.memo = Memo()
        self.token = secrets.token_hex(4)
        self.generation = 0
        self.sources = Sources(self.project)
        self.theme = Theme.for_project(self.project)
        self.template_errors = template_problems(self.theme, self.project)
        self.rendered: dict[str, tuple[Page, Theme, bytes]] = {}
        self.search_dir: Path | None = None  # the newest complete search index
        self.changes = threading.Condition()
        self.snapshot = self._snapshot()
        self.good = self.snapshot  # the last snapshot without errors: what pages changed since

    def refresh(self, paths: Iterable[Path]) -> Refresh:
        """Bring the preview up to date after `paths` changed on disk."""
        start = time.perf_counter()
        for path in paths:
            path = path.absolute()
            if path.is_relative_to(self.project / "templates"):
                self.theme = Theme.for_project(self.project)
                self.template_errors = template_problems(self.theme, self.project)
            elif path.is_relative_to(self.project / "content"):
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
        checked = check(self.sources.portal(), datetime.date.today(), self.memo)
        base = link_prefix(self.base_url or checked.portal.site.base_url)
        assets = self.theme.assets()
        errors = (*checked.errors, *self.template_errors)
        if errors:
            return Snapshot(version, base, errors, self.theme, assets=assets, checked=checked)
        plan = plan_site(checked, self.base_url, self.memo)
        pages = {page.output: page for page in plan.pages}
        copies = {copy.output: copy.source for copy in plan.copies}
        return Snapshot(version, base, (), self.theme, pages, copies, assets, checked)

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
        if page.kind == "json":
            return Response(status, "application/json; charset=utf-8", body)
        return self._page(snapshot, status, body)

    def _page(self, snapshot: Snapshot, status: int, body: bytes) -> Response:
        return Response(status, "text/html; charset=utf-8", with_live_reload(body, snapshot.version))

    def _search_file(self, relative: str) -> Response:
        if self.search_dir is None:
            return Response(404, "text/plain; charset=utf-8", "搜索索引正在建立，请稍候".encode())
        return _file(self.search_dir.parent / relative)


def _file(path: Path) -> Response:
    try:
        body = path.read_bytes()
    except (OSError, ValueError):  # ValueError: a NUL in the requested path
        return Response(404, "text/plain; charset=utf-8", b"")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
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


# --- the server -----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made for each server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if urlsplit(self.path).path == LIVE + "events":
            self._events()
            return
        self._send(self.preview.respond(self.path), body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(self.preview.respond(self.path), body=False)

    def _send(self, response: Response, body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        if response.location is not None:
            self.send_header("Location", response.location)
        self.end_headers()
        if body:
            self.wfile.write(response.body)

    def _events(self) -> None:
        """Server-sent events: the preview's version now, and again after every save."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        version = None
        try:
            while not getattr(self.server, "closing", False):
                current = self.preview.wait(version, timeout=10)
                self.wfile.write(f"data: {current}\n\n".encode() if current != version else b": -\n\n")
                self.wfile.flush()
                version = current
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass  # a preview's requests are not worth a line each


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    closing = False

    def __init__(self, preview: Preview, host: str, port: int) -> None:
        handler = type("Handler", (_Handler,), {"preview": preview})
        super().__init__((host, port), handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closes its connection (a tab reloaded or closed) is not an error."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def close(self) -> None:
        self.closing = True
        self.shutdown()
        self.server_close()


# --- the search index, in the background -----------------------------------------------


class Indexer:
    """Rebuilds the search index after a save, off the request path: the newest
    request wins, and a shard whose reports did not change is copied, not re-indexed."""

    def __init__(self, preview: Preview, echo: Callable[[str], None]) -> None:
        self.preview = preview
        self.echo = echo
        self.folder = Path(tempfile.mkdtemp(prefix="xxgk-serve-"))
        self.pending: Checked | None = None
        self.memo = Memo()  # documents of unchanged reports are not made again
        self.retired: Path | None = None
        self.wake = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="xxgk-search", daemon=True)
        self.thread.start()

    def request(self, checked: Checked) -> None:
        with self.wake:
            self.pending = checked
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
                checked, self.pending = self.pending, None
            assert checked is not None
            number += 1
            out = self.folder / str(number) / SEARCH_DIR
            start = time.perf_counter()
            previous = self.preview.search_dir
            try:
                build_index(search_documents(checked, self.memo), out, previous=previous)
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


# --- the whole command ---------------------------------------------------------------------


def watched(project: Path) -> list[Path]:
    return [folder for folder in (project / "content", project / "templates") if folder.is_dir()]


def serve(preview: Preview, server: PreviewServer, echo: Callable[[str], None], ready: Callable[[], None], search: bool = True) -> None:
    """Serve until Ctrl-C: answer requests in threads, rebuild after every save.
    `ready` is called once files are being watched, so no save is missed after it."""
    from watchfiles import DefaultFilter, watch

    # Everything loaded so far lives as long as the preview: keep it out of the cyclic
    # garbage collector's full passes, which took seconds at 10,000 reports.
    gc.freeze()
    indexer = Indexer(preview, echo) if search else None
    if indexer is not None and preview.snapshot.checked is not None and not preview.snapshot.errors:
        indexer.request(preview.snapshot.checked)
    threading.Thread(target=server.serve_forever, name="xxgk-http", daemon=True).start()
    for stop in (signal.SIGTERM, signal.SIGHUP):  # a closed terminal or `kill`: clean up as on Ctrl-C
        signal.signal(stop, _interrupt)
    watching = False
    try:
        # An empty batch every 200 ms when nothing changed: the first one says the watch is set up.
        for changes in watch(*watched(preview.project), watch_filter=DefaultFilter(), step=20, rust_timeout=200, yield_on_timeout=True):
            if not watching:
                watching = True
                ready()
            if changes:
                _refresh(preview, {Path(path) for _, path in changes}, echo, indexer)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if indexer is not None:
            indexer.stop()
        echo("预览已停止")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _refresh(preview: Preview, paths: set[Path], echo: Callable[[str], None], indexer: Indexer | None) -> None:
    try:
        result = preview.refresh(paths)
    except Exception:  # a bug must not end the preview: say so and keep serving
        echo("内部错误（请报告此问题）：\n" + traceback.format_exc())
        return
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    if result.errors:
        echo(f"[{stamp}] 有 {len(result.errors)} 个错误，预览页面显示错误信息：")
        for problem in result.errors:
            echo(f"  {problem}")
        return
    echo(f"[{stamp}] 已更新：{result.changed} 个页面有变化（{result.seconds:.2f} 秒）")
    if indexer is not None and preview.snapshot.checked is not None:
        indexer.request(preview.snapshot.checked)
