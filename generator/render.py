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
from markupsafe import Markup, escape

from . import __version__, narrative
from .formats import Table
from .model import FilledTable, Problem, Value
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
        env.globals["table_rows"] = table_rows
        env.globals["xxgk_version"] = __version__
        return env


def render_page(page: Page, theme: Theme) -> bytes:
    if page.kind == "json":
        # Compact: json's indenting encoder is pure Python, and took an eighth of a cold build.
        return (json.dumps(page.context["data"], ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    template = theme.environment.get_template(page.template)
    return template.render(page.context).encode("utf-8")


def template_problems(theme: Theme, project: Path) -> tuple[Problem, ...]:
    """Syntax errors in the theme's templates, found before any page needs them."""
    found = []
    for name in theme.environment.list_templates(extensions=["html"]):
        try:
            theme.environment.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            found.append(render_problem(exc, project))
    return tuple(found)


def render_problem(exc: jinja2.TemplateError, project: Path) -> Problem:
    """A template error as a Problem naming the template file and line."""
    file, line = "templates", 1
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or file, exc.lineno
    else:  # a runtime error: the innermost frame that is a template names the place
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".html"):
                file, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    path = Path(file)
    if path.is_absolute() and path.is_relative_to(project):
        file = path.relative_to(project).as_posix()
    return Problem(file, line, "error", "template", f"模板错误：{exc.message or exc}")


# --- Markdown -------------------------------------------------------------------------


def markdown_html(source: str) -> str:
    """Narrative Markdown to HTML (see narrative.py: raw HTML is shown as text, never run)."""
    return Markup(narrative.to_html(source))


def format_value(value: Value | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- Tables ---------------------------------------------------------------------------
# A grid is {"head": [row, ...], "bodies": [[row, ...], ...]}; a row is a list of
# cells {"tag", "text", "id", "headers", "scope", "rowspan", "colspan", "computed"}.
# The official tables nest their headers two and three deep, which `scope` alone
# cannot express, so every header cell has an id and every value cell lists the
# ids of all the headers that name it (WCAG technique H43).


class _Grid:
    """Builds the cells of one table, numbering header cells as it goes."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def th(self, text: str, scope: str | None = None, rowspan: int = 1, colspan: int = 1) -> dict[str, Any]:
        self.count += 1
        return {"tag": "th", "text": text, "id": f"{self.prefix}-h{self.count}", "headers": "", "scope": scope,
                "rowspan": rowspan, "colspan": colspan, "computed": False}

    @staticmethod
    def td(text: str, headers: list[dict[str, Any]], colspan: int = 1, computed: bool = False) -> dict[str, Any]:
        return {"tag": "td", "text": text, "id": "", "headers": " ".join(h["id"] for h in headers), "scope": None,
                "rowspan": 1, "colspan": colspan, "computed": computed}


def table_grid(table: Table, filled: FilledTable) -> dict[str, Any]:
    """Lay a table out like the official form, from its definition and its data."""
    grid = _Grid(f"t-{table.front_matter_key}")
    if table.layout == "stacked":
        return _stacked(grid, table, filled)
    if table.layout == "matrix":
        return _matrix(grid, table, filled)
    return _wide(grid, table, filled)


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
    if tag == "td":
        attributes += ' class="num computed" title="自动计算"' if cell["computed"] else ' class="num"'
    return f"<{tag}{attributes}>{escape(cell['text'])}</{tag}>\n"


def _stacked(grid: _Grid, table: Table, filled: FilledTable) -> dict[str, Any]:
    width = max(len(b.columns) for b in table.blocks)
    bodies = []
    for block in table.blocks:
        spare = width - len(block.columns) + 1  # the last column spans what the widest block has more
        title = grid.th(block.title, "col", colspan=width + 1)
        corner = grid.th(block.column_heading, "col")
        columns = [grid.th(c.label, "col", colspan=spare if i == len(block.columns) - 1 else 1) for i, c in enumerate(block.columns)]
        rows = [[title], [corner, *columns]]
        for row in filled.block(block.key).rows:
            label = grid.th(row.label, "row")
            values = [
                grid.td(format_value(cell.value), [title, column, label], colspan=spare if i == len(columns) - 1 else 1, computed=cell.computed)
                for i, (column, cell) in enumerate(zip(columns, row.cells))
            ]
            rows.append([label, *values])
        bodies.append(rows)
    return {"head": [], "bodies": bodies}


def _matrix(grid: _Grid, table: Table, filled: FilledTable) -> dict[str, Any]:
    block = table.blocks[0]
    rows = filled.block(block.key).rows
    depth = max(len(r.path) for r in rows)
    grouped = any(c.group for c in block.columns)
    levels = (1 if table.column_title else 0) + (2 if grouped else 1)
    head: list[list[dict[str, Any]]] = [[] for _ in range(levels)]
    head[0].append({**grid.th(table.corner, None, rowspan=levels, colspan=depth), "id": ""})
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
                open_labels[prefix] = grid.th(label, "row", rowspan=span, colspan=depth - lvl if own else 1)
                cells.append(open_labels[prefix])
            labels.append(open_labels[prefix])
        values = [grid.td(format_value(cell.value), [*labels, *headers], computed=cell.computed) for cell, headers in zip(row.cells, column_headers)]
        body.append(cells + values)
    return {"head": head, "bodies": [body]}


def _run(rows: Any, start: int, prefix: tuple[str, ...]) -> Any:
    for row in rows[start:]:
        if row.path[: len(prefix)] != prefix:
            return
        yield row


def _wide(grid: _Grid, table: Table, filled: FilledTable) -> dict[str, Any]:
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
            values += [grid.td(format_value(cell.value), [*names, column], computed=cell.computed) for cell, column in zip(row.cells, columns)]
    return {"head": head, "bodies": [[values]]}
