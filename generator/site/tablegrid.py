"""The statistics tables laid out like the printed form, from the format definition
and a report's figures: header cells nested two and three deep, each value cell
naming every header that applies to it.

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ..formats.schema import Table
from ..model import FilledTable
from .values import format_value

# --- Tables ---------------------------------------------------------------------------
# A grid is {"columns": [(class, span), ...], "head": [row, ...], "bodies": [[row, ...], ...]};
# a row is a list of cells {"tag", "text", "id", "headers", "scope", "rowspan", "colspan",
# "computed", "class", "text_class", "marks"}; "marks" are the numbers of the notes (注) about
# a value cell, in an archive whose report's figures do not add up.
# The official tables nest their headers two and three deep, which `scope` alone
# cannot express, so every header cell has an id and every value cell lists the
# ids of all the headers that name it (WCAG technique H43).
#
# Cells say what they are by class, never by position, so the theme can style them
# without guessing from `:first-child` (which also matched the first header of
# every header row): "corner" is the top-left note of table 三; "label" a row's own
# label (the innermost one: it stays in view while the figures scroll on a phone);
# "group" a label spanning several rows (it scrolls away). A row label spanning
# several label columns wraps its text in a "label-text" span, which the theme
# keeps inside the narrow strip that stays in view. "columns" gives the label
# columns their own class ("label-col-1" is the innermost), so widths are set per
# column, not per cell.


class _Grid:
    """Builds the cells of one table, numbering header cells as it goes."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def th(self, text: str, scope: str | None = None, rowspan: int = 1, colspan: int = 1, css: str = "", text_css: str = "") -> dict[str, Any]:
        self.count += 1
        return {"tag": "th", "text": text, "id": f"{self.prefix}-h{self.count}", "headers": "", "scope": scope,
                "rowspan": rowspan, "colspan": colspan, "computed": False, "class": css, "text_class": text_css, "marks": ()}

    @staticmethod
    def td(text: str, headers: list[dict[str, Any]], colspan: int = 1, computed: bool = False, marks: Sequence[int] = ()) -> dict[str, Any]:
        css = ("num computed" if computed else "num") + (" discrepancy" if marks else "")
        return {"tag": "td", "text": text, "id": "", "headers": " ".join(h["id"] for h in headers), "scope": None,
                "rowspan": 1, "colspan": colspan, "computed": computed, "class": css, "text_class": "", "marks": marks}


def _label_columns(depth: int, values: int) -> list[tuple[str, int]]:
    """The <col> classes of a table: its label columns, outermost first, then its value columns."""
    return [(f"label-col label-col-{depth - i}", 1) for i in range(depth)] + [("value-col", values)]


def _spanning(colspan: int) -> str:
    """The class of a label's text when the label spans label columns: see the note above."""
    return "label-text" if colspan > 1 else ""


Marks = Mapping[tuple[str, str, int], Sequence[int]]
"""The notes about cells, by (block key, row key, column index): a note's numbers."""


def table_grid(table: Table, filled: FilledTable, marks: Marks | None = None) -> dict[str, Any]:
    """Lay a table out like the official form, from its definition and its data."""
    grid = _Grid(f"t-{table.front_matter_key}")
    marks = marks or {}
    if table.layout == "stacked":
        return _stacked(grid, table, filled, marks)
    if table.layout == "matrix":
        return _matrix(grid, table, filled, marks)
    return _wide(grid, table, filled, marks)


def table_rows(rows: list[list[dict[str, Any]]]) -> Markup:
    """The <tr> elements of a grid's rows. Built here rather than by a template macro:
    a report has some 500 cells, and a macro call per cell was half of its render time."""
    out = []
    for row in rows:
        out.append("<tr>\n")
        out += [_cell_html(cell) for cell in row]
        out.append("</tr>\n")
    return Markup("".join(out))


def _cell_html(cell: dict[str, Any]) -> str:
    tag = cell["tag"]
    attributes = ""
    if cell["id"]:
        attributes += f' id="{escape(cell["id"])}"'
    if cell["scope"]:
        attributes += f' scope="{escape(cell["scope"])}"'
    if cell["headers"]:
        attributes += f' headers="{escape(cell["headers"])}"'
    if cell["rowspan"] > 1:
        attributes += f' rowspan="{cell["rowspan"]}"'
    if cell["colspan"] > 1:
        attributes += f' colspan="{cell["colspan"]}"'
    if cell["class"]:
        attributes += f' class="{escape(cell["class"])}"'
    if cell["computed"]:
        attributes += ' title="自动计算"'
    text = escape(cell["text"])
    if cell["text_class"]:
        text = Markup(f'<span class="{escape(cell["text_class"])}">{text}</span>')
    for number in cell["marks"]:
        text += Markup(f'<a class="mark" href="#discrepancy-{number}">注{number}</a>')
    return f"<{tag}{attributes}>{text}</{tag}>\n"


def table_columns(columns: list[tuple[str, int]]) -> Markup:
    """The <colgroup> of a grid: label columns get their widths from the theme by class."""
    out = ["<colgroup>\n"]
    for css, span in columns:
        out.append(f'<col class="{escape(css)}"' + (f' span="{span}"' if span > 1 else "") + ">\n")
    out.append("</colgroup>\n")
    return Markup("".join(out))


def _stacked(grid: _Grid, table: Table, filled: FilledTable, marks: Marks) -> dict[str, Any]:
    width = max(len(b.columns) for b in table.blocks)
    bodies = []
    for block in table.blocks:
        spare = width - len(block.columns) + 1  # the last column spans what the widest block has more
        title = grid.th(block.title, "col", colspan=width + 1, css="block-title")
        corner = grid.th(block.column_heading, "col", css="label-head")
        columns = [grid.th(c.label, "col", colspan=spare if i == len(block.columns) - 1 else 1) for i, c in enumerate(block.columns)]
        rows = [[title], [corner, *columns]]
        for row in filled.block(block.key).rows:
            label = grid.th(row.label, "row", css="label")
            values = [
                grid.td(
                    format_value(cell.value),
                    [title, column, label],
                    colspan=spare if i == len(columns) - 1 else 1,
                    computed=cell.computed,
                    marks=marks.get((block.key, row.key, i), ()),
                )
                for i, (column, cell) in enumerate(zip(columns, row.cells))
            ]
            rows.append([label, *values])
        bodies.append(rows)
    return {"columns": _label_columns(1, width), "head": [], "bodies": bodies}


def _matrix(grid: _Grid, table: Table, filled: FilledTable, marks: Marks) -> dict[str, Any]:
    block = table.blocks[0]
    rows = filled.block(block.key).rows
    depth = max(len(r.path) for r in rows)
    grouped = any(c.group for c in block.columns)
    levels = (1 if table.column_title else 0) + (2 if grouped else 1)
    head: list[list[dict[str, Any]]] = [[] for _ in range(levels)]
    head[0].append({**grid.th(table.corner, None, rowspan=levels, colspan=depth, css="corner", text_css=_spanning(depth)), "id": ""})
    above: list[dict[str, Any]] = []
    level = 0
    if table.column_title:
        top = grid.th(table.column_title, "col", colspan=len(block.columns))
        head[0].append(top)
        above.append(top)
        level = 1
    column_headers: list[list[dict[str, Any]]] = []
    groups: dict[str, dict[str, Any]] = {}
    for column in block.columns:
        if column.group is None:
            cell = grid.th(column.label, "col", rowspan=levels - level)
            head[level].append(cell)
            column_headers.append([*above, cell])
            continue
        if column.group not in groups:
            span = sum(1 for c in block.columns if c.group == column.group)
            groups[column.group] = grid.th(column.group, "col", colspan=span)
            head[level].append(groups[column.group])
        cell = grid.th(column.label, "col")
        head[level + 1].append(cell)
        column_headers.append([*above, groups[column.group], cell])
    body = []
    open_labels: dict[tuple[str, ...], dict[str, Any]] = {}
    for index, row in enumerate(rows):
        cells = []
        labels = []
        for lvl, label in enumerate(row.path):
            prefix = row.path[: lvl + 1]
            if index == 0 or rows[index - 1].path[: lvl + 1] != prefix:
                own = lvl == len(row.path) - 1
                span = sum(1 for _ in _run(rows, index, prefix))
                colspan = depth - lvl if own else 1
                css, text_css = ("label", _spanning(colspan)) if own else ("group", "")
                open_labels[prefix] = grid.th(label, "row", rowspan=span, colspan=colspan, css=css, text_css=text_css)
                cells.append(open_labels[prefix])
            labels.append(open_labels[prefix])
        values = [
            grid.td(format_value(cell.value), [*labels, *headers], computed=cell.computed, marks=marks.get((block.key, row.key, i), ()))
            for i, (cell, headers) in enumerate(zip(row.cells, column_headers))
        ]
        body.append(cells + values)
    return {"columns": _label_columns(depth, len(block.columns)), "head": head, "bodies": [body]}


def _run(rows: Any, start: int, prefix: tuple[str, ...]) -> Any:
    for row in rows[start:]:
        if row.path[: len(prefix)] != prefix:
            return
        yield row


def _wide(grid: _Grid, table: Table, filled: FilledTable, marks: Marks) -> dict[str, Any]:
    nested = any(len(b.rows) > 1 or b.rows[0].label != b.title for b in table.blocks)
    depth = 3 if nested else 2
    head: list[list[dict[str, Any]]] = [[] for _ in range(depth)]
    values: list[dict[str, Any]] = []
    for block in table.blocks:
        title = grid.th(block.title, "col", colspan=len(block.rows) * len(block.columns))
        head[0].append(title)
        flat = len(block.rows) == 1 and block.rows[0].label == block.title
        for row in filled.block(block.key).rows:
            if flat:
                names = [title]
                columns = [grid.th(c.label, "col", rowspan=depth - 1) for c in block.columns]
                head[1] += columns
            else:
                names = [title, grid.th(row.label, "col", colspan=len(block.columns))]
                head[1].append(names[-1])
                columns = [grid.th(c.label, "col") for c in block.columns]
                head[2] += columns
            values += [
                grid.td(format_value(cell.value), [*names, column], computed=cell.computed, marks=marks.get((block.key, row.key, i), ()))
                for i, (cell, column) in enumerate(zip(row.cells, columns))
            ]
    return {"columns": _label_columns(0, len(values)), "head": head, "bodies": [[values]]}
