"""The wide tables as one Excel workbook: a sheet per table, the header row frozen.

openpyxl makes the workbook's frame in write-only mode (its parts, styles, the
header rows, the frozen panes, a notes sheet, fixed document dates); the rows
are each agency's fragments (`rows.sheet_row`, made in the build's workers and
cached with the agency's pages) put in at the end of each sheet's data. The
frame depends on the code alone, so it is made once per process, and the same
everywhere: a worker knows from it which style writes money with 4 decimals.

Rows and cells carry no references (`r="B7"`): the Office Open XML standard
(ECMA-376 §18.3.1.4, §18.3.1.73) makes them optional, each then following the
one before, as Excel, LibreOffice and openpyxl read them. So a fragment reads
the same wherever it lands, and an agency's rows need not change when another
agency's number of reports does. The zip is written by `archive`, with fixed
dates, so identical rows give identical bytes.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .datasets import Dataset, wide_tables

FIXED_TIME = datetime.datetime(1980, 1, 1)
"""The workbook's created and modified dates: fixed, as the zip's (see `archive`)."""
CORE = "docProps/core.xml"
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

NOTES_SHEET = "说明"
NOTES = (
    "本工作簿收录本站各报告的统计表（宽表）：每个工作表是一种格式的一张官方表格，每行一份报告，每个单元格一列，列名为官方表格的行、列名称。",
    "前三列为机关标识（agency_id）、机关名称和报告年度；总计栏报告未填写的，按合计规则算出。",
    "件数为整数；“本年增/减”可为负数；金额单位为万元，保留 4 位小数，如：",
    "与数据下载页的 CSV 文件 tables/*.csv 内容相同；机关名录、报告一览和逐项数据见同页的 CSV 文件与数据包（datapackage.json）。",
)
MONEY_FORMAT = "0.0000"
MONEY_STYLE = 1
"""The style index openpyxl gives the one styled cell the frame has before the header rows
(the notes' money example): known here, so that workers make their rows without openpyxl
(importing it takes a fifth of a second), and checked when the frame is made."""
FROZEN = "D2"  # the header row and the columns that name the report
WIDTHS = {"A": 22, "B": 28, "C": 8}
CELL_WIDTH = 16


@dataclass(frozen=True)
class Part:
    """A part of the workbook's zip as the frame has it; a sheet's is cut where its rows go."""

    name: str
    data: bytes  # a sheet's: up to where its rows go
    rest: bytes = b""  # a sheet's: after its rows
    dataset: Dataset | None = None  # the wide table whose rows go in


@dataclass(frozen=True)
class Frame:
    parts: tuple[Part, ...]


def openpyxl_version() -> str:
    """openpyxl's version without importing it: it decides the frame's bytes."""
    spec = find_spec("openpyxl")
    if spec is None or spec.origin is None:
        return ""
    constants = Path(spec.origin).with_name("_constants.py")
    found = re.search(r'__version__ = "([^"]+)"', constants.read_text(encoding="utf-8")) if constants.is_file() else None
    return found.group(1) if found else "unknown"


def _header(sheet: Any, dataset: Dataset) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    cells = []
    for field in dataset.fields:
        cell = WriteOnlyCell(sheet, value=field.name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


@functools.cache
def frame() -> Frame:
    """The workbook without its rows (made once per process, when a workbook is written:
    the code and openpyxl alone decide it)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.creator = "xxgk"
    book.properties.title = "政府信息公开工作年度报告统计表"
    book.properties.created = book.properties.modified = FIXED_TIME
    notes = book.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 120
    for text in NOTES[:-2]:
        notes.append([text])
    money = WriteOnlyCell(notes, value=1.25)
    money.number_format = MONEY_FORMAT
    notes.append([NOTES[-2], money])
    notes.append([NOTES[-1]])
    datasets = wide_tables()
    for dataset in datasets:
        sheet = book.create_sheet(dataset.sheet)
        sheet.freeze_panes = FROZEN
        for number in range(1, len(dataset.fields) + 1):
            letter = get_column_letter(number)
            sheet.column_dimensions[letter].width = WIDTHS.get(letter, CELL_WIDTH)
        sheet.append(_header(sheet, dataset))
    buffer = io.BytesIO()
    book.save(buffer)
    if money.style_id != MONEY_STYLE:
        raise ValueError(f"openpyxl gave the money style the index {money.style_id}, not {MONEY_STYLE}: change MONEY_STYLE")
    sheets = {f"xl/worksheets/sheet{number}.xml": dataset for number, dataset in enumerate(datasets, start=2)}
    parts = []
    with zipfile.ZipFile(buffer) as saved:
        for name in saved.namelist():
            data = saved.read(name)
            if name == CORE:  # openpyxl dates it when it is saved, whatever it was told
                data, found = MODIFIED.subn(rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
                if found != 1:
                    raise ValueError(f"openpyxl wrote {CORE} unlike xxgk expects: no modified date")
            sheet = sheets.get(name)
            if sheet is None:
                parts.append(Part(name, data))
                continue
            head, cut, tail = data.partition(b"</sheetData>")
            if not cut or re.search(rb"<row r=\"2\"", head):
                raise ValueError(f"openpyxl wrote {name} unlike xxgk expects: no </sheetData> after one header row")
            parts.append(Part(name, head, cut + tail, sheet))
    return Frame(tuple(parts))
