"""The demo portal behind Debian's nginx, configured with the very snippet the README shows:
under a sub-path, gzip on, the 404 page set. Every page and file the site links to is
fetched (none may be broken), then a reader opens a report and searches in Chromium."""

from __future__ import annotations

import datetime
import gzip
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from generator.build.project import build_project

ROOT = Path(__file__).resolve().parent.parent
NGINX = os.environ.get("XXGK_NGINX", "/usr/sbin/nginx")
PREFIX = "/xxgk/ndbg/"
SITE_IN_SNIPPET = "/var/www/xxgk/site/"


def snippet(markdown: Path) -> str:
    """The ```nginx block of a Markdown file."""
    found = re.search(r"```nginx\n(.*?)```", markdown.read_text(encoding="utf-8"), re.S)
    assert found is not None, f"no nginx block in {markdown}"
    return found.group(1)


def test_the_user_guide_shows_the_readme_configuration() -> None:
    assert snippet(ROOT / "docs/zh/build.md") == snippet(ROOT / "README.md")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def configuration(site: Path, workdir: Path, port: int) -> str:
    """A whole nginx.conf around the README's `location` block, its `alias` pointed at `site`;
    everything nginx writes kept in `workdir`."""
    location = snippet(ROOT / "README.md")
    assert SITE_IN_SNIPPET in location
    location = location.replace(SITE_IN_SNIPPET, f"{site}/")
    temp = "\n".join(f"    {kind}_temp_path {workdir}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp}
    server {{
        listen 127.0.0.1:{port};
{location}
    }}
}}
"""


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo built for the sub-path, with its search index, served by nginx; yields the origin."""
    if not Path(NGINX).exists():
        pytest.fail(f"nginx not found at {NGINX}: run `make test`, which installs Debian's nginx")
    workdir = tmp_path_factory.mktemp("nginx")
    site = workdir / "site"
    assert build_project(ROOT, site, PREFIX, datetime.date(2026, 11, 22)).ok
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(configuration(site, workdir, port), encoding="utf-8")
    test = subprocess.run([NGINX, "-t", "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(conf)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    server = subprocess.Popen([NGINX, "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(conf)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read() if server.stderr else ""
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


@dataclass(frozen=True)
class Fetched:
    status: int
    type: str
    encoding: str
    body: bytes


def fetch(url: str, gzip_ok: bool = False) -> Fetched:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Fetched(response.status, response.headers.get_content_type(), response.headers.get("Content-Encoding", ""), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers.get_content_type(), error.headers.get("Content-Encoding", ""), error.read())


class _Links(HTMLParser):
    """Every address a page asks the browser to follow or load."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src") and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.found.append(value)


def links(page: str, body: bytes) -> list[str]:
    parser = _Links()
    parser.feed(body.decode("utf-8"))
    return [urldefrag(urljoin(page, link)).url for link in parser.found]


def test_every_page_and_file_the_site_links_to_is_served(origin: str) -> None:
    start = origin + PREFIX
    seen: dict[str, Fetched] = {}
    broken: list[str] = []
    queue = [(start, "")]
    while queue:
        url, linked_from = queue.pop()
        if url in seen:
            continue
        seen[url] = got = fetch(url)
        if got.status != 200:
            broken.append(f"{url} ({got.status}), linked from {linked_from}")
            continue
        if got.type == "text/html":
            for link in links(url, got.body):
                parts = urlsplit(link)
                if parts.scheme in ("http", "https") and link.startswith(origin):
                    assert parts.path.startswith(PREFIX), f"{link} leaves the sub-path (in {url})"
                    queue.append((link, url))
    assert broken == []
    pages = [u for u, f in seen.items() if f.type == "text/html"]
    assert len(pages) >= 60 and any(u.endswith("/assets/style.css") for u in seen)  # the demo's 47 reports, 9 agencies, years


def test_text_is_compressed_and_a_missing_page_gets_the_404_page(origin: str) -> None:
    for path in ("", "assets/style.css", "search/"):
        got = fetch(origin + PREFIX + path, gzip_ok=True)
        assert (got.status, got.encoding) == (200, "gzip"), path
        assert gzip.decompress(got.body)
    missing = fetch(origin + PREFIX + "reports/no-such-agency/2022/")
    assert missing.status == 404
    text = missing.body.decode("utf-8")
    assert "页面未找到" in text and f'href="{PREFIX}assets/style.css"' in text  # styled, wherever it is asked from


def test_a_reader_opens_a_report_and_searches(origin: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.goto(origin + PREFIX)
    page.get_by_role("link", name="按机关浏览").first.click()
    page.get_by_role("link", name="示例县人民政府").first.click()
    page.get_by_role("link", name="2022年").first.click()
    assert page.locator("h1").inner_text() == "示例县人民政府2022年政府信息公开工作年度报告"
    assert page.url == f"{origin}{PREFIX}reports/shili-xian/2022/"
    page.get_by_role("searchbox", name="搜索年度报告").first.fill("行政复议")
    page.get_by_role("searchbox", name="搜索年度报告").first.press("Enter")
    first = page.locator("#search-results li a").first
    first.wait_for()
    assert page.locator("#search-results li").count() >= 10
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{origin}{PREFIX}reports/") and "年度报告" in page.locator("h1").inner_text()
    assert failed == []
    page.close()
