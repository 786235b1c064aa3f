"""How Chinese text becomes search tokens. Mirrored, rule for rule, by the query
side in templates/assets/xxgk-search.js; tests/test_search.py checks that the
two agree.

Why: Pagefind segments Chinese one way when indexing (jieba, extended binary
only) and the browser segments the query another way (Intl.Segmenter), so
searches silently miss most pages. xxgk controls both sides instead:

- every run of Chinese characters becomes its *bigrams*, one per pair of
  neighbouring characters, each spelled in ASCII (`u` + five hex digits per
  character), so neither Pagefind nor the browser ever segments Chinese;
- after the text, one *unigram* per distinct character of the document;
- letters and digits stay words, as Pagefind expects; punctuation is dropped.

A query of n ≥ 2 characters becomes a *phrase* of its n − 1 bigrams, which
Pagefind matches only at consecutive positions: exactly the documents that
contain the query. A one-character query becomes its unigram, matched exactly.
(Matching it as a prefix of the bigrams it starts also finds it, but Pagefind
reads only so many index chunks for a prefix and was measured to miss 3 of
9,957 reports for one common character.)

Measured on 2,500 recent reports: Pagefind's indexing memory grows with the
number of tokens, about 0.4 KB each, and it is what limits how many reports one
indexing run can hold; the list of distinct characters costs far less than a
unigram at every position would.

Where a token stands is information too, for ranking (see `document_tokens`):
Pagefind gives the browser the position of every match, and a separator word
takes a position without being indexed.
"""

from __future__ import annotations

import re
import unicodedata

from ..formats import FIRST_YEAR

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"[{_CJK}]+")
# a run of Chinese characters, or a word of other letters and digits
_PIECES = re.compile(rf"([{_CJK}]+)|((?:(?![{_CJK}])[^\W_])+)")


def normalise(text: str) -> str:
    """Full-width forms to half-width (NFKC) and lower case, as the query side does."""
    return unicodedata.normalize("NFKC", text).lower()


class _Hex(dict[str, str]):
    """A character's code point as five hex digits, each worked out once per process: a report
    has some 600 characters, and formatting each twice (once per bigram) took a third of the time
    of making its indexed page."""

    def __missing__(self, char: str) -> str:
        self[char] = spelt = f"{ord(char):05x}"
        return spelt


_HEX = _Hex()


def unigram(char: str) -> str:
    return "u" + _HEX[char]


def run_tokens(run: str) -> list[str]:
    """The bigrams of a run of Chinese characters, in order."""
    spelt = [_HEX[char] for char in run]
    return ["u" + first + second for first, second in zip(spelt, spelt[1:])]


def pieces(text: str) -> list[str]:
    """The runs of Chinese and the words of a text, in order, normalised; the rest dropped."""
    return [m.group(0) for m in _PIECES.finditer(normalise(text))]


SEPARATOR = "-"
"""A word Pagefind counts as a position but does not index (it has no letter or
digit). It stands between pieces of text, so that a phrase never spans
punctuation (without it, 行政，政复议 held the bigrams of 行政复议 side by side),
and it fills the fixed regions of a document."""


def text_tokens(text: str) -> list[str]:
    """The bigrams and words of a text, in order, a separator between pieces."""
    return _piece_tokens(pieces(text))


def _piece_tokens(found: list[str]) -> list[str]:
    out: list[str] = []
    for piece in found:
        if out:
            out.append(SEPARATOR)
        out.extend(run_tokens(piece) if _RUN.fullmatch(piece) else [piece])
    return out


def unigrams(text: str) -> list[str]:
    """The unigram of every distinct Chinese character of a text, in code point order."""
    return _piece_unigrams(pieces(text))


def _piece_unigrams(found: list[str]) -> list[str]:
    return [unigram(c) for c in sorted({c for piece in found if _RUN.fullmatch(piece) for c in piece})]


def index_tokens(text: str) -> list[str]:
    """The tokens Pagefind indexes for `text`, in order: bigrams and words
    (lower-cased, as Pagefind does) with separators, then the unigram of every
    distinct character."""
    return text_tokens(text) + unigrams(text)


EVERY_DOCUMENT = "u04e2gxxgk"
"""A word in every indexed document. Searching for it (with filters) lists
documents without loading the whole index, which Pagefind's own filter-only
search does; where it stands says the report's year.

Spelt to sort among the tokens of the commonest characters (after those of
U+4E20–4E2F, 中 among them, before U+4E30), where Pagefind's index chunks are of
ordinary size (20–30 KB), without being a prefix of a token or having one as its
prefix. Pagefind also indexes metadata fields as words (a report's paragraphs,
each a long word of its own), and those sort before and after the tokens: a word
among them, such as the earlier "xxgkdoc", cost every query one chunk of over
100 KB per shard."""

YEAR_SLOTS = 100
"""Positions 0–99 of a document: EVERY_DOCUMENT at its year − FIRST_YEAR, separators
elsewhere. The browser reads a result's year from where the word was found, without
loading the result, to sort by year and to put the newest first among equals."""

HEAD_END = 256
"""Positions YEAR_SLOTS–255 hold the title and the agency's name (padded with
separators); the rest of the document starts here. The browser counts a match
before HEAD_END as one in the title or name, which ranks higher."""


def year_slot(year: int) -> int:
    """Where EVERY_DOCUMENT stands for `year` (a year outside the slots, which the
    checks do not let through, takes the nearest)."""
    return min(max(year - FIRST_YEAR, 0), YEAR_SLOTS - 1)


def document_tokens(year: int, head: str, body: str) -> list[str]:
    """The tokens of one indexed document, by position: the year's slot, the head
    (title and agency name) from YEAR_SLOTS, the body (region, year, narrative)
    from HEAD_END, or after one separator if a head is longer than its region,
    then the unigrams of both (the pieces of each text found once: a line break between
    two texts ends a piece, so those of both are the pieces of each)."""
    slots = [SEPARATOR] * YEAR_SLOTS
    slots[year_slot(year)] = EVERY_DOCUMENT
    head_pieces, body_pieces = pieces(head), pieces(body)
    front = _piece_tokens(head_pieces)
    padding = [SEPARATOR] * max(1, HEAD_END - YEAR_SLOTS - len(front))
    return slots + front + padding + _piece_tokens(body_pieces) + _piece_unigrams(head_pieces + body_pieces)


def index_content(year: int, head: str, body: str) -> str:
    """The body of an indexed document: its tokens, space-separated."""
    return " ".join(document_tokens(year, head, body))


def layout() -> dict[str, int | str]:
    """What the browser needs to read positions: written into the index manifest, so
    the numbers are defined here only."""
    return {"every": EVERY_DOCUMENT, "firstYear": FIRST_YEAR, "yearSlots": YEAR_SLOTS, "headEnd": HEAD_END}


def query_tokens(piece: str) -> tuple[list[str], bool]:
    """The tokens a query piece is searched with, and whether they must stand together
    (a phrase; a single token is matched exactly either way)."""
    if not _RUN.fullmatch(piece):
        return [piece], False
    if len(piece) == 1:
        return [unigram(piece)], True
    return run_tokens(piece), True
