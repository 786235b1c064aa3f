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
from ..messages import suggestion
from ..model import Agency, Attachment, Portal, Problem, Report, Site, Source
from ..rules.catalogue import RULES
from .layout import AGENCIES_FILE, CONTENT, SITE_FILE, report_files
from .licences import licence_of
from .source import SourceError, parse_yaml, read_text, split_front_matter

AGENCY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BASE_URL = re.compile(r"^(?:https?://[A-Za-z0-9.-]+(?::[0-9]+)?)?/[A-Za-z0-9._~%/-]*$")

SITE_KEYS = (
    "title", "base_url", "organiser", "description", "contact", "site_id_code", "icp_record", "police_record", "footer", "default_region",
    "parquet", "data_licence", "repeated_share",
)
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


def _unknown_keys(data: dict[str, Any], known: tuple[str, ...], source: Source, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    return [
        source.problem(RULES.unknown_key, f"未知的键 “{key}”{suggestion(str(key), known)}", *prefix, key)
        for key in data
        if key not in known
    ]


def base_url_problem(value: str) -> str | None:
    """Why `value` cannot be the address the site is published under, or None."""
    if BASE_URL.match(value):
        return None
    return f"发布地址 “{value}” 无效：应是以 / 开头的路径（如 /xxgk/ndbg/），或 https://域名/路径，只用字母、数字和 . _ ~ - /"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class Identifier:
    """A site identifier of site.yaml: its key, its form, and what to tell an editor who mistyped it."""

    key: str
    form: re.Pattern[str]
    hint: str


IDENTIFIERS = (
    Identifier("site_id_code", re.compile(r"^[A-Za-z0-9]{10}$"), "政府网站标识码应是 10 位数字或字母（如 3201000001、bm01000001）"),
    Identifier(
        "icp_record",
        re.compile(r"^[\u4e00-\u9fff]{1,4}ICP备\d{4,12}号(?:-\d{1,3})?$"),
        "ICP备案号应写成 “京ICP备12345678号” 或 “京ICP备12345678号-1”，前面不加 “ICP备案号：”",
    ),
    Identifier("police_record", re.compile(r"^[\u4e00-\u9fff]{1,4}公网安备 ?\d{8,16}号$"), "公网安备号应写成 “京公网安备11010502030143号”"),
)
"""The identifiers a government site shows in its footer (《政府网站发展指引》): each optional,
each checked for its form, so a typo is caught before it is published on every page."""


def identifier(data: dict[str, Any], spec: Identifier, source: Source, problems: list[Problem]) -> str:
    """The identifier `spec.key` of site.yaml, or "" when not given or not of its form (reported)."""
    value = data.get(spec.key)
    text = _text(value)
    if not text or spec.form.match(text):
        return text
    quote = "；以 0 开头的编码请加引号，如 \"0123456789\"" if isinstance(value, int) else ""
    problems.append(source.problem(RULES.site_identifier, f"“{spec.key}” 的值 “{text}” 格式不对：{spec.hint}{quote}", spec.key))
    return ""


REGION_FORM = "应写成 “示例省 / 示例市 / 示例县” 或由地名组成的列表"


def _ids(value: Any) -> tuple[str, ...] | None:
    """Agency ids as a list (or one id alone); () when not given, None when not texts."""
    items = [value] if isinstance(value, str) else [] if value is None else value
    texts = isinstance(items, list) and all(isinstance(item, str) for item in items)
    return tuple(item.strip() for item in items if item.strip()) if texts else None


def region_path(value: Any) -> tuple[str, ...] | None:
    """A region as its places, outermost first, from "省 / 市 / 县" or a list of names;
    () when not given or blank, None when it is neither a text nor a non-empty list of texts."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts: list[str] = value.split("/")
    elif isinstance(value, list) and value and all(isinstance(part, str) for part in value):
        parts = value
    else:
        return None
    return tuple(part.strip() for part in parts if part.strip())


# --- site.yaml ---------------------------------------------------------------


def _load_site(root: Path, problems: list[Problem]) -> Site:
    loaded = _read_yaml_file(root, root / SITE_FILE, problems)
    if loaded is None:
        return Site(title="政府信息公开工作年度报告", base_url="/")
    data, source = loaded
    if not isinstance(data, dict):
        problems.append(source.problem(RULES.wrong_type, "site.yaml 应是“键: 值”形式的设置"))
        return Site(title="政府信息公开工作年度报告", base_url="/", source=source)
    problems.extend(_unknown_keys(data, SITE_KEYS, source))
    if not _text(data.get("title")):
        problems.append(source.problem(RULES.required_field, "缺少门户名称 “title”", "title"))
    base_url = _text(data.get("base_url")) or "/"
    if (message := base_url_problem(base_url)) is not None:
        problems.append(source.problem(RULES.base_url, message, "base_url"))
        base_url = "/"
    footer = data.get("footer") or []
    if not isinstance(footer, list):
        problems.append(source.problem(RULES.wrong_type, "“footer” 应是一个列表，每行一项", "footer"))
        footer = []
    default_region = region_path(data.get("default_region"))
    if default_region is None:
        problems.append(source.problem(RULES.wrong_type, f"默认地区 “default_region” {REGION_FORM}", "default_region"))
    if not isinstance(parquet := data.get("parquet", False), bool):
        problems.append(source.problem(RULES.wrong_type, "“parquet” 应写 true 或 false", "parquet"))
        parquet = False
    licence, why = licence_of(data.get("data_licence"))
    if why:
        problems.append(source.problem(RULES.data_licence, why, "data_licence"))
    if type(repeated := data.get("repeated_share", Site.repeated_share)) is not int or not 1 <= repeated <= 100:
        problems.append(source.problem(RULES.wrong_type, "“repeated_share”（内容重复的比例上限）应写 1 到 100 之间的整数，如 50", "repeated_share"))
        repeated = Site.repeated_share
    return Site(
        title=_text(data.get("title")) or "政府信息公开工作年度报告",
        base_url=base_url,
        organiser=_text(data.get("organiser")),
        description=_text(data.get("description")),
        contact=_text(data.get("contact")),
        footer=tuple(_text(line) for line in footer),
        **{spec.key: identifier(data, spec, source, problems) for spec in IDENTIFIERS},
        default_region=default_region or (),
        parquet=parquet,
        data_licence=licence,
        repeated_share=repeated,
        source=source,
    )


# --- agencies.yaml -----------------------------------------------------------


def _load_agencies(root: Path, problems: list[Problem]) -> tuple[Agency, ...]:
    loaded = _read_yaml_file(root, root / AGENCIES_FILE, problems)
    if loaded is None:
        return ()
    data, source = loaded
    entries = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        problems.append(source.problem(RULES.wrong_type, "agencies.yaml 应以 “agencies:” 开头，下面每个机关一项（以 “- id: ...” 开始）"))
        return ()
    agencies = (_agency(entry, index, source, problems) for index, entry in enumerate(entries))
    return tuple(agency for agency in agencies if agency is not None)


def _agency(entry: Any, index: int, source: Source, problems: list[Problem]) -> Agency | None:
    at = ("agencies", index)
    if not isinstance(entry, dict):
        problems.append(source.problem(RULES.wrong_type, "每个机关应是一组 “键: 值”（id、name、region、level ...）", *at))
        return None
    problems.extend(_unknown_keys(entry, AGENCY_KEYS, source, at))
    agency_id = _text(entry.get("id"))
    name = _text(entry.get("name"))
    level = _text(entry.get("level"))
    region = region_path(entry.get("region"))
    ok = True
    if not AGENCY_ID.match(agency_id):
        problems.append(source.problem(RULES.agency_id, f"机关标识 “{agency_id}” 无效：只能用小写英文字母、数字和连字符（如 shixian-jiaoyu）", *at, "id"))
        ok = False
    if not name:
        problems.append(source.problem(RULES.required_field, "缺少机关名称 “name”", *at))
        ok = False
    if level not in LEVELS:
        problems.append(source.problem(RULES.agency_level, f"机关层级 “{level}” 无效，应为：{'、'.join(LEVELS)}", *at, "level"))
    if region is None:
        problems.append(source.problem(RULES.wrong_type, f"所属地区 “region” {REGION_FORM}", *at, "region"))
    elif not region:
        problems.append(source.problem(RULES.required_field, "缺少所属地区 “region”（如 “示例省 / 示例市 / 示例县”）", *at, "region"))
    if (covers := _ids(entry.get("covers"))) is None:
        problems.append(source.problem(RULES.wrong_type, "“covers”（本机关报告汇总了哪些机关）应是机关标识的列表，如 [shili-xian-jiaoyu, shili-xian-gongan]", *at, "covers"))
    website = _text(entry.get("website"))
    if website and not re.match(r"^https?://[^\s<>\"']+$", website):
        problems.append(source.problem(RULES.agency_website, f"机关网站 “{website}” 无效：应以 http:// 或 https:// 开头", *at, "website"))
        website = ""
    if not ok:
        return None
    return Agency(
        id=agency_id,
        name=name,
        region=region or (),
        level=level,
        parent=_text(entry.get("parent")) or None,
        covers=covers or (),
        phone=_text(entry.get("phone")),
        address=_text(entry.get("address")),
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
    problems.extend(_unknown_keys(data, REPORT_KEYS, source))

    agency_id = _text(data.get("agency"))
    if not agency_id:
        problems.append(source.problem(RULES.required_field, "缺少 “agency”：请填写 agencies.yaml 中的机关标识"))
        return None
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(source.problem(RULES.required_field, "缺少或无效的 “year”：应为四位数年份，如 2023", "year"))
        return None

    fmt = _text(data.get("format")) or format_for_year(year).id
    if fmt not in FORMATS:
        problems.append(source.problem(RULES.unknown_format, f"未知的表格格式 “{fmt}”，应为：{'、'.join(FORMATS)}", "format"))
        return None

    published = data.get("published")
    if isinstance(published, datetime.datetime):
        published = published.date()  # a time of day was given: the date is what counts
    if isinstance(published, str):
        published = _parse_date(published)
    if published is not None and not isinstance(published, datetime.date):
        problems.append(source.problem(RULES.invalid_date, f"发布日期 “{data.get('published')}” 无效，应写成 2024-01-20 的形式", "published"))
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
        title=_text(data.get("title")),
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
        file = _text(item.get("file")) if isinstance(item, dict) else ""
        if not file:
            problems.append(source.problem(RULES.wrong_type, "附件应写成 “- file: 文件名.pdf” 的形式", "attachments", index))
            continue
        title = _text(item.get("title")) or file
        found.append(Attachment(file=file, title=title))
    return tuple(found)
