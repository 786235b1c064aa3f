"""Stage 1, load: read content/ into a Portal, keeping the source line of every value.

Loading never stops at the first bad file: a file that cannot be read becomes a
Problem and the rest is still loaded, so `xxgk check` reports everything at once.
Shape checks that need no other file (types, required keys) happen here; rules
that compare values or files belong to validate.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..formats import FORMATS, LEVELS, format_for_year
from ..model import Agency, Attachment, Portal, Problem, Report, Site, Source
from ..rules.catalogue import RULES
from .layout import AGENCIES_FILE, CONTENT, SITE_FILE, report_files
from .settings import REGION_FORM, region_path, site_settings
from .source import SourceError, parse_yaml, read_text, split_front_matter, text_of, unknown_keys

AGENCY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

AGENCY_KEYS = ("id", "name", "region", "level", "parent", "covers", "phone", "address", "website")
REPORT_KEYS = ("agency", "year", "title", "published", "format", "tables", "attachments")


T = TypeVar("T")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """What one file gave: its value, and the problems found while reading it.

    Files are loaded one by one so that the preview server can read again only
    the file that was saved, and assemble the portal from the rest as it was.
    """

    value: T
    problems: tuple[Problem, ...] = ()


def load_portal(root: Path) -> Portal:
    """Read the whole portal under `root` (the project directory)."""
    reports = [load_report(root, path) for path in report_files(root)]
    return assemble_portal(root, load_site(root), load_agencies(root), reports)


def assemble_portal(
    root: Path, site: Loaded[Site], agencies: Loaded[tuple[Agency, ...]], reports: Iterable[Loaded[Report | None]]
) -> Portal:
    """The Portal made of files loaded separately; reports in the order given."""
    problems = [*site.problems, *agencies.problems]
    kept = []
    for loaded in reports:
        problems += loaded.problems
        if loaded.value is not None:
            kept.append(loaded.value)
    return Portal(root=root, site=site.value, agencies=agencies.value, reports=tuple(kept), problems=tuple(problems))


def load_site(root: Path) -> Loaded[Site]:
    problems: list[Problem] = []
    site = _load_site(root, problems)
    return Loaded(site, tuple(problems))


def load_agencies(root: Path) -> Loaded[tuple[Agency, ...]]:
    problems: list[Problem] = []
    agencies = _load_agencies(root, problems)
    return Loaded(agencies, tuple(problems))


def load_report(root: Path, path: Path) -> Loaded[Report | None]:
    """One report file; its value is None when the file cannot be read as a report."""
    problems: list[Problem] = []
    report = _load_report(root, path, problems)
    return Loaded(report, tuple(problems))


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _read_yaml_file(root: Path, path: Path, problems: list[Problem]) -> tuple[Any, Source] | None:
    rel = _relative(root, path)
    if not path.is_file():
        problems.append(RULES.missing_file.at(rel, 1, "找不到此文件：请运行 “xxgk init” 创建门户骨架，或从示例复制"))
        return None
    if outside_content(root, path):
        problems.append(RULES.outside_content.at(rel, 1, OUTSIDE))
        return None
    try:
        data, lines = parse_yaml(read_text(path))
    except SourceError as exc:
        problems.append(exc.rule.at(rel, exc.line, exc.message))
        return None
    return data, Source(rel, lines)


def _ids(value: Any) -> tuple[str, ...] | None:
    """Agency ids as a list (or one id alone); () when not given, None when not texts."""
    items = [value] if isinstance(value, str) else [] if value is None else value
    texts = isinstance(items, list) and all(isinstance(item, str) for item in items)
    return tuple(item.strip() for item in items if item.strip()) if texts else None


# --- site.yaml ---------------------------------------------------------------


def _load_site(root: Path, problems: list[Problem]) -> Site:
    loaded = _read_yaml_file(root, root / SITE_FILE, problems)
    if loaded is None:
        return Site(title="政府信息公开工作年度报告", base_url="/")
    data, source = loaded
    if not isinstance(data, dict):
        problems.append(source.problem(RULES.wrong_type, "site.yaml 应是“键: 值”形式的设置"))
        return Site(title="政府信息公开工作年度报告", base_url="/", source=source)
    return site_settings(data, source, problems)


# --- agencies.yaml -----------------------------------------------------------


def _load_agencies(root: Path, problems: list[Problem]) -> tuple[Agency, ...]:
    loaded = _read_yaml_file(root, root / AGENCIES_FILE, problems)
    if loaded is None:
        return ()
    data, source = loaded
    entries = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        problems.append(
            source.problem(RULES.wrong_type, "agencies.yaml 应以 “agencies:” 开头，下面每个机关一项（以 “- id: ...” 开始）")
        )
        return ()
    agencies = (_agency(entry, index, source, problems) for index, entry in enumerate(entries))
    return tuple(agency for agency in agencies if agency is not None)


def _agency(entry: Any, index: int, source: Source, problems: list[Problem]) -> Agency | None:
    at = ("agencies", index)
    if not isinstance(entry, dict):
        problems.append(source.problem(RULES.wrong_type, "每个机关应是一组 “键: 值”（id、name、region、level ...）", *at))
        return None
    problems.extend(unknown_keys(entry, AGENCY_KEYS, source, at))
    agency_id = text_of(entry.get("id"))
    name = text_of(entry.get("name"))
    level = text_of(entry.get("level"))
    region = region_path(entry.get("region"))
    ok = True
    if not AGENCY_ID.match(agency_id):
        problems.append(
            source.problem(
                RULES.agency_id, f"机关标识 “{agency_id}” 无效：只能用小写英文字母、数字和连字符（如 shixian-jiaoyu）", *at, "id"
            )
        )
        ok = False
    if not name:
        problems.append(source.problem(RULES.required_field, "缺少机关名称 “name”", *at))
        ok = False
    if level not in LEVELS:
        problems.append(source.problem(RULES.agency_level, f"机关层级 “{level}” 无效，应为：{'、'.join(LEVELS)}", *at, "level"))
    if region is None:
        problems.append(source.problem(RULES.wrong_type, f"所属地区 “region” {REGION_FORM}", *at, "region"))
    elif not region:
        problems.append(
            source.problem(RULES.required_field, "缺少所属地区 “region”（如 “示例省 / 示例市 / 示例县”）", *at, "region")
        )
    if (covers := _ids(entry.get("covers"))) is None:
        problems.append(
            source.problem(
                RULES.wrong_type,
                "“covers”（本机关报告汇总了哪些机关）应是机关标识的列表，如 [shili-xian-jiaoyu, shili-xian-gongan]",
                *at,
                "covers",
            )
        )
    website = text_of(entry.get("website"))
    if website and not re.match(r"^https?://[^\s<>\"']+$", website):
        problems.append(
            source.problem(RULES.agency_website, f"机关网站 “{website}” 无效：应以 http:// 或 https:// 开头", *at, "website")
        )
        website = ""
    if not ok:
        return None
    return Agency(
        id=agency_id,
        name=name,
        region=region or (),
        level=level,
        parent=text_of(entry.get("parent")) or None,
        covers=covers or (),
        phone=text_of(entry.get("phone")),
        address=text_of(entry.get("address")),
        website=website,
        source=source,
        index=index,
    )


# --- reports -----------------------------------------------------------------


def outside_content(root: Path, path: Path) -> bool:
    """Whether `path` leads out of content/ through a symbolic link: such a file is
    never read or published (it could be any file of the machine)."""
    try:
        return not path.resolve().is_relative_to((root / CONTENT).resolve())
    except (OSError, RuntimeError):  # a link loop
        return True


OUTSIDE = "这是指向 content/ 以外的链接（符号链接），为安全起见不予读取：请把文件本身放进 content/"


def _load_report(root: Path, path: Path, problems: list[Problem]) -> Report | None:
    """Read one report file; on a file-level failure add a Problem and return None."""
    rel = _relative(root, path)
    if outside_content(root, path):
        problems.append(RULES.outside_content.at(rel, 1, OUTSIDE))
        return None
    try:
        front = split_front_matter(read_text(path))
        data, lines = parse_yaml(front.yaml_text, front.yaml_first_line)
    except SourceError as exc:
        problems.append(exc.rule.at(rel, exc.line, exc.message))
        return None
    source = Source(rel, lines, first_line=1)
    if not isinstance(data, dict):
        problems.append(source.problem(RULES.wrong_type, "前置信息应是“键: 值”形式（agency、year、published ...）"))
        return None
    problems.extend(unknown_keys(data, REPORT_KEYS, source))

    agency_id = text_of(data.get("agency"))
    if not agency_id:
        problems.append(source.problem(RULES.required_field, "缺少 “agency”：请填写 agencies.yaml 中的机关标识"))
        return None
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(source.problem(RULES.required_field, "缺少或无效的 “year”：应为四位数年份，如 2023", "year"))
        return None

    fmt = text_of(data.get("format")) or format_for_year(year).id
    if fmt not in FORMATS:
        problems.append(source.problem(RULES.unknown_format, f"未知的表格格式 “{fmt}”，应为：{'、'.join(FORMATS)}", "format"))
        return None

    published = data.get("published")
    if isinstance(published, datetime.datetime):
        published = published.date()  # a time of day was given: the date is what counts
    if isinstance(published, str):
        published = _parse_date(published)
    if published is not None and not isinstance(published, datetime.date):
        problems.append(
            source.problem(RULES.invalid_date, f"发布日期 “{data.get('published')}” 无效，应写成 2024-01-20 的形式", "published")
        )
        published = None

    tables = data.get("tables")
    if tables is None:
        tables = {}
    if not isinstance(tables, dict):
        problems.append(source.problem(RULES.wrong_type, "“tables” 应是“表名: 数据”形式", "tables"))
        tables = None  # reported: validation leaves the tables alone

    return Report(
        agency_id=agency_id,
        year=year,
        format=fmt,
        title=text_of(data.get("title")),
        published=published,
        tables=tables,
        narrative=front.body,
        attachments=_attachments(data.get("attachments"), source, problems),
        source=source,
        directory=path.parent,
        path_agency=path.parent.name,
        path_year=path.stem,
    )


def _parse_date(text: str) -> datetime.date | str:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return text


def _attachments(value: Any, source: Source, problems: list[Problem]) -> tuple[Attachment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(source.problem(RULES.wrong_type, "“attachments” 应是一个列表，每项一个文件", "attachments"))
        return ()
    found = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            item = {"file": item}
        file = text_of(item.get("file")) if isinstance(item, dict) else ""
        if not file:
            problems.append(source.problem(RULES.wrong_type, "附件应写成 “- file: 文件名.pdf” 的形式", "attachments", index))
            continue
        title = text_of(item.get("title")) or file
        found.append(Attachment(file=file, title=title))
    return tuple(found)
