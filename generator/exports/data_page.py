"""/data/: the page that lists every download, for citizens, journalists and researchers.

Planned from what the build wrote (each file's size, rows and years), the
licence of the site settings and the build's date, so it is made after the
files, like the portal-wide pages after the agencies. Plain Chinese; every
column of every file described, from `datasets`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ..model import Licence
from ..site import meta, urls
from ..site.outputs import HTML, Page
from .datasets import AGENCIES, COMPLIANCE, REPORTS, STATISTICS, TIDY_FILES, Dataset, Field, tidy_fields
from .parquet import ParquetFile

TYPE_WORDS = {"string": "文本", "integer": "整数", "number": "数", "boolean": "是否（true/false）", "date": "日期"}


@dataclass(frozen=True)
class Download:
    """A file as the data page lists it."""

    title: str
    route: urls.Route
    format: str  # as readers know it: CSV, Excel, ZIP, JSON
    size: int
    rows: int | None  # data rows (the header not counted); None where rows mean nothing
    years: tuple[int, ...]
    description: str


def whole(zip_size: int, book_size: int, wide_rows: int, years: tuple[int, ...]) -> tuple[Download, ...]:
    """The zip and the workbook, as the page lists them first."""
    return (
        Download("全部数据（压缩包）", urls.DATA_ZIP, "ZIP", zip_size, None, years, "下列全部 CSV 文件（包括每个年度的逐项数据）、数据包和 report.json 的 JSON Schema，一次下载。"),
        Download("统计表（Excel 工作簿）", urls.DATA_WORKBOOK, "Excel", book_size, wide_rows, years, "与下列宽表 CSV 内容相同，每张表一个工作表，表头固定。"),
    )


def described(package_size: int, schema_size: int, years: tuple[int, ...]) -> tuple[Download, ...]:
    """The data package and the JSON Schema, as the page lists them last."""
    return (
        Download("数据包说明（Frictionless Data Package）", urls.DATA_PACKAGE, "JSON", package_size, None, years, "每个 CSV 文件的列、类型、约束、主键和外键，供程序读取和校验。"),
        Download("report.json 的 JSON Schema", urls.REPORT_SCHEMA, "JSON", schema_size, None, (), "每份报告旁 report.json 的结构，逐表、逐行、逐列。"),
    )


def size_text(size: int) -> str:
    """"12.3 KB", "4.5 MB": binary units, as file managers show them."""
    if size < 1024:
        return f"{size} 字节"
    for unit in ("KB", "MB", "GB"):
        size_in = size / 1024
        if size_in < 1024 or unit == "GB":
            return f"{size_in:.1f} {unit}"
        size = int(size_in)
    raise AssertionError


def years_text(years: tuple[int, ...]) -> str:
    if not years:
        return "—"
    first, last = min(years), max(years)
    return f"{first}年" if first == last else f"{first}—{last}年"


def date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _download(item: Download, base: str) -> dict[str, Any]:
    return {
        "title": item.title,
        "url": item.route.url(base),
        "name": urls.in_data(item.route),
        "format": item.format,
        "size": size_text(item.size),
        "rows": "—" if item.rows is None else f"{item.rows:,}",
        "years": years_text(item.years),
        "description": item.description,
    }


def _field(field: Field) -> dict[str, str]:
    return {"name": field.name, "type": TYPE_WORDS[field.type], "description": field.description}


def _columns(dataset: Dataset) -> dict[str, Any]:
    return {"title": dataset.title, "file": dataset.path, "fields": [_field(f) for f in dataset.fields]}


def data_page(
    site: dict[str, Any],
    whole: tuple[Download, ...],
    csv: tuple[Download, ...],
    described: tuple[Download, ...],
    wide_example: Dataset,
    licence: Licence | None,
    built: datetime.date,
    parquet: tuple[ParquetFile, ...] = (),
) -> Page:
    """The page; `whole`: the zip and the workbook; `csv`: every CSV file in order;
    `described`: the data package and the schema; `wide_example`: a wide table whose
    columns show how the wide files' columns are named; `parquet`: the Parquet dataset's
    files, when the site publishes it (`parquet: true` and pyarrow installed)."""
    base = site["base"]
    route = urls.DATA
    description = f"{site['title']}全部年度报告统计数据的下载：CSV、Excel、数据包（datapackage.json）和 report.json 的 JSON Schema。"
    context = {
        "site": site,
        "page": meta.page_info(site, "数据下载", route.url(base), description, meta.DATA),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "数据下载", "url": None}],
        "built": date_text(built),
        "built_iso": built.isoformat(),
        "licence": None if licence is None else {"title": licence.title, "url": licence.url, "id": licence.id},
        "whole": [_download(d, base) for d in whole],
        "csv": [_download(d, base) for d in csv],
        "described": [_download(d, base) for d in described],
        "columns": [_columns(AGENCIES), _columns(REPORTS), _columns(STATISTICS), _columns(COMPLIANCE), {"title": "逐项数据", "file": TIDY_FILES, "fields": [_field(f) for f in tidy_fields()]}],
        "wide_lead": [_field(f) for f in wide_example.fields[:3]],
        "wide_example": [f.name for f in wide_example.fields[3:6]],
        "package_url": urls.DATA_PACKAGE.url(base),
        "schema_url": urls.REPORT_SCHEMA.url(base),
        "query_url": urls.QUERY.url(base),
        "parquet": [{"year": f.year, "url": f.route.url(base), "path": urls.in_data(f.route)} for f in parquet],
    }
    return Page(route.output, HTML, "data.html", context)
