"""The JSON Schema of report.json, published beside the data downloads.

Made from `formats`, like report.json itself: for each official format, every
table, block, row and column by its official label and in its order, and each
value by its kind (counts non-negative integers, 本年增/减 any integer, money a
non-negative number). So the schema says exactly what a report's file holds and
cannot drift from it: the tests validate every report.json of the demo against it.
"""

from __future__ import annotations

import json
from typing import Any

from ..formats import FIRST_YEAR, FORMATS, LEVELS
from ..formats.schema import Block, Row, Table
from ..rules.catalogue import CATALOGUE, DISCREPANCIES
from .datasets import AGENCY_ID_FIELD

DRAFT = "https://json-schema.org/draft/2020-12/schema"
VALUES: dict[str, dict[str, Any]] = {
    "count": {"type": "integer", "minimum": 0},
    "delta": {"type": "integer"},
    "money": {"type": "number", "minimum": 0, "description": "万元，最多 4 位小数"},
}


def _exactly(items: list[dict[str, Any]]) -> dict[str, Any]:
    """An array of exactly these items, in this order."""
    return {"type": "array", "prefixItems": items, "items": False, "minItems": len(items)}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _row(block: Block, row: Row) -> dict[str, Any]:
    return _object(
        {
            "label": {"const": row.label},
            "path": {"const": list(row.path)},
            "values": _exactly([VALUES[column.kind] for column in block.columns]),
        }
    )


def _table(table: Table) -> dict[str, Any]:
    blocks = [
        _object(
            {
                "title": {"const": block.title},
                "columns": {"const": [column.label for column in block.columns]},
                "rows": _exactly([_row(block, row) for row in block.rows]),
            }
        )
        for block in table.blocks
    ]
    return _object({"title": {"const": table.title}, "blocks": _exactly(blocks)})


def _tables_of(format_id: str, archive: bool) -> dict[str, Any]:
    fmt = FORMATS[format_id]
    if not fmt.tables:
        return {"if": {"properties": {"format": {"const": format_id}}}, "then": {"properties": {"tables": {"maxProperties": 0}}}}
    tables = _object({table.key: _table(table) for table in fmt.tables})
    tables["description"] = f"{fmt.name}（{fmt.document}）的统计表"
    if archive:  # a report published as issued may lack a table, or a row of one: that table is left out
        tables["required"] = []
        tables["description"] += "；按原样收录的报告未能完整填写的表不列出"
    return {"if": {"properties": {"format": {"const": format_id}}}, "then": {"properties": {"tables": tables}}}


def report_schema(schema_id: str, archive: bool = False) -> dict[str, Any]:
    """The schema; `schema_id` is its own full address, or "" when the site's host is not known;
    `archive`: the site publishes reports as issued, their discrepancies among their problems."""
    text = {"type": "string"}
    warnings = [rule.id for rule in CATALOGUE if rule.severity == "warning" or (archive and rule.id in DISCREPANCIES)]
    revision = _object({"date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "changes": {"type": "array", "items": text}})
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        **({"$id": schema_id} if schema_id else {}),
        "title": "report.json：一份政府信息公开工作年度报告的数据",
        "description": "xxgk 为每份报告发布的 report.json。表格、部分和行按官方格式的顺序排列，名称为官方文字；数值按列的顺序排列，含由合计规则算出的总计。",
        **_object(
            {
                "agency": _object(
                    {
                        "id": {"type": "string", "pattern": AGENCY_ID_FIELD.pattern},
                        "name": text,
                        "region": {"type": "array", "items": text},
                        "level": {"enum": list(LEVELS)},
                    }
                ),
                "year": {"type": "integer", "minimum": FIRST_YEAR},
                "format": {"enum": list(FORMATS)},
                "title": text,
                "published": {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, {"type": "null"}]},
                "url": text,
                "tables": {"type": "object"},
                "narrative": text,
                "attachments": {"type": "array", "items": _object({"title": text, "file": text})},
                "problems": {
                    "type": "array",
                    "description": "该报告的警告" + ("，以及按原样收录的统计表中数字不一致之处" if archive else "（有错误的报告不会发布）"),
                    "items": _object(
                        {
                            "file": text,
                            "line": {"type": "integer", "minimum": 1},
                            "severity": {"const": "warning"},
                            "rule": {"enum": warnings},
                            "message": text,
                        }
                    ),
                },
                "revisions": {"type": "array", "description": "修订记录：本站发布后每次修改的日期和内容", "items": revision},
            }
        ),
        "allOf": [_tables_of(format_id, archive) for format_id in FORMATS],
    }
    return schema


def schema_bytes(schema_id: str, archive: bool = False) -> bytes:
    """The schema as published: compact, as report.json is (json's indenting encoder is
    pure Python, and every build that changes a figure writes it)."""
    return (json.dumps(report_schema(schema_id, archive), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
