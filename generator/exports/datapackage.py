"""datapackage.json: every CSV file described for machines (Frictionless Data Package v1).

Each file is a tabular data resource with its Table Schema, made from `datasets`:
types, constraints (counts non-negative; years from 2008; identifiers of their
form; closed lists), primary keys, and foreign keys from every report's rows to
reports.csv and from reports.csv to agencies.csv. `frictionless validate` checks
the files against it, their sizes included. (No hashes: a file's hash needs its
bytes read whole, which an unchanged file's build never does.) Table Schema cannot say
"4 decimals" of a number (its `pattern` is for text): money is a non-negative
number and the 4 decimals are in its description; the tests check every value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model import Licence
from .datasets import Dataset, Field

PROFILE = "tabular-data-package"


@dataclass(frozen=True)
class Written:
    """What a file is, for its resource: known from its pieces before it is written."""

    size: int
    rows: int


def field_schema(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": field.name, "type": field.type, "description": field.description}
    if field.type == "boolean":
        out.update(trueValues=["true"], falseValues=["false"])
    constraints: dict[str, Any] = {}
    if field.required:
        constraints["required"] = True
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if field.enum:
        constraints["enum"] = list(field.enum)
    if field.pattern:
        constraints["pattern"] = field.pattern
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(dataset: Dataset) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [field_schema(f) for f in dataset.fields],
        "missingValues": [""],
        "primaryKey": list(dataset.primary_key),
    }
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(key.fields), "reference": {"resource": key.resource, "fields": list(key.reference)}} for key in dataset.foreign_keys
        ]
    return schema


def resource(dataset: Dataset, written: Written) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "path": dataset.path,
        "profile": "tabular-data-resource",
        "title": dataset.title,
        "description": dataset.description + "UTF-8 编码，带 BOM。",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": written.size,
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True},
        "schema": table_schema(dataset),
    }


def licence_entry(licence: Licence) -> dict[str, str] | None:
    """The package's licence; None when it has neither an identifier nor an address (the spec needs one)."""
    entry = {"name": licence.id, "path": licence.url, "title": licence.title}
    entry = {key: value for key, value in entry.items() if value}
    return entry if "name" in entry or "path" in entry else None


def datapackage(files: list[tuple[Dataset, Written]], site: dict[str, Any], licence: Licence | None, homepage: str) -> dict[str, Any]:
    """The package of `files`, in order; `homepage` is the data page's address."""
    package: dict[str, Any] = {
        "profile": PROFILE,
        "name": "xxgk-annual-reports",
        "title": f"{site['title']}：政府信息公开工作年度报告数据",
        "description": (
            "各机关政府信息公开工作年度报告的统计数据：机关名录、报告一览、逐项数据（每行一个数字）和按官方表格排列的宽表。"
            "数据与各报告页面及其 report.json 一致。"
        ),
        "homepage": homepage,
    }
    entry = licence_entry(licence) if licence is not None else None
    if entry is not None:
        package["licenses"] = [entry]
    package["resources"] = [resource(dataset, written) for dataset, written in files]
    return package


def package_bytes(package: dict[str, Any]) -> bytes:
    """Compact, as report.json is: json's indenting encoder is pure Python."""
    return (json.dumps(package, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
