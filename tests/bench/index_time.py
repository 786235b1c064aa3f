"""Time the search indexing alone (all shards), and Pagefind's peak memory.

    python tests/bench/index_time.py PORTAL_DIR
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from generator.build.project import check_project  # noqa: E402
from generator.search.documents import search_documents  # noqa: E402
from generator.search.index import build_index  # noqa: E402


def main() -> int:
    checked = check_project(Path(sys.argv[1]))
    documents = search_documents(checked.reports, checked.portal.agencies)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        names = build_index(documents, Path(tmp) / "pagefind")
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"indexing alone: {seconds:.1f} s for {len(documents)} reports in {len(names)} shards; Pagefind peak {peak:.0f} MB (largest shard)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
