"""What a change costs a build, measured against another revision turn by turn.

    python tests/bench/alternate.py --base REV [--reports 10000] [--turns 4] [--dir /tmp/xxgk-bench]
    python tests/bench/alternate.py --without exports|statistics|compliance|revisions [...]

Single runs on a shared machine differ by a second or two from one to the next
(the disk, other work), more than a change of a few percent. So the code of git
revision REV (unpacked with `git archive`) and the working tree take turns on
the same corpus, base first in even turns and second in odd ones: each turn a
cold build without search (no cache, no previous site), then three edits of one
report (a paragraph added, as run.py does), the first of which also makes the
folder kept beside the site; the second and third are what an edit costs. It
prints every figure and the medians, wall time and processor time (user +
system of the whole process tree).

With --without PART the base is the working tree itself with that part of the
build taken out (`ablate.py`): what the part costs, everything else the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from measure import run  # noqa: E402
from run import corpus, forget  # noqa: E402
from same_site import unpack  # noqa: E402


def build(code: Path, project: Path, without: str | None = None) -> tuple[float, float]:
    """Wall and processor seconds of one `xxgk build --no-search` by the code in `code`
    (`without` a part of it, see `ablate.py`)."""
    before = os.times()
    command = [str(HERE / "ablate.py"), without] if without else ["-m", "generator"]
    result = run([sys.executable, *command, "-p", str(project), "build", "--no-search"], cwd=code)
    after = os.times()
    if result.returncode != 0:
        raise SystemExit(f"build by {code} failed:\n{result.output}")
    return result.seconds, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    base = parser.add_mutually_exclusive_group(required=True)
    base.add_argument("--base", help="the git revision to compare with")
    base.add_argument("--without", choices=("exports", "statistics", "compliance", "revisions"), help="compare with this code without that part (ablate.py)")
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/xxgk-bench"))
    args = parser.parse_args(argv)
    project = corpus(args.dir, args.reports)
    reports = sorted((project / "content/reports").glob("*/*.md"))
    edited = reports[len(reports) // 2]
    original = edited.read_bytes()
    figures: dict[str, dict[str, list[float]]] = {name: {"cold": [], "cpu": [], "edit": []} for name in ("base", "new")}
    with tempfile.TemporaryDirectory(prefix="xxgk-alternate-") as folder:
        codes = {"base": unpack(args.base, Path(folder) / "base") if args.base else REPO, "new": REPO}
        parts = {"base": args.without, "new": None}
        try:
            for turn in range(args.turns):
                for name in ("base", "new") if turn % 2 == 0 else ("new", "base"):
                    forget(project)
                    seconds, cpu = build(codes[name], project, parts[name])
                    figures[name]["cold"].append(seconds)
                    figures[name]["cpu"].append(cpu)
                    for number in range(3):
                        edited.write_bytes(original + f"\n本段为基准测试第 {number} 次修改时追加的文字。\n".encode())
                        seconds, _ = build(codes[name], project, parts[name])
                        if number:
                            figures[name]["edit"].append(seconds)
                    edited.write_bytes(original)
                    print(f"turn {turn} {name:>4}: cold {figures[name]['cold'][-1]:.2f} s ({cpu:.1f} s cpu), edits {figures[name]['edit'][-2]:.2f} {figures[name]['edit'][-1]:.2f} s", flush=True)
        finally:
            edited.write_bytes(original)
            shutil.rmtree(project / ".site-previous", ignore_errors=True)
    for name, measured in figures.items():
        medians = ", ".join(f"{kind} {statistics.median(values):.2f} s" for kind, values in measured.items())
        print(f"{name}: median {medians}")
    base, new = (statistics.median(figures[name]["cold"]) for name in ("base", "new"))
    print(f"cold build: {100 * (new - base) / base:+.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
