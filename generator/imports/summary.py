"""The summary of an import of many files: one row per file, printed as a table and
written as CSV or JSON.

An import of a folder prints pages of notes; what an editor (or the colleague the
work is handed to) needs at the end is one line per file: which agency and year it
became, how much of the tables it filled, and whether it is done. The same rows go
to `--summary FILE.csv` (UTF-8 with a byte-order mark, which Excel needs to read
Chinese) or `FILE.json`, for a spreadsheet or a script. Nothing here prints or
writes: the command does.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from .batch import Kept, Outcome, Previewed, Refused, Written

HEADINGS = ("文件", "机关", "年度", "格式", "已填行数", "缺少行数", "推测", "结果")
"""The table's columns as printed and in the CSV, in the order of `Row`'s fields."""

FORMATS = (".csv", ".json")
"""The kinds of summary file, by extension."""


@dataclass(frozen=True)
class Row:
    """One file's line of the summary; the figures are None for a file not read."""

    file: str
    agency: str
    year: int | None
    format: str
    filled: int | None
    missing: int | None
    guesses: int | None
    result: str


def summary_rows(outcomes: Sequence[Outcome]) -> tuple[Row, ...]:
    """A row per outcome, in the order of the files."""
    return tuple(_row(outcome) for outcome in outcomes)


def _row(outcome: Outcome) -> Row:
    if isinstance(outcome, Refused):
        return Row(str(outcome.file), "", None, "", None, None, None, f"未导入：{outcome.reason}")
    facts = outcome.facts
    if isinstance(outcome, Written):
        result = f"{outcome.errors} 个错误" if outcome.errors else "通过"
    elif isinstance(outcome, Kept):
        result = "已存在，未覆盖"
    else:
        result = "试运行，未写入"
    if facts.new_agency and isinstance(outcome, Written):
        result += "；新登记机关"
    elif facts.new_agency and isinstance(outcome, Previewed):
        result += "；将新登记机关"
    return Row(str(outcome.file), facts.agency, facts.year, facts.format, facts.filled, facts.missing, facts.guesses, result)


def totals(outcomes: Sequence[Outcome], skipped: int) -> str:
    """The line under the table: how many files passed, have errors, were kept or previewed,
    were not imported; how many agencies were registered; how many other files skipped."""
    written = [o for o in outcomes if isinstance(o, Written)]
    kept = sum(1 for o in outcomes if isinstance(o, Kept))
    previewed = sum(1 for o in outcomes if isinstance(o, Previewed))
    refused = sum(1 for o in outcomes if isinstance(o, Refused))
    new = len({o.facts.agency for o in written if o.facts.new_agency})
    planned = len({o.facts.agency for o in outcomes if isinstance(o, Previewed) and o.facts.new_agency})
    parts = [f"共 {len(outcomes)} 个文件：{sum(1 for o in written if not o.errors)} 个通过", f"{sum(1 for o in written if o.errors)} 个有错误"]
    parts += [f"{kept} 个已存在未覆盖"] if kept else []
    parts += [f"{previewed} 个试运行未写入"] if previewed else []
    parts += [f"{refused} 个未导入", f"新登记 {new} 个机关"]
    parts += [f"将新登记 {planned} 个机关"] if planned else []
    parts += [f"另有 {skipped} 个其他文件已跳过"] if skipped else []
    return "，".join(parts)


def as_text(rows: Sequence[Row]) -> list[str]:
    """The rows as an aligned table, a Chinese character counting two columns."""
    cells = [list(HEADINGS)] + [[_cell(value) for value in astuple(row)] for row in rows]
    widths = [max(_width(line[column]) for line in cells) for column in range(len(HEADINGS))]
    return ["  ".join(_pad(cell, width) for cell, width in zip(line, widths)).rstrip() for line in cells]


def as_csv(rows: Sequence[Row]) -> bytes:
    """The rows as CSV with the Chinese headings, in UTF-8 with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    writer.writerows([_cell(value) for value in astuple(row)] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def as_json(rows: Sequence[Row], skipped: Sequence[Path]) -> bytes:
    """The rows as JSON objects keyed by `Row`'s field names, and the files skipped."""
    data = {
        "files": [{f.name: getattr(row, f.name) for f in fields(Row)} for row in rows],
        "skipped": [str(path) for path in skipped],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def summary_file(path: Path, rows: Sequence[Row], skipped: Sequence[Path]) -> bytes:
    """The bytes of the summary file `path`, by its extension (one of FORMATS)."""
    return as_json(rows, skipped) if path.suffix.lower() == ".json" else as_csv(rows)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
