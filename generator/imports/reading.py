"""Reading and matching many files: in worker processes when they are many.

Matching a document's rows with the official labels is what an import of a folder
spends its time on (tens of milliseconds a file, nearly all of it comparing cells
with labels), and it depends on the file alone. So a batch reads its files in a
process pool, one per core, and takes the results back in file order; what
depends on the files before (which agencies are known, what is written) stays in
the one process that runs the batch (see `batch`). A few files are read in this
process: a pool costs more to start than they take.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from .document import ReadError
from .matching import Imported, import_document
from .readers import Reader, read_document

PARALLEL_FROM = 8
"""From this many files on, a batch reads them in worker processes."""


def read_report(file: Path, year: int | None, readers: Sequence[Reader]) -> Imported | str:
    """One file read and matched as a report; or why it cannot be, in Chinese."""
    try:
        return import_document(read_document(file, readers), year)
    except ReadError as exc:
        return str(exc)


def read_reports(files: Sequence[Path], year: int | None, readers: Sequence[Reader], jobs: int) -> Iterator[Imported | str]:
    """`read_report` of every file, in the order of `files`, as each is ready; `jobs` worker
    processes when there are at least PARALLEL_FROM files and more than one job."""
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        for file in files:
            yield read_report(file, year, readers)
        return
    chunk = max(1, min(16, len(files) // (jobs * 4)))  # few round trips, yet an even share per worker
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(read_report, files, repeat(year), repeat(tuple(readers)), chunksize=chunk)
