"""The whole build, top to bottom: load → validate → plan → render → write.

Commands call these functions; nothing here prints, so the same pipeline serves
`xxgk check`, `xxgk build` and, later, the preview server.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .load import load_portal
from .model import Checked
from .plan import Plan, plan_site
from .render import Theme, render_page
from .search import SEARCH_DIR, build_index, search_documents
from .validate import check
from .write import OutputError, write_site


def check_project(project: Path, today: datetime.date | None = None) -> Checked:
    return check(load_portal(project), today or datetime.date.today())


@dataclass(frozen=True)
class BuildResult:
    checked: Checked
    files: int  # files written; 0 when the build was refused

    @property
    def ok(self) -> bool:
        return not self.checked.errors


def output_problem(project: Path, out: Path) -> str | None:
    """Why the site may not be written to `out`: it would replace what editors wrote."""
    out, project = out.resolve(), project.resolve()
    if project.is_relative_to(out) or any(out.is_relative_to(project / kept) for kept in ("content", "templates")):
        return f"不能输出到 {out}：那样会覆盖门户的内容或模板。请用门户目录下的 site/ 或另一个文件夹"
    return None


def build_project(
    project: Path, out: Path, base_url: str | None = None, today: datetime.date | None = None, search: bool = True
) -> BuildResult:
    """Validate, then (only when there is no error) write the whole site to `out`,
    with its search index unless `search` is false."""
    if (message := output_problem(project, out)) is not None:
        raise OutputError(message)
    checked = check_project(project, today)
    if checked.errors:
        return BuildResult(checked, 0)
    plan = plan_site(checked, base_url)
    index = None
    if search:
        documents = search_documents(checked)

        def index(staging: Path) -> None:
            build_index(documents, staging / SEARCH_DIR)

    written = write_site(out, site_files(plan, Theme.for_project(project)), finish=index)
    return BuildResult(checked, written)


def site_files(plan: Plan, theme: Theme) -> Iterator[tuple[str, bytes | Path]]:
    for page in plan.pages:
        yield page.output, render_page(page, theme)
    for copy in plan.copies:
        yield copy.output, copy.source
    yield from theme.assets().items()
