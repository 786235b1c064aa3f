"""How Chinese text becomes search tokens. Mirrored, rule for rule, by the query
side in templates/assets/xxgk-search.js; tests/test_search.py checks that the
two agree.

Why: Pagefind segments Chinese one way when indexing (jieba, extended binary
only) and the browser segments the query another way (Intl.Segmenter), so
searches silently miss most pages. xxgk controls both sides instead:

- every run of Chinese characters becomes one token per character: the
  *bigram* of that character and the next (the last character of a run gets a
  *unigram*), each spelled in ASCII (`u` + five hex digits per character), so
  neither Pagefind nor the browser ever segments Chinese;
- after the text, a marker and one unigram per distinct character of the
  document, so a one-character query has an exact token to find;
- letters and digits stay words, as Pagefind expects.

A query of n ≥ 2 characters then becomes a *phrase* of n − 1 bigrams, which
Pagefind matches only at consecutive positions: exactly the documents that
contain the query as a substring. A one-character query becomes its unigram.
"""

from __future__ import annotations

import re
import unicodedata

CHARS_MARKER = "xxgkchars"  # starts the per-document character list; never shown

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"[{_CJK}]+")
# a run of Chinese characters, or a word of other letters and digits
_PIECES = re.compile(rf"([{_CJK}]+)|((?:(?![{_CJK}])[^\W_])+)")


def normalise(text: str) -> str:
    """Full-width forms to half-width (NFKC) and lower case, as the query side does."""
    return unicodedata.normalize("NFKC", text).lower()


def char_token(char: str) -> str:
    return f"{ord(char):05x}"


def unigram(char: str) -> str:
    return "u" + char_token(char)


def bigram(first: str, second: str) -> str:
    return "u" + char_token(first) + char_token(second)


def run_tokens(run: str) -> list[str]:
    """One token per character of a run of Chinese: bigrams, then the last unigram."""
    return [bigram(run[i], run[i + 1]) for i in range(len(run) - 1)] + [unigram(run[-1])]


def pieces(text: str) -> list[str]:
    """The runs of Chinese and the words of a text, in order, normalised; the rest dropped."""
    return [m.group(0) for m in _PIECES.finditer(normalise(text))]


def index_tokens(text: str) -> list[str]:
    """The tokens Pagefind indexes for `text` (words lower-cased, as Pagefind does)."""
    out: list[str] = []
    for piece in pieces(text):
        out.extend(run_tokens(piece) if _RUN.fullmatch(piece) else [piece])
    return out


def index_content(text: str) -> str:
    """The body of an indexed document.

    Tokens in text order with the punctuation between them kept, as it was
    written, in items of its own, so the browser can turn the stored content
    back into readable text for excerpts; then the marker and the document's
    distinct characters.
    """
    items: list[str] = []
    chars: set[str] = set()
    position = 0
    for match in _PIECES.finditer(text):
        gap = text[position : match.start()].split()
        items.extend(gap)
        piece = unicodedata.normalize("NFKC", match.group(0))
        if match.group(1):
            items.extend(run_tokens(piece))
            chars.update(piece)
        else:
            items.append(piece)
        position = match.end()
    items.extend(text[position:].split())
    return " ".join([*items, CHARS_MARKER, *(unigram(c) for c in sorted(chars))])
