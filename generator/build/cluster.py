"""Building on a Dask cluster (`xxgk build --cluster ADDRESS`, or `cluster:` in site.yaml).

The build already hands its per-agency units and the portal's pages to an
executor (see `units.build_units` and `pages.render_calls`); on a cluster that executor is
Dask's `concurrent.futures` interface to a scheduler, so the same functions run
on the workers, with the same inputs, and the site comes out byte for byte as a
local build makes it. A worker reads its agencies' content from the portal's
path (a file system the machines share, or a copy at the same path), and sends
each unit's files back with its result for the controller to store. Nothing is
written to the site until every unit is in (`write_site` runs last), so a
cluster that fails part-way leaves the published site as it was.

`distributed` is an optional extra (`pip install 'xxgk[cluster]'`): a portal
built on one machine never needs it.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Executor, Future
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from .cache import code_digest
from .units import Workers

T = TypeVar("T")

CONNECT_SECONDS = 10
"""How long to wait for the scheduler, and then for its first worker, before saying so."""


class ClusterError(Exception):
    """The cluster cannot be used, or stopped being usable; the message says why, in Chinese."""


@contextmanager
def cluster_workers(address: str, timeout: float | None = None) -> Iterator[Workers]:
    """The workers of the Dask cluster whose scheduler is at `address`, for one build.

    Tasks are impure (`pure=False`): Dask would otherwise hash every task's
    arguments to name it, the registry and every report's summary among them,
    which was measured to make the portal's pages 40 times slower. Results come from the
    workers directly (`direct_to_workers`), not relayed by the scheduler: they carry the
    site's files, 54 KB a report, and relayed they made the scheduler's process hold
    gigabytes. What many tasks read (the units' context, the summaries the portal's pages
    list) is scattered once, to one worker, and the workers pass it between them as their
    tasks need it. Every task first checks that its
    worker runs this xxgk (`_SameCode`): workers are asked when the build connects, but one
    may join later. A worker that
    dies has its tasks run again elsewhere (the scheduler's own retries), and a
    unit's result depends on its inputs alone, so the bytes are the same. A
    scheduler that goes away cancels what was sent; that, and a task that has
    killed one worker after another, end the build with a `ClusterError`."""
    try:
        from distributed import Client, KilledWorker
        from distributed.comm import CommClosedError
    except ImportError:
        raise ClusterError("未安装 Dask 集群组件：请运行 pip install 'xxgk[cluster]'，或去掉 --cluster 在本机生成") from None
    timeout = CONNECT_SECONDS if timeout is None else timeout
    with _quiet_client():
        try:
            client = Client(address, timeout=timeout, set_as_default=False, direct_to_workers=True)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"无法连接 Dask 集群的调度器 {address}（{type(exc).__name__}）：请确认 dask scheduler 已启动、地址与端口无误") from None
        try:
            try:
                client.wait_for_workers(1, timeout=timeout)
            except TimeoutError:
                raise ClusterError(f"Dask 集群的调度器 {address} 上没有工作进程：请先在各台机器上启动 dask worker {address}") from None
            _same_code(client.run(code_digest))
            slots = max(1, sum(client.nthreads().values()))
            executor = _SameCode(client.get_executor(pure=False), code_digest())
            yield Workers(executor, slots, share=partial(client.scatter, hash=False), sees=partial(_sees, client))
        except OtherCode as exc:
            raise ClusterError(f"Dask 集群中有工作进程（在 {exc.host} 上）所装的 xxgk 与本机不同：请在各台机器上安装同一版本的 xxgk") from None
        except (CancelledError, CommClosedError):
            raise ClusterError(f"与 Dask 集群的调度器 {address} 的连接中断，生成没有完成：请确认调度器仍在运行后重新生成") from None
        except KilledWorker:
            raise ClusterError("Dask 集群的工作进程在生成中一再退出（常见原因是内存不足）：请查看 dask worker 的日志，或给每个工作进程更多内存") from None
        finally:
            with suppress(Exception):
                client.close(timeout=timeout)


class OtherCode(Exception):
    """Raised by a task on a worker whose xxgk is not the controller's; `host` is the worker's machine."""

    def __init__(self, host: str) -> None:
        super().__init__(host)  # the one argument, so that it unpickles as it was made
        self.host = host


def checked(code: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """What a cluster's task runs: `function(*args)`, once its worker is seen to run the xxgk
    whose digest is `code`. A task of another xxgk would make other bytes under the same keys."""
    if code_digest() != code:
        raise OtherCode(socket.gethostname())
    return function(*args, **kwargs)


class _SameCode(Executor):
    """A cluster's executor whose every task is `checked`; each task keeps its function's name in
    its Dask key (as Dask names an impure task), by which the task stream and the logs tell them apart."""

    def __init__(self, executor: Executor, code: str) -> None:
        self.executor, self.code = executor, code

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        # `key` is Dask's own (Client.submit takes it), not passed on to the function
        return self.executor.submit(checked, self.code, fn, *args, **kwargs, key=f"{fn.__name__}-{uuid.uuid4()}")  # type: ignore[arg-type]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=cancel_futures)


def _same_code(theirs: dict[str, str]) -> None:
    """Refuse workers whose xxgk is not this one: their pages would differ from a local build's
    under the same cache keys. (Workers that join once the build has started are not asked: their
    tasks are `checked`.)"""
    ours = code_digest()
    if other := sorted(worker for worker, digest in theirs.items() if digest != ours):
        raise ClusterError(f"Dask 集群中有 {len(other)} 个工作进程（如 {other[0]}）所装的 xxgk 与本机不同：请在各台机器上安装同一版本的 xxgk")


def _sees(client: Any, path: Path) -> bool:
    """Whether every worker reads `path` with the bytes it has here: they share this machine's
    file system (the portal's folder on a network file system all of them mount), so they can
    store the site's files in the build cache themselves rather than send them to be stored.
    A copy of the folder at the same path (a worker's own disk) has other bytes there: those
    workers send their files."""
    expected = path.read_bytes()
    return all(found == expected for found in client.run(_read, str(path)).values())


def _read(path: str) -> bytes | None:
    """A file's bytes as a worker reads them (run on each worker), or None when it cannot."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


@contextmanager
def _quiet_client() -> Iterator[None]:
    """Keeps the client's own log (a lost connection's tracebacks, its reconnection attempts)
    off the editor's screen while it is used: what went wrong is said once, in Chinese, by
    the `ClusterError`. The workers' and the scheduler's logs are where they run, untouched."""
    log = logging.getLogger("distributed")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)
