"""`xxgk` with one part of the build taken out: what that part costs, measured on the same code.

    python tests/bench/ablate.py PART -p PROJECT build --no-search

Comparing two revisions tells what a change costs only while nothing else changed
between them; a part that has been built on since (the data downloads, under the
statistics) is measured better by building the same code with and without it.
`alternate.py --without PART` takes turns between this and the whole build.

PART is
- `exports`: the data downloads (every agency's rows of the data files, made in the
  workers, and the files, the zip, the workbook and the data page joined from them);
- `compliance`: each report's verdicts on the compliance indicators, the compliance pages, the
  agencies' compliance history and compliance.csv, and the 修订记录 (`revisions`);
- `revisions`: the 修订记录 alone: each agency's ledger read, its reports compared with it, the
  ledgers written;
- `statistics`: the region pages and their index, the query builder's page and files,
  the agencies' trend charts, the reports' year-over-year comparison, the year pages'
  rates and statistics.csv. The measures in each report's summary are still made (a few
  sums per report, read by the year pages' totals too).

The site built this way is incomplete (links to what is left out lead nowhere): it is
for timing only. The parts are taken out by replacing the functions that make them,
which is why this lives with the benchmarks and not in the build.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from generator.build import data, part, project  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.content.revisions import Entry  # noqa: E402
from generator.site import plan, summaries  # noqa: E402


def without_exports() -> None:
    real_context = part.PartContext

    def context(*args: Any, **kwargs: Any) -> part.PartContext:
        return real_context(*args, **{**kwargs, "data": False})

    project.PartContext = context  # type: ignore[misc, assignment]
    project.export_data = lambda *args, **kwargs: data.Exported({}, 0, set(), set())  # type: ignore[assignment]


def without_statistics() -> None:
    real_calls = plan.portal_page_calls

    def portal_page_calls(*args: Any) -> list[plan.PageCall]:
        return [call for call in real_calls(*args) if call.function not in (plan.region_page, plan.regions_index)]

    project.portal_page_calls = portal_page_calls  # type: ignore[assignment]
    project.query_calls = lambda *args: []  # type: ignore[assignment]
    plan.agency_trends = lambda summaries: []  # type: ignore[assignment]
    plan.year_over_year = lambda current, previous: None  # type: ignore[assignment]
    plan.rate_cells = lambda summary: []  # type: ignore[assignment]
    data.statistics_lines = lambda registry, summaries: (b"", 0)  # type: ignore[assignment]


def without_revisions() -> None:
    part.read_ledger = lambda path, file: ({}, ())  # type: ignore[assignment]
    empty = Entry("", "", "")
    part.recorded = lambda ledger, reports, today: {c.report.year: empty for c in reports}  # type: ignore[assignment]
    part.ledger_text = lambda ledger: None  # type: ignore[assignment]
    project.recording = lambda done: []  # type: ignore[assignment]


def without_compliance() -> None:
    without_revisions()
    project.compliance_calls = lambda *args: []  # type: ignore[assignment]
    summaries.assess = lambda *args: ()  # type: ignore[assignment]  # no verdicts: the pages show "—"
    data.compliance_lines = lambda registry, summaries, today: (b"", 0)  # type: ignore[assignment]
    plan.agency_history = lambda summaries, base: None  # type: ignore[assignment]


PARTS = {"exports": without_exports, "statistics": without_statistics, "compliance": without_compliance, "revisions": without_revisions}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in PARTS:
        raise SystemExit(f"usage: ablate.py {{{','.join(PARTS)}}} xxgk-arguments...")
    PARTS[sys.argv.pop(1)]()
    main()
