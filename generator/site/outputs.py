"""What the site is made of: pages to render and files to copy, and the formats
pages are written in.

An output format says how a page becomes bytes and what it is served as
(Hugo's output formats are the model): HTML pages come from the theme's
templates, data files are serialised from the page's `data`. Rendering and
the preview server dispatch on the format; the feeds (Atom), the sitemap (XML)
and robots.txt are one value each here, their text made by the pure functions
of `exports` (the CSV and chart (SVG) outputs to come are values too).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _json_bytes(data: Any) -> bytes:
    # Compact: json's indenting encoder is pure Python, and took an eighth of a cold build.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _text_bytes(text: Any) -> bytes:
    """A text made whole by its planner (a feed, a sitemap), in UTF-8."""
    return str(text).encode("utf-8")


@dataclass(frozen=True)
class OutputFormat:
    name: str
    media_type: str  # as served, with its charset
    serialise: Callable[[Any], bytes] | None = None  # None: rendered by a template of the theme
    document: bool = False  # a page a browser shows: the preview adds its live-reload script


HTML = OutputFormat("html", "text/html; charset=utf-8", document=True)
JSON = OutputFormat("json", "application/json; charset=utf-8", _json_bytes)
ATOM = OutputFormat("atom", "application/atom+xml; charset=utf-8", _text_bytes)
XML = OutputFormat("xml", "application/xml; charset=utf-8", _text_bytes)
TEXT = OutputFormat("text", "text/plain; charset=utf-8", _text_bytes)


@dataclass(frozen=True)
class Page:
    output: str  # path under the site root, with forward slashes (see urls.Route.output)
    format: OutputFormat
    template: str  # for templated formats
    context: dict[str, Any] = field(compare=False)  # a data format's page has its content as "data"


@dataclass(frozen=True)
class Copy:
    """A file copied as is (an attachment)."""

    source: Path
    output: str


@dataclass(frozen=True)
class PageCall:
    """A portal-wide page to plan, not planned yet: the function that plans it and its
    arguments, so a caller that has the page already (the build cache, the preview's
    memo) need not make its context."""

    function: Callable[..., Page]
    key: str  # tells pages of one function apart (a year page per year)
    args: tuple[Any, ...]
