"""Pages in a real browser (Debian's Chromium driven by Playwright): what a
reader on a phone, without JavaScript or on paper actually gets."""

from __future__ import annotations

import datetime
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.build import build_project

from .conftest import REPORT_2019, Portal

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    portal = Portal(tmp_path_factory.mktemp("browser") / "portal")
    portal.report("county", 2022)
    portal.report("county", 2020, template=REPORT_2019)
    site = portal.root / "site"
    assert build_project(portal.root, site, "/xxgk/", datetime.date(2026, 11, 22)).ok
    root = portal.root / "www"
    root.mkdir()
    (root / "xxgk").symlink_to(site)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/xxgk/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_on_a_phone_wide_tables_scroll_inside_their_own_box(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(served + "reports/county/2022/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the page itself never scrolls sideways
    box = page.locator(".table-scroll", has=page.locator("caption", has_text="三、收到和处理政府信息公开申请情况"))
    width, inner = box.evaluate("e => [e.clientWidth, e.scrollWidth]")
    assert inner > width  # the table scrolls in its box
    assert box.get_attribute("tabindex") == "0"  # and the box can be scrolled from the keyboard
    page.close()


def test_pages_work_without_javascript(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served)
    page.get_by_role("link", name="按年度浏览").first.click()
    page.get_by_role("link", name="2022年度").click()
    page.get_by_role("link", name="测试县人民政府").first.click()
    assert page.locator("h1").inner_text() == "测试县人民政府2022年政府信息公开工作年度报告"
    cell = page.locator("table").nth(1).locator("tbody tr").first.locator("td").last
    assert cell.inner_text() == "8"  # 一、本年新收 总计
    context.close()


def test_missing_page_gets_the_404_page_content(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(served + "404.html")
    assert page.locator("h1").inner_text() == "页面未找到"
    page.close()


def test_print_hides_navigation_and_keeps_tables_on_the_page(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(served + "reports/county/2022/")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.close()
