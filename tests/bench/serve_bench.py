"""Time from saving a report to its rebuilt page being served by `xxgk serve`.

    python tests/bench/serve_bench.py --reports 10000 [--edits 30] [--search]

Builds (or reuses) the benchmark corpus of tests/bench/make_corpus.py under
/tmp/xxgk-bench/, starts `xxgk serve` on it, and then, as an editor would,
edits one report at a time: the page is open (requested once before), the
file is saved, and the clock stops when the page comes back with the edit,
having been fetched the way the open tab fetches it: on the live-reload event.
Each edit adds a paragraph and changes a figure, so the report's page, its
JSON, its agency and year pages and the next year's report are all rebuilt.
Every edit is undone at the end.

Prints the start-up time, then the median, 90th percentile and worst of the
save-to-page times, with the server's own refresh time (the part spent in
xxgk, without the file watcher) beside them; with --search, also how long the
search index takes to catch up after each edit (in the background).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import write_portal  # noqa: E402
from measure import tree_rss  # noqa: E402


class Server:
    """`xxgk serve` in a subprocess, with its output collected line by line."""

    def __init__(self, project: Path, search: bool) -> None:
        command = [sys.executable, "-m", "generator", "--project", str(project), "serve", "--port", "0"]
        if not search:
            command.append("--no-search")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=HERE.parent.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.url = ""
        self.ready = threading.Event()
        self.new_line = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(600) or not self.url:
            raise SystemExit("xxgk serve did not start:\n" + "\n".join(self.lines))
        self.startup = time.perf_counter() - self.started

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.new_line:
                self.lines.append(line.rstrip("\n"))
                self.new_line.notify_all()
            if match := re.search(r"正在预览：(http://\S+?)（", line):
                self.url = match.group(1)
                self.ready.set()
        self.ready.set()

    def wait_line(self, pattern: str, after: int, timeout: float = 600) -> re.Match[str]:
        with self.new_line:
            deadline = time.monotonic() + timeout
            while True:
                for line in self.lines[after:]:
                    if match := re.search(pattern, line):
                        return match
                if not self.new_line.wait(deadline - time.monotonic()):
                    raise SystemExit(f"no line matching {pattern!r}:\n" + "\n".join(self.lines[-20:]))

    def stop(self) -> None:
        self.process.send_signal(2)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Events:
    """The live-reload stream an open tab listens to: the versions it announces."""

    def __init__(self, url: str) -> None:
        host, port = url.split("//")[1].split("/")[0].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=600)
        self.connection.request("GET", "/__xxgk/events")
        self.response = self.connection.getresponse()
        self.version = self.next()

    def next(self) -> str:
        while True:
            line = self.response.readline().decode()
            if line.startswith("data: "):
                return line[6:].strip()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def edit(text: str, marker: str) -> str:
    """Add a paragraph after the front matter, and change the first figure of table 二."""
    end = text.index("\n---\n", 4) + 5
    body = text[:end] + f"\n{marker}\n" + text[end:]
    return re.sub(r"(licensing: \[?)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 1), body, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--search", action="store_true", help="also build the search index and time its refresh")
    parser.add_argument("--corpus", type=Path, default=None, help="portal to use (default: /tmp/xxgk-bench/corpus-N, made if missing)")
    args = parser.parse_args(argv)

    project = args.corpus or Path(f"/tmp/xxgk-bench/corpus-{args.reports}")
    if not (project / "content").is_dir():
        print(f"writing the corpus to {project} ...", flush=True)
        write_portal(project, args.reports, seed=1)
    reports = sorted((project / "content" / "reports").glob("*/*.md"))
    rng = random.Random(3)
    chosen = rng.sample([p for p in reports if int(p.stem) >= 2019], args.edits)  # reports with tables

    server = Server(project, args.search)
    print(f"{len(reports)} reports; xxgk serve answered after {server.startup:.1f} s (load and check everything; pages render on request)")
    if args.search:
        server.wait_line(r"搜索索引已更新", 0)
        print(f"first search index ready {time.perf_counter() - server.started:.1f} s after start")
    events = Events(server.url)
    saved: dict[Path, str] = {}
    totals, refreshes, indexing = [], [], []
    try:
        for number, path in enumerate(chosen):
            agency, year = path.parent.name, path.stem
            page_url = f"{server.url}reports/{agency}/{year}/"
            get(page_url)  # the page is open in a tab
            marker = f"基准测试编辑第{number}号。"
            saved[path] = original = saved.get(path) or path.read_text(encoding="utf-8")
            after = len(server.lines)
            path.write_text(edit(original, marker), encoding="utf-8")
            saved_at = time.perf_counter()
            version = events.next()  # the tab is told to reload ...
            page = get(page_url)  # ... and fetches the page
            total = time.perf_counter() - saved_at
            assert marker in page and version != events.version, "the page came back without the edit"
            events.version = version
            refresh = float(server.wait_line(r"已更新：.*（([0-9.]+) 秒）", after).group(1))
            totals.append(total)
            refreshes.append(refresh)
            if args.search:
                found = server.wait_line(r"搜索索引已更新（([0-9.]+) 秒）", after)
                indexing.append(float(found.group(1)))
        rss = tree_rss(server.process.pid) / 2**20
    except BaseException:
        print("xxgk serve said:\n" + "\n".join(server.lines[-20:]), file=sys.stderr)
        raise
    finally:
        for path, text in saved.items():
            path.write_text(text, encoding="utf-8")
        server.stop()

    def describe(values: list[float]) -> str:
        ordered = sorted(values)
        p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
        return f"median {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, worst {ordered[-1] * 1000:.0f} ms"

    print(f"save to rebuilt page served ({len(totals)} edits): {describe(totals)}")
    print(f"  of which xxgk's refresh (read, check, plan, render the open page): {describe(refreshes)}")
    if indexing:
        print(f"search index refreshed in the background: median {statistics.median(indexing):.1f} s, worst {max(indexing):.1f} s")
    print(f"memory of the serving process: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
