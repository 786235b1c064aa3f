"""The `xxgk` command line. Commands are thin: parse options, run the pipeline,
print what it found, set the exit code (0 fine, 1 content errors, 2 usage)."""

from __future__ import annotations

import datetime
import json
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .build.cache import BuildBusy
from .build.cluster import ClusterError, cluster_workers
from .build.project import build_project, check_project
from .build.write import OutputError
from .content.layout import CONTENT, report_path
from .content.load import AGENCY_ID, load_portal, load_site
from .content.scaffold import portal_files, report_skeleton
from .content.settings import base_url_problem
from .formats import FIRST_YEAR, FORMATS, format_for_year
from .imports.batch import BatchResult, Kept, Outcome, Previewed, Refused, import_files
from .imports.folders import Sources, collect
from .imports.readers import supported
from .imports.summary import FORMATS as SUMMARY_FORMATS
from .imports.summary import as_text, summary_file, summary_rows, totals
from .model import Problem, of_severity
from .search.pagefind import SearchError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable[..., Any])


def _remember_project(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """Keep the portal directory as the context's object, which each command's context
    starts from its parent's: so a value given after the command wins over one before
    it, and the current directory is the default when neither is given."""
    if value is not None:
        ctx.obj = value
    elif ctx.obj is None:
        ctx.obj = Path(".")


def project_option(command: F) -> F:
    """`--project/-p`, defined once and accepted before the command (`xxgk -p DIR check`)
    and after it (`xxgk check -p DIR`), as Hugo and MkDocs take their global options."""
    return click.option(
        "--project",
        "-p",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_remember_project,
        help="门户目录（含 content/），默认为当前目录；写在命令前后均可。The portal directory (default: the current one), before or after the command.",
    )(command)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="xxgk", message="%(prog)s %(version)s")
@project_option
def main() -> None:
    """xxgk：把各机关的政府信息公开工作年度报告发布为一个静态门户。

    xxgk publishes government information-disclosure annual reports
    (政府信息公开工作年度报告) as one static portal.

    \b
    常用步骤 / Typical use:
      xxgk init my-portal                      新建门户 / create a portal
      xxgk -p my-portal new --agency ID --year 2024
                                               新建报告 / start a report
      xxgk -p my-portal check                  检查内容 / validate
      xxgk -p my-portal serve                  本机预览 / preview at http://127.0.0.1:8000
      xxgk -p my-portal import 旧报告.docx --agency ID
                                               导入已有报告 / import an existing report
      xxgk -p my-portal import 报告文件夹/ --summary 汇总.csv
                                               导入整个文件夹 / import a folder of reports
      xxgk -p my-portal build                  生成站点 / build into site/
    """


def _print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem))


def _summary(reports: int, errors: int, warnings: int) -> str:
    return f"共 {reports} 份报告：{errors} 个错误，{warnings} 个警告"


@main.command()
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式。Output format.")
@project_option
@click.pass_obj
def check(project: Path, output: str) -> None:
    """检查全部内容是否符合官方格式与勾稽关系。

    Check all content against the official format and its arithmetic.
    Prints one line per problem (file:line: severity [rule] message);
    exits 1 when there is any error.
    """
    checked = check_project(project)
    if output == "json":
        data = {
            "problems": [p.as_dict() for p in checked.problems],
            "errors": len(checked.errors),
            "warnings": len(checked.warnings),
            "reports": len(checked.portal.reports),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_problems(checked.problems)
        click.echo(_summary(len(checked.portal.reports), len(checked.errors), len(checked.warnings)))
    sys.exit(1 if checked.errors else 0)


def build_date() -> datetime.date:
    """The build's date (the data page's "last built"): today, or the day of SOURCE_DATE_EPOCH
    (seconds since 1970, in UTC) when it is set, as reproducible builds set it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.date.today()
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise click.UsageError(f"环境变量 SOURCE_DATE_EPOCH 应是自 1970 年起的秒数（整数），而不是 “{epoch}”") from None


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认为门户目录下的 site/。Output directory (default: site/ in the portal).")
@click.option("--base-url", default=None,
              help="站点发布路径，如 /xxgk/ndbg/，覆盖 site.yaml 中的 base_url。Path the site is served under.")
@click.option("--no-search", is_flag=True, help="不建立全文搜索索引（更快）。Skip the full-text search index.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=None,
              help="同时使用的处理器核数，默认全部；也是同时建立的搜索索引分片数的上限（另受内存限制）。"
                   "Worker processes, and search shards indexed at once as memory allows (default: one per core).")
@click.option("--clean", is_flag=True,
              help="不使用缓存，全部重新生成。Ignore the build cache and build everything again.")
@click.option("--cluster", metavar="ADDRESS", default=None,
              help="在 Dask 集群上生成（调度器地址，如 tcp://10.0.0.5:8786，覆盖 site.yaml 中的 cluster；需 pip install 'xxgk[cluster]'）。"
                   "Build on the Dask cluster whose scheduler is at ADDRESS (overrides `cluster` in site.yaml).")
@project_option
@click.pass_obj
def build(project: Path, out: Path | None, base_url: str | None, no_search: bool, jobs: int | None, clean: bool, cluster: str | None) -> None:
    """检查内容并生成静态站点（有错误时不生成）。

    Check the content, then build the static site. Nothing is written when
    there is an error; the previous site stays as it was. Only what changed
    since the last build is rendered again (the cache is in .xxgk-cache/).
    """
    target = out or project / "site"
    if base_url is not None and (message := base_url_problem(base_url)) is not None:
        raise click.BadParameter(message, param_hint="--base-url")
    try:
        address = cluster or load_site(project).value.cluster
        with cluster_workers(address) if address else nullcontext(None) as workers:
            result = build_project(project, target, base_url, build_date(), search=not no_search, jobs=jobs, clean=clean, workers=workers)
    except ClusterError as exc:
        click.echo(f"{exc}。原有站点保持不变。", err=True)
        sys.exit(1)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from None
    except SearchError as exc:
        click.echo(f"{exc}。原有站点保持不变。", err=True)
        sys.exit(1)
    except BuildBusy as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    _print_problems(result.problems)
    summary = _summary(result.reports, len(result.errors), len(result.warnings))
    for note in result.notes if result.ok else ():
        click.echo(f"提示：{note}")
    if not result.ok and not result.files:
        click.echo(f"{summary}。有错误，未生成站点；原有站点保持不变。", err=True)
        sys.exit(1)
    if result.unchanged:
        click.echo(f"{summary}。内容自上次生成以来没有变化，{target} 已是最新")
    else:
        click.echo(f"{summary}。已生成站点到 {target}：共 {result.files} 个文件，更新了 {result.linked} 个（重新渲染 {result.rendered} 个页面，其余取自缓存）")
    if result.recorded:
        click.echo(f"已在 {result.recorded} 个机关的修订记录（content/reports/<机关>/revisions.json）中记下新发布或修改的报告：请随内容一同保存")
    if not result.ok:  # the site is written, but a 修订记录 is not (said above)
        sys.exit(1)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口；0 表示任选一个空闲端口。Port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；只有需要让其他电脑访问时才改。Address to listen on.")
@click.option("--base-url", default=None,
              help="站点发布路径，覆盖 site.yaml 中的 base_url。Path the site is served under.")
@click.option("--no-search", is_flag=True, help="预览时不建立搜索索引。Skip the search index.")
@project_option
@click.pass_obj
def serve(project: Path, port: int, host: str, base_url: str | None, no_search: bool) -> None:
    """在本机预览站点：保存文件后自动重新生成并刷新浏览器。

    Preview the site locally: every save rebuilds what it affects and reloads
    the open pages. Errors are shown in the browser, file and line, until fixed.
    Nothing is written to site/.
    """
    from .preview.app import Preview
    from .preview.server import PreviewServer
    from .preview.server import serve as run

    if not (project / CONTENT).is_dir():
        raise click.UsageError(f"{project.absolute()} 下没有 content/ 文件夹：请在门户目录中运行，或用 --project 指定")
    if base_url is not None and (message := base_url_problem(base_url)) is not None:
        raise click.BadParameter(message, param_hint="--base-url")
    click.echo("正在读取内容……")
    preview = Preview(project, base_url, search=not no_search)
    snapshot = preview.snapshot
    _print_problems(snapshot.problems)
    click.echo(_summary(snapshot.reports, len(of_severity(snapshot.problems, "error")), len(of_severity(snapshot.problems, "warning"))))
    try:
        server = PreviewServer(preview, host, port)
    except OSError as exc:
        click.echo(f"无法在 {host}:{port} 上启动预览：{exc.strerror or exc}。请用 --port 换一个端口", err=True)
        sys.exit(2)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{server.server_address[1]}{preview.snapshot.base}"
    run(preview, server, echo=click.echo, ready=lambda: click.echo(f"正在预览：{url}（按 Ctrl-C 停止）"), search=not no_search)


@main.command()
@click.option("--agency", required=True, help="机关标识（见 content/agencies.yaml）。Agency id.")
@click.option("--year", required=True, type=int, help="报告年度。Report year.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              help="表格格式，默认按年度选择。Table format (default: by year).")
@project_option
@click.pass_obj
def new(project: Path, agency: str, year: int, fmt: str | None) -> None:
    """新建一份待填写的年度报告，每行都带官方名称注释。

    Write a ready-to-fill report whose comments carry the official label of every row.
    """
    portal = load_portal(project)
    found = portal.agency(agency)
    if found is None:
        known = "、".join(a.id for a in portal.agencies) or "（名录为空）"
        raise click.UsageError(f"机关 “{agency}” 不在 content/agencies.yaml 中。已登记的机关：{known}")
    path = project / report_path(agency, year)
    if path.exists():
        click.echo(f"{path} 已存在，未覆盖。", err=True)
        sys.exit(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_skeleton(found, year, FORMATS[fmt] if fmt else format_for_year(year)), encoding="utf-8")
    click.echo(f"已创建 {path}：请填写数据与正文，然后运行 xxgk check")


PROGRESS_FROM = 20
"""From this many files on, an import shows a progress bar (when stderr is a terminal)."""


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--agency", default=None, help="机关标识；不在名录中时自动登记。Agency id (added to the registry if new).")
@click.option("--year", type=click.IntRange(FIRST_YEAR, 2100), default=None, help="报告年度，默认取自标题。Report year (default: from the title).")
@click.option("--dry-run", is_flag=True, help="只显示结果，不写文件。Show the result, write nothing.")
@click.option("--force", is_flag=True, help="覆盖已有的报告文件。Overwrite an existing report file.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把汇总表另存为 .csv（Excel 可直接打开）或 .json 文件。Write the summary table as CSV or JSON.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=None,
              help="同时读取文件的处理器核数，默认全部。Worker processes reading the files (default: one per core).")
@project_option
@click.pass_obj
def import_(project: Path, paths: tuple[Path, ...], agency: str | None, year: int | None, dry_run: bool, force: bool,
            summary_path: Path | None, jobs: int | None) -> None:
    """导入已有的报告（文件或整个文件夹：.txt、.md、.html、.docx、.doc、.pdf），生成内容文件并检查。

    Import existing reports (files, or folders of them, at any depth) as content
    files, then check the portal once. Prints what was filled, guessed and not
    found; for several files, a summary table. New agencies are registered with
    an id from their name in pinyin and a region inferred from it. Exits 0 when
    every report imported and passes the checks, 1 when one imported with errors
    to fix, 2 when one could not be read.
    """
    if agency is not None and not AGENCY_ID.match(agency):
        raise click.BadParameter(f"“{agency}” 不能作机关标识：只能用小写英文字母、数字和连字符", param_hint="--agency")
    if summary_path is not None and summary_path.suffix.lower() not in SUMMARY_FORMATS:
        raise click.BadParameter(f"汇总表只能存为 {' 或 '.join(SUMMARY_FORMATS)} 文件", param_hint="--summary")
    sources = collect(paths)
    if not sources.files:
        skipped = f"；跳过了 {len(sources.skipped)} 个其他文件" if sources.skipped else ""
        click.echo(f"没有找到可导入的报告文件（可导入 {'、'.join(supported())}）{skipped}", err=True)
        sys.exit(2)
    result = _import_with_progress(project, sources, agency, year, dry_run, force, jobs)
    for outcome in result.outcomes:
        _print_outcome(outcome)
    rows = summary_rows(result.outcomes)
    if len(sources.files) > 1 or any(path.is_dir() for path in paths):
        click.echo("\n导入汇总：")
        for line in as_text(rows):
            click.echo(line)
        click.echo(totals(result.outcomes, len(sources.skipped)))
    if summary_path is not None:
        try:
            summary_path.write_bytes(summary_file(summary_path, rows, sources.skipped))
        except OSError as exc:
            click.echo(f"无法写入汇总表 {summary_path}：{exc.strerror or exc}", err=True)
            sys.exit(2)
        click.echo(f"汇总表已写入 {summary_path}")
    sys.exit(result.exit_code)


def _import_with_progress(
    project: Path, sources: Sources, agency: str | None, year: int | None, dry_run: bool, force: bool, jobs: int | None = None
) -> BatchResult:
    """The batch import, with a progress bar on stderr when it is a terminal and the files are many."""
    files = sources.files
    if len(files) < PROGRESS_FROM or not sys.stderr.isatty():
        return import_files(project, files, agency, year, dry_run, force, jobs=jobs)
    with click.progressbar(length=len(files), label="正在导入（全部读完后检查门户一次）", file=sys.stderr) as bar:
        return import_files(project, files, agency, year, dry_run, force, jobs=jobs, on_file=lambda _: bar.update(1))


def _print_outcome(outcome: Outcome) -> None:
    click.echo(f"导入 {outcome.file}")
    if isinstance(outcome, Refused):
        click.echo(f"{outcome.file}: error [import] {outcome.reason}", err=True)
    elif isinstance(outcome, Kept):
        click.echo(f"{outcome.target} 已存在，未覆盖（加 --force 覆盖）", err=True)
    else:
        for line in outcome.notes:
            click.echo(f"  {line}")
        if isinstance(outcome, Previewed):
            click.echo(f"（试运行，未写入 {outcome.target}）\n{outcome.text}")
        else:
            click.echo(f"  已写入 {outcome.target}")
            click.echo("检查结果：" + ("没有问题" if not outcome.problems else ""))
            for problem in outcome.problems:
                click.echo(f"  {problem}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """新建门户骨架：站点设置、机关名录和一份示例报告。

    Create a new portal: site settings, agency registry and one example report.
    """
    if (directory / CONTENT).exists():
        click.echo(f"{directory / CONTENT} 已存在，未做任何更改。", err=True)
        sys.exit(1)
    for relative, text in portal_files(datetime.date.today()).items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(f"已在 {directory} 创建门户。下一步：cd {directory} && xxgk check && xxgk build")
