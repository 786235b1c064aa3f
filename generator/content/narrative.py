"""Narrative Markdown: one parser for the report page and the search index.

CommonMark was written for languages that put spaces between words. Chinese
reports break it in two common ways, both fixed by the cjk_friendly plugin:
a bold lead-in such as `**（一）主动公开。**本年度…` is not recognised
(full-width punctuation next to the `**` defeats the flanking rules), and a
line break inside a paragraph shows as a stray space between two characters.
Raw HTML is shown as text, never run; images are off, so a narrative cannot
pull an asset from another host; links may only lead to web pages and e-mail.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_cjk_friendly import cjk_friendly, is_cjk

_PARSER = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .disable("image")
    .use(cjk_friendly)
)

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = ("http", "https", "mailto")


def safe_link(url: str) -> bool:
    """Whether a narrative may link to `url`: a web page, an e-mail address or a path of
    the site; never javascript:, data:, file: or any other scheme (markdown-it's own
    check lets data: images through). Browsers ignore tabs, line breaks and control
    characters inside a scheme, so they are taken out before it is read."""
    scheme = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", url))
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


_PARSER.validateLink = safe_link  # type: ignore[method-assign]


def to_html(source: str) -> str:
    return _PARSER.render(source)


def to_text(source: str) -> str:
    """The words of a narrative without markup, one block per line (for search)."""
    lines = []
    for token in _PARSER.parse(source):
        if token.type != "inline" or token.children is None:
            continue
        line = ""
        for child in token.children:
            if child.type in ("text", "code_inline"):
                line += child.content
            elif child.type in ("softbreak", "hardbreak"):
                line += _BREAK
        lines.append(_join_breaks(line))
    return "\n".join(lines)


_BREAK = "\x00"


def _join_breaks(line: str) -> str:
    """A line break inside a paragraph: nothing between two Chinese characters, as
    the page shows it; a space anywhere else."""
    parts = line.split(_BREAK)
    out = parts[0]
    for part in parts[1:]:
        out += ("" if out[-1:] and part[:1] and is_cjk(out[-1]) and is_cjk(part[0]) else " ") + part
    return out
