"""site.yaml: the portal's settings, read from its parsed YAML (`content.load` reads the file).

Every setting is optional but the title; a mistyped one is reported with its line and the
setting falls back to its default, so `xxgk check` lists every mistake of the file at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import Problem, Site, Source
from ..rules.catalogue import RULES
from .licences import licence_of
from .source import text_of, unknown_keys

CLUSTER = re.compile(r"^(?:tcp|tls)://[A-Za-z0-9.\[\]:-]+:[0-9]{1,5}$")
"""A Dask scheduler's address, as `dask scheduler` prints it (tcp://10.0.0.5:8786)."""
BASE_URL = re.compile(r"^(?:https?://[A-Za-z0-9.-]+(?::[0-9]+)?)?/[A-Za-z0-9._~%/-]*$")

SITE_KEYS = (
    "title", "base_url", "organiser", "description", "contact", "site_id_code", "icp_record", "police_record", "footer", "default_region",
    "parquet", "data_licence", "repeated_share", "mode", "cluster",
)  # fmt: skip
MODES = {"publisher": "发布单位自用", "archive": "档案库：按原样收录，标出不一致之处"}
"""site.yaml `mode`, and what each is for: a publisher's own portal refuses reports whose tables do
not add up; an archive of reports issued by others publishes them, their discrepancies shown (`Site.archive`)."""


def base_url_problem(value: str) -> str | None:
    """Why `value` cannot be the address the site is published under, or None."""
    if BASE_URL.match(value):
        return None
    return f"发布地址 “{value}” 无效：应是以 / 开头的路径（如 /xxgk/ndbg/），或 https://域名/路径，只用字母、数字和 . _ ~ - /"


REGION_FORM = "应写成 “示例省 / 示例市 / 示例县” 或由地名组成的列表"


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
    text = text_of(value)
    if not text or spec.form.match(text):
        return text
    quote = "；以 0 开头的编码请加引号，如 \"0123456789\"" if isinstance(value, int) else ""
    problems.append(source.problem(RULES.site_identifier, f"“{spec.key}” 的值 “{text}” 格式不对：{spec.hint}{quote}", spec.key))
    return ""


def site_settings(data: dict[str, Any], source: Source, problems: list[Problem]) -> Site:
    """The settings of site.yaml's mapping `data`; what is wrong with them added to `problems`."""
    problems.extend(unknown_keys(data, SITE_KEYS, source))
    if not text_of(data.get("title")):
        problems.append(source.problem(RULES.required_field, "缺少门户名称 “title”", "title"))
    base_url = text_of(data.get("base_url")) or "/"
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
    if not isinstance(mode := data.get("mode") or "publisher", str) or mode not in MODES:
        problems.append(source.problem(RULES.wrong_type, f"“mode” 应写 publisher（{MODES['publisher']}，默认）或 archive（{MODES['archive']}）", "mode"))
        mode = "publisher"
    if (cluster := text_of(data.get("cluster"))) and not CLUSTER.match(cluster):
        problems.append(source.problem(RULES.wrong_type, f"“cluster” 的值 “{cluster}” 不是 Dask 调度器的地址：应写成 tcp://主机:端口，如 tcp://10.0.0.5:8786", "cluster"))
        cluster = ""
    return Site(
        title=text_of(data.get("title")) or "政府信息公开工作年度报告",
        base_url=base_url,
        organiser=text_of(data.get("organiser")),
        description=text_of(data.get("description")),
        contact=text_of(data.get("contact")),
        footer=tuple(text_of(line) for line in footer),
        **{spec.key: identifier(data, spec, source, problems) for spec in IDENTIFIERS},
        default_region=default_region or (),
        parquet=parquet,
        data_licence=licence,
        repeated_share=repeated,
        archive=mode == "archive",
        cluster=cluster,
        source=source,
    )
