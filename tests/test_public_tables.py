"""The official tables as the public meets them (issue 14): in Chromium at desktop,
phone and 200 % zoom widths, from the keyboard, and on paper. Each test measures
what a reader sees: column widths, lines a label wraps onto, what stays in view
while a table scrolls, contrast of the focus style, printed pages."""

from __future__ import annotations

import datetime
import io
import logging
import re
from collections.abc import Iterator

import pytest

from generator.build.project import build_project
from generator.imports.labels import fold_cjk

from .conftest import AGENCIES_YAML, REPORT_2019, Portal, static_server

BASE = "/xxgk/"
REPORT_2021_PAGE = "reports/county/2022/"
REPORT_2019_PAGE = "reports/county/2020/"
YEAR_PAGE = "years/2022/"
FIGURES_3 = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
YELLOW = (255, 221, 0)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A portal with 2021-format reports and a 2019-format one, served under a sub-path;
    one agency's name is long, as many are, which squeezed the year table's dates."""
    portal = Portal(tmp_path_factory.mktemp("tables") / "portal")
    portal.write("content/agencies.yaml", AGENCIES_YAML + "  - id: county-hrss\n    name: 测试县人力资源和社会保障局\n    region: 测试省 / 测试市 / 测试县\n    level: 部门\n    parent: county\n")
    portal.report("county-hrss", 2022, published="2023-01-30")
    portal.report("county", 2022)
    portal.report("county", 2020, template=REPORT_2019)
    portal.report("county-edu", 2022, published="2023-01-25")
    portal.report("town", 2022, published="2023-01-28")
    site = portal.root / "site"
    assert build_project(portal.root, site, BASE, datetime.date(2026, 11, 22)).ok
    root = portal.root / "www"
    root.mkdir()
    (root / "xxgk").symlink_to(site)
    with static_server(root) as origin:
        yield origin + BASE


def open_page(browser, url: str, width: int, javascript: bool = True):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url)
    return page


# --- measuring in the page --------------------------------------------------------

LINES = """el => {  // the lines an element's text is set on
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), tops = new Set();
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const range = document.createRange(); range.selectNodeContents(n);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
  }
  return tops.size;
}"""


def table(page, heading: str):  # type: ignore[no-untyped-def]
    """The table under a heading (its caption repeats the heading)."""
    return page.locator("table", has=page.locator("caption", has_text=heading))


def cell(page, heading: str, text: str):  # type: ignore[no-untyped-def]
    return table(page, heading).locator("th", has_text=re.compile("^" + re.escape(text) + "$")).first


def lines(locator) -> int:  # type: ignore[no-untyped-def]
    return int(locator.evaluate(LINES))


def width(locator) -> float:  # type: ignore[no-untyped-def]
    return float(locator.evaluate("e => e.getBoundingClientRect().width"))


def rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(c: tuple[int, ...]) -> float:
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (x / 255 for x in c)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- 1. 表三's columns ----------------------------------------------------------------


@pytest.mark.parametrize("path", [REPORT_2021_PAGE, REPORT_2019_PAGE])
@pytest.mark.parametrize("viewport", [1280, 320])
def test_table_3_figures_share_the_width_and_labels_read_across(served: str, browser, path: str, viewport: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + path, viewport)
    heading = "三、收到和处理政府信息公开申请情况"
    widths = {name: width(cell(page, heading, name)) for name in FIGURES_3}
    assert max(widths.values()) <= 1.1 * min(widths.values()), widths  # 自然人 and 商业企业 were 2.5 times the others
    labels = table(page, heading).locator("tbody th")
    for i in range(labels.count()):
        label = labels.nth(i)
        text = label.inner_text().strip()
        assert lines(label) <= max(1, len(text) // 2), text  # never one character a line
    if viewport == 1280:
        assert lines(cell(page, heading, "科研机构")) == 1
        assert lines(cell(page, heading, "（三）不予公开")) == 1
        assert lines(cell(page, heading, "一、本年新收政府信息公开申请数量")) == 1
    page.context.close()


# --- 2. focus -----------------------------------------------------------------------


def tab_to(page, test: str, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element passes `test` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({test}); }})()"):
            return
    raise AssertionError(f"Tab never reached {test}")


def test_a_focused_navigation_link_reads_at_least_4_5_to_1(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 1280)
    tab_to(page, "e.closest('.site-nav') !== null")
    link = page.locator(".site-nav a:focus-visible")
    colour, background = link.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert contrast(rgb(colour), rgb(background)) >= 4.5, (colour, background)  # white on yellow was 1.35
    assert rgb(background) == YELLOW  # and the focus is as plain to see as elsewhere
    page.context.close()


def test_a_focused_table_box_shows_a_ring_not_yellow_cells(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 1280)
    tab_to(page, "e.matches('.table-scroll') && e.textContent.includes('申请人情况')")
    box = page.locator(".table-scroll:focus-visible")
    style = box.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundColor, s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert rgb(style[0]) != YELLOW, style
    assert style[1] != "none" and float(style[2].rstrip("px")) >= 3, style
    number = box.locator("td").first
    assert rgb(number.evaluate("e => getComputedStyle(e).backgroundColor")) != YELLOW
    page.context.close()


# --- 3. small screens ------------------------------------------------------------------


@pytest.mark.parametrize("path", [REPORT_2021_PAGE, REPORT_2019_PAGE, YEAR_PAGE, "agencies/county/"])
@pytest.mark.parametrize("viewport", [320, 640])
def test_no_page_scrolls_sideways_on_a_phone_or_at_200_percent_zoom(served: str, browser, path: str, viewport: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + path, viewport)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    page.context.close()


VISIBLE_IN_BOX = """(label) => {  // how much of a label's text shows inside its scroll box, uncovered
  const box = label.closest('.table-scroll').getBoundingClientRect();
  const range = document.createRange(); range.selectNodeContents(label);
  const text = range.getBoundingClientRect();
  const inside = text.left >= box.left - 1 && text.right <= box.right + 1;
  const x = (text.left + Math.min(text.right, box.right)) / 2, y = text.top + 2;
  const shown = label.contains(document.elementFromPoint(x, y));
  const cell = label.getBoundingClientRect();
  return {inside, shown, share: (Math.min(cell.right, box.right) - Math.max(cell.left, box.left)) / box.width};
}"""


@pytest.mark.parametrize("label", ["一、本年新收政府信息公开申请数量", "（一）予以公开", "1.属于国家秘密", "四、结转下年度继续办理"])
def test_row_labels_of_table_3_stay_in_view_while_its_figures_scroll(served: str, browser, label: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 320)
    heading = "三、收到和处理政府信息公开申请情况"
    box = page.locator(".table-scroll", has=table(page, heading))
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert box.evaluate("e => e.scrollLeft") > 0
    th = cell(page, heading, label)
    th.scroll_into_view_if_needed()
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    seen = th.evaluate(VISIBLE_IN_BOX)
    assert seen["inside"] and seen["shown"], seen
    assert seen["share"] <= 0.45, seen  # the part that stays is narrow: figures show beside it
    page.context.close()


def test_agency_names_stay_in_view_in_the_year_table(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + YEAR_PAGE, 320)
    box = page.locator(".table-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    name = page.locator("tbody th", has_text="测试县教育局")
    seen = name.evaluate(VISIBLE_IN_BOX)
    assert seen["inside"] and seen["shown"], seen
    page.context.close()


@pytest.mark.parametrize(("path", "heading"), [(REPORT_2021_PAGE, "三、收到和处理政府信息公开申请情况"), (REPORT_2021_PAGE, "四、政府信息公开行政复议、行政诉讼情况"), (YEAR_PAGE, "2022年度各机关报告主要数据")])
def test_a_hint_says_a_table_scrolls_only_while_it_does(served: str, browser, path: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    for viewport, overflows in ((320, True), (1280, False)):
        page = open_page(browser, served + path, viewport)
        box = page.locator(".table-scroll", has=table(page, heading))
        assert box.evaluate("e => e.scrollWidth > e.clientWidth + 1") is overflows
        hint = page.locator("#" + box.get_attribute("data-scroll-hint"))
        assert hint.is_visible() is overflows, viewport
        if overflows:
            assert hint.inner_text().startswith("左右滑动查看全表")
            assert box.get_attribute("aria-describedby") == hint.get_attribute("id")
        page.context.close()


def test_table_2_fits_a_phone_and_needs_no_hint(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 320)
    box = page.locator(".table-scroll", has=table(page, "二、主动公开政府信息情况"))
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert not page.locator("#" + box.get_attribute("data-scroll-hint")).is_visible()
    page.context.close()


def test_dates_stay_on_one_line_on_a_phone(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + YEAR_PAGE, 320)
    dates = page.locator("tbody tr td:first-of-type")  # the column 发布日期
    assert dates.count() == 4
    for i in range(dates.count()):  # the date itself (a 逾期 tag may follow it)
        date = dates.nth(i)
        assert date.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e.firstChild); return r.getClientRects().length; }") == 1, date.inner_text()
    page.goto(served + REPORT_2021_PAGE)
    assert lines(page.locator(".meta time")) == 1
    page.context.close()


# --- 7. landmarks ---------------------------------------------------------------------


def test_each_table_is_one_landmark_with_a_name_of_its_own(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 1280)
    headings = page.locator(".report-table h2").all_inner_texts()
    assert len(headings) == 3
    for heading in headings:
        assert page.get_by_role("region", name=heading, exact=True).count() == 1, heading
    regions = page.get_by_role("region")
    names = [regions.nth(i).evaluate("e => (e.getAttribute('aria-labelledby') || '').split(' ').map(i => document.getElementById(i)?.textContent).join(' ') || e.getAttribute('aria-label')") for i in range(regions.count())]
    assert len(names) == len(set(names)), names  # axe's landmark-unique
    for heading in headings:  # and the table itself is named, by its caption
        assert page.get_by_role("table", name=heading, exact=True).count() == 1
    page.context.close()


# --- 4. print -------------------------------------------------------------------------


def printed(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of each A4 page the page prints on."""
    pdfplumber = pytest.importorskip("pdfplumber")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # fonts Chromium subsets lack a bounding box
    page.emulate_media(media="print")
    with pdfplumber.open(io.BytesIO(page.pdf(format="A4"))) as pdf:  # text as the fonts spell it: 人 as the radical ⼈
        texts = [fold_cjk(p.extract_text() or "").replace(" ", "") for p in pdf.pages]
    if "年度报告" not in texts[0]:
        pytest.fail("the PDF has no Chinese text: Chromium found no Chinese font (`make test` installs fonts-noto-cjk)")
    return texts


def pages_with(texts: list[str], needle: str) -> list[int]:
    return [i for i, text in enumerate(texts) if needle in text]


@pytest.mark.parametrize("path", [REPORT_2021_PAGE, REPORT_2019_PAGE])
def test_a_report_prints_on_at_most_4_pages_with_table_3_on_at_most_2(served: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + path, 1280)
    texts = printed(page)
    assert len(texts) <= 4  # 7 (2021) and 8 (2019) before, with pages 2–3 all but blank
    first, last = pages_with(texts, "本年新收")[0], pages_with(texts, "结转下年度")[-1]
    assert last - first + 1 <= 2
    for number in range(first, last + 1):  # its header rows repeat on every page it runs onto
        assert "申请人情况" in texts[number] and "法人或其他组织" in texts[number]
    page.context.close()


BLOCKS_2 = (("第二十条第（一）项", "规章", "行政规范性文件"), ("第二十条第（五）项", "行政许可"), ("第二十条第（六）项", "行政处罚", "行政强制"), ("第二十条第（八）项", "行政事业性收费"))


def test_every_printed_row_of_table_2_has_its_headers_on_its_page(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    """表二 is four blocks, each with header rows of its own (one <thead> could not say
    them all): a block is printed whole, so its headers are always on its page. The
    table is moved down the paper step by step so that page breaks fall across it."""
    page = open_page(browser, served + REPORT_2021_PAGE, 1280)
    assert page.locator("table.official-matrix thead, table.official-wide thead").count() == 2
    assert page.locator("table.official-stacked tbody").count() == 4
    split = False
    for step in range(0, 280, 35):
        page.evaluate(f"document.querySelector('.report-table').style.marginTop = '{step}mm'")
        texts = printed(page)
        pages = set()
        for title, *rows in BLOCKS_2:
            where = {p for text in (title, *rows) for p in pages_with(texts, text)}
            assert len(where) == 1, (step, title, where)
            pages |= where
        split = split or len(pages) > 1
    assert split  # the steps did make 表二 run across pages
    page.context.close()


def test_the_printout_shows_the_address_and_the_date_it_was_printed(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 1280)
    before = datetime.date.today().isoformat()
    text = "\n".join(printed(page))
    dates = {before, datetime.date.today().isoformat()}
    assert served + REPORT_2021_PAGE in text
    assert any("打印日期：" + d in text for d in dates), text[-200:]
    page.context.close()

    page = open_page(browser, served + REPORT_2021_PAGE, 1280, javascript=False)
    text = "\n".join(printed(page))
    assert "本页地址：" + BASE + REPORT_2021_PAGE in text  # the path, where no script can say more
    page.context.close()


def test_a_print_button_only_where_javascript_runs(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, served + REPORT_2021_PAGE, 1280)
    page.evaluate("window.print = () => { window.printed = true; }")
    button = page.get_by_role("button", name="打印本页")
    assert button.is_visible()
    button.click()
    assert page.evaluate("window.printed") is True
    page.context.close()

    page = open_page(browser, served + REPORT_2021_PAGE, 1280, javascript=False)
    assert page.get_by_role("button", name="打印本页").count() == 0
    page.context.close()
