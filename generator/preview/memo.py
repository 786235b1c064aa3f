"""Reuse in the preview: a function's last result while its inputs are the same objects,
and a re-made agency part's pages and summaries where they did not change.

The preview keeps the portal in memory and, after a save, makes again only the
agency parts whose folder (or whose context) changed. Unchanged parts keep
their objects, so everything made from them is found again by identity;
within a re-made part, a page whose content is the same as before keeps its
old object, so the page is not rendered again and open tabs are not told it
changed. Pages are compared by their pickled bytes: stricter than equality
(1 and 1.0, or Decimal("1") and Decimal("1.0"), print differently and pickle
differently), never a looser likeness that could leave a page stale.
"""

from __future__ import annotations

import datetime
import pickle
from collections.abc import Callable, Hashable
from dataclasses import replace
from operator import is_
from typing import Any, TypeVar

from ..build.part import AgencyPart
from ..site.compliance import Judged
from ..site.outputs import Page
from ..site.statistics import Tallied

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
    if kind is Tallied or kind is Judged:  # what a statistics or compliance page shows of its reports, by digest
        assert isinstance(a, Tallied | Judged) and isinstance(b, Tallied | Judged)
        return a.digest == b.digest
    if kind is tuple:
        assert isinstance(a, tuple) and isinstance(b, tuple)
        return len(a) == len(b) and (all(map(is_, a, b)) or all(x is y or same(x, y) for x, y in zip(a, b)))
    return kind in _PLAIN and a == b


class Memo:
    """The last result of each (function, key), reused while every argument is `same`."""

    def __init__(self) -> None:
        self._results: dict[Callable[..., Any], dict[Hashable, tuple[tuple[Any, ...], Any]]] = {}

    def call(self, function: Callable[..., T], key: Hashable, *args: Any) -> T:
        results = self._results.setdefault(function, {})
        entry = results.get(key)
        if entry is not None:
            old = entry[0]
            if (len(old) == len(args) and all(map(is_, old, args))) or same(old, args):
                return entry[1]  # type: ignore[no-any-return]
        result = function(*args)
        results[key] = (args, result)
        return result


def _content(page: Page) -> bytes:
    return pickle.dumps((page.format.name, page.template, page.context), protocol=pickle.HIGHEST_PROTOCOL)


def keep_unchanged(old: AgencyPart, new: AgencyPart) -> AgencyPart:
    """`new`, with each page and summary that is the same as in `old` the old object."""
    # Summaries first, with the digest of every one of both sides made: an agency's page
    # lists them, and a summary whose digest is cached pickles differently from one whose is not.
    listed = {summary.url: summary for summary in old.summaries}
    for summary in (*old.summaries, *new.summaries):
        _ = summary.digest, summary.tally_digest, summary.compliance_digest
    summaries = tuple(old_one if (old_one := listed.get(s.url)) is not None and old_one.digest == s.digest else s for s in new.summaries)
    pages = {page.output: page for page in old.pages}
    kept = []
    for page in new.pages:
        before = pages.get(page.output)
        kept.append(before if before is not None and _content(before) == _content(page) else page)
    return replace(new, pages=tuple(kept), summaries=summaries)
