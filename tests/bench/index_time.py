"""Time the search indexing alone (all shards), and the memory it takes.

    python tests/bench/index_time.py PORTAL_DIR [--jobs N]

`--jobs` is the build's: how many Pagefind runs may go at once, as memory allows
(default: one per core). Memory is the peak of the summed RSS of this process and
the Pagefind runs under way, sampled every 50 ms, and the largest single run.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from measure import PeakRss  # noqa: E402

from generator.build.project import check_project  # noqa: E402
from generator.search.documents import search_documents  # noqa: E402
from generator.search.index import build_index  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("portal", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    checked = check_project(args.portal)
    documents = search_documents(checked.reports, checked.portal.agencies)
    with tempfile.TemporaryDirectory() as tmp, PeakRss(os.getpid()) as memory:
        start = time.perf_counter()
        names = build_index(documents, Path(tmp) / "pagefind", jobs=args.jobs)
        seconds = time.perf_counter() - start
    peak = memory.peak
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"indexing alone: {seconds:.1f} s for {len(documents)} reports in {len(names)} shards, up to {args.jobs} at once; "
        f"peak {peak / 2**20:.0f} MB in all (this process and the runs under way), largest run {largest:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
