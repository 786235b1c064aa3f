"""The figures as a Parquet dataset, partitioned by year: `data/parquet/year=2022/part-0.parquet`.

Parquet is what DuckDB, pandas, Polars and Spark read fastest and with their types:
counts as integers' decimals, money with its 4 decimals, labels as dictionary-encoded
text, so a province's figures over the years can be queried in place. The folders
are named as Hive partitions, so `read_parquet('data/parquet/*/*.parquet',
hive_partitioning=true)` gives the year as a column; the files themselves leave it
out, as Hive's do.

pyarrow is an optional extra (`pip install 'xxgk[parquet]'`): a portal asks for the
dataset with `parquet: true` in site.yaml, and without pyarrow the build says the
dataset was skipped and why, and goes on. The writer takes any iterable of
`FigureRow`s and writes them a row group at a time, so memory does not grow with the
portal; the same rows give the same bytes (no timestamps; pyarrow's version is named
in the file, and is part of the build cache's key).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from ..site import urls
from ..site.summaries import Summary
from .figures import FigureRow

ROW_GROUP = 100_000
"""Rows written at once: a row group of a file, and all the writer holds."""

MISSING = "site.yaml 设置了 parquet: true，但本机没有安装 pyarrow，本次没有生成 Parquet 文件：请运行 pip install 'xxgk[parquet]' 后重新生成"

COLUMNS: tuple[tuple[str, str], ...] = (
    ("agency", "机关标识（见 agencies.csv）"),
    ("region", "机关所在地区，如“示例省 / 示例市 / 示例县”"),
    ("format", "报告格式：2019 或 2021 年版"),
    ("table", "表格：二、三、四"),
    ("block", "表格中的部分（如第二十条第（一）项、行政复议）的标识"),
    ("row", "行的标识（编辑填写前置信息时用的键）"),
    ("label", "行的官方名称"),
    ("column", "列的标识"),
    ("column_label", "列的官方名称"),
    ("value", "数值：件数为整数，金额以万元计、保留 4 位小数"),
    ("computed", "是否由 xxgk 计算（编辑未填写的合计）"),
)
"""Each column of the files and what it holds, for the data page (`year` is the folder's)."""


def pyarrow_missing() -> bool:
    """Whether pyarrow cannot be imported here (then no Parquet is written)."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return True
    return False


def pyarrow_version() -> str:
    """Part of what a file's bytes depend on: the writer names its version in the file."""
    import pyarrow

    return str(pyarrow.__version__)


def offered(asked: bool) -> bool:
    """Whether the site has the Parquet dataset: asked for in site.yaml, and pyarrow installed."""
    return asked and not pyarrow_missing()


@dataclass(frozen=True)
class ParquetFile:
    """A file of the dataset, as the data page lists it."""

    year: int
    route: urls.Route


def parquet_files(summaries: Iterable[Summary]) -> tuple[ParquetFile, ...]:
    """The dataset's files, oldest year first: one for every year with a report that has
    tables (a freeform report has no figures). What the build writes when `offered`."""
    years = sorted({s.year for s in summaries if s.figures is not None})
    return tuple(ParquetFile(year, urls.parquet(year)) for year in years)


def schema() -> Any:
    import pyarrow as pa

    types = {"value": pa.decimal128(18, 4), "computed": pa.bool_()}
    return pa.schema(
        [pa.field(name, types.get(name, pa.string()), nullable=False, metadata={"description": text}) for name, text in COLUMNS],
        metadata={"source": "xxgk", "partitioned_by": "year"},
    )


def _columns(rows: list[FigureRow]) -> dict[str, list[Any]]:
    return {name: [getattr(row, name) for row in rows] for name, _ in COLUMNS}


def write_parquet(rows: Iterable[FigureRow], sink: Any) -> int:
    """Write `rows` (of one year) to `sink` (a path or a binary file), a row group at a time;
    return how many were written. The same rows in the same order give the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    shape = schema()
    written = 0
    with pq.ParquetWriter(sink, shape, compression="zstd", compression_level=3) as writer:
        for batch in _batches(iter(rows)):
            writer.write_table(pa.Table.from_pydict(_columns(batch), schema=shape), row_group_size=ROW_GROUP)
            written += len(batch)
    return written


def parquet_bytes(rows: Iterable[FigureRow]) -> bytes:
    buffer = io.BytesIO()
    write_parquet(rows, buffer)
    return buffer.getvalue()


def _batches(rows: Iterator[FigureRow]) -> Iterator[list[FigureRow]]:
    while batch := list(islice(rows, ROW_GROUP)):
        yield batch


def read_rows(data: bytes, year: int) -> list[FigureRow]:
    """The rows of a file of the dataset (its year from its folder): for tests, and for
    anyone checking a download against report.json."""
    import pyarrow.parquet as pq

    columns = pq.read_table(io.BytesIO(data)).to_pydict()
    names = [name for name, _ in COLUMNS]
    return [FigureRow(**{name: columns[name][i] for name in names}, year=year) for i in range(len(columns["agency"]))]
