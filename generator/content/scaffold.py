"""Files that `xxgk init` and `xxgk new` write for editors to fill in.

The report skeleton is generated from the format definition, so its comments
carry the official label of every row and column and can never drift from
what validation expects.
"""

from __future__ import annotations

import datetime

from ..formats import REPORT_TITLE, SECTIONS, format_for_year
from ..formats.schema import FREEFORM, Format, Table
from ..model import Agency, Value
from .layout import AGENCIES_FILE, SITE_FILE, report_path

COMMENT_COLUMN = 40


def _line(code: str, comment: str) -> str:
    return f"{code.ljust(COMMENT_COLUMN - 2)}  # {comment}"


def _values(values: tuple[Value, ...]) -> str:
    return str(values[0]) if len(values) == 1 else "[" + ", ".join(str(v) for v in values) + "]"


def _table_lines(table: Table, values: dict[str, tuple[Value, ...]] | None = None) -> list[str]:
    """A table's rows with their labels in comments: zeros to fill in, or the `values`
    given (a row without values is left commented out, for `xxgk check` to ask for)."""
    lines = [f"  # {table.heading}", f"  {table.front_matter_key}:"]
    for block in table.blocks:
        required = block.required_columns
        totals = [c.label for c in block.columns if c.is_total]
        columns = "、".join(c.label for c in required)
        note = f"（{totals[0]}可省略，自动计算）" if totals else ""
        if len(table.blocks) > 1 or table.layout == "stacked":
            lines.append(f"    # {block.title}：{columns}{note}")
        else:
            lines.append(f"    # 各行依次填：{columns}{note}")
        group: tuple[str, ...] = ()
        for row in block.rows:
            if row.is_total:
                lines.append(_line(f"    # {row.key}: [...]", f"{row.label}：可省略，自动计算"))
                continue
            if len(row.parents) > 1 and row.parents != group:
                lines.append(f"    # {row.parents[-1]}")
            group = row.parents
            if values is None:
                lines.append(_line(f"    {row.key}: {_values((0,) * len(required))}", row.label))
            elif row.key in values:
                lines.append(_line(f"    {row.key}: {_values(values[row.key])}", row.label))
            else:
                lines.append(_line(f"    # {row.key}: ", f"{row.label}：原文没有这一行，请填写"))
    return lines


def report_skeleton(agency: Agency, year: int, fmt: Format | None = None, published: datetime.date | None = None) -> str:
    """A ready-to-fill report: every row present with zeros, every label in a comment."""
    fmt = fmt or format_for_year(year)
    sections = fmt.sections or SECTIONS[:1]
    body = []
    for heading in sections:
        if fmt.tables and any(heading == t.heading for t in fmt.tables):
            continue  # the tables are drawn from the data above
        body += [f"## {heading}", "", "（请在此填写。）", ""]
    return report_text(agency, year, fmt, "\n".join(body), published)


def report_text(
    agency: Agency,
    year: int,
    fmt: Format,
    narrative: str,
    published: datetime.date | None = None,
    values: dict[str, dict[str, tuple[Value, ...]]] | None = None,
    note: str = "",
) -> str:
    """A report file: front matter whose comments carry every official label, then the
    narrative. Without `values` every row is zeros to fill in (see `_table_lines`)."""
    lines = [
        "---",
        "# " + REPORT_TITLE.format(agency=agency.name, year=year),
        *([f"# {note}"] if note else []),
        f"agency: {agency.id}",
        f"year: {year}",
        "# title: 标题（可选）；省略时为“" + REPORT_TITLE.format(agency="机关名称", year="××××") + "”",
        _line(f"published: {published.isoformat() if published else ''}", "发布日期，如 " + f"{year + 1}-01-20"),
        _line(f'format: "{fmt.id}"', f"{fmt.name}：{fmt.document}"),
    ]
    if fmt.id != FREEFORM:
        lines.append("tables:")
        for table in fmt.tables:
            lines += _table_lines(table, None if values is None else values.get(table.front_matter_key, {}))
    lines += ["# attachments:                         # 原件，放在本文件旁边", "#   - file: 原件.pdf", "#     title: 年度报告原件（PDF）", "---", ""]
    return "\n".join(lines) + "\n" + narrative


SITE_YAML = """\
# 门户设置 / portal settings
title: {title}
# 站点发布地址：一个路径（如 /xxgk/ndbg/）或完整网址（如 https://xxgk.example.gov.cn/ndbg/）；
# 写完整网址时，每页注明规范网址（canonical）和网站域名（SiteDomain），并生成订阅源（atom.xml）、
# 网站地图（sitemap.xml）和 robots.txt（它们必须写完整网址）。xxgk build --base-url 可临时覆盖
base_url: /
organiser: {organiser}            # 主办单位，显示在页脚
description: 本门户集中发布各机关的政府信息公开工作年度报告。
contact: 联系电话：0000-0000000
# 以下三项显示在页脚（政府网站标识码还写入每页的 SiteIDCode 元数据）；去掉行首的 # 并填写
# site_id_code: "0000000000"      # 政府网站标识码：10 位数字或字母，加引号
# icp_record: 京ICP备00000000号    # ICP备案号，链接到工业和信息化部备案系统
# police_record: 京公网安备00000000000000号   # 公网安备号
footer: []                        # 页脚中其他各行，每行一项，如 “- 技术支持：……”
# cluster: tcp://10.0.0.5:8786    # 在 Dask 集群上生成：调度器地址（需 pip install 'xxgk[cluster]'，见 docs/zh/build.md）
# parquet: true                   # 另按年度发布 Parquet 格式的全部数据（需安装 pyarrow：pip install 'xxgk[parquet]'）
# 数据下载页（/data/）注明的许可协议：CC-BY-4.0、CC0-1.0 等标识，或门户自己的条款（title 和 url 两行）；
# 由门户主办单位决定后去掉行首的 # 填写；不填时数据下载页注明“未声明数据许可”
# data_licence: CC-BY-4.0
"""

AGENCIES_YAML = """\
# 机关名录 / agency registry
# id: 小写英文字母、数字和连字符，一经发布不要更改（它是网址的一部分）
# level: 省级、市级、县级、乡镇/街道、部门
agencies:
  - id: {id}
    name: {name}
    region: 示例省 / 示例市 / 示例县
    level: 县级
    phone: 0000-0000000
    address: 示例县人民路 1 号
    website: ""
"""

EXAMPLE_AGENCY = Agency(id="shili-xian", name="示例县人民政府", region=("示例省", "示例市", "示例县"), level="县级")


def portal_files(today: datetime.date) -> dict[str, str]:
    """The files of a new portal, by path relative to its directory."""
    year = today.year - 1
    agency = EXAMPLE_AGENCY
    return {
        SITE_FILE: SITE_YAML.format(title="示例县政府信息公开工作年度报告", organiser="示例县人民政府办公室"),
        AGENCIES_FILE: AGENCIES_YAML.format(id=agency.id, name=agency.name),
        report_path(agency.id, year): report_skeleton(agency, year, published=datetime.date(year + 1, 1, 20)),
        ".gitignore": "site/\n.xxgk-cache/\n",
    }
