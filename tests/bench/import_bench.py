"""Time `xxgk import DIR` on a folder of N fictional published reports, into an empty portal.

    python tests/bench/import_bench.py --files 1000 [--seed 1] [--keep DIR]

The reports are what an editor collects from agencies' websites before a portal
exists: one text file per report, in a folder per year, with the official table
labels and tab-separated cells (as text copied out of a published page). The
agencies are make_corpus.py's fictional ones (cities, counties, towns and their
departments, place names made from common characters); each has its reports for
2021–2024 in the 2021 format, with figures that reconcile within a year and from
one year to the next, so a correct import of every file is a clean one. The portal
starts empty (no agencies, `default_region: 示例省`), so every agency is new and is
registered, named in pinyin and given a region: the costliest path.

It runs the real command line once, as an editor would, and prints the wall time,
the time per file, and what the summary says (files passed, with errors, not read).
Then `xxgk check` on the portal the import made, for comparison: the import
checks the portal once, so the difference is what reading and writing the files cost.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import Agency, State, figures, make_agencies  # noqa: E402

from generator.formats import FORMATS  # noqa: E402

YEARS = (2021, 2022, 2023, 2024)
FORMAT = FORMATS["2021"]
NARRATIVE = {
    "一、总体情况": "本年度，{name}认真贯彻落实《中华人民共和国政府信息公开条例》，全年共收到政府信息公开申请 {received} 件。",
    "五、存在的主要问题及改进情况": "政务公开工作仍存在公开内容不够全面等问题，下一步将进一步加强培训。",
    "六、其他需要报告的事项": "本年度未收取信息处理费。",
}


def agencies_and_years(rng: random.Random, files: int) -> list[tuple[Agency, list[int]]]:
    """make_corpus.py's fictional agencies, each with its reports of 2021–2024 (a few
    missing, as on real sites), until there are `files` reports."""
    agencies, _ = make_agencies(rng, files * 5)  # enough agencies: it counts their years of 2008–2024
    chosen: list[tuple[Agency, list[int]]] = []
    total = 0
    for agency in agencies:
        years = [year for year in YEARS if rng.random() > 0.1][: files - total]
        if years:
            chosen.append((agency, years))
            total += len(years)
        if total >= files:
            break
    return chosen


def row_line(label: str, values: list[int | float], prefix: str = "") -> str:
    return f"{prefix}{label}\t" + "\t".join(str(v) for v in values)


def report_text(agency: Agency, year: int, tables: dict) -> str:
    """A published report as text: title, narrative sections, the three tables with the
    official labels and every total printed."""
    active, applications, appeals = tables["active"], tables["applications"], tables["appeals"]
    lines = [f"{agency.name}{year}年政府信息公开工作年度报告", ""]
    received = sum(applications["received"])
    lines += ["一、总体情况", "", NARRATIVE["一、总体情况"].format(name=agency.name, received=received), ""]
    lines.append("二、主动公开政府信息情况")
    for block in FORMAT.table("二").blocks:
        lines += [row_line(row.label, v if isinstance(v := active[row.key], list) else [v]) for row in block.rows]
    lines += ["", "三、收到和处理政府信息公开申请情况", "\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    rows = FORMAT.table("三").blocks[0].rows
    results = [r.key for r in rows if r.parents and not r.is_total]
    for row in rows:
        values = [sum(applications[key][i] for key in results) for i in range(6)] if row.is_total else applications[row.key]
        lines.append(row_line(row.label, [*values, sum(values)], "　".join(row.parents[1:]) + "\t" if row.parents else ""))
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况"]
    lines.append("\t".join(str(v) for key in ("review", "lawsuit-direct", "lawsuit-after-review") for v in [*appeals[key], sum(appeals[key])]))
    for heading in ("五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        lines += ["", heading, "", NARRATIVE[heading]]
    return "\n".join(lines) + "\n"


def write_sources(folder: Path, files: int, seed: int) -> int:
    """N report files under folder/<year>/<agency name>.txt; returns how many were written."""
    rng = random.Random(seed)
    written = 0
    for agency, years in agencies_and_years(rng, files):
        previous: State | None = None
        for year in range(YEARS[0], years[-1] + 1):
            tables, previous, _ = figures(rng, agency, year, previous)
            if year in years:
                path = folder / str(year) / f"{agency.name}.txt"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(report_text(agency, year, tables), encoding="utf-8")
                written += 1
    return written


def empty_portal(root: Path) -> None:
    (root / "content/reports").mkdir(parents=True)
    (root / "content/site.yaml").write_text("title: 导入测试门户\ndefault_region: 示例省\n", encoding="utf-8")
    (root / "content/agencies.yaml").write_text("agencies:\n", encoding="utf-8")


def timed(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, encoding="utf-8")
    return time.perf_counter() - start, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000, help="number of report files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="xxgk-import-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    try:
        count = write_sources(work / "src", args.files, args.seed)
        empty_portal(work / "portal")
        seconds, done = timed("-p", str(work / "portal"), "import", str(work / "src"), "--summary", str(work / "summary.json"))
        rows = json.loads((work / "summary.json").read_text(encoding="utf-8"))["files"]
        passed = sum(1 for r in rows if r["result"].startswith("通过"))
        refused = sum(1 for r in rows if r["result"].startswith("未导入"))
        agencies = (work / "portal/content/agencies.yaml").read_text(encoding="utf-8").count("  - id: ")
        check_seconds, checked = timed("-p", str(work / "portal"), "check")
        print(f"files: {count}   agencies registered: {agencies}   exit code: {done.returncode}")
        print(f"passed: {passed}   with errors: {len(rows) - passed - refused}   not read: {refused}")
        print(f"xxgk import DIR: {seconds:.1f} s ({seconds / count * 1000:.1f} ms per file)")
        print(f"xxgk check afterwards: {check_seconds:.1f} s (exit code {checked.returncode})")
        if done.returncode not in (0, 1):
            print(done.stderr[-2000:], file=sys.stderr)
        return 0 if done.returncode == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
