"""The portal-wide pages (the regions', the years', the compliance view's …), made from every
agency's summaries once the units are in: many of them, on a cold build, so they go to the
workers too, in a few batches (`render_calls`). What all the batches read, the registry and
the summaries, is pickled with each batch for forked workers, or sent once to a cluster's
and named by its place in each batch (`Shared`, `refer`).
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..model import Problem
from ..site.outputs import PageCall
from ..site.render import Theme, render_page, render_problem
from .units import Workers, default_executor


@dataclass(frozen=True)
class Shared:
    """Objects that many tasks read, sent to each worker once (see `Workers.share`); a task
    names them by their place here (see `refer`)."""

    objects: tuple[object, ...]


class _Referring(pickle.Pickler):
    """Pickles an object with each of the shared objects in it written as its place alone."""

    def __init__(self, file: io.BytesIO, places: dict[int, int]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.places = places

    def persistent_id(self, obj: object) -> int | None:
        return self.places.get(id(obj))


class _Resolving(pickle.Unpickler):
    """Unpickles what `_Referring` wrote, each place taken from the shared objects."""

    def __init__(self, file: io.BytesIO, shared: Shared) -> None:
        super().__init__(file)
        self.shared = shared

    def persistent_load(self, pid: int) -> object:
        return self.shared.objects[pid]


def refer(value: object, shared: Shared) -> bytes:
    """`value` pickled, each object of `shared` in it (by identity) written as a reference."""
    buffer = io.BytesIO()
    _Referring(buffer, {id(obj): place for place, obj in enumerate(shared.objects)}).dump(value)
    return buffer.getvalue()


def resolve(data: bytes, shared: Shared) -> Any:
    """What `refer` pickled, with the shared objects in their places."""
    return _Resolving(io.BytesIO(data), shared).load()


PAGES_APART = 64
"""Below this many portal-wide pages to make, they are made here: sending them costs more."""


class PageFailed(Exception):
    """A portal-wide page's template failed: the problem, located where it happened (a worker's
    traceback does not cross to the controller, so the place is found before it is sent)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)  # the one argument, so that it unpickles as it was made
        self.problem = problem


def render_calls(
    theme: Theme,
    project: Path,
    calls: tuple[PageCall, ...],
    jobs: int = 1,
    workers: Workers | None = None,
    meanwhile: Callable[[], None] = lambda: None,
    shared: Sequence[object] = (),
) -> list[tuple[str, bytes]]:
    """Plan and render portal-wide pages: each one's output path and bytes, in order. Many of
    them go to `workers` (or to `jobs` forked workers), in a few interleaved batches so that
    the large pages (the province's, the years') are spread. Each batch is pickled once,
    with the registry and the summaries it shares between its pages; workers that can `share`
    are sent the objects of `shared` once instead, and each batch names them by their place.
    `meanwhile` is called once, here, while the workers render: after they are forked, for a
    fork while another thread runs could copy a lock that thread holds."""
    if len(calls) < PAGES_APART:
        return _render_here(theme, project, calls, meanwhile)
    with nullcontext(workers.executor) if workers is not None else default_executor(jobs, len(calls)) as pool:
        if pool is None:
            return _render_here(theme, project, calls, meanwhile)
        count = max(1, workers.slots if workers is not None else jobs) * 4
        batches = [calls[start::count] for start in range(count)]
        if workers is not None and workers.share is not None and shared:
            table = Shared(tuple(shared))
            sent = workers.share(table)  # kept here until every batch is in
            tasks = [pool.submit(render_referring, theme, project, refer(batch, table), sent) for batch in batches]
        else:
            tasks = [pool.submit(render_batch, theme, project, batch) for batch in batches]
        meanwhile()
        rendered = [task.result() for task in tasks]
    made: list[tuple[str, bytes]] = [("", b"")] * len(calls)
    for start, batch in enumerate(rendered):
        made[start::count] = batch
    return made


def _render_here(theme: Theme, project: Path, calls: tuple[PageCall, ...], meanwhile: Callable[[], None]) -> list[tuple[str, bytes]]:
    made = render_batch(theme, project, calls)
    meanwhile()
    return made


def render_referring(theme: Theme, project: Path, calls: bytes, shared: Shared) -> list[tuple[str, bytes]]:
    """What one task does with a batch that names the shared objects (see `refer`)."""
    return render_batch(theme, project, resolve(calls, shared))


def render_batch(theme: Theme, project: Path, calls: tuple[PageCall, ...]) -> list[tuple[str, bytes]]:
    """What one task does: plan and render a few portal-wide pages."""
    pages = [call.function(*call.args) for call in calls]
    try:
        return [(page.output, render_page(page, theme)) for page in pages]
    except jinja2.TemplateError as exc:  # a portal's own template that fails on these pages
        raise PageFailed(render_problem(exc, project)) from None
