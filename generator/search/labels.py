"""The labels of the official tables as search sees them: every label a query can
match, and the place in the tables a result names when a term matched a label only.

Labels are the same in every report of a format, so they are not indexed with each
report (they were a third of all tokens): the browser matches a query against them
once per format, from the list written into the index manifest. A result found by
a label alone would otherwise show an excerpt without the term; its excerpt names
the table and the row or column instead, e.g. 表四：行政复议.
"""

from __future__ import annotations

from ..formats import FORMATS
from ..formats.schema import Block, Table

PATH_SEPARATOR = "／"
"""Between the levels of a place (a block, a group of rows, a row), as a reader would write them."""


def _place(table: Table, *parts: str) -> str:
    """`表四：行政复议／结果纠正`: the table by its number, then the official labels down to the match."""
    return f"表{table.key}：" + PATH_SEPARATOR.join(parts)


def _block_prefix(table: Table, block: Block, first: str) -> tuple[str, ...]:
    """The block's title in front of a row or column, unless it says nothing more
    (table 三 has one block named like the table; table 四 names blocks like their rows)."""
    return () if block.title in (table.title, first) else (block.title,)


def label_places(format_id: str) -> list[tuple[str, str]]:
    """Every label of a format's tables with the place a match in it names, most
    specific first (rows, then columns, then block titles, then table headings), each
    label once: the browser names the first place whose label holds the term."""
    rows: list[tuple[str, str]] = []
    columns: list[tuple[str, str]] = []
    blocks: list[tuple[str, str]] = []
    headings: list[tuple[str, str]] = []
    for table in FORMATS[format_id].tables:
        headings.append((table.heading, _place(table, table.heading)))
        for block in table.blocks:
            blocks.append((block.title, _place(table, block.title)))
            for column in block.columns:
                group = (column.group,) if column.group else ()
                columns.append((column.label, _place(table, *_block_prefix(table, block, column.label), *group, column.label)))
            for row in block.rows:
                prefix = _block_prefix(table, block, row.path[0])
                rows.extend((part, _place(table, *prefix, *row.path[: depth + 1])) for depth, part in enumerate(row.path))
    places: dict[str, str] = {}
    for label, place in rows + columns + blocks + headings:
        places.setdefault(label, place)
    return list(places.items())


def table_labels(format_id: str) -> list[str]:
    """Every label of a format's tables, each once."""
    return [label for label, _ in label_places(format_id)]
