"""Hostile text never becomes active in a page, and no input, however mangled,
ends in an unhandled exception: fixed examples first, then property-based tests
(hypothesis) through loading, validation, rendering and import."""

from __future__ import annotations

import datetime
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build.project import build_project, check_project
from generator.content.narrative import to_html, to_text
from generator.imports.matching import import_document
from generator.imports.readers import ReadError, read_document

from .conftest import REPORT_2021, Portal

TODAY = datetime.date(2026, 11, 22)
HOSTILE = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "javascript:alert(4)",
    "&lt;script&gt;alert(5)&lt;/script&gt;",
    "[点我](javascript:alert(6))",
    "[图](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(8)'>x</a>",
    "<iframe src=//evil.example></iframe>",
    "{{ 7*7 }}{% raw %}",
)
OWN_SCRIPTS = {"assets/search-page.js", "assets/modes.js", "assets/enhance.js", "assets/query.js"}
"""The only scripts a page may load: the site's own, from its own assets."""
FORBIDDEN = {"iframe", "object", "embed", "svg", "img", "base", "frame", "applet"}
"""Elements the theme never uses, that could load or run something if content made them."""


class Active(HTMLParser):
    """Collects whatever in a page could run: script elements, event handler attributes,
    and links or sources with a script or data scheme."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not any((values.get("src") or "").endswith(own) for own in OWN_SCRIPTS):
            self.found.append(f"<script {attrs}>")
        chart = tag == "svg" and values.get("class") == "trend-svg" and values.get("role") == "img"  # the theme's own charts
        if (tag in FORBIDDEN and not chart) or (tag == "meta" and "http-equiv" in values):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value is not None:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")


def active_content(html: str) -> list[str]:
    parser = Active()
    parser.feed(html)
    return parser.found


def test_hostile_text_in_every_field_comes_out_as_text(portal: Portal) -> None:
    portal.write(
        "content/site.yaml",
        "title: " + yaml.safe_dump(f"门户{HOSTILE[0]}", allow_unicode=True).split("\n")[0] + "\n"
        + "organiser: " + yaml.safe_dump(HOSTILE[1], allow_unicode=True).split("\n")[0] + "\n"
        + "description: " + yaml.safe_dump(HOSTILE[2], allow_unicode=True).split("\n")[0] + "\n"
        + "contact: " + yaml.safe_dump(HOSTILE[3], allow_unicode=True).split("\n")[0] + "\n"
        + "footer:\n  - " + yaml.safe_dump(HOSTILE[4], allow_unicode=True).split("\n")[0] + "\n",
    )
    agencies = (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
    agencies = agencies.replace("name: 测试县人民政府", "name: " + yaml.safe_dump(f"测试县{HOSTILE[0]}人民政府", allow_unicode=True).split("\n")[0])
    agencies = agencies.replace("    level: 县级\n", "    level: 县级\n    address: " + yaml.safe_dump(HOSTILE[2], allow_unicode=True).split("\n")[0] + "\n", 1)
    portal.write("content/agencies.yaml", agencies)
    portal.report(
        "county",
        2022,
        changes={
            "format: ": "title: " + yaml.safe_dump(f"</title>{HOSTILE[0]}", allow_unicode=True).split("\n")[0] + "\nformat: ",
            "仍需改进。": "仍需改进。\n\n" + "\n\n".join(HOSTILE) + "\n\n### " + HOSTILE[1] + "\n\n> " + HOSTILE[7],
        },
    )
    site = portal.root / "site"
    result = build_project(portal.root, site, None, TODAY, search=False)
    assert result.ok, result.errors
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert len(pages) > 5
    for path, html in pages.items():
        assert active_content(html) == [], path
    report = pages["reports/county/2022/index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report  # shown, as text
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in report  # an entity is the character it names, shown as text
    assert "{{ 7*7 }}" in report  # template syntax in content is not evaluated
    home = pages["index.html"]
    assert "门户&lt;script&gt;alert(1)&lt;/script&gt;" in home and "测试县&lt;script&gt;" in home


# --- property-based ---------------------------------------------------------------------

PIECES = st.sampled_from(
    [*HOSTILE, "<", ">", "&", '"', "'", "`", "[", "]", "(", ")", "*", "_", "#", "-", "|", ":", "\n", "\n\n", "  ", "\t",
     "javascript:", "data:", "on", "=", "script", "一、总体情况", "（一）", "主动公开", "表", "**", "---", "\\", "&#x6a;", "&#0;"]
)
NARRATIVE = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(source=NARRATIVE)
def test_no_narrative_renders_active_content(source: str) -> None:
    html = to_html(source)
    assert active_content(html) == []
    to_text(source)  # and the search text of it is made without error


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True), st.text(max_size=12),
    st.dates(), st.sampled_from(HOSTILE),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=7), st.dictionaries(st.text(max_size=10), inner, max_size=5)), max_leaves=30)
ROWS = st.dictionaries(
    st.sampled_from(["received", "carried-over", "disclosed", "licensing", "fees", "review", "regulations", "nonsense"]),
    st.one_of(VALUES, st.lists(st.integers(-5, 10**10), max_size=8)),
    max_size=6,
)
FRONT_MATTER = st.fixed_dictionaries(
    {},
    optional={
        "agency": st.one_of(st.just("county"), st.text(max_size=10), VALUES),
        "year": st.one_of(st.integers(1900, 2100), VALUES),
        "published": st.one_of(st.dates(), st.text(max_size=12), VALUES),
        "format": st.one_of(st.sampled_from(["2021", "2019", "freeform", "1999"]), VALUES),
        "title": st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE), VALUES),
        "tables": st.one_of(st.fixed_dictionaries({}, optional={"active": ROWS, "applications": ROWS, "appeals": ROWS}), VALUES),
        "attachments": st.one_of(st.lists(st.one_of(st.text(max_size=12), st.just("../x"), VALUES), max_size=3), VALUES),
        "extra": VALUES,
    },
)


def fresh_portal(folder: str) -> Portal:
    return Portal(Path(folder) / "portal")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=FRONT_MATTER, narrative=NARRATIVE)
def test_any_front_matter_is_checked_and_if_valid_built_without_a_crash(front: dict, narrative: str) -> None:
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + narrative
    with tempfile.TemporaryDirectory() as folder:
        portal = fresh_portal(folder)
        portal.write("content/reports/county/2022.md", text)
        result = build_project(portal.root, portal.root / "site", None, TODAY, search=False, jobs=1)
        for problem in result.problems:
            assert problem.file.startswith("content/") and problem.line >= 1 and problem.message
        if result.ok:
            for page in (portal.root / "site").rglob("*.html"):
                assert active_content(page.read_text(encoding="utf-8")) == [], page


@settings(max_examples=150, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode), st.sampled_from(HOSTILE).map(str.encode)))
def test_any_bytes_as_a_content_file_are_a_problem_not_a_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        portal = fresh_portal(folder)
        portal.write("content/reports/county/2022.md", REPORT_2021.format(agency="county", year=2022, published="2023-01-20"))
        for relative in ("content/reports/county/2021.md", "content/agencies.yaml"):
            (portal.root / relative).write_bytes(data)
            checked = check_project(portal.root, TODAY)
            assert all(p.line >= 1 for p in checked.problems)


MUTATIONS = st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 40), st.one_of(PIECES, st.text(max_size=5))), min_size=1, max_size=6)


@settings(max_examples=80, deadline=None)
@given(mutations=MUTATIONS)
def test_a_mutated_valid_report_is_checked_without_a_crash(mutations: list[tuple[int, int, str]]) -> None:
    text = REPORT_2021.format(agency="county", year=2022, published="2023-01-20")
    for start, length, insert in mutations:
        start %= len(text) + 1
        text = text[:start] + insert + text[start + length :]
    with tempfile.TemporaryDirectory() as folder:
        portal = fresh_portal(folder)
        portal.write("content/reports/county/2022.md", text)
        result = build_project(portal.root, portal.root / "site", None, TODAY, search=False, jobs=1)
        if result.ok:
            html = (portal.root / "site/reports/county/2022/index.html").read_text(encoding="utf-8")
            assert active_content(html) == []


@settings(max_examples=80, deadline=None)
@given(
    body=st.lists(st.one_of(PIECES, st.text(max_size=10), st.sampled_from(["政府信息公开", "2022年", "一、总体情况", "收到申请", "| 行政许可 | 5 |", "\n| --- | --- |\n"])), max_size=40).map("".join),
    suffix=st.sampled_from([".txt", ".md", ".html"]),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]),
)
def test_any_document_imports_or_is_refused_with_a_message(body: str, suffix: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"报告{suffix}"
        source.write_bytes(body.encode(encoding, errors="replace"))
        try:
            imported = import_document(read_document(source), year=2022, agency_name="测试县人民政府")
        except ReadError as exc:
            assert str(exc)
            return
        assert imported.year == 2022
