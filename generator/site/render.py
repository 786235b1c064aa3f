"""Stage 4, render: a Page becomes bytes. Pure: the same page gives the same bytes.

Each page is rendered as its output format says (see `outputs`): data formats
serialise themselves; HTML comes from Jinja templates (a portal's own
`templates/` first, then the built-in theme), with narrative Markdown through
`content.narrative` (raw HTML shown as text, never run) and the statistics
tables laid out by `tablegrid`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import __version__
from ..content import narrative
from ..content.layout import TEMPLATES
from ..model import Problem
from ..rules.catalogue import RULES
from .outputs import Page
from .tablegrid import table_columns, table_grid, table_rows
from .values import format_value

_PACKAGE = Path(__file__).resolve().parent.parent  # the generator package


def builtin_theme() -> Path:
    """The built-in templates: inside the package when installed from a wheel,
    beside it (the repository's templates/) in a source checkout."""
    packaged = _PACKAGE / "templates"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "templates"


@dataclass(frozen=True)
class Theme:
    """Template folders, most specific first: the portal's own, then the built-in one."""

    folders: tuple[Path, ...]

    def __reduce__(self) -> tuple[Callable[[tuple[Path, ...]], Theme], tuple[tuple[Path, ...]]]:
        """Pickled as its folders alone, and unpickled as the one Theme of those folders
        in the process: a worker builds its Jinja environment (and compiles each template)
        once, not once for every task it is sent."""
        return (_theme_of, (self.folders,))

    @classmethod
    def for_project(cls, project: Path) -> Theme:
        own = project / TEMPLATES
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
        env.globals["table_columns"] = table_columns
        env.globals["xxgk_version"] = __version__
        return env


@functools.lru_cache(maxsize=8)
def _theme_of(folders: tuple[Path, ...]) -> Theme:
    return Theme(folders)


def render_page(page: Page, theme: Theme) -> bytes:
    """A page's bytes, as its output format makes them."""
    if page.format.serialise is not None:
        return page.format.serialise(page.context["data"])
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
    return RULES.template.at(file, line, f"模板错误：{exc.message or exc}")


# --- Markdown -------------------------------------------------------------------------


def markdown_html(source: str) -> str:
    """Narrative Markdown to HTML (see narrative.py: raw HTML is shown as text, never run)."""
    return Markup(narrative.to_html(source))


