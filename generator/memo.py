"""Reuse the results of the pipeline's pure functions while their inputs stay the same.

The preview server keeps a portal in memory and re-runs validate and plan after
every save. Each stage is a pure function of frozen data, so when a function is
called again with the very objects it got last time, its last result is still
right; unchanged reports keep their objects from one run to the next (only the
edited file is read again), so a re-run costs little more than the edit itself.
Results are reused only on identity (or, for plain values, exact equality):
never on a looser likeness that could leave a page stale.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from operator import is_
from typing import Any, TypeVar

T = TypeVar("T")

_PLAIN = frozenset({str, int, bool, datetime.date, type(None)})
"""Types compared by equality. Not Decimal or float: 1.0 == 1 but prints differently."""


def same(a: object, b: object) -> bool:
    """True when `a` may stand for `b` as an input: the same object, an equal plain
    value of the same type, or tuples whose members are `same` one by one."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is tuple:
        assert isinstance(a, tuple) and isinstance(b, tuple)
        return len(a) == len(b) and (all(map(is_, a, b)) or all(x is y or same(x, y) for x, y in zip(a, b)))
    return kind in _PLAIN and a == b


def equal(a: object, b: object) -> bool:
    """Deep equality that also tells 1 from 1.0 and Decimal("1") from Decimal("1.0"):
    two values are equal only when they would render the same."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple))
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return a == b and str(a) == str(b)


class Memo:
    """The last result of each (function, key).

    `call` reuses a result when every argument is `same` as last time. Results
    are kept per key, not per run, so a function that hit need not call the
    functions it calls for their entries to survive; what a deleted report left
    is only replaced when a report of that key comes back (a preview session's
    worth of edits, not a leak that grows with time spent). A run over 10,000
    reports makes a call per agency and per year, plus one per changed report.
    """

    def __init__(self) -> None:
        self._results: dict[Callable[..., Any], dict[Hashable, tuple[tuple[Any, ...], Any]]] = {}

    def call(self, function: Callable[..., T], key: Hashable, *args: Any) -> T:
        return self._call(function, key, args, False)

    def call_stable(self, function: Callable[..., T], key: Hashable, *args: Any) -> T:
        """Like `call`, and when the function has to run again but gives a result
        `equal` to last time's, last time's object: so what was made from it need
        not be made again (a report's summary when only its text changed)."""
        return self._call(function, key, args, True)

    def _call(self, function: Callable[..., T], key: Hashable, args: tuple[Any, ...], stable: bool) -> T:
        results = self._results.get(function)
        if results is None:
            results = self._results[function] = {}
        entry = results.get(key)
        if entry is not None:
            old = entry[0]
            if (len(old) == len(args) and all(map(is_, old, args))) or same(old, args):
                return entry[1]  # type: ignore[no-any-return]
        result = function(*args)
        if stable and entry is not None and equal(entry[1], result):
            result = entry[1]
        results[key] = (args, result)
        return result
