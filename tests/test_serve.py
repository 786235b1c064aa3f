"""`xxgk serve` as an editor uses it: the real command in a subprocess on a free
port, files saved beside it, pages fetched over HTTP and in Chromium."""

from __future__ import annotations

import datetime
import gzip
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from generator.build.project import build_project
from generator.preview.app import LIVE, Preview
from generator.preview.indexer import Indexer

from .conftest import AGENCIES_YAML, Portal
from .htmltable import table_captioned

T = TypeVar("T")
NEW_PARAGRAPH = "本段是保存后新增的说明。"


@dataclass
class Served:
    url: str  # the site's root, e.g. http://127.0.0.1:PORT/
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def get(self, path: str) -> tuple[int, str]:
        """Status and body of `path` (relative to the site's root); errors are answers too."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for(self, path: str, ok: Callable[[int, str], bool]) -> tuple[int, str]:
        """The answer for `path`, once `ok(status, body)` holds for it."""

        def probe() -> tuple[int, str] | None:
            answer = self.get(path)
            return answer if ok(*answer) else None

        return until(probe)


@contextmanager
def serving(project: Path, *options: str, search: bool = False) -> Iterator[Served]:
    """Run `xxgk serve` on a free port until the test ends, then stop it with Ctrl-C."""
    command = [sys.executable, "-m", "generator", "--project", str(project), "serve", "--port", "0", *options]
    if not search:
        command.append("--no-search")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    served = Served("", process)
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.output.append(line.rstrip("\n"))
            if match := re.search(r"正在预览：(http://\S+?)（", line):
                served.url = match.group(1)
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(60) and served.url, "\n".join(served.output)
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert "Traceback" not in "\n".join(served.output), "\n".join(served.output)


def until(probe: Callable[[], T | None], seconds: float = 15) -> T:
    """Poll `probe` until it returns something truthy (the watcher reacts within a second)."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s; last answer: {value!r}")
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def checked_problem(project: Path, rule: str) -> str:
    """The line `xxgk check` prints for the problem with `rule`."""
    checked = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "check"], capture_output=True, text=True, check=False)
    return next(line for line in checked.stdout.splitlines() if rule in line)


@pytest.fixture
def county(portal: Portal) -> Portal:
    # 2021 in words of its own: a 2022 narrative copied from it would be flagged (内容重复) with the share
    # repeated, which the compliance pages show and so a narrative edit would change
    portal.report("county", 2021, changes={"本年度共收到政府信息公开申请 8 件。": "2021年共收到政府信息公开申请 8 件，均已按期办结。"})
    portal.report("county", 2022)
    return portal


# --- over HTTP, against the real command ---------------------------------------------------


def test_a_saved_report_is_served_rebuilt_with_its_new_text_and_figures(county: Portal) -> None:
    path = county.root / "content/reports/county/2022.md"
    with serving(county.root) as served:
        status, page = served.get("reports/county/2022/")
        assert status == 200 and NEW_PARAGRAPH not in page
        edit(path, "本年度共收到政府信息公开申请 8 件。", f"本年度共收到政府信息公开申请 8 件。\n\n{NEW_PARAGRAPH}")
        edit(path, "licensing: 35", "licensing: 36")
        _, page = served.wait_for("reports/county/2022/", lambda status, body: NEW_PARAGRAPH in body and ">36<" in body)
        assert table_captioned(page, "二、").row_starting("行政许可")[-1].text == "36"
        data = json.loads(served.get("reports/county/2022/report.json")[1])
        rows = {row["label"]: row["values"] for block in data["tables"]["二"]["blocks"] for row in block["rows"]}
        assert rows["行政许可"] == [36]
        assert served.get("reports/county/2021/")[0] == 200  # the rest is still served
    assert any("已更新" in line for line in served.output)


def test_a_broken_file_shows_its_error_on_every_page_until_it_is_fixed(county: Portal) -> None:
    path = county.root / "content/reports/county/2022.md"
    good = path.read_text(encoding="utf-8")
    with serving(county.root) as served:
        edit(path, "licensing: 35", "licensing: 35\n    penalties 12")  # a YAML typo: no colon
        status, page = served.wait_for("reports/county/2022/", lambda status, body: status == 500)
        problem = checked_problem(county.root, "[yaml-syntax]")
        assert problem.startswith("content/reports/county/2022.md:")
        assert html.escape(problem) in page  # in the words of `xxgk check`
        assert "预览：内容有错误" in page
        # every page says so, not only the broken report's, and the server goes on answering
        status, home = served.get("")
        assert status == 500 and "county/2022.md" in home
        assert served.get("assets/style.css")[0] == 200

        path.write_text(good, encoding="utf-8")
        edit(path, "received: [5, 2, 0, 0, 1, 0]", "received: [5, 2, 0, 0, 1, 0, 9]")  # a wrong total
        status, page = served.wait_for("reports/county/2021/", lambda status, body: "applicant-total" in body)
        problem = checked_problem(county.root, "[applicant-total]")
        assert status == 500
        assert html.escape(problem) in page
        assert any(problem in line for line in served.output)  # the terminal says it too

        path.write_text(good, encoding="utf-8")
        status, page = served.wait_for("reports/county/2022/", lambda status, body: status == 200)
        assert "本年度共收到政府信息公开申请 8 件。" in page


def test_added_and_deleted_reports_and_agencies_appear_and_vanish_from_the_index_pages(county: Portal) -> None:
    with serving(county.root) as served:
        assert "reports/county-edu/2022/" not in served.get("years/2022/")[1]
        county.report("county-edu", 2022)
        until(lambda: "reports/county-edu/2022/" in served.get("years/2022/")[1])
        assert served.get("reports/county-edu/2022/")[0] == 200
        assert "reports/county-edu/2022/" in served.get("agencies/county-edu/")[1]

        (county.root / "content/reports/county/2021.md").unlink()
        until(lambda: served.get("reports/county/2021/")[0] == 404)
        assert "reports/county/2021/" not in served.get("agencies/county/")[1]

        county.write("content/agencies.yaml", AGENCIES_YAML + "  - id: county-health\n    name: 测试县卫生健康局\n    region: 测试省 / 测试市 / 测试县\n    level: 部门\n")
        status, page = served.wait_for("agencies/county-health/", lambda status, body: status == 200)
        assert "测试县卫生健康局" in page
        assert "测试县卫生健康局" in served.get("agencies/")[1]


def test_pages_are_served_under_the_base_url_with_the_reload_script_only_when_serving(county: Portal, tmp_path: Path) -> None:
    with serving(county.root, "--base-url", "/xxgk/ndbg/") as served:
        assert served.url.endswith("/xxgk/ndbg/")
        origin = served.url[: -len("/xxgk/ndbg/")]
        with urllib.request.urlopen(origin + "/", timeout=10) as response:  # the bare host leads to the site
            assert response.url == served.url
        status, page = served.get("reports/county/2022/")
        assert status == 200 and 'href="/xxgk/ndbg/assets/style.css"' in page
        assert f'<script src="{LIVE}livereload.js"' in page
        assert served.get("reports/county/2022")[0] == 200  # redirected to the folder
        status, page = served.get("no/such/page/")
        assert status == 404 and "页面未找到" in page
    assert build_project(county.root, tmp_path / "site", today=datetime.date(2026, 11, 22)).ok
    built = [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")]
    assert built and not any(LIVE in text for text in built)


def test_a_port_in_use_is_a_clear_error(county: Portal) -> None:
    with serving(county.root) as served:
        port = served.url.split(":")[2].split("/")[0]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "--project", str(county.root), "serve", "--port", port, "--no-search"],
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert result.returncode == 2
    assert f"无法在 127.0.0.1:{port} 上启动预览" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_open_page_reloads_by_itself_after_a_save(county: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    path = county.root / "content/reports/county/2022.md"
    with serving(county.root) as served:
        page = browser.new_page()
        page.goto(served.url + "reports/county/2022/")
        page.evaluate("window.notReloaded = true")
        page.wait_for_function("document.querySelector('script[data-version]') !== null")
        time.sleep(0.3)  # let the page's event stream connect
        edit(path, "本年度共收到政府信息公开申请 8 件。", f"本年度共收到政府信息公开申请 8 件。\n\n{NEW_PARAGRAPH}")
        # (document.body is null for a moment while the page reloads: checked, not read through)
        page.wait_for_function(f"!window.notReloaded && document.body?.innerText.includes('{NEW_PARAGRAPH}')", timeout=15000)
        page.evaluate("window.notReloaded = true")
        edit(path, "licensing: 35", "licensing: 35\n    penalties 12")
        page.wait_for_function("!window.notReloaded && document.title.includes('内容有错误')", timeout=15000)
        page.close()


def test_search_finds_a_word_saved_during_the_preview(county: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    path = county.root / "content/reports/county/2022.md"
    word = "鸿雁传书"  # in no report yet
    query = "async (q) => (await import('/assets/xxgk-search.js')).search(q).then(rs => Promise.all(rs.map(r => r.data()))).then(ds => ds.map(d => d.url))"
    with serving(county.root, search=True) as served:
        until(lambda: any("搜索索引已更新" in line for line in served.output))
        page = browser.new_page()
        page.goto(served.url + "search/")
        assert len(page.evaluate(query, "收到政府信息公开申请")) == 2 and page.evaluate(query, word) == []
        indexed = len([line for line in served.output if "搜索索引已更新" in line])
        page.evaluate("window.notReloaded = true")
        edit(path, "仍需改进。", f"仍需改进。{word}")
        page.wait_for_function("!window.notReloaded", timeout=15000)  # the pages reload at once ...
        until(lambda: len([line for line in served.output if "搜索索引已更新" in line]) > indexed)  # ... the index follows
        page.reload()
        assert page.evaluate(query, word) == ["/reports/county/2022/"]
        page.close()


# --- the preview's state, in process -------------------------------------------------------


def changed_pages(preview: Preview, path: Path) -> list[str]:
    before = dict(preview.snapshot.pages)
    preview.refresh([path])
    return sorted(output for output, page in preview.snapshot.pages.items() if before.get(output) is not page)


def test_a_save_rebuilds_only_the_pages_it_affects(county: Portal) -> None:
    county.report("county-edu", 2022)
    preview = Preview(county.root)
    path = county.root / "content/reports/county/2022.md"

    edit(path, "仍需改进。", "仍需继续改进。")  # narrative only: nothing lists it
    assert changed_pages(preview, path) == ["reports/county/2022/index.html", "reports/county/2022/report.json"]

    edit(path, "published: 2023-01-20", "published: 2023-01-25")  # shown wherever the report is listed with its date
    assert changed_pages(preview, path) == [
        "agencies/county/index.html", "index.html",
        "reports/county/2022/index.html", "reports/county/2022/report.json",
        "years/2022/index.html",
    ]  # not the agencies and years indexes: they count reports, which did not change

    edit(path, "仍需继续改进。", "仍需继续改进。")  # saved unchanged
    assert changed_pages(preview, path) == []

    # Edit after edit of the same agency (its part made again each time): still only what changed.
    for old, new in (("仍需继续改进。", "仍需进一步改进。"), ("仍需进一步改进。", "仍需再进一步改进。")):
        edit(path, old, new)
        assert changed_pages(preview, path) == ["reports/county/2022/index.html", "reports/county/2022/report.json"]


def test_a_changed_template_or_setting_renders_every_page_again(county: Portal) -> None:
    preview = Preview(county.root)
    report = preview.respond("/reports/county/2022/")
    assert report.status == 200 and b"\xe7\x89\x88\xe6\x9d\x83" not in report.body  # 版权
    base = county.write("templates/base.html", (Path(__file__).parent.parent / "templates/base.html").read_text(encoding="utf-8").replace("</footer>", "<p>版权所有</p></footer>"))
    preview.refresh([base])
    assert "版权所有" in preview.respond("/reports/county/2022/").body.decode()

    site = county.write("content/site.yaml", "title: 改名后的门户\nbase_url: /\n")
    assert changed_pages(preview, site) == sorted(output for output in preview.snapshot.pages if output.endswith(".html"))
    assert "改名后的门户" in preview.respond("/years/2021/").body.decode()


def test_a_template_error_names_the_template_and_line(county: Portal) -> None:
    preview = Preview(county.root)
    template = county.write("templates/report.html", '{% extends "base.html" %}\n{% block main %}\n{{ report.title }\n{% endblock %}\n')
    preview.refresh([template])
    response = preview.respond("/reports/county/2022/")
    assert response.status == 500
    assert "templates/report.html:3: error [template]" in response.body.decode()

    template.write_text('{% extends "base.html" %}\n{% block main %}\n{{ report.no_such_field.title }}\n{% endblock %}\n', encoding="utf-8")
    preview.refresh([template])
    response = preview.respond("/reports/county/2022/")
    assert response.status == 500 and "templates/report.html:3: error [template]" in response.body.decode()
    assert preview.respond("/years/2022/").status == 200  # other pages do not use it


def test_the_search_index_follows_an_edit_and_indexes_only_the_changed_report(county: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.search.index.SHARD_REPORTS", 1)  # one shard per report
    preview = Preview(county.root, search=True)
    indexer = Indexer(preview, echo=lambda line: None)
    try:
        assert preview.snapshot.documents
        indexer.request(preview.snapshot.documents)
        first = until(lambda: preview.search_dir)
        shards = json.loads((first / "xxgk.json").read_text(encoding="utf-8"))["shards"]
        assert shards == ["2022", "2021"]
        kept = (first / "2021" / "pagefind-entry.json").stat().st_ino

        path = county.root / "content/reports/county/2022.md"
        edit(path, "仍需改进。", f"仍需改进。{NEW_PARAGRAPH}")
        preview.refresh([path])
        indexer.request(preview.snapshot.documents)
        second = until(lambda: preview.search_dir if preview.search_dir != first else None)
        # the edited report is indexed on its own, in the overlay; both year shards are kept
        assert json.loads((second / "xxgk.json").read_text(encoding="utf-8"))["shards"] == ["overlay", "2022", "2021"]
        fragments = [gzip.decompress(f.read_bytes()).decode() for f in (second / "overlay" / "fragment").glob("*.pf_fragment")]
        assert len(fragments) == 1 and NEW_PARAGRAPH in fragments[0]
        assert (second / "2021" / "pagefind-entry.json").stat().st_ino == kept  # not indexed again
        assert (second / "overlay" / "pagefind.js").is_file() and not (second / "2022" / "pagefind.js").exists()
        assert first.exists()  # kept one more round, for a search page still reading it
        edit(path, NEW_PARAGRAPH, "")
        preview.refresh([path])
        indexer.request(preview.snapshot.documents)
        until(lambda: preview.search_dir not in (first, second))
        until(lambda: True if not first.exists() else None)  # removed once the new index is in place (not before)
        assert second.exists()
    finally:
        indexer.stop()


def test_a_backup_in_a_hidden_folder_is_ignored_as_check_ignores_it(county: Portal) -> None:
    preview = Preview(county.root)
    backup = county.write("content/reports/.backup/2022.md", (county.root / "content/reports/county/2022.md").read_text(encoding="utf-8"))
    preview.refresh([backup])
    assert preview.snapshot.errors == () and preview.respond("/reports/county/2022/").status == 200
