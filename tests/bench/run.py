"""Build benchmark: `xxgk build` on portals of 1,000, 10,000 and 100,000 reports.

    python tests/bench/run.py [--sizes 1000 10000 100000] [--dir /tmp/xxgk-bench] [--jobs N]

For each size, writes the corpus of make_corpus.py (once; reused when present)
and runs the real command line, as a web team would, measuring:

- cold build without search (no cache, no previous site), then with search;
- Hugo building the same reports cold (hugo_site.py), right after xxgk's cold build
  without search, and the ratio of the two (`--no-hugo` leaves it out);
- no-op rebuild (nothing changed);
- rebuild after editing one report (a paragraph added to its narrative): the
  first edit after a cold build, which also makes the folder kept beside the
  site for later updates, and a second edit, which is what every later edit costs;

each with wall time, the peak memory of the whole process tree (xxgk, its
worker processes and Pagefind, sampled every 50 ms), the size of the output
and the number of files in it, and how many were rendered and written anew.
The edited report is restored at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hugo_site import build_hugo, write_hugo_site  # noqa: E402
from make_corpus import write_portal  # noqa: E402
from measure import run  # noqa: E402

XXGK = [sys.executable, "-m", "generator"]


def corpus(folder: Path, reports: int) -> Path:
    path = folder / f"corpus-{reports}"
    if not (path / "content/reports").is_dir():
        print(f"writing a corpus of {reports:,} reports to {path} ...", flush=True)
        write_portal(path, reports, seed=1)
    return path


def forget(project: Path) -> None:
    """Remove the cache, the site and the folder kept beside it: the next build is cold."""
    for name in (".xxgk-cache", "site", ".site-previous"):
        shutil.rmtree(project / name, ignore_errors=True)


def site_size(site: Path) -> tuple[int, int]:
    """Files in the site and their total size in bytes (each file counted once)."""
    count = size = 0
    for folder, _, files in os.walk(site):
        for name in files:
            count += 1
            size += os.stat(os.path.join(folder, name)).st_size
    return count, size


def build(project: Path, label: str, search: bool, jobs: int | None) -> float:
    """Run `xxgk build`, print what it took, return its seconds."""
    command = [*XXGK, "-p", str(project), "build", *([] if search else ["--no-search"]), *(["--jobs", str(jobs)] if jobs else [])]
    result = run(command)
    if result.returncode != 0:
        raise SystemExit(f"{label}: xxgk build failed ({result.returncode}):\n{result.output}")
    count, size = site_size(project / "site")
    rendered = re.search(r"重新渲染 (\d+) 个页面", result.output)
    linked = re.search(r"更新了 (\d+) 个", result.output)
    print(
        f"  {label:<42} {result.seconds:8.2f} s  {result.peak_rss_mb:8.0f} MB  {size / 2**20:8.1f} MB  {count:>8,} files"
        f"  rendered {rendered.group(1) if rendered else 0:>7}  written {linked.group(1) if linked else 0:>7}",
        flush=True,
    )
    return result.seconds


def compare_hugo(project: Path, folder: Path, xxgk_seconds: float) -> None:
    """Hugo building the same reports (hugo_site.py), cold, right after xxgk's cold build."""
    write_hugo_site(project, folder)
    result = build_hugo(folder)
    count, size = site_size(folder / "public")
    print(
        f"  {'Hugo, the same reports, cold':<42} {result.seconds:8.2f} s  {result.peak_rss_mb:8.0f} MB  {size / 2**20:8.1f} MB  {count:>8,} files"
        f"  xxgk/Hugo {xxgk_seconds / result.seconds:.2f}",
        flush=True,
    )


def edit(path: Path, number: int) -> None:
    """Add a paragraph to a report's narrative."""
    with path.open("a", encoding="utf-8") as file:
        file.write(f"\n本段为基准测试第 {number} 次修改时追加的文字。\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/xxgk-bench"))
    parser.add_argument("--jobs", type=int, default=None, help="passed to xxgk build (default: its own, all cores)")
    parser.add_argument("--no-hugo", dest="hugo", action="store_false", help="do not time Hugo on the same reports")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {platform.platform()}")
    for size in args.sizes:
        project = corpus(args.dir, size)
        reports = sorted((project / "content/reports").glob("*/*.md"))
        edited = reports[len(reports) // 2]
        original = edited.read_bytes()
        print(f"{size:,} reports ({project}):")
        print(f"  {'':<42} {'time':>10}  {'peak RSS':>11}  {'output':>11}  {'in site':>14}")
        try:
            for search in (False, True):
                kind = "with search" if search else "without search"
                forget(project)
                cold = build(project, f"cold build {kind}", search, args.jobs)
                if not search and args.hugo:
                    compare_hugo(project, args.dir / f"hugo-{size}", cold)
                build(project, f"no-op rebuild {kind}", search, args.jobs)
                edit(edited, 1)
                build(project, f"one edit, first after cold, {kind}", search, args.jobs)
                edit(edited, 2)
                build(project, f"one edit {kind}", search, args.jobs)
                edited.write_bytes(original)
        finally:
            edited.write_bytes(original)
    return 0


if __name__ == "__main__":
    sys.exit(main())
