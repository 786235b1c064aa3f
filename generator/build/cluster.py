"""Building on a Dask cluster (`xxgk build --cluster ADDRESS`).

The build already hands its per-agency units and the portal's pages to an
executor (see `build_units` and `render_calls`); on a cluster that executor is
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

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

CONNECT_SECONDS = 10
"""How long to wait for the scheduler before saying it cannot be reached."""


class ClusterError(Exception):
    """The cluster cannot be used; the message says why, in Chinese."""


@contextmanager
def cluster_executor(address: str, timeout: float = CONNECT_SECONDS) -> Iterator[Executor]:
    """An executor whose tasks run on the Dask cluster whose scheduler is at `address`.

    Tasks are impure (`pure=False`): Dask would otherwise hash every task's
    arguments to name it, the registry and every report's summary among them,
    which was measured to make the portal's pages 40 times slower. A worker that
    dies has its tasks run again elsewhere (the scheduler's own retries), and a
    unit's result depends on its inputs alone, so the bytes are the same."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("未安装 Dask 集群组件：请运行 pip install 'xxgk[cluster]'，或去掉 --cluster 在本机生成") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"无法连接 Dask 集群的调度器 {address}（{type(exc).__name__}）：请确认 dask scheduler 已启动、地址与端口无误") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
