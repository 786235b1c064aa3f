"""Shared measuring tools for the benchmarks: wall time and the peak memory of a
whole process tree, and a static file server that counts what it sends."""

from __future__ import annotations

import gzip
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_rss(root: int) -> int:
    """The summed RSS of process `root` and all its descendants, in bytes."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


class PeakRss:
    """While open, samples the summed RSS of process `pid` and all its descendants every 50 ms;
    `peak` is the highest, in bytes."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.05)

    def __enter__(self) -> PeakRss:
        self.sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.sampler.join()


def run(command: list[str], cwd: Path | None = None) -> Run:
    """Run `command`, with the peak of the summed RSS of it and all its descendants."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakRss(process.pid) as memory:
        output, _ = process.communicate()
    return Run(time.perf_counter() - start, memory.peak / 2**20, process.returncode, output)


COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg")


class CountingServer:
    """Serves a folder on 127.0.0.1, gzipping text the way a typical web server is
    set up to (Pagefind's own files are compressed already), and counts the bytes
    sent since the last reset."""

    def __init__(self, root: Path, prefix: str = "/") -> None:
        self.sent = 0
        self.lock = threading.Lock()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def translate_path(self, path: str) -> str:
                path = path.split("?", 1)[0]
                if prefix != "/" and path.startswith(prefix):
                    path = "/" + path[len(prefix) :]
                return super().translate_path(path)

            def do_GET(self) -> None:
                target = Path(self.translate_path(self.path))
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    self.send_error(404)
                    return
                body = target.read_bytes()
                encoded = target.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
                if encoded:
                    body = gzip.compress(body, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(target)))
                if encoded:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with server.lock:
                    server.sent += len(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()

    def reset(self) -> int:
        with self.lock:
            sent, self.sent = self.sent, 0
        return sent
