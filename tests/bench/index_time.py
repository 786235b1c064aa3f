"""Time the search indexing alone (all shards), and Pagefind's peak memory.

    python tests/bench/index_time.py PORTAL_DIR
"""

from __future__ import annotations

import datetime
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from generator.load import load_portal  # noqa: E402
from generator.search import build_index, search_documents  # noqa: E402
from generator.validate import check  # noqa: E402


def main() -> int:
    documents = search_documents(check(load_portal(Path(sys.argv[1])), datetime.date.today()))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        names = build_index(documents, Path(tmp) / "pagefind")
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"indexing alone: {seconds:.1f} s for {len(documents)} reports in {len(names)} shards; Pagefind peak {peak:.0f} MB (largest shard)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
