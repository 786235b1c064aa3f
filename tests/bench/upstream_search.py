"""Measure Pagefind out of the box on the same corpus and queries as search_bench.py,
for comparison: the report pages indexed as they are (their <article>), the query
passed to Pagefind unchanged, with the plain and the extended (jieba) binary.

    python tests/bench/upstream_search.py --reports 1000 [--work /tmp/xxgk-bench]

Run search_bench.py for the same size first: it builds the corpus and its site.
Needs `pip install pagefind-bin-extended` for the extended binary.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from measure import CountingServer, run  # noqa: E402
from search_bench import ARGS, CHROMIUM, expected, queries  # noqa: E402

from generator.build.project import check_project  # noqa: E402
from generator.search.documents import search_documents  # noqa: E402
from generator.search.segment import normalise  # noqa: E402


def binary(extended: bool) -> Path:
    module = "pagefind_bin_extended" if extended else "pagefind_bin"
    found = subprocess.run([sys.executable, "-c", f"import {module}; print({module}.get_executable())"], capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(f"{module} is not installed")
    return Path(found.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/xxgk-bench"))
    args = parser.parse_args(argv)
    corpus = args.work / f"corpus-{args.reports}"
    site = corpus / "site"
    checked = check_project(corpus)
    docs = search_documents(checked.reports, checked.portal.agencies)
    for d in docs:
        object.__setattr__(d, "normalised", normalise(d.searchable))
    qs = queries(docs)
    from playwright.sync_api import sync_playwright

    for extended in (False, True):
        name = "upstream-extended" if extended else "upstream-plain"
        indexed = run([str(binary(extended)), "--site", str(site), "--output-subdir", name, "--root-selector", "article", "--glob", "reports/**/index.html", "--silent"])
        urls = {}
        for fragment in (site / name / "fragment").glob("*.pf_fragment"):
            urls[fragment.stem] = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])["url"]
        recalls, precisions = [], []
        with CountingServer(site) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(server.url + "/search/")
            for q in qs:
                ids = page.evaluate(
                    "async ([q, base]) => { const pf = await import(base + 'pagefind.js'); await pf.options({basePath: base});"
                    " return (await pf.search(q)).results.map((r) => r.id); }",
                    [q, f"/{name}/"],
                )
                want = {"/" + p.lstrip("/") for p in expected(docs, q)}
                got = {urls[i] for i in ids}
                recalls.append(len(want & got) / len(want) if want else 1.0)
                precisions.append(len(want & got) / len(got) if got else 1.0)
            browser.close()
        print(f"{name}: index {indexed.seconds:.1f} s, peak {indexed.peak_rss_mb:.0f} MB; "
              f"recall mean {statistics.mean(recalls):.1%} (min {min(recalls):.1%}), "
              f"precision mean {statistics.mean(precisions):.1%} (min {min(precisions):.1%}) over {len(qs)} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
