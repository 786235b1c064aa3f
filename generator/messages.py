"""Wording shared by the stages that talk to editors."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def suggestion(key: str, known: Sequence[str]) -> str:
    """“，是否想写 “x”？” for the nearest known key, or the list of keys when none is near."""
    hint = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    if hint:
        return f"，是否想写 “{hint[0]}”？"
    return f"。可用的键：{', '.join(known)}" if known else ""
