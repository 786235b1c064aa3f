"""Benchmark an archive's scoped search: what a first query reads when the index is in shards by
area and years and the browser searches only the shards the filters allow, a batch at a time.

    python tests/bench/archive_search_bench.py [--reports 10000] [--work /tmp/xxgk-bench]

Builds the corpus of make_corpus.py (reused when present) with search into `site-archive/`,
indexed as an archive is whatever its size (`SCOPED_FROM` set to 0 in the build's process),
then asks search_bench.py's queries in headless Chromium, each in a fresh browser: once without
filters (the newest batch) and once for one area (a city of the generated province) and its
newest year. For each it prints the bytes transferred for the first page of results, the reports
searched of those the filters allow, and recall and precision against a plain substring search
over the reports of the shards searched (the reports a query is meant to find).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from measure import CountingServer, run  # noqa: E402
from run import corpus  # noqa: E402
from search_bench import ARGS, CHROMIUM, expected, fragment_urls, queries  # noqa: E402

from generator.build.project import check_project  # noqa: E402
from generator.search.documents import search_documents  # noqa: E402
from generator.search.index import ShardRecord  # noqa: E402
from generator.search.segment import normalise  # noqa: E402

BUILD_AS_ARCHIVE = """
import sys
import generator.search.index as index
index.SCOPED_FROM = 0  # indexed as an archive is, whatever its size
from generator.cli import main
main(sys.argv[1:])
"""

FIRST_PAGE = """async ([q, filters]) => {
  const m = await import('/assets/xxgk-search.js');
  const r = await m.searchPage(q, {filters, counts: false, limit: 10});
  return r.scope;
}"""

EVERY_RESULT = """async ([q, filters, shared]) => {
  const m = await import('/assets/xxgk-search.js');
  const two = new Set(shared);
  const r = await m.match(q, {filters, rank: false});
  return Promise.all(r.results.map(async (x) => (two.has(x.id) ? {url: (await x.data()).url} : x.id)));
}"""


def searched_paths(site: Path, shards: list[str]) -> set[str]:
    """The report pages of the shards a query searched."""
    found: set[str] = set()
    for name in shards:
        record = ShardRecord.read(site / "pagefind" / name)
        if record is not None:
            found |= {"/" + path for path in record.documents}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/xxgk-bench"))
    args = parser.parse_args(argv)
    project = corpus(args.work, args.reports)
    site = project / "site-archive"
    built = run([sys.executable, "-c", BUILD_AS_ARCHIVE, "-p", str(project), "build", "--out", str(site)])
    if built.returncode != 0:
        print(built.output)
        return 1
    manifest = json.loads((site / "pagefind/xxgk.json").read_text(encoding="utf-8"))
    scopes = manifest["scopes"]
    newest = max(scope["years"][1] for scope in scopes.values())
    areas = sorted({scope["region"] for scope in scopes.values()})
    area = max(areas, key=lambda a: sum(s["reports"] for s in scopes.values() if s["region"] == a))  # the largest
    print(f"{args.reports:,} reports indexed as an archive: {len(scopes)} shards, {len(areas)} areas; built in {built.seconds:.0f} s")
    print(f"a batch: about {manifest['batch']:,} reports; the filtered queries: {area}, {newest}")

    checked = check_project(project)
    docs = search_documents(checked.reports, checked.portal.agencies)
    for d in docs:
        object.__setattr__(d, "normalised", normalise(d.searchable))
    qs = queries(docs)
    from playwright.sync_api import sync_playwright

    urls = fragment_urls(site)
    shared = sorted(i for i, pages in urls.items() if len(pages) > 1)
    rows = []
    with CountingServer(site) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for q in qs:
            for label, filters in (("none", {}), ("area+year", {"region": area, "year": str(newest)})):
                context = browser.new_context()
                page = context.new_page()
                page.goto(server.url + "/search/")
                page.wait_for_load_state("networkidle")
                server.reset()
                scope = page.evaluate(FIRST_PAGE, [q, filters])  # what a first query costs: its first page of results
                sent = server.reset()
                found = page.evaluate(EVERY_RESULT, [q, filters, shared])  # every result's page, to check them
                context.close()
                pages = sorted(item["url"] if isinstance(item, dict) else urls[item][0] for item in found)
                rows.append((q, label, filters, scope, sent, pages))
        browser.close()
    print(f"\n{'query':<24} {'filters':<10} {'searched':>9} {'allowed':>8} {'found':>6} {'recall':>7} {'precision':>9} {'first KB':>9}")
    by_label: dict[str, list[tuple[float, float, float]]] = {}
    for q, label, filters, scope, sent, pages in rows:
        allowed = {"/" + d.path for d in docs if all(area in d.regions if key == "region" else d.year == int(value) for key, value in filters.items())}
        want = expected(docs, q) & allowed & searched_paths(site, scope["shards"])  # what the shards searched should give
        got = set(pages)
        recall = len(want & got) / len(want) if want else 1.0
        precision = len(want & got) / len(pages) if pages else 1.0  # a report listed twice counts against it
        print(f"{q:<24} {label:<10} {scope['searched']:>9,} {scope['total']:>8,} {len(got):>6} {recall:>7.1%} {precision:>9.1%} {sent / 1024:>9.0f}")
        by_label.setdefault(label, []).append((sent / 1024, recall, precision))
    print()
    for label, measured in by_label.items():
        kbs = [kb for kb, _, _ in measured]
        print(
            f"filters {label}: first query, first page of results: median {statistics.median(kbs):.0f} KB, max {max(kbs):.0f} KB transferred;"
            f" recall within the shards searched: mean {statistics.mean(r for _, r, _ in measured):.1%}, min {min(r for _, r, _ in measured):.1%};"
            f" precision: mean {statistics.mean(p for _, _, p in measured):.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
