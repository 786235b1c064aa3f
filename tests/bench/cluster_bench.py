"""Cluster benchmark: the same cold build on this machine's process pool and on a Dask cluster.

    python tests/bench/cluster_bench.py [--reports 300000] [--workers 2] [--dir /tmp/xxgk-bench]
                                        [--skip-pool]

Builds the corpus of make_corpus.py (written once, reused when present) cold and without
search, twice, with the real command line: `xxgk build -j W` (W forked worker processes)
and `xxgk build --cluster` on a LocalCluster of W worker processes of one thread each,
the workers started before the clock starts, as a cluster's are. For each it prints the
wall time, the peak memory of the command's process tree and, for the cluster, of each
worker, and the processor seconds of the command and of the workers. From Dask's task
stream it splits the cluster build's wall time into what the command does alone (before
the first task starts, between the agencies' tasks and the pages', after the last ends:
`serial`) and the rest, and prints the workers' throughput: reports per second of one
worker's processor time. The estimate at the end scales both to a number of reports R
and of workers N, each worker on a core of its own:

    wall(R, N) ≈ serial × R / reports + work × R / reports / N,   and never below
                 the command's processor time × R / reports

(`work`: the workers' processor seconds; the floor: the command takes in every unit's result,
keeps it in the build cache and writes the site, on one machine however many workers there
are). The two sites are compared file by file; the first is removed before the second is
built, so the disk holds one site at a time.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import PeakRss  # noqa: E402
from run import corpus, forget, site_size  # noqa: E402

XXGK = [sys.executable, "-m", "generator"]
TARGETS = (2_000_000,)
"""The archive sizes the estimate is printed for (issue 19: a nationwide archive)."""
WORKER_COUNTS = (2, 8, 32, 128)


@dataclass(frozen=True)
class Build:
    """One cold build as measured from outside."""

    started: float  # the clock's time when the command was started (time.time())
    seconds: float
    peak_mb: float  # the command's process tree (on the pool, its workers are in it)
    cpu_seconds: float  # the command's processor time, its forked workers' included
    files: int
    megabytes: float


def cold_build(project: Path, *options: str) -> Build:
    """`xxgk build --no-search` from nothing (no cache, no site), measured."""
    forget(project)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    start = time.perf_counter()
    process = subprocess.Popen([*XXGK, "-p", str(project), "build", "--no-search", *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakRss(process.pid) as memory:
        output, _ = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"xxgk build {' '.join(options)} failed ({process.returncode}), its last lines:\n" + "\n".join(output.splitlines()[-20:]))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    count, size = site_size(project / "site")
    return Build(started, seconds, memory.peak / 2**20, cpu, count, size / 2**20)


def fingerprint(site: Path) -> dict[str, tuple[int, int]]:
    """Each file's size and a cheap hash of its bytes, to compare two sites without keeping both."""
    found = {}
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            data = path.read_bytes()
            found[str(path.relative_to(site))] = (len(data), hash(data))
    return found


def own_cpu_seconds() -> float:
    """This process's processor time so far (run on a worker)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


@dataclass(frozen=True)
class Stream:
    """What Dask's task stream says of one build: each worker's seconds of computing, each
    task kind's, and the seconds the command spent alone (no task computing anywhere)."""

    by_worker: dict[str, float]
    by_kind: dict[str, float]
    alone: float


def read_stream(stream: list[dict], build: Build) -> Stream:
    by_worker: dict[str, float] = {}
    by_kind: dict[str, float] = {}
    spans: list[tuple[float, float]] = []
    for task in stream:
        for part in task.get("startstops", ()):
            if part["action"] == "compute":
                spans.append((part["start"], part["stop"]))
                took = part["stop"] - part["start"]
                by_worker[task["worker"]] = by_worker.get(task["worker"], 0.0) + took
                kind = str(task["key"]).split("-", 1)[0]
                by_kind[kind] = by_kind.get(kind, 0.0) + took
    alone, reached = 0.0, build.started
    for start, stop in sorted(spans):
        alone += max(0.0, start - reached)
        reached = max(reached, stop)
    alone += max(0.0, build.started + build.seconds - reached)
    return Stream(by_worker, by_kind, alone)


def cluster_build(project: Path, workers: int) -> tuple[Build, Stream, list[float], float]:
    """The cold build on a fresh LocalCluster of `workers` one-thread worker processes: the
    build, its task stream, each worker's peak memory (MB) and the workers' processor seconds."""
    from distributed import Client, LocalCluster, get_task_stream

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        cpu_before = sum(client.run(own_cpu_seconds).values())
        peaks = [PeakRss(pid) for pid in pids]
        for peak in peaks:
            peak.__enter__()
        try:
            with get_task_stream(client=client) as stream:
                build = cold_build(project, "--cluster", cluster.scheduler_address)
        finally:
            for peak in peaks:
                peak.__exit__(None, None, None)
        cpu = sum(client.run(own_cpu_seconds).values()) - cpu_before
    return build, read_stream(stream.data, build), [peak.peak / 2**20 for peak in peaks], cpu


def print_build(label: str, build: Build, reports: int) -> None:
    print(
        f"  {label:<34} {build.seconds:8.1f} s  {reports / build.seconds:7.0f} reports/s  peak {build.peak_mb:7.0f} MB"
        f"  command cpu {build.cpu_seconds:7.1f} s  {build.files:>9,} files  {build.megabytes:9.0f} MB",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes, on the pool and on the cluster")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/xxgk-bench"))
    parser.add_argument("--skip-pool", action="store_true", help="build on the cluster only")
    args = parser.parse_args(argv)
    project = corpus(args.dir, args.reports)
    print(f"{args.reports:,} reports, {args.workers} workers, {os.cpu_count()} cores, Python {platform.python_version()}", flush=True)

    pool_sites = None
    if not args.skip_pool:
        pool = cold_build(project, "--jobs", str(args.workers))
        print_build(f"process pool (-j {args.workers})", pool, args.reports)
        pool_sites = fingerprint(project / "site")
        forget(project)

    build, stream, peaks, work = cluster_build(project, args.workers)
    print_build(f"LocalCluster ({args.workers} workers)", build, args.reports)
    for number, (_, seconds) in enumerate(sorted(stream.by_worker.items()), 1):
        print(f"    worker {number}: computing {seconds:7.1f} s, {seconds / build.seconds:4.0%} of the wall")
    print("    computing by task: " + ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(stream.by_kind.items(), key=lambda kv: -kv[1])))
    print(f"    workers' processor time {work:.1f} s: {args.reports / work:.0f} reports per second of one worker; peak memory {', '.join(f'{mb:.0f} MB' for mb in peaks)}")
    print(f"    serial (the command alone, no task computing): {stream.alone:.1f} s", flush=True)
    print(f"    the scheduler's process (this one): peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)

    if pool_sites is not None:
        cluster_sites = fingerprint(project / "site")
        differ = sorted(name for name in pool_sites.keys() | cluster_sites.keys() if pool_sites.get(name) != cluster_sites.get(name))
        print(f"  sites compared: {len(cluster_sites):,} files, {len(differ)} differ{': ' + ', '.join(differ[:5]) if differ else ''}")

    print("estimate (wall ≈ serial·R/reports + work·R/reports/N, at least the command's processor time·R/reports):")
    for target in TARGETS:
        scale = target / args.reports
        floor = build.cpu_seconds * scale
        for count in WORKER_COUNTS:
            wall = max(stream.alone * scale + work * scale / count, floor)
            print(f"  {target:>9,} reports on {count:>3} workers: {wall / 60:6.1f} min (floor {floor / 60:.1f} min), the command's memory ≈ {build.peak_mb * scale / 1024:.1f} GB")
    forget(project)
    shutil.rmtree(project / ".site-previous", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
