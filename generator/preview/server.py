"""`xxgk serve`'s HTTP side: pages from the Preview, live reload by server-sent
events, and the loop that watches the portal's files and refreshes after a save.
"""

from __future__ import annotations

import datetime
import gc
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from ..content.layout import CONTENT, TEMPLATES
from .app import LIVE, Preview, Response
from .indexer import Indexer


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


def watched(project: Path) -> list[Path]:
    return [folder for folder in (project / CONTENT, project / TEMPLATES) if folder.is_dir()]


def serve(preview: Preview, server: PreviewServer, echo: Callable[[str], None], ready: Callable[[], None], search: bool = True) -> None:
    """Serve until Ctrl-C: answer requests in threads, rebuild after every save.
    `ready` is called once files are being watched, so no save is missed after it."""
    from watchfiles import DefaultFilter, watch

    # Everything loaded so far lives as long as the preview: keep it out of the cyclic
    # garbage collector's full passes, which took seconds at 10,000 reports.
    gc.freeze()
    indexer = Indexer(preview, echo) if search else None
    if indexer is not None and not preview.snapshot.errors:
        indexer.request(preview.snapshot.documents)
    threading.Thread(target=server.serve_forever, name="xxgk-http", daemon=True).start()
    # Ctrl-C, a closed terminal or `kill`: clean up and stop. Ctrl-C too, for a shell script that starts
    # the preview in the background leaves SIGINT ignored, and Python then leaves it so.
    for stop in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
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
        preview.downloads.close()
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
    if indexer is not None:
        indexer.request(preview.snapshot.documents)
