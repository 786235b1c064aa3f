"""Chinese search: the tokens both sides agree on, and the demo portal searched
in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import datetime
import gzip
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build.project import build_project, check_project
from generator.formats import FIRST_YEAR
from generator.model import Checked
from generator.search import index as index_module
from generator.search.documents import SearchDocument, search_documents
from generator.search.index import build_index
from generator.search.labels import label_places
from generator.search.segment import (
    EVERY_DOCUMENT,
    HEAD_END,
    SEPARATOR,
    YEAR_SLOTS,
    document_tokens,
    index_tokens,
    layout,
    normalise,
    pieces,
    query_tokens,
    run_tokens,
    text_tokens,
    unigrams,
)
from generator.search.shards import area_code, areas, shards

from .conftest import REPORT_2019, Portal, pagefind_unstable, static_server, with_reports

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.date(2026, 11, 22)


# --- the tokens -------------------------------------------------------------------


def documents_of(checked: Checked) -> list[SearchDocument]:
    return search_documents(checked.reports, checked.portal.agencies)


def test_text_becomes_bigrams_then_the_characters_it_uses() -> None:
    assert index_tokens("行政复议") == ["u0884c0653f", "u0653f0590d", "u0590d08bae", "u0590d", "u0653f", "u0884c", "u08bae"]
    # pieces stand apart: a separator (a position Pagefind does not index) between each two
    assert index_tokens("收到３件，ＩＣＰ备案") == ["u0653605230", "-", "3", "-", "-", "icp", "-", "u0590706848", "u04ef6", "u05230", "u05907", "u06536", "u06848"]


def test_a_document_says_its_year_and_its_head_by_position() -> None:
    tokens = document_tokens(2022, "示例县教育局2022年报告\n示例县教育局", "示例省 示例县\n2022年\n本局依申请公开。")
    assert tokens.index(EVERY_DOCUMENT) == 2022 - FIRST_YEAR and tokens.count(EVERY_DOCUMENT) == 1
    assert set(tokens[:YEAR_SLOTS]) == {SEPARATOR, EVERY_DOCUMENT}
    head = run_tokens("示例县教育局") + [SEPARATOR, "2022", SEPARATOR] + run_tokens("年报告") + [SEPARATOR] + run_tokens("示例县教育局")
    assert tokens[YEAR_SLOTS:HEAD_END] == head + [SEPARATOR] * (HEAD_END - YEAR_SLOTS - len(head))
    assert tokens[HEAD_END : HEAD_END + 3] == run_tokens("示例省") + [SEPARATOR]  # the body starts at HEAD_END
    long_title = "很" * 400
    tokens = document_tokens(2008, long_title, "正文")
    assert tokens[0] == EVERY_DOCUMENT and tokens[YEAR_SLOTS + 399 : YEAR_SLOTS + 401] == [SEPARATOR, run_tokens("正文")[0]]  # a long head: one separator, then the body


MIXED = st.text(alphabet="行政复议公开，。ＩＣＰ３Σσ́ \n\tab1é", max_size=30)


@settings(max_examples=300, deadline=None)
@given(head=MIXED, body=MIXED)
def test_a_documents_characters_are_those_of_its_head_and_body_together(head: str, body: str) -> None:
    # Each text is split into pieces once, and the distinct characters listed from both; that
    # must be what the pieces of the two texts joined by a line break give (full-width forms,
    # a combining accent and a final sigma at the join included).
    front = text_tokens(head)
    padding = [SEPARATOR] * max(1, HEAD_END - YEAR_SLOTS - len(front))
    slots = [SEPARATOR] * YEAR_SLOTS
    slots[2022 - FIRST_YEAR] = EVERY_DOCUMENT
    assert document_tokens(2022, head, body) == slots + front + padding + text_tokens(body) + unigrams(head + "\n" + body)


def test_queries_become_phrases_of_bigrams() -> None:
    assert query_tokens("行政复议") == (["u0884c0653f", "u0653f0590d", "u0590d08bae"], True)
    assert query_tokens("议") == (["u08bae"], True)
    assert query_tokens("icp") == (["icp"], False)  # a word: Pagefind matches it as a prefix, as usual


def contains_phrase(doc: list[str], phrase: list[str]) -> bool:
    return any(doc[i : i + len(phrase)] == phrase for i in range(len(doc) - len(phrase) + 1))


def matches(text: str, query: str) -> bool:
    """What the index answers for a one-piece Chinese query, computed on the tokens."""
    doc = index_tokens(text)
    tokens, _ = query_tokens(normalise(query))
    return contains_phrase(doc, tokens)


CHINESE = st.text(alphabet="行政复议申请公开中华人民共和国府信息，。 a1", min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=CHINESE, start=st.integers(0, 40), length=st.integers(1, 8))
def test_a_query_matches_exactly_when_it_is_a_substring(text: str, start: int, length: int) -> None:
    run = max(re.findall(r"[\u4e00-\u9fff]+", text) or [""], key=len)
    query = run[start % max(1, len(run)) :][:length] or "议"
    assert matches(text, query) == (query in text)


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("依照中华人民共和国政府信息公开条例", "中华人民共和国政府", True),  # upstream splits it 国政/府 and misses
        ("依照中华人民共和国政府信息公开条例", "共和国政", True),
        ("行政机关对复议决定进行审查", "行政复议", False),  # all four characters, never together
        ("行政，复议", "行政复议", False),  # punctuation breaks a phrase
        ("三安全一稳定", "三安全一稳定", True),
    ],
)
def test_cases_where_upstream_segmentation_fails(text: str, query: str, found: bool) -> None:
    assert matches(text, query) is found


@pytest.mark.parametrize("text", ["行政，政复议", "行政复，复议", "行政 政复 复议", "行政\n政复议"])
def test_a_phrase_never_spans_punctuation(text: str) -> None:
    # The bigrams of 行政复议 all occur, in order, each run's after the last run's:
    # without a separator between runs they stood at consecutive positions.
    assert matches(text, "行政复议") is False
    without_separators = [token for token in index_tokens(text) if token != SEPARATOR]
    assert contains_phrase(without_separators, query_tokens("行政复议")[0])  # what the index held before


def test_shards_group_years_and_split_a_large_year_by_agency() -> None:
    from generator.search.documents import SearchDocument

    def doc(year: int, agency: str) -> SearchDocument:
        return SearchDocument(f"reports/{agency}/{year}/", agency, "", agency, year, "部门", (), "2021", "", "")

    docs = [doc(2019, f"a{i}") for i in range(3)] + [doc(2020, f"a{i}") for i in range(3)] + [doc(2021, f"a{i}") for i in range(9)]
    groups = shards(docs, size=6)
    assert [name for name, _ in groups] == ["2019-2020", "2021-1", "2021-2"]
    assert sum(len(g) for _, g in groups) == 15
    assert shards(docs, size=6) == groups  # the same reports land in the same shard every time


def test_build_without_search_writes_no_index(portal: Portal) -> None:
    portal.report()
    out = portal.root / "site"
    assert build_project(portal.root, out, None, TODAY, search=False).ok
    assert not (out / "pagefind").exists()
    assert (out / "search/index.html").is_file()


def test_only_report_pages_are_indexed(portal: Portal) -> None:
    portal.report()
    portal.report(year=2021)
    out = portal.root / "site"
    assert build_project(portal.root, out, None, TODAY).ok
    urls = sorted(
        json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd") :])["url"] for f in out.glob("pagefind/*/fragment/*.pf_fragment")
    )
    assert urls == ["/reports/county/2021/", "/reports/county/2022/"]


def test_a_change_to_the_code_indexes_every_report_anew(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    # Documents unchanged, pages made differently: no shard may be kept, or patched by
    # the overlay, as it was (each page's recorded hash covers the code that made it).
    with_reports(portal)
    out = portal.root / "site"
    monkeypatch.setattr("generator.search.index.SHARD_REPORTS", 2)
    assert build_project(portal.root, out, None, TODAY).ok
    import generator.search.documents as documents_module

    made = documents_module.index_content
    monkeypatch.setattr("generator.build.project.code_digest", lambda: "other code")
    monkeypatch.setattr("generator.search.index._code_digest", lambda: b"other code")
    monkeypatch.setattr(documents_module, "index_content", lambda *args: made(*args) + " madeanew")
    assert build_project(portal.root, out, None, TODAY).ok
    manifest = json.loads((out / "pagefind/xxgk.json").read_text(encoding="utf-8"))
    assert "overlay" not in manifest["shards"] and manifest["replaced"] == {}
    fragments = [gzip.decompress(f.read_bytes()).decode() for f in out.glob("pagefind/*/fragment/*.pf_fragment")]
    assert len(fragments) == 5 and all("madeanew" in f for f in fragments)


def test_the_shards_of_an_index_made_at_once_are_those_made_one_after_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = documents_of(check_project(ROOT))
    monkeypatch.setattr(index_module, "available_memory", lambda: 64 * 2**30)
    running: list[int] = []
    together = threading.Barrier(2, timeout=30)  # fails unless two runs are under way at the same time
    real = index_module.pagefind.index_group

    def index_group(*args: Any) -> None:
        running.append(1)
        if len(running) <= 2:
            together.wait()
        real(*args)

    monkeypatch.setattr(index_module.pagefind, "index_group", index_group)
    at_once = build_index(documents, tmp_path / "at-once/pagefind", size=10, jobs=2)
    monkeypatch.setattr(index_module.pagefind, "index_group", real)
    one_by_one = build_index(documents, tmp_path / "one-by-one/pagefind", size=10, jobs=1)
    assert at_once == one_by_one and len(at_once) >= 5 and len(running) == len(at_once)
    stable = tree_bytes(tmp_path / "at-once")
    assert stable == tree_bytes(tmp_path / "one-by-one") and any("/fragment/" in path for path in stable)


def test_no_more_runs_start_at_once_than_cores_and_memory_allow() -> None:
    gigabyte = 2**30
    per_run = 2000 * index_module.RUN_MEMORY_PER_REPORT  # about 1.8 GB for a run of 2,000 reports
    assert index_module.concurrent_runs(2000, jobs=2, available=16 * gigabyte) == 2  # cores decide
    assert index_module.concurrent_runs(2000, jobs=8, available=3 * per_run) == 2  # memory decides: 4/5 of it
    assert index_module.concurrent_runs(2000, jobs=8, available=gigabyte) == 1  # never fewer than one
    assert index_module.concurrent_runs(2000, jobs=8, available=None) == 1  # memory unknown: one at a time


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but those Pagefind writes differently from run to run."""
    files = ((path.relative_to(folder).as_posix(), path) for path in sorted(folder.rglob("*")) if path.is_file())
    return {relative: path.read_bytes() for relative, path in files if not pagefind_unstable(relative)}


# --- the demo portal in a browser ---------------------------------------------------------

BASE = "/xxgk/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal built under a sub-path and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("search")
    site = root / "www" / BASE.strip("/")
    assert build_project(ROOT, site, BASE, TODAY).ok
    with static_server(root / "www") as origin:
        yield origin


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal indexed in shards of at most 10 reports, as a large portal is."""
    root = tmp_path_factory.mktemp("sharded")
    site = root / "www" / BASE.strip("/")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.search.index.SHARD_REPORTS", 10)
        assert build_project(ROOT, site, BASE, TODAY).ok
    assert len(json.loads((site / "pagefind/xxgk.json").read_text(encoding="utf-8"))["shards"]) >= 5
    with static_server(root / "www") as origin:
        yield origin


@pytest.fixture(scope="module")
def documents() -> list:
    return documents_of(check_project(ROOT, TODAY))


def reference(documents: list, query: str, year: int | None = None) -> list[str]:
    """A plain substring search over what each report makes searchable."""
    terms = [normalise(t) for t in query.split()]
    return sorted(
        BASE + d.path for d in documents if all(t in normalise(d.searchable) for t in terms) and (year is None or d.year == year)
    )


@pytest.fixture(scope="module")
def page(demo: str, browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(demo + BASE + "search/")
    yield page
    page.close()


def search(page, query: str, filters: dict | None = None, sort: str = "relevance", base: str = BASE) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "async ([m, q, f, s]) => Promise.all((await (await import(m)).search(q, {filters: f, sort: s})).map((r) => r.data()))",
        [base + "assets/xxgk-search.js", query, filters or {}, sort],
    )


def ranking(page, query: str, sort: str = "relevance") -> list[list[int]]:  # type: ignore[no-untyped-def]
    """[score, year] of every result, in order: what decides the order, whichever shard a result is in."""
    return page.evaluate(
        "async ([q, s]) => (await (await import('/xxgk/assets/xxgk-search.js')).match(q, {sort: s})).results.map((r) => [r.score, r.year])",
        [query, sort],
    )


@pytest.mark.parametrize("query", ["依申请公开", "信息处理费", "不予公开", "三安全一稳定", "收费", "行政复议", "结转", "议", "总计"])
def test_a_legal_term_finds_exactly_the_reports_containing_it(page, documents, query: str) -> None:  # type: ignore[no-untyped-def]
    found = sorted(r["url"] for r in search(page, query))
    assert found == reference(documents, query)
    assert found  # the demo has such reports


def test_search_loads_a_result_only_when_it_is_asked_for(demo: str, browser, documents) -> None:  # type: ignore[no-untyped-def]
    # A common term in a large portal has a result per report: search() must list them
    # without fetching each one's data (100,000 fetches at once fail in a browser).
    page = browser.new_page()
    page.goto(demo + BASE + "search/")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith(".pf_fragment") else None)
    listed = page.evaluate("async (m) => { window.found = await (await import(m)).search('依申请公开'); return window.found.map((r) => r.year) }", BASE + "assets/xxgk-search.js")
    expected = reference(documents, "依申请公开")
    assert len(listed) == len(expected) > 10 and fetched == []
    first = page.evaluate("async () => (await window.found[0].data()).url")
    assert first in expected and len(fetched) == 1
    page.close()


def test_punctuation_in_a_query_separates_terms(page) -> None:  # type: ignore[no-untyped-def]
    assert search(page, "（七）总计") == search(page, "七 总计")


def test_a_quoted_phrase_finds_what_the_phrase_finds(page) -> None:  # type: ignore[no-untyped-def]
    # Upstream, a quoted Chinese phrase finds nothing at all.
    quoted = search(page, "“信息处理费”")
    assert quoted and quoted == search(page, '"信息处理费"') == search(page, "信息处理费")


def test_a_table_label_finds_every_report_with_tables(page, documents) -> None:  # type: ignore[no-untyped-def]
    found = sorted(r["url"] for r in search(page, "危及“三安全一稳定”"))  # a row label of table 三, 2019 and 2021 formats
    assert found == reference(documents, "危及“三安全一稳定”")
    assert len(found) == sum(1 for d in documents if d.format != "freeform")
    with_term = sorted(r["url"] for r in search(page, "本机关不掌握 信息处理费"))  # a label term and a narrative term
    assert with_term == reference(documents, "本机关不掌握 信息处理费")
    assert 0 < len(with_term) < len(found)


def test_an_agency_name_finds_that_agencys_reports(page, documents) -> None:  # type: ignore[no-untyped-def]
    results = search(page, "示例县教育局")
    assert {r["agency"] for r in results} == {"示例县教育局"}
    assert sorted(r["url"] for r in results) == reference(documents, "示例县教育局")
    assert len(results) == 6


def test_a_year_filter_narrows_the_results(page, documents) -> None:  # type: ignore[no-untyped-def]
    everything = search(page, "依申请公开")
    narrowed = search(page, "依申请公开", {"year": "2022"})
    assert 0 < len(narrowed) < len(everything)
    assert {r["year"] for r in narrowed} == {2022}
    assert sorted(r["url"] for r in narrowed) == reference(documents, "依申请公开", 2022)


def test_two_terms_must_both_occur(page, documents) -> None:  # type: ignore[no-untyped-def]
    found = sorted(r["url"] for r in search(page, "行政复议 纠正"))
    assert found == reference(documents, "行政复议 纠正")
    assert 0 < len(found) < len(reference(documents, "行政复议"))


def test_excerpts_highlight_the_match_without_stray_spaces(page) -> None:  # type: ignore[no-untyped-def]
    results = search(page, "信息处理费")
    for result in results:
        assert "<mark>信息处理费</mark>" in result["excerpt"]
        text = re.sub(r"</?mark>", "", result["excerpt"])
        assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)
        assert "u0" not in text  # never the tokens the index holds
    assert all(not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", r["title"]) for r in results)


def test_the_javascript_query_side_splits_text_like_the_python_side(page) -> None:  # type: ignore[no-untyped-def]
    samples = ["行政复议", "议", "收到３件，ＩＣＰ备案号：京ICP备2022号", "中华人民共和国政府信息公开条例", "𠀀𠀁字", "ＡＢＣ abc 123"]
    js = page.evaluate(
        """async (samples) => { const m = await import('/xxgk/assets/xxgk-search.js');
           return samples.map((s) => m.pieces(s).map((p) => [p.text, m.queryTokens(p).tokens, m.queryTokens(p).phrase])); }""",
        samples,
    )
    python = [[[piece, *query_tokens(piece)] for piece in pieces(sample)] for sample in samples]
    assert js == [[[text, list(tokens), phrase] for text, tokens, phrase in sample] for sample in python]


def test_search_page_opened_with_a_query_shows_results(demo: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(demo + BASE + "search/?q=" + "信息处理费")
    status = page.locator("#search-status")
    status.filter(has_text="找到").wait_for()
    assert re.match(r"找到 \d+ 份报告", status.inner_text())
    first = page.locator("#search-results li").first
    assert first.locator("mark").first.inner_text() == "信息处理费"
    assert first.locator("a").get_attribute("href").startswith(BASE + "reports/")
    year = page.locator("select[name=year]")
    year.locator("option", has_text="2023（").wait_for(state="attached")  # the counts follow the results
    year.select_option("2023")
    page.wait_for_url(re.compile(r"year=2023"))
    status.filter(has_text="找到").wait_for()
    shown = page.locator("#search-results .meta-inline").all_inner_texts()
    assert shown and all(text.endswith("2023年") for text in shown)
    # the other years stay on offer, with the number of results each would give
    year.locator("option", has_text="2022（").wait_for(state="attached")


def test_the_header_search_box_leads_to_the_search_page(demo: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(demo + BASE + "years/")
    page.fill("#site-search-q", "依申请公开")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/xxgk/search/\?q="))
    page.locator("#search-status").filter(has_text="找到").wait_for()
    assert page.locator("#search-results li").count() == 10


def test_without_javascript_the_form_still_lands_on_the_search_page(demo: str, page) -> None:  # type: ignore[no-untyped-def]
    context = page.context.browser.new_context(java_script_enabled=False)
    bare = context.new_page()
    bare.goto(demo + BASE)
    bare.fill("#site-search-q", "行政复议")
    bare.press("#site-search-q", "Enter")
    bare.wait_for_url(re.compile(r"/xxgk/search/\?q="))
    assert "搜索需要在浏览器中启用 JavaScript" in bare.content()
    context.close()


@pytest.mark.parametrize("query", ["依申请公开", "示例县教育局", "议", "行政复议 纠正", "危及“三安全一稳定”"])
def test_shards_are_searched_together(sharded: str, page, documents, query: str) -> None:  # type: ignore[no-untyped-def]
    context = page.context.browser.new_context()
    other = context.new_page()
    other.goto(sharded + BASE + "search/")
    found = sorted(r["url"] for r in search(other, query))
    counts = other.evaluate("async (q) => (await (await import('/xxgk/assets/xxgk-search.js')).searchPage(q)).filters.year", query)
    ranked = {sort: ranking(other, query, sort) for sort in ("relevance", "year")}
    context.close()
    assert found == reference(documents, query)
    for sort, order in ranked.items():
        assert order == ranking(page, query, sort), sort  # the same scores and years, in the same order, as one index gives
    if " " in query:  # known limit: counts of a several-term query come from one loose search
        assert sum(counts.values()) >= len(found)
    else:
        assert sum(counts.values()) == len(found)  # the shards' filter counts add up


def test_the_manifest_lists_the_page_ids_two_shards_share(tmp_path: Path) -> None:
    records = {"2024": {"a/2024/": ("h1", "und_1"), "b/2024/": ("h2", "und_2")}, "2023": {"a/2023/": ("h3", "und_2")}, "overlay": {"c/2024/": ("h4", "und_3")}}
    for name, documents in records.items():
        (tmp_path / name).mkdir()
        index_module.ShardRecord("digest", "maker", documents).write(tmp_path / name)
    assert index_module.shared_ids(tmp_path, ["overlay", "2024", "2023"]) == ["und_2"]
    assert index_module.shared_ids(tmp_path, ["overlay", "2024"]) == []


STUB_PAGEFIND = """
// A stand-in for Pagefind's module over pages given as token lists: an exact phrase (one,
// quoted) and loose words, all required, except a word an index does not hold at all, which that
// index drops (as Pagefind does); the positions of what matched; filters by value. Each
// instance (createInstance, as Pagefind 1.5 has) searches its own indexes.
const at = (tokens, t) => tokens.flatMap((x, i) => (x === t ? [i] : []));
const allows = (page, filters) => Object.entries(filters).every(([key, want]) =>
  (typeof want === "string" ? [want] : want.any).some((v) => page.filters[key].includes(v)));
export function createInstance({ basePath }) {
  const indexes = [];
  return {
    async options() {},
    async init() { indexes.push(await (await fetch(basePath + "index.json")).json()); },
    async mergeIndex(path) { indexes.push(await (await fetch(path + "index.json")).json()); },
    async filters() { return {}; },
    async search(query, { filters = {} } = {}) {
      const phrase = (query.match(/"([^"]*)"/) ?? [null, ""])[1].split(" ").filter(Boolean);
      const loose = query.replace(/"[^"]*"/, " ").split(" ").filter(Boolean);
      const results = [];
      for (const ix of indexes) for (const page of ix.pages) {
        if (!allows(page, filters)) continue;
        const held = loose.filter((t) => ix.pages.some((other) => other.tokens.includes(t)));
        const starts = phrase.length ? at(page.tokens, phrase[0]).filter((p) => phrase.every((t, k) => page.tokens[p + k] === t)) : [];
        const words = held.map((t) => at(page.tokens, t));
        if ((phrase.length && !starts.length) || words.some((w) => !w.length)) continue;
        const all = [...starts.flatMap((p) => phrase.map((_, k) => p + k)), ...words.flat()].sort((a, b) => a - b);
        results.push({ id: page.id, score: 1, words: all, data: async () => ({ url: page.url, meta: page.meta, filters: page.filters }) });
      }
      return { results, filters: {} };
    },
  };
}
"""


def test_two_shards_pages_with_one_id_are_told_apart(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Pagefind's page ids are unique within a shard only (seven hex digits of a hash: 32
    pairs among the benchmark's 100,000 reports). A report must not be found by another shard's page with its id."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "templates/assets", site / "assets")
    (site / "search").mkdir()
    (site / "search/index.html").write_text("<!DOCTYPE html><title>search</title>", encoding="utf-8")
    pages = {  # shard → (id, path, narrative)
        "b": [("und_1", "reports/b1/", "甲乙。")],
        "a": [("und_1", "reports/a1/", "丙丁。"), ("und_2", "reports/a2/", "甲乙，丙丁。")],
    }
    for shard, listed in pages.items():
        stored = [
            {"id": page, "url": "/" + path, "tokens": document_tokens(2022, path, text), "meta": {"title": path, "agency": "", "year": "2022", "text": text},
             "filters": {"year": ["2022"], "format": ["2021"]}}
            for page, path, text in listed
        ]
        (site / "pagefind" / shard).mkdir(parents=True)
        (site / "pagefind" / shard / "index.json").write_text(json.dumps({"pages": stored}), encoding="utf-8")
    (site / "pagefind/b/pagefind.js").write_text(STUB_PAGEFIND, encoding="utf-8")
    manifest = {"shards": ["b", "a"], "labels": {"2021": []}, "layout": layout(), "replaced": {}, "shared": ["und_1"]}
    (site / "pagefind/xxgk.json").write_text(json.dumps(manifest), encoding="utf-8")
    with static_server(site) as origin:
        page = browser.new_page()
        page.goto(origin + "/search/")
        found = {query: sorted(r["url"] for r in search(page, query, base="/")) for query in ("甲乙 丙丁", "丙丁 甲乙", "甲乙", "丙丁")}
        page.close()
    assert found == {
        "甲乙 丙丁": ["/reports/a2/"],  # not b1, found by 甲乙 alone (shard b holds no 丙丁), whose id a1 has too
        "丙丁 甲乙": ["/reports/a2/"],
        "甲乙": ["/reports/a2/", "/reports/b1/"],
        "丙丁": ["/reports/a1/", "/reports/a2/"],
    }


def test_an_edit_indexed_in_the_overlay_is_found_and_its_old_text_is_not(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "portal"
    shutil.copytree(ROOT / "content", root / "content")
    site = tmp_path / "www" / BASE.strip("/")
    report = sorted((root / "content/reports").glob("*/*.md"))[-1]
    text = report.read_text(encoding="utf-8")
    assert text.count("一、总体情况") == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.search.index.SHARD_REPORTS", 10)
        assert build_project(root, site, BASE, TODAY).ok
        report.write_text(text.replace("一、总体情况", "一、总体概况"), encoding="utf-8")
        assert build_project(root, site, BASE, TODAY).ok
    manifest = json.loads((site / "pagefind/xxgk.json").read_text(encoding="utf-8"))
    assert manifest["shards"][0] == "overlay" and len(manifest["replaced"]) == 1  # the edit was indexed on its own
    documents = documents_of(check_project(root, TODAY))
    with static_server(tmp_path / "www") as origin:
        page = browser.new_page()
        page.goto(origin + BASE + "search/")
        for query in ("总体概况", "总体情况", "依申请公开"):
            found = [r["url"] for r in search(page, query)]
            assert sorted(found) == reference(documents, query), query  # each report once, as it is now
            by_year = search(page, query, sort="year")
            assert sorted(r["url"] for r in by_year) == sorted(found), query
            assert [r["year"] for r in by_year] == sorted((r["year"] for r in by_year), reverse=True), query
            counts = page.evaluate("async (q) => (await (await import('/xxgk/assets/xxgk-search.js')).searchPage(q)).filters.year", query)
            assert sum(counts.values()) == len(found), query  # the replaced version is not counted
        page.close()
    assert reference(documents, "总体概况") == [BASE + report.parent.relative_to(root / "content").as_posix() + f"/{report.stem}/"]


# --- an archive: shards by area and years, searched as far as the filters allow ---------------


def test_an_archives_areas_are_where_its_agencies_regions_part() -> None:
    nationwide = {"gwy-bgt": (), "gd": ("广东省",), "gd-gz": ("广东省", "广州市"), "hn-cs": ("湖南省", "长沙市")}
    assert areas(nationwide) == ({"gwy-bgt": "", "gd": "广东省", "gd-gz": "广东省", "hn-cs": "湖南省"}, 1)
    province = {"p": ("示例省",), "a": ("示例省", "甲市"), "a-x": ("示例省", "甲市", "丙县"), "b": ("示例省", "乙市")}
    assert areas(province) == ({"p": "示例省", "a": "示例省 / 甲市", "a-x": "示例省 / 甲市", "b": "示例省 / 乙市"}, 2)


def test_an_archives_shards_each_hold_one_area_and_consecutive_years() -> None:
    def doc(year: int, agency: str) -> SearchDocument:
        return SearchDocument(f"reports/{agency}/{year}/", agency, "", agency, year, "部门", (), "2021", "", "")

    by_agency = {**{f"a{i}": "甲省" for i in range(4)}, "b0": "乙省"}
    docs = [doc(year, agency) for year in (2019, 2020, 2021) for agency in sorted(by_agency)]
    groups = shards(docs, size=6, area_of=by_agency)
    a, b = area_code("甲省"), area_code("乙省")
    assert [name for name, _ in groups] == [f"2019-{a}", f"2019-2021-{b}", f"2020-{a}", f"2021-{a}"]  # oldest first
    assert [len(group) for _, group in groups] == [4, 3, 4, 4]
    assert all(len({by_agency[d.agency_id] for d in group}) == 1 for _, group in groups)
    assert shards(docs, size=6, area_of=by_agency) == groups  # the same reports land in the same shard every time


ARCHIVE_AREAS = {"示例省 / 示例市", "示例省 / 示例市 / 示例县", "示例省 / 示例市 / 样例县"}
"""The demo's areas, indexed as an archive: its agencies part below the city (the city's own
two agencies are an area of their own)."""


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo portal indexed as an archive is (shards by area and years), with shards of
    at most 8 reports and queries that search about 12 reports at a time: its origin and site."""
    root = tmp_path_factory.mktemp("archive")
    site = root / "www" / BASE.strip("/")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.search.index.SCOPED_FROM", 1)
        patch.setattr("generator.search.index.SHARD_REPORTS", 8)
        patch.setattr("generator.search.index.SEARCH_BATCH", 12)
        assert build_project(ROOT, site, BASE, TODAY).ok
    with static_server(root / "www") as origin:
        yield origin, site


def archive_manifest(site: Path) -> dict[str, Any]:
    return json.loads((site / "pagefind/xxgk.json").read_text(encoding="utf-8"))


def area_of(doc: SearchDocument, depth: int) -> str:
    return doc.regions[min(len(doc.regions), depth) - 1]


def test_an_archives_shards_say_their_scope_and_hold_only_it(archive: tuple[str, Path], documents: list) -> None:
    _, site = archive
    manifest = archive_manifest(site)
    assert manifest["depth"] == 3 and manifest["batch"] == 12
    assert set(manifest["scopes"]) == set(manifest["shards"]) and len(manifest["shards"]) > 6
    by_path = {d.path: d for d in documents}
    held = []
    for name, scope in manifest["scopes"].items():
        record = index_module.ShardRecord.read(site / "pagefind" / name)
        assert record is not None
        docs = [by_path[path] for path in record.documents]
        assert len(docs) == scope["reports"] <= 8
        assert {area_of(d, 3) for d in docs} == {scope["region"]}
        assert scope["years"] == [min(d.year for d in docs), max(d.year for d in docs)]
        assert (site / "pagefind" / name / "wasm.unknown.pagefind").is_file()  # a query may start its search in any shard
        held += record.documents
    assert {scope["region"] for scope in manifest["scopes"].values()} == ARCHIVE_AREAS
    assert sorted(held) == sorted(by_path)  # every report in one shard
    # newest first, as the browser searches them
    assert [manifest["scopes"][n]["years"][1] for n in manifest["shards"]] == sorted((s["years"][1] for s in manifest["scopes"].values()), reverse=True)


def requested(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The URLs `page` asks for from now on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def shard_requests(urls: list[str]) -> set[str]:
    return {match.group(1) for url in urls if (match := re.search(r"/pagefind/([^/]+)/(?!pagefind\.js$)", url))}


def test_a_query_in_an_archive_reads_only_the_shards_its_filters_allow(archive: tuple[str, Path], browser, documents: list) -> None:  # type: ignore[no-untyped-def]
    origin, site = archive
    manifest = archive_manifest(site)
    county = "示例省 / 示例市 / 示例县"
    for year in (2019, 2023):
        page = browser.new_page()
        fetched = requested(page)
        page.goto(origin + BASE + "search/")
        found = sorted(r["url"] for r in search(page, "依申请公开", {"region": county, "year": str(year)}))
        page.close()
        expected = [url for url in reference(documents, "依申请公开", year) if any(BASE + d.path == url and county in d.regions for d in documents)]
        assert found == expected and found
        allowed = {name for name, scope in manifest["scopes"].items() if scope["region"] == county and scope["years"][0] <= year <= scope["years"][1]}
        assert shard_requests(fetched) == allowed  # Pagefind's script itself comes from the first shard, once


def test_a_query_in_an_archive_searches_the_newest_first_and_more_when_asked(archive: tuple[str, Path], browser, documents: list) -> None:  # type: ignore[no-untyped-def]
    origin, _ = archive
    page = browser.new_page()
    page.goto(origin + BASE + "search/")
    asked = "async ([q, b]) => { const r = await (await import('/xxgk/assets/xxgk-search.js')).searchPage(q, {limit: 1000, batches: b}); return {urls: r.results.map((x) => x.url), years: r.results.map((x) => x.year), scope: r.scope}; }"
    first = page.evaluate(asked, ["依申请公开", 1])
    everything = page.evaluate(asked, ["依申请公开", 99])
    page.close()
    expected = reference(documents, "依申请公开")
    scope = first["scope"]
    assert 0 < scope["searched"] <= 12 + 8 and scope["total"] == len(documents)
    assert first["urls"] and set(first["urls"]) < set(expected)  # a part, the newest
    assert min(first["years"]) >= scope["from"] and max(first["years"]) == max(d.year for d in documents)
    assert sorted(everything["urls"]) == expected and everything["scope"]["searched"] == len(documents)


def test_the_search_page_of_an_archive_says_what_it_searched_and_searches_more(archive: tuple[str, Path], browser, documents: list) -> None:  # type: ignore[no-untyped-def]
    origin, _ = archive
    page = browser.new_page()
    page.goto(origin + BASE + "search/?q=依申请公开")
    status, note = page.locator("#search-status"), page.locator("#search-scope")
    status.filter(has_text="找到").wait_for()
    first = int(re.search(r"找到 (\d+) 份报告", status.inner_text()).group(1))
    assert note.is_visible() and f"符合筛选条件的共 {len(documents)} 份" in note.inner_text()
    # every year is on offer, the years not searched yet too (without a number)
    year = page.locator("select[name=year]")
    year.locator("option", has_text="2018").wait_for(state="attached")
    assert {text.split("（")[0] for text in year.locator("option").all_inner_texts()} == {"全部", *(str(d.year) for d in documents)}
    note.get_by_role("link", name="继续搜索更早的报告").click()
    page.wait_for_url(re.compile(r"more=2"))
    more = "(n) => Number((document.getElementById('search-status').textContent.match(/找到 (\\d+) 份/) ?? [0, 0])[1]) > n"
    page.wait_for_function(more, arg=first)  # more reports searched, more found
    page.close()


# --- ranking, sorting and excerpts ---------------------------------------------------------

TERM = "专项督查"


def mentions(times: int, word: str = TERM) -> dict[str, str]:
    """Changes to a report template that mention `word` `times` times in its narrative."""
    return {"仍需改进。": "仍需改进。" + f"开展{word}。" * times}


@pytest.fixture(scope="module")
def ranked_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A portal whose reports mention TERM a known number of times, served at the root."""
    portal = Portal(tmp_path_factory.mktemp("ranking") / "portal")
    portal.report("county", 2022, changes={"仍需改进。": "仍需改进。" + f"开展{TERM}。" * 5 + "配合教育局、协助教育局、督促教育局。"})
    portal.report("town", 2021, changes=mentions(2))
    portal.report("county-edu", 2023, changes=mentions(1))
    portal.report("county-edu", 2022)
    portal.report("county-edu", 2020, template=REPORT_2019, changes={"2019 年度报告正文。": f"开展{TERM}。"})
    site = portal.root / "www"
    assert build_project(portal.root, site, "/", TODAY).ok
    with static_server(site) as origin:
        yield origin


@pytest.fixture(scope="module")
def ranked_page(ranked_portal: str, browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(ranked_portal + "/search/")
    yield page
    page.close()


def urls_of(results: list[dict]) -> list[str]:
    return [r["url"] for r in results]


def test_the_report_that_mentions_a_term_most_ranks_first(ranked_page) -> None:  # type: ignore[no-untyped-def]
    results = search(ranked_page, TERM, base="/")
    # 5, 2, 1 and 1 mentions; between equals, the newer report first
    assert urls_of(results) == ["/reports/county/2022/", "/reports/town/2021/", "/reports/county-edu/2023/", "/reports/county-edu/2020/"]
    assert all(f"<mark>{TERM}</mark>" in r["excerpt"] for r in results)
    # a longer term is counted by its first and last bigram: the same counts here
    assert urls_of(search(ranked_page, "开展" + TERM, base="/")) == urls_of(results)


def test_a_term_in_an_agencys_name_ranks_its_reports_above_mentions_in_passing(ranked_page) -> None:  # type: ignore[no-untyped-def]
    results = search(ranked_page, "教育局", base="/")
    # the county government's report names 教育局 three times in passing; the bureau's name is in its titles
    assert urls_of(results) == ["/reports/county-edu/2023/", "/reports/county-edu/2022/", "/reports/county-edu/2020/", "/reports/county/2022/"]
    # the bureau's narratives do not name it: the excerpt shows where the term was found
    assert results[0]["excerpt"].startswith("标题：测试县<mark>教育局</mark>2023年政府信息公开工作年度报告")
    assert "配合<mark>教育局</mark>" in results[3]["excerpt"]


def test_sort_by_year_puts_the_newest_first(ranked_page, page) -> None:  # type: ignore[no-untyped-def]
    by_year = search(ranked_page, TERM, sort="year", base="/")
    assert urls_of(by_year) == ["/reports/county-edu/2023/", "/reports/county/2022/", "/reports/town/2021/", "/reports/county-edu/2020/"]
    for query in ("行政复议", "依申请公开", "议"):  # the demo: several reports a year
        relevance = search(page, query)
        years = search(page, query, sort="year")
        assert [r["year"] for r in years] == sorted((r["year"] for r in years), reverse=True), query
        # within a year, the order of relevance
        assert urls_of(years) == urls_of(sorted(relevance, key=lambda r: -r["year"])), query
        # the sorts differ on the demo, except for a single character: found, not counted
        assert (urls_of(relevance) == urls_of(years)) is (query == "议"), query


@pytest.mark.parametrize(("query", "label"), [("行政复议", "行政复议"), ("不予公开", "（三）不予公开"), ("危及“三安全一稳定”", "3.危及“三安全一稳定”")])
def test_every_excerpt_shows_the_term_or_names_the_table(page, documents, query: str, label: str) -> None:  # type: ignore[no-untyped-def]
    narratives = {BASE + d.path: d for d in documents}
    places = {f: dict(label_places(f)) for f in ("2019", "2021")}
    results = search(page, query)
    assert len(results) == len(reference(documents, query))
    for result in results:
        doc = narratives[result["url"]]
        terms = pieces(query)
        assert all(f"<mark>{term}</mark>" in result["excerpt"] for term in terms), result
        if all(term in normalise(doc.excerpt_text) for term in terms):
            assert not result["excerpt"].startswith("表"), result
        else:  # found by a table label only: the excerpt names the table and the row
            place = places[doc.format][label]
            assert place.startswith(("表三：", "表四："))
            assert re.sub(r"</?mark>", "", result["excerpt"]).startswith(place + "\u3000"), result
    assert any(r["excerpt"].startswith("表") for r in results)  # the case is met on the demo


def test_filters_narrow_the_results_with_each_sort(page, documents) -> None:  # type: ignore[no-untyped-def]
    for sort in ("relevance", "year"):
        narrowed = search(page, "依申请公开", {"year": "2022"}, sort)
        assert sorted(urls_of(narrowed)) == reference(documents, "依申请公开", 2022), sort
        agency = search(page, "行政复议", {"agency": "示例县教育局"}, sort)
        assert {r["agency"] for r in agency} == {"示例县教育局"}, sort
        assert 0 < len(agency) < len(reference(documents, "行政复议")), sort
        years = [r["year"] for r in agency]
        assert sort == "relevance" or years == sorted(years, reverse=True)


def test_the_sort_is_chosen_with_the_keyboard_and_kept_in_the_url(demo: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(demo + BASE + "search/?q=" + "行政复议")
    status = page.locator("#search-status")
    status.filter(has_text="按相关度排列").wait_for()
    assert page.get_by_role("search", name="搜索年度报告").count() == 1  # the page's own form, named apart from the header's
    page.focus("#search-sort")
    page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"sort=year"))
    page.reload()
    status.filter(has_text="按年度排列").wait_for()
    assert page.locator("#search-sort").input_value() == "year"
    shown = [int(text.split("·")[-1].strip().removesuffix("年")) for text in page.locator("#search-results .meta-inline").all_inner_texts()]
    assert len(shown) == 10 and shown == sorted(shown, reverse=True)
    excerpts = page.locator("#search-results .excerpt").evaluate_all("(ps) => ps.map((p) => p.innerHTML)")
    assert all("<mark>行政复议</mark>" in html for html in excerpts)
    assert any(html.startswith("表四：<mark>行政复议</mark>") for html in excerpts)  # a report found by its table
    year = page.locator("select[name=year]")
    year.locator("option", has_text="2022（").wait_for(state="attached")
    year.select_option("2022")
    page.wait_for_url(re.compile(r"sort=year.*year=2022|year=2022.*sort=year"))
    status.filter(has_text="按年度排列").wait_for()
    shown = page.locator("#search-results .meta-inline").all_inner_texts()
    assert shown and all(text.endswith("2022年") for text in shown)
