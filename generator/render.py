"""Stage 4, render: a Page becomes bytes. Pure: the same page gives the same bytes.

HTML comes from Jinja templates (a portal's own `templates/` first, then the
built-in theme); narrative Markdown goes through markdown-it-py with raw HTML
off; the statistics tables are laid out here from the format definition, so
they read like the printed form whatever the format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import __version__
from .formats import Table
from .model import FilledTable, Value
from .plan import Page

_PACKAGE = Path(__file__).parent


def builtin_theme() -> Path:
    """The built-in templates: inside the package when installed from a wheel,
    beside it (the repository's templates/) in a source checkout."""
    packaged = _PACKAGE / "templates"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "templates"


@dataclass(frozen=True)
class Theme:
    """Template folders, most specific first: the portal's own, then the built-in one."""

    folders: tuple[Path, ...]

    @classmethod
    def for_project(cls, project: Path) -> Theme:
        own = project / "templates"
        builtin = builtin_theme()
        folders = (own, builtin) if own.is_dir() and own.resolve() != builtin.resolve() else (builtin,)
        return cls(folders)

    def assets(self) -> dict[str, Path]:
        """Static files by output path; a portal's file replaces the built-in one of the same name."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            assets = folder / "assets"
            if assets.is_dir():
                for path in sorted(assets.rglob("*")):
                    if path.is_file():
                        found["assets/" + path.relative_to(assets).as_posix()] = path
        return dict(sorted(found.items()))

    @cached_property
    def environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["markdown"] = markdown_html
        env.filters["number"] = format_value
        env.globals["table_grid"] = table_grid
        env.globals["xxgk_version"] = __version__
        return env


def render_page(page: Page, theme: Theme) -> bytes:
    if page.kind == "json":
        return (json.dumps(page.context["data"], ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    template = theme.environment.get_template(page.template)
    return template.render(page.context).encode("utf-8")


# --- Markdown -------------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def markdown_html(source: str) -> str:
    """Narrative Markdown to HTML; raw HTML in the source is shown as text, never run."""
    return Markup(_MARKDOWN.render(source))


def format_value(value: Value | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- Tables ---------------------------------------------------------------------------
# A grid is {"bodies": [[row, ...], ...], "head": [row, ...]} where a row is a
# list of cells {"tag", "text", "scope", "rowspan", "colspan", "computed"}.


def _cell(tag: str, text: str, scope: str | None = None, rowspan: int = 1, colspan: int = 1, computed: bool = False, kind: str = "") -> dict[str, Any]:
    return {"tag": tag, "text": text, "scope": scope, "rowspan": rowspan, "colspan": colspan, "computed": computed, "kind": kind}


def table_grid(table: Table, filled: FilledTable) -> dict[str, Any]:
    """Lay a table out like the official form, from its definition and its data."""
    if table.layout == "stacked":
        return _stacked(table, filled)
    if table.layout == "matrix":
        return _matrix(table, filled)
    return _wide(table, filled)


def _value_cells(columns: list[Any], cells: Any, last_colspan: int = 1) -> list[dict[str, Any]]:
    out = []
    for index, (column, cell) in enumerate(zip(columns, cells)):
        span = last_colspan if index == len(columns) - 1 else 1
        out.append(_cell("td", format_value(cell.value), colspan=span, computed=cell.computed, kind=column.kind))
    return out


def _stacked(table: Table, filled: FilledTable) -> dict[str, Any]:
    width = max(len(b.columns) for b in table.blocks)
    bodies = []
    for block in table.blocks:
        spare = width - len(block.columns) + 1
        rows = [
            [_cell("th", block.title, "colgroup", colspan=width + 1)],
            [_cell("th", block.column_heading, "col")]
            + [_cell("th", c.label, "col", colspan=spare if i == len(block.columns) - 1 else 1) for i, c in enumerate(block.columns)],
        ]
        for row in filled.block(block.key).rows:
            rows.append([_cell("th", row.label, "row")] + _value_cells(list(block.columns), row.cells, spare))
        bodies.append(rows)
    return {"head": [], "bodies": bodies}


def _matrix(table: Table, filled: FilledTable) -> dict[str, Any]:
    block = table.blocks[0]
    rows = filled.block(block.key).rows
    depth = max(len(r.path) for r in rows)
    grouped = any(c.group for c in block.columns)
    head_rows = 1 + (1 if table.column_title else 0) + (1 if grouped else 0)
    head: list[list[dict[str, Any]]] = [[] for _ in range(head_rows)]
    level = 0
    if table.column_title:
        head[0].append(_cell("th", table.corner, None, rowspan=head_rows, colspan=depth))
        head[0].append(_cell("th", table.column_title, "colgroup", colspan=len(block.columns)))
        level = 1
    else:
        head[0].append(_cell("td", table.corner, None, rowspan=head_rows, colspan=depth))
    seen_groups: set[str] = set()
    for column in block.columns:
        if column.group is None:
            head[level].append(_cell("th", column.label, "col", rowspan=head_rows - level))
        else:
            if column.group not in seen_groups:
                span = sum(1 for c in block.columns if c.group == column.group)
                head[level].append(_cell("th", column.group, "colgroup", colspan=span))
                seen_groups.add(column.group)
            head[level + 1].append(_cell("th", column.label, "col"))
    body = []
    for index, row in enumerate(rows):
        cells = []
        for lvl, label in enumerate(row.path):
            prefix = row.path[: lvl + 1]
            if index > 0 and rows[index - 1].path[: lvl + 1] == prefix:
                continue  # covered by the rowspan of the row above
            own = lvl == len(row.path) - 1
            span = sum(1 for _ in _run(rows, index, prefix))
            cells.append(_cell("th", label, "row" if own else "rowgroup", rowspan=span, colspan=depth - lvl if own else 1))
        body.append(cells + _value_cells(list(block.columns), row.cells))
    return {"head": head, "bodies": [body]}


def _run(rows: Any, start: int, prefix: tuple[str, ...]) -> Any:
    for row in rows[start:]:
        if row.path[: len(prefix)] != prefix:
            return
        yield row


def _wide(table: Table, filled: FilledTable) -> dict[str, Any]:
    nested = any(len(b.rows) > 1 or b.rows[0].label != b.title for b in table.blocks)
    depth = 3 if nested else 2
    head: list[list[dict[str, Any]]] = [[] for _ in range(depth)]
    values: list[dict[str, Any]] = []
    for block in table.blocks:
        head[0].append(_cell("th", block.title, "colgroup", colspan=len(block.rows) * len(block.columns)))
        flat = len(block.rows) == 1 and block.rows[0].label == block.title
        for row in filled.block(block.key).rows:
            if flat:
                head[1] += [_cell("th", c.label, "col", rowspan=depth - 1) for c in block.columns]
            else:
                head[1].append(_cell("th", row.label, "colgroup", colspan=len(block.columns)))
                head[2] += [_cell("th", c.label, "col") for c in block.columns]
            values += _value_cells(list(block.columns), row.cells)
    return {"head": head, "bodies": [[values]]}
