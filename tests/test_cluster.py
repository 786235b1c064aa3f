"""`xxgk build --cluster`: the same build on a Dask cluster of separate worker processes
(a LocalCluster on this machine), byte for byte the local one, even when a worker dies
mid-build; a scheduler that cannot be reached, or that goes away, leaves the site as it was."""

from __future__ import annotations

import dataclasses
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.build import cluster, pages
from generator.build.cache import CACHE_DIR, BuildCache
from generator.build.cluster import cluster_workers
from generator.build.project import build_project
from generator.cli import main
from generator.fingerprint import bytes_digest
from tests.bench.make_corpus import write_portal

distributed = pytest.importorskip("distributed")  # in the test extra: `make test` installs it

ROOT = Path(__file__).resolve().parent.parent
CORPUS_REPORTS = 150  # a dozen agencies, so a dozen tasks: enough for a worker to die among them


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def demo(tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    shutil.copytree(ROOT / "content", project / "content")
    return project


def build(project: Path, *options: str, search: bool = False) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-p", str(project), "build", *([] if search else ["--no-search"]), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster's scheduler: two worker processes, as two machines would be,
    each watched by a nanny that starts it again if it dies."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A generated portal of a dozen agencies (its content) and its site as built locally."""
    project = tmp_path_factory.mktemp("corpus")
    assert write_portal(project, CORPUS_REPORTS, seed=7, plain_words=True) == CORPUS_REPORTS
    assert build(project)[0] == 0
    return project / "content", files(project / "site")


def generated(corpus: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    project = tmp_path / "generated"
    shutil.copytree(corpus[0], project / "content")
    return project


def test_the_demo_built_on_a_cluster_is_the_local_build(tmp_path: Path, scheduler: str) -> None:
    local, remote = demo(tmp_path, "local"), demo(tmp_path, "remote")
    assert build(local)[0] == 0
    code, output = build(remote, "--cluster", scheduler)
    assert code == 0, output
    built, expected = files(remote / "site"), files(local / "site")
    assert len(built) > 100 and built == expected
    # and an edit rebuilt on the cluster is what a local rebuild makes of it
    for project in (local, remote):
        report = sorted((project / "content/reports").glob("*/*.md"))[-1]
        report.write_text(report.read_text(encoding="utf-8").replace("一、总体情况", "一、总体概况"), encoding="utf-8")
    assert build(local)[0] == 0 and build(remote, "--cluster", scheduler)[0] == 0
    assert files(remote / "site") == files(local / "site")


def test_a_generated_portal_built_on_a_cluster_is_the_local_build(
    tmp_path: Path, scheduler: str, corpus: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = generated(corpus, tmp_path)
    monkeypatch.setattr(pages, "PAGES_APART", 1)  # its few dozen portal pages go to the workers too, as a large portal's do
    stored = record_stores(monkeypatch)
    monkeypatch.chdir(tmp_path)  # the portal named as most editors name it: relative to where they are
    with distributed.Client(scheduler, set_as_default=False) as client, distributed.get_task_stream(client=client) as stream:
        code, output = build(Path(project.name), "--cluster", scheduler)
    assert code == 0, output
    # the portal's pages went to the workers naming the summaries they share, which went once
    assert any(str(task["key"]).startswith("render_referring-") for task in stream.data)
    built = files(project / "site")
    assert sum(name.endswith("/report.json") for name in built) == CORPUS_REPORTS
    assert built == corpus[1]
    # the workers see this machine's files: they stored each report's pages in the cache themselves
    assert not stored & {bytes_digest(data) for name, data in built.items() if name.endswith("/report.json")}


def record_stores(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The hashes of the files this process (the controller) stores in the build cache from now on."""
    stored: set[str] = set()
    real = BuildCache.store

    def store(self: BuildCache, data: bytes, digest: str | None = None) -> str:
        kept = real(self, data, digest)
        stored.add(kept)
        return kept

    monkeypatch.setattr(BuildCache, "store", store)
    return stored


def test_workers_that_do_not_see_this_machines_files_send_them(
    tmp_path: Path, scheduler: str, corpus: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers with a copy of the portal at the same path (not a shared file system) send each
    file's bytes back, and the controller stores them: the same site."""
    project = generated(corpus, tmp_path)
    stored = record_stores(monkeypatch)
    with cluster_workers(scheduler) as workers:
        assert workers.sees is not None and workers.sees(BuildCache(project / CACHE_DIR).probe())  # this LocalCluster does
        result = build_project(project, project / "site", search=False, workers=dataclasses.replace(workers, sees=lambda path: False))
    assert result.ok, result.problems
    built = files(project / "site")
    assert built == corpus[1]
    assert {bytes_digest(data) for name, data in built.items() if name.endswith("/report.json")} <= stored


class Reading:
    """A client whose workers read a file as given (`found`, by worker), to check what is concluded."""

    def __init__(self, found: dict[str, bytes | None]) -> None:
        self.found = found

    def run(self, function: Any, path: str) -> dict[str, bytes | None]:
        return self.found


def test_workers_see_this_machines_files_only_when_every_one_reads_the_same_bytes(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.write_bytes(b"4f1c")
    assert cluster._sees(Reading({"a": b"4f1c", "b": b"4f1c"}), probe)
    assert not cluster._sees(Reading({"a": b"4f1c", "b": b"9e07"}), probe)  # b has a copy, made before
    assert not cluster._sees(Reading({"a": b"4f1c", "b": None}), probe)  # b has no such file


UNORDERED = re.compile(r"^(pagefind/[^/]+/)(?:filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$")
"""The files in which Pagefind writes its filters and its list of pages, and the file naming them by hash:
their entries come in another order from one run to the next on one machine too (Pagefind issue #638)."""


def comparable(site: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, list[int]]]:
    """A site's files but those, and the sizes of those (decompressed), shard by shard: the same
    entries in another order take the same bytes."""
    exact: dict[str, bytes] = {}
    sizes: dict[str, list[int]] = {}
    for name, data in site.items():
        if match := UNORDERED.match(name):
            sizes.setdefault(match.group(1), []).append(len(data if name.endswith(".json") else gzip.decompress(data)))
        else:
            exact[name] = data
    return exact, {shard: sorted(found) for shard, found in sizes.items()}


def test_the_search_index_is_made_by_the_workers_and_is_the_local_one(tmp_path: Path, scheduler: str) -> None:
    local, remote = demo(tmp_path, "local"), demo(tmp_path, "remote")
    assert build(local, search=True)[0] == 0
    with distributed.Client(scheduler, set_as_default=False) as client, distributed.get_task_stream(client=client) as stream:
        code, output = build(remote, "--cluster", scheduler, search=True)
    assert code == 0, output
    assert any(str(task["key"]).startswith("shard_files-") for task in stream.data)  # Pagefind ran on a worker
    (built, built_sizes), (expected, expected_sizes) = comparable(files(remote / "site")), comparable(files(local / "site"))
    assert sum(name.endswith(".pf_fragment") for name in built) == sum(name.endswith("/report.json") for name in built) > 40
    assert built == expected  # every page and download, every fragment and index chunk, xxgk.json
    assert built_sizes == expected_sizes and built_sizes


class OtherCode(distributed.WorkerPlugin):
    """Makes its workers' xxgk look like another version's (its code digest differs)."""

    name = "xxgk-other-code"

    def setup(self, worker: Any) -> None:
        import generator.build.cache as cache

        self.real = cache.code_digest
        cache.code_digest = lambda package=cache.PACKAGE: "another version"

    def teardown(self, worker: Any) -> None:
        import generator.build.cache as cache

        cache.code_digest = self.real


def build_with_plugin(scheduler: str, plugin: Any, project: Path) -> tuple[int, str]:
    """`xxgk build --cluster` while `plugin` is on the cluster's workers (taken off after)."""
    with distributed.Client(scheduler, set_as_default=False) as client:
        client.register_plugin(plugin)
        try:
            return build(project, "--cluster", scheduler)
        finally:
            client.unregister_worker_plugin(plugin.name)


def test_workers_with_another_xxgk_are_refused(tmp_path: Path, scheduler: str) -> None:
    project = demo(tmp_path, "portal")
    code, output = build_with_plugin(scheduler, OtherCode(), project)
    assert code == 1
    assert "Dask 集群中有 2 个工作进程" in output and "所装的 xxgk 与本机不同" in output and "原有站点保持不变" in output
    assert not (project / "site").exists()


class OtherCodeInTasks(distributed.WorkerPlugin):
    """Makes its workers' tasks find another xxgk, though the workers answered as this one when
    the build connected: as a worker with another version that joins once the build has started."""

    name = "xxgk-other-code-in-tasks"

    def setup(self, worker: Any) -> None:
        self.real = cluster.code_digest
        cluster.code_digest = lambda package=None: "another version"

    def teardown(self, worker: Any) -> None:
        cluster.code_digest = self.real


def test_a_worker_that_runs_another_xxgk_by_the_time_it_builds_fails_the_build(tmp_path: Path, scheduler: str, corpus: tuple[Path, dict[str, bytes]]) -> None:
    project = generated(corpus, tmp_path)
    code, output = build_with_plugin(scheduler, OtherCodeInTasks(), project)
    assert code == 1
    assert "Dask 集群中有工作进程（在 " in output and "所装的 xxgk 与本机不同" in output and "原有站点保持不变" in output
    assert "Traceback" not in output
    assert not (project / "site").exists()


class DieOnce(distributed.WorkerPlugin):
    """A worker plugin that, the second time its worker starts one of the build's tasks,
    ends the worker's process as a crash or the out-of-memory killer would (no goodbye to
    the scheduler), but only once in the whole cluster: the mark file says it happened."""

    name = "xxgk-die-once"

    def __init__(self, mark: Path, victim: int | None = None) -> None:
        self.mark, self.victim, self.started = mark, victim, 0

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith("build_chunk-"):
            return
        self.started += 1
        if self.started == 2 and not self.mark.exists():
            self.mark.write_text(str(os.getpid()))
            if self.victim is None:
                os._exit(1)
            os.kill(self.victim, signal.SIGKILL)


def test_a_worker_that_dies_mid_build_has_its_units_built_again_with_the_same_bytes(
    tmp_path: Path, scheduler: str, corpus: tuple[Path, dict[str, bytes]]
) -> None:
    project = generated(corpus, tmp_path)
    mark = tmp_path / "died"
    with distributed.Client(scheduler, set_as_default=False) as client:
        workers = set(client.nthreads())
        client.register_plugin(DieOnce(mark))
        try:
            code, output = build(project, "--cluster", scheduler)
        finally:
            client.unregister_worker_plugin(DieOnce.name)
        assert code == 0, output
        assert mark.exists()  # a worker did die, holding a task
        client.wait_for_workers(2, timeout=30)  # its nanny started it again, under a new address
        assert set(client.nthreads()) != workers
    assert files(project / "site") == corpus[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_scheduler_that_cannot_be_reached_fails_the_build_and_leaves_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.build.cluster.CONNECT_SECONDS", 2)
    project = demo(tmp_path, "portal")
    assert build(project)[0] == 0
    before = files(project / "site")
    report = sorted((project / "content/reports").glob("*/*.md"))[-1]
    report.write_text(report.read_text(encoding="utf-8").replace("一、总体情况", "一、总体概况"), encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"
    code, output = build(project, "--cluster", address)
    assert code == 1
    assert f"无法连接 Dask 集群的调度器 {address}" in output and "原有站点保持不变" in output
    assert "Traceback" not in output
    assert files(project / "site") == before


def test_without_the_cluster_extra_the_message_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed: importing it fails
    project = demo(tmp_path, "portal")
    code, output = build(project, "--cluster", "tcp://127.0.0.1:8786")
    assert code == 1
    assert "pip install 'xxgk[cluster]'" in output and "原有站点保持不变" in output
    assert not (project / "site").exists()


def test_a_scheduler_that_goes_away_mid_build_fails_the_build_and_leaves_the_site(tmp_path: Path, corpus: tuple[Path, dict[str, bytes]]) -> None:
    """A scheduler of its own, in a process of its own (as on another machine), killed by the
    worker when it starts its second task: the build stops with a message, the site as it was."""
    project = generated(corpus, tmp_path)
    assert build(project)[0] == 0
    before = files(project / "site")
    report = sorted((project / "content/reports").glob("*/*.md"))[-1]
    report.write_text(report.read_text(encoding="utf-8") + "\n本年度另有补充说明。\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny"], **quiet)
    try:
        with distributed.Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=30)
            client.register_plugin(DieOnce(tmp_path / "killed", victim=scheduler.pid))
        code, output = build(project, "--clean", "--cluster", address)
    finally:
        for process in (worker, scheduler):
            process.kill()
            process.wait()
    assert (tmp_path / "killed").exists()
    assert code == 1
    assert f"与 Dask 集群的调度器 {address} 的连接中断" in output and "原有站点保持不变" in output
    assert "Traceback" not in output
    assert files(project / "site") == before


def test_the_cluster_can_be_named_in_site_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cluster:` in site.yaml sends `xxgk build` to it (here one that cannot be reached, which
    shows the address was used); a mistyped address is reported by `xxgk check` with its line."""
    monkeypatch.setattr("generator.build.cluster.CONNECT_SECONDS", 2)
    project = demo(tmp_path, "portal")
    settings = project / "content/site.yaml"
    address = f"tcp://127.0.0.1:{free_port()}"
    settings.write_text(settings.read_text(encoding="utf-8") + f"cluster: {address}\n", encoding="utf-8")
    code, output = build(project)
    assert code == 1 and f"无法连接 Dask 集群的调度器 {address}" in output
    assert not (project / "site").exists()
    lines = settings.read_text(encoding="utf-8").splitlines()
    settings.write_text("\n".join([*lines[:-1], "cluster: 10.0.0.5"]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-p", str(project), "check"])
    assert result.exit_code == 1
    assert f"content/site.yaml:{len(lines)}" in result.output and "“cluster” 的值 “10.0.0.5” 不是 Dask 调度器的地址" in result.output
