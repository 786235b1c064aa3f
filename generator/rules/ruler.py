"""Rule tables: the rules that check one thing, in order, as data rather than a chain of calls.

In the spirit of markdown-it-py's `Ruler`: a table is an ordered tuple of named
steps, each a small function and the catalogue rules it may emit, so a reader
(and a test) sees at one glance which rules run, in which order, and which
function is responsible for a rule. A step may name, in `unless`, rules whose
breach makes it meaningless: it is skipped when an earlier step of the same run
found one of them (a mistyped year makes the format and deadline checks noise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..model import Problem, RuleSpec

T = TypeVar("T")


@dataclass(frozen=True)
class Step(Generic[T]):
    """One entry of a rule table: `check` finds the breaches of the rules in `emits`."""

    name: str
    emits: tuple[RuleSpec, ...]
    check: Callable[[T], Iterable[Problem]]
    unless: tuple[RuleSpec, ...] = ()


def run_table(table: Sequence[Step[T]], subject: T) -> list[Problem]:
    """The problems every step of `table` finds in `subject`, in table order."""
    found: list[Problem] = []
    for step in table:
        skipped = {rule.id for rule in step.unless}
        if not any(p.rule in skipped for p in found):
            found += step.check(subject)
    return found


def emitted(table: Sequence[Step[T]]) -> tuple[RuleSpec, ...]:
    """Every rule a table may emit, once each, in table order."""
    return tuple(dict.fromkeys(rule for step in table for rule in step.emits))
