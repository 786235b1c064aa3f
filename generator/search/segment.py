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
"""

from __future__ import annotations

import re
import unicodedata

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
    """The bigrams of a run of Chinese characters, in order."""
    return [bigram(run[i], run[i + 1]) for i in range(len(run) - 1)]


def pieces(text: str) -> list[str]:
    """The runs of Chinese and the words of a text, in order, normalised; the rest dropped."""
    return [m.group(0) for m in _PIECES.finditer(normalise(text))]


def index_tokens(text: str) -> list[str]:
    """The tokens Pagefind indexes for `text`, in order: bigrams and words
    (lower-cased, as Pagefind does), then the unigram of every distinct character."""
    out: list[str] = []
    chars: set[str] = set()
    for piece in pieces(text):
        if _RUN.fullmatch(piece):
            out.extend(run_tokens(piece))
            chars.update(piece)
        else:
            out.append(piece)
    return out + [unigram(c) for c in sorted(chars)]


EVERY_DOCUMENT = "xxgkdoc"
"""A word in every indexed document. Searching for it (with filters) lists
documents without loading the whole index, which Pagefind's own filter-only
search does."""


def index_content(text: str) -> str:
    """The body of an indexed document: its tokens, space-separated, and the
    word every document has."""
    return " ".join([*index_tokens(text), EVERY_DOCUMENT])


def query_tokens(piece: str) -> tuple[list[str], bool]:
    """The tokens a query piece is searched with, and whether they must stand together
    (a phrase; a single token is matched exactly either way)."""
    if not _RUN.fullmatch(piece):
        return [piece], False
    if len(piece) == 1:
        return [unigram(piece)], True
    return run_tokens(piece), True
