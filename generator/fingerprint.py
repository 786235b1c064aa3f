"""Hashes of what outputs are made from: the build cache's keys, the preview's and
the search index's reuse, and a summary's identity all compare these."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_digest(value: Any) -> str:
    """A hash of plain data (a page's inputs). Decimals (fees) are told apart from ints and
    floats of the same value: they print differently."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=lambda v: f"{type(v).__name__}:{v}")
    return hashlib.sha256(text.encode()).hexdigest()
