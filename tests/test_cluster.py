"""`xxgk build --cluster`: the same build on a Dask cluster of separate worker processes
(a LocalCluster on this machine), byte for byte the local one; a scheduler that cannot be
reached leaves the site as it was."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def demo(tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    shutil.copytree(ROOT / "content", project / "content")
    return project


def build(project: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-p", str(project), "build", "--no-search", *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster's scheduler: two worker processes, as two machines would be."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_scheduler_that_cannot_be_reached_fails_the_build_and_leaves_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
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
