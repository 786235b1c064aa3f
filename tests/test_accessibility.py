"""Every kind of page in a real browser (Debian's Chromium through Playwright) against
axe-core, the engine GOV.UK Frontend and USWDS test their components with: WCAG 2.0,
2.1 and 2.2 at levels A and AA, and axe's best practices, with zero violations, in the
normal look and in the reading modes older and low-vision readers choose (大字, 高对比;
国办公开办函〔2021〕28号, GB/T 37668). And the reading modes themselves, as a reader
uses them: by mouse or keyboard, kept from page to page, absent without JavaScript.

axe runs from the copy `axe-playwright-python` ships (injected into the page; nothing
is fetched from another host).
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from generator.build.project import build_project

from .conftest import Portal, static_server, with_reports

TODAY = datetime.date(2026, 11, 22)
BASE = "/ndbg/"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
ENHANCED_CONTRAST = "color-contrast-enhanced"  # WCAG AAA 1.4.6, 7:1: what high contrast promises

PAGES = {
    "home": "",
    "years list": "years/",
    "year": "years/2022/",
    "agencies list": "agencies/",
    "agency": "agencies/county-edu/",
    "report, 2021 format, published late": "reports/county-edu/2022/",
    "report, 2019 format, with attachment": "reports/county-edu/2020/",
    "report, free-form": "reports/county/2018/",
    "report, archived as issued, its discrepancies marked": "reports/county/2021/",
    "report, revised after publication": "reports/county/2022/",
    "search with results": "search/?q=" + "报告",
    "data downloads": "data/",
    "regions list": "regions/",
    "region, with trend charts and sortable tables": "regions/测试省/测试市/测试县/",
    "compliance list": "compliance/",
    "compliance of a year, with a late report and missing ones": "compliance/2022/",
    "query builder": "data/query/",
    "query builder, with a table": "data/query/?by=region&regions=全部,测试省+/+测试市+/+测试县&years=2022,2020&measures=received,fees,disclosure-rate",
    "404": "404.html",
}
MODES = {"normal": (), "large text": ("大字",), "high contrast": ("高对比",), "both": ("大字", "高对比")}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Reports of all three formats (one late, one with an attachment, one whose total does
    not add up, one revised after publication), with the site's identifiers and full address
    set, as an archive, built with its search index and served under a sub-path."""
    portal = with_reports(Portal(tmp_path_factory.mktemp("a11y") / "portal"))
    settings = portal.root / "content/site.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "site_id_code: bm00000001\nicp_record: 测ICP备00000000号\npolice_record: 测公网安备00000000000000号\nmode: archive\n",
        encoding="utf-8",
    )
    portal.report("county", 2021, changes={"review: [1, 0, 0, 1]": "review: [1, 0, 0, 1, 3]"})
    www = portal.root / "www"
    assert build_project(portal.root, www / BASE.strip("/"), "https://xxgk.example.gov.cn" + BASE, TODAY).ok
    portal.report("county", 2022, changes={"licensing: 35": "licensing: 36"})
    assert build_project(portal.root, www / BASE.strip("/"), "https://xxgk.example.gov.cn" + BASE, TODAY).ok
    with static_server(www) as origin:
        yield origin + BASE


def choose(page: Any, buttons: tuple[str, ...]) -> None:
    """Press the header's reading-mode buttons, as a reader would."""
    for name in buttons:
        button = page.get_by_role("button", name=name)
        button.click()
        assert button.get_attribute("aria-pressed") == "true"


@pytest.fixture(scope="module", params=list(MODES))
def mode(request: pytest.FixtureRequest, served: str, browser: Any) -> Iterator[tuple[str, Any]]:
    """A browser context in one reading mode, chosen once on the home page (the choice is kept)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(served)
    choose(page, MODES[request.param])
    page.close()
    yield request.param, context
    context.close()


def readable(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def axe_violations(page: Any, contrast: bool) -> list[dict[str, Any]]:
    """axe's violations of TAGS, and in high contrast of the 7:1 rule too (a rule of level
    AAA, which a run by tags leaves out whatever `rules` says: so it is a run of its own)."""
    runs = [{"type": "tag", "values": TAGS}, *([{"type": "rule", "values": [ENHANCED_CONTRAST]}] if contrast else [])]
    axe = Axe()
    return [v for run in runs for v in axe.run(page, options={"runOnly": run, "resultTypes": ["violations"]}).response["violations"]]


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_axe_violations(served: str, mode: tuple[str, Any], kind: str) -> None:
    name, context = mode
    page = context.new_page()
    page.goto(served + PAGES[kind])
    if kind.startswith("search"):
        page.locator("#search-status").filter(has_text="找到").wait_for()
        assert page.locator("#search-results li").count() > 0
    if kind.startswith("query builder"):  # its form (and the table an address asks for) are built by its script
        page.locator("form.query-form").wait_for()
        if "table" in kind:
            page.locator(".query-table").wait_for()
            assert page.locator(".query-table tbody tr").count() == 4
    if "discrepancies marked" in kind:  # the page shows what it is here to test
        assert page.locator("td.discrepancy a.mark").count() > 0 and page.locator(".discrepancies li").count() > 0
    if "revised" in kind:
        assert page.locator("section.revisions li").count() == 1
    contrast = "高对比" in MODES[name]
    violations = axe_violations(page, contrast)
    page.close()
    assert violations == [], f"{kind}, {name}:\n{readable(violations)}"


# --- the reading modes, as a reader uses them ---------------------------------------------

CONTRAST = """
(selectors) => {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = (rgb) => 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  const parse = (text) => text.match(/[\\d.]+/g).map(Number);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const rgba = parse(getComputedStyle(e).backgroundColor);
      if (rgba.length < 4 || rgba[3] > 0) return rgba;
    }
    return [255, 255, 255];
  };
  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    const [a, b] = [luminance(parse(getComputedStyle(element).color)), luminance(background(element))];
    return [selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}
"""
REPORT_TEXTS = ["h1", ".narrative p", ".meta dt", ".meta dd", ".meta a", ".breadcrumbs li", ".site-nav a", ".site-footer p", "table th", "table td", ".year-list a"]
SEARCH_TEXTS = ["label", "#search-status", "#search-results a", "#search-results mark", "#search-results .excerpt"]


def font_size(page: Any) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize)"))


def test_large_text_is_kept_on_the_next_page(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served)
    before = font_size(page)
    choose(page, ("大字",))
    page.get_by_role("link", name="按年度浏览").first.click()
    page.wait_for_url(re.compile(r"/years/$"))
    assert font_size(page) >= before * 1.2
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="大字").click()  # and off again, on every page
    page.goto(served)
    assert font_size(page) == before
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "false"
    context.close()


def test_high_contrast_changes_the_colours_and_every_text_reaches_7_to_1(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served)
    colours = "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    before = page.evaluate(colours)
    choose(page, ("高对比",))
    page.goto(served + PAGES["report, 2021 format, published late"])
    assert page.evaluate(colours) != before
    assert page.get_by_role("button", name="高对比").get_attribute("aria-pressed") == "true"
    assert [r for r in page.evaluate(CONTRAST, REPORT_TEXTS) if r[1] < 7] == []
    page.goto(served + PAGES["search with results"])
    page.locator("#search-status").filter(has_text="找到").wait_for()
    assert [r for r in page.evaluate(CONTRAST, SEARCH_TEXTS) if r[1] < 7] == []
    context.close()


def test_the_mode_buttons_work_from_the_keyboard_with_visible_focus(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served)
    for _ in range(30):  # Tab through the header as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "大字":
            break
    focused = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()")
    assert focused[0] != "none" and focused[1] != "0px"
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "高对比"
    page.keyboard.press("Space")
    assert page.get_by_role("button", name="高对比").get_attribute("aria-pressed") == "true"
    context.close()


def test_without_javascript_there_are_no_mode_buttons(served: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + PAGES["report, free-form"])
    assert page.get_by_role("button", name="大字").count() == 0
    assert page.get_by_role("button", name="高对比").count() == 0
    assert page.locator("h1").inner_text() == "测试县人民政府2018年政府信息公开工作年度报告"
    context.close()


def test_the_mode_is_set_before_the_first_paint_without_inline_script(served: str) -> None:
    """A classic script in <head> (not deferred, async or a module) runs before the body is
    painted; and no page has an inline script, so a strict Content-Security-Policy is possible."""
    for kind, path in PAGES.items():
        with urllib.request.urlopen(served + urllib.parse.quote(path, safe="/?=")) as response:
            html = response.read().decode("utf-8")
        head = html.split("</head>", 1)[0]
        assert '<script src="/ndbg/assets/modes.js"></script>' in head, kind
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), kind
