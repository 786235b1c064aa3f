"""Pages in a real browser (Debian's Chromium driven by Playwright): what a
reader on a phone, without JavaScript or on paper actually gets."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from generator.build.project import build_project

from .conftest import REPORT_2019, Portal, static_server


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
    with static_server(root) as origin:
        yield origin + "/xxgk/"


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
