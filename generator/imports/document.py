"""What every reader makes of a file: one plain Document of paragraphs and grids.

Readers (see `readers`) read only the shape of a source; what its rows mean is
the matching's business (see `matching`). Keeping this hand-off plain and
frozen is what lets a new file type join with one reader and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: int = 0  # 1–6 when the source marks it as a heading, else 0
    line: int = 0  # where it starts in the source, when the source has lines


@dataclass(frozen=True)
class Grid:
    """A table as a reader sees it: rows of cell texts. A merged cell's text is either
    repeated in every position it covers (HTML, Word: harmless for labels) or kept at
    its first position only, the positions it covers listed in `merged` (PDF): those
    are not cells, neither blanks (zeros) nor values, so a merged figure is never
    read twice and never turns its neighbours into zeros."""

    rows: tuple[tuple[str, ...], ...]
    line: int = 0
    merged: frozenset[tuple[int, int]] = frozenset()  # (row, column) covered by a merged cell


Block = Paragraph | Grid


@dataclass(frozen=True)
class Document:
    """A source file's paragraphs (with `**bold**` kept) and grids, in reading order, and
    what the page it was saved from says about it (索引号, 发布机构, 发布日期 ...), by label."""

    blocks: tuple[Block, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()

    def meta(self, *labels: str) -> str:
        """The value of the first of `labels` the page gives, or ""."""
        found = dict(self.metadata)
        return next((found[label] for label in labels if found.get(label)), "")


class ReadError(Exception):
    """The file cannot be read as a report; the message says why, in Chinese. It does
    not repeat the file's name: whoever reports it names the file (see `batch`)."""
