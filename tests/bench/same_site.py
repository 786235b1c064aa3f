"""Does this code build the same site as another revision? Byte for byte.

    python tests/bench/same_site.py --base REV [--demo] [--reports 10000] [--no-search]

For a refactoring that must not change what is published: the portal (the
demo in content/, and/or the benchmark corpus of make_corpus.py with
--reports N) is built cleanly twice, once by the code of git revision REV
(unpacked into a temporary folder with `git archive`) and once by the working
tree, each in its own copy of the portal, through the real command line; then
every file of the two sites is compared.

Left out of the comparison, because they differ between two Pagefind runs of
the same documents or name the code that made them: Pagefind's filter and
meta files (pagefind/<shard>/filter/, pagefind/<shard>/*.pf_meta,
pagefind-entry.json) and the shard records (xxgk-shard.json, which hash the
code), and the site's marker file (.xxgk-site, the build's digest, which hashes
the code too). Everything else, every page, JSON file, asset and search fragment,
must be identical. Prints what differs and exits 1 if anything does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from make_corpus import write_portal  # noqa: E402

MARKER = ".xxgk-site"


def unpack(revision: str, into: Path) -> Path:
    """The tree of `revision`, as files."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def build(code: Path, content: Path, project: Path, search: bool) -> None:
    """A clean build of `content` by the code in `code`, in a fresh project folder."""
    shutil.copytree(content, project / "content")
    command = [sys.executable, "-m", "generator", "-p", str(project), "build", "--clean", *([] if search else ["--no-search"])]
    env = {**os.environ, "PYTHONPATH": str(code)}
    result = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build by {code} failed:\n{result.stdout}{result.stderr}")


def compared(path: str) -> bool:
    """Whether a file of the site is compared (see the module's docstring)."""
    parts = path.split("/")
    if path == MARKER:
        return False
    if parts[0] != "pagefind":
        return True
    name = parts[-1]
    return not ("filter" in parts or name.endswith(".pf_meta") or name in ("pagefind-entry.json", "xxgk-shard.json"))


def files(site: Path) -> dict[str, Path]:
    return {path: p for p in sorted(site.rglob("*")) if p.is_file() and compared(path := p.relative_to(site).as_posix())}


def compare(before: Path, after: Path) -> list[str]:
    """What differs between two sites, one line each."""
    old, new = files(before), files(after)
    lines = [f"only in the base: {path}" for path in sorted(old.keys() - new.keys())]
    lines += [f"only in the working tree: {path}" for path in sorted(new.keys() - old.keys())]
    both = sorted(old.keys() & new.keys())
    lines += [f"differs: {path}" for path in both if old[path].read_bytes() != new[path].read_bytes()]
    print(f"  {len(both):,} files compared byte for byte")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--demo", action="store_true", help="compare the demo portal in content/")
    parser.add_argument("--reports", type=int, default=0, help="compare the benchmark corpus of this many reports")
    parser.add_argument("--no-search", action="store_true", help="build without the search index")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/xxgk-bench"), help="where benchmark corpora are kept")
    args = parser.parse_args(argv)
    portals: list[tuple[str, Path]] = [("demo", REPO / "content")] if args.demo or not args.reports else []
    if args.reports:
        corpus = args.dir / f"corpus-{args.reports}"
        if not (corpus / "content/reports").is_dir():
            write_portal(corpus, args.reports, seed=1)
        portals.append((f"{args.reports:,} reports", corpus / "content"))
    different = 0
    with tempfile.TemporaryDirectory(prefix="xxgk-same-") as temporary:
        work = Path(temporary)
        base = unpack(args.base, work / "base")
        for number, (name, content) in enumerate(portals):
            print(f"{name}: building with {args.base} and with the working tree ...", flush=True)
            sites = []
            for label, code in (("base", base), ("now", REPO)):
                project = work / f"{number}-{label}"
                build(code, content, project, not args.no_search)
                sites.append(project / "site")
            lines = compare(*sites)
            for line in lines[:50]:
                print(f"  {line}")
            print(f"  {name}: {'the same, byte for byte' if not lines else f'{len(lines)} differences'}")
            different += len(lines)
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
