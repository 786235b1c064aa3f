"""How a figure is printed, the same in every table, page and download."""

from __future__ import annotations

from decimal import Decimal

from ..model import Value


def format_value(value: Value | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
