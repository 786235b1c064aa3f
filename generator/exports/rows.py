"""One report's rows in each data file, as CSV text and as spreadsheet XML.

Pure functions of a checked report, its agency and the site's addresses. A
portal of 100,000 reports has some twenty million figures, so the tidy rows
are written by joining strings made once per format (each cell's constant part,
CSV-quoted already), not through the csv module cell by cell; everything that
may hold a comma or a quote (names, titles, addresses) goes through `csv_field`.

Values are written the same everywhere: counts as integers, money with its 4
decimals ("1.2500"), no thousands separators; booleans as true/false; a missing
value as an empty field.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from ..formats import FORMATS, KEY_FIGURE_LABELS, publication_deadline
from ..model import PATH_SEPARATOR, Agency, Cell, CheckedReport, Value
from ..site import urls
from ..site.summaries import Summary
from .datasets import Dataset, cell_columns

BOM = "\ufeff"
"""Each CSV file starts with it: Excel on Chinese Windows reads a file without it as GBK."""

NEWLINE = "\r\n"  # RFC 4180
MONEY = Decimal("0.0001")
_NEEDS_QUOTES = re.compile(r'[",\r\n]|^\s|\s$')


def csv_field(text: str) -> str:
    """A text as one CSV field: quoted (and its quotes doubled) when it has to be."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def number(value: Value, kind: str) -> str:
    """A figure as data files write it: money with 4 decimals, counts and deltas as integers."""
    if kind == "money":
        return format(Decimal(value).quantize(MONEY), "f")
    return str(value)


def boolean(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def line(fields: list[str]) -> str:
    """Fields already CSV-quoted, as one line."""
    return ",".join(fields) + NEWLINE


def header(dataset: Dataset) -> bytes:
    """A CSV file's first bytes: the BOM and the column names."""
    return (BOM + line([csv_field(f.name) for f in dataset.fields])).encode("utf-8")


# --- agencies.csv and reports.csv ------------------------------------------------------


def full_url(route: urls.Route, site: dict[str, str]) -> str:
    """A page's address as the data files give it: with the site's origin when it is known."""
    return site["origin"] + route.url(site["base"])


def region_text(agency: Agency) -> str:
    return PATH_SEPARATOR.join(agency.region)


def agency_line(agency: Agency, site: dict[str, str]) -> str:
    fields = [agency.id, agency.name, region_text(agency), agency.level, agency.parent or "", agency.phone, agency.address, agency.website]
    return line([csv_field(f) for f in fields] + [csv_field(full_url(urls.agency(agency.id), site))])


def report_line(c: CheckedReport, agency: Agency, site: dict[str, str], summary: Summary) -> str:
    """A report's line of reports.csv; `summary` is the report's as index pages list it
    (its title and key figures, made already)."""
    report = c.report
    due = publication_deadline(agency.level, report.year)
    published = report.published
    late = None if published is None else max(0, (published - due).days)
    figures = summary.figures or {}
    fields = [
        agency.id,
        csv_field(agency.name),
        csv_field(region_text(agency)),
        csv_field(agency.level),
        str(report.year),
        report.format,
        csv_field(summary.title),
        published.isoformat() if published else "",
        due.isoformat(),
        boolean(None if late is None else late == 0),
        "" if late is None else str(late),
        *(str(figures[key]) if key in figures else "" for key, _ in KEY_FIGURE_LABELS),
        csv_field(full_url(urls.report(agency.id, report.year), site)),
        csv_field(full_url(urls.report_json(agency.id, report.year), site)),
    ]
    return line(fields)


# --- the tidy figures ------------------------------------------------------------------


@functools.cache
def _money(format_id: str, table_key: str) -> tuple[bool, ...]:
    """Whether each of a table's cells (official order, the wide files' columns) holds money."""
    return tuple(cell.column.kind == "money" for cell in cell_columns(format_id, table_key))


_SMALL = tuple(str(n) for n in range(10_000))


def _text(value: Value, money: bool) -> str:
    if money:
        return number(value, "money")
    if type(value) is int and 0 <= value < 10_000:
        return _SMALL[value]
    return str(value)


def _cells(c: CheckedReport, table_key: str) -> list[Cell]:
    """A filled table's cells in the official order (blocks, rows, columns): a filled table holds
    its blocks and rows in that order (`content.tables` reads them so)."""
    filled = c.tables[table_key]
    blocks = FORMATS[c.report.format].table(table_key).blocks
    if len(filled.blocks) != len(blocks) or any(f.key != b.key for f, b in zip(filled.blocks, blocks)):
        raise ValueError(f"{c.report.source.file}: 表{table_key} is not in the official order")
    return [cell for block in filled.blocks for row in block.rows for cell in row.cells]


def report_values(c: CheckedReport) -> dict[str, list[str]]:
    """A report with every table of its format: each table's figures as the data files write
    them, in the official order (blocks, rows, columns). Made once per report, for the tidy
    lines, the wide lines and the sheet rows alike: some twenty million figures at 100,000
    reports, so the counts of a table without money take the fast path, inline."""
    values = {}
    for table in FORMATS[c.report.format].tables:
        cells = _cells(c, table.key)
        money = _money(c.report.format, table.key)
        if len(cells) != len(money):
            raise ValueError(f"{c.report.source.file}: 表{table.key} has {len(cells)} figures, not {len(money)}")
        if True in money:
            values[table.key] = [_text(cell.value, m) for cell, m in zip(cells, money)]
        else:
            small = _SMALL
            values[table.key] = [small[v] if type(v := cell.value) is int and 0 <= v < 10_000 else str(v) for cell in cells]
    return values


# --- the tidy figures ------------------------------------------------------------------


@functools.cache
def _tidy_parts(format_id: str) -> tuple[bytes, ...]:
    """Each cell's constant middle of a tidy line, quoted already and in UTF-8, in the official
    order (table, block, row, column)."""
    fmt = FORMATS[format_id]
    parts = []
    for table in fmt.tables:
        for block in table.blocks:
            for row in block.rows:
                for column in block.columns:
                    text = [table.key, block.key, row.key, row.label, column.key, column.label, column.kind]
                    parts.append((",".join(csv_field(t) for t in text) + ",").encode("utf-8"))
    return tuple(parts)


_COMPUTED = {True: b",true" + NEWLINE.encode(), False: b",false" + NEWLINE.encode()}


def figure_lines(c: CheckedReport, values: dict[str, list[str]]) -> tuple[bytes, int]:
    """The tidy lines of a report (`values` from `report_values`), in the official order, and
    how many: the build's largest output, so joined as bytes from parts made once, each line's
    four put in place by slices rather than one by one."""
    report = c.report
    tables = [table.key for table in FORMATS[report.format].tables]
    flags = [_COMPUTED[cell.computed] for key in tables for block in c.tables[key].blocks for row in block.rows for cell in row.cells]
    texts = [text.encode("ascii") for key in tables for text in values[key]]  # digits, a point, a minus sign
    parts = _tidy_parts(report.format)
    count = len(parts)
    if not len(flags) == len(texts) == count:
        raise ValueError(f"{report.source.file}: {len(flags)} figures, {count} expected")
    out = [f"{report.agency_id},{report.year},".encode("utf-8")] * (4 * count)
    out[1::4], out[2::4], out[3::4] = parts, texts, flags
    return b"".join(out), count


# --- the wide tables -------------------------------------------------------------------


def wide_line(c: CheckedReport, agency: Agency, values: list[str]) -> str:
    """A report's line of a wide table; `values` its table's from `report_values`."""
    return line([agency.id, csv_field(agency.name), str(c.report.year), *values])


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_cell(text: str) -> str:
    """A text cell, inline (a shared-strings table would be the whole portal's): escaped for XML
    here (xml.sax.saxutils would bring urllib into every build)."""
    text = _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


@functools.cache
def _cell_tags(format_id: str, table_key: str, money_style: int) -> tuple[str, ...]:
    """The start of each value's cell: money in the sheet's 4-decimal style."""
    return tuple(f'<c s="{money_style}"><v>' if money else "<c><v>" for money in _money(format_id, table_key))


def sheet_row(c: CheckedReport, agency: Agency, table_key: str, values: list[str], money_style: int) -> str:
    """A report's row of a workbook sheet (see `workbook`): no row or cell references, so the
    row reads the same wherever it lands in the sheet; `values` its table's from `report_values`."""
    if any(_money(c.report.format, table_key)):
        tags = _cell_tags(c.report.format, table_key, money_style)
        cells = "".join([f"{tag}{value}</v></c>" for tag, value in zip(tags, values, strict=True)])
    else:  # 表三, 表四: counts alone, one join
        cells = "<c><v>" + "</v></c><c><v>".join(values) + "</v></c>" if values else ""
    return f"<row>{_text_cell(agency.id)}{_text_cell(agency.name)}<c><v>{c.report.year}</v></c>{cells}</row>"
