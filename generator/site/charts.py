"""Trend charts drawn at build time as inline SVG: no script, no fonts, no files.

A chart is a few series of figures over the same years (新收申请 and 办理结果总计
from 2019 to 2023, say). `chart_context` gives the partial `partials/trend.html`
everything it shows: the SVG, a sentence or two saying what the chart shows (for
screen readers, for print, for anyone who cannot read a line chart) and the
figures as a table, so the picture is never the only way to the numbers.

Pure and standard-library only: the same Chart gives the same bytes (coordinates
rounded to 1 decimal, nothing random, nothing taken from dict order), so charts
join the byte-for-byte equality of incremental and clean builds.

The SVG is meant to be inlined in an HTML page: it has no `xmlns` (HTML needs
none), no width (it is as wide as its box and keeps its aspect ratio through the
viewBox) and no font family (its text inherits the page's font). Colours come from
classes the theme sets (`.trend-s1` to `.trend-s4`, so high-contrast mode can
change them), with presentation attributes as the fallback when no stylesheet
applies. Series differ by dash pattern and marker shape as well as colour, so they
stay apart in print and for readers who do not see colours.

Size, measured: a 4-series, 10-year chart of four-digit figures with
4-character labels is 4,842 bytes of UTF-8 (4,996 with two years missing in every
series, each gap a second polyline); tests/test_charts.py keeps it under 6,000. A
single series over 5 years is 1,194 bytes.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from ..model import Value

# --- The data -------------------------------------------------------------------------

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class Series:
    """One line: a label and its figure for each year, None where the year has no
    comparable figure (a free-form report, a format without that row)."""

    label: str
    points: tuple[tuple[int, Value | None], ...]


@dataclass(frozen=True)
class Chart:
    """One to four series over the same years, in one unit ("件", "万元" or "%")."""

    id: str
    title: str
    unit: str
    series: tuple[Series, ...]

    def __post_init__(self) -> None:
        """A caller's mistake (years out of order, series over different years) would
        otherwise draw a chart that looks right and says something false."""
        if not _ID.match(self.id):
            raise ValueError(f"chart id {self.id!r}: an ASCII letter, then letters, digits, '-' or '_'")
        if not 1 <= len(self.series) <= 4:
            raise ValueError(f"chart {self.id}: {len(self.series)} series; 1 to 4 can be told apart")
        years = [year for year, _ in self.series[0].points]
        if not years or any(a >= b for a, b in zip(years, years[1:])):
            raise ValueError(f"chart {self.id}: years must be at least one, in increasing order")
        if any([year for year, _ in s.points] != years for s in self.series):
            raise ValueError(f"chart {self.id}: every series must cover the same years")

    @property
    def years(self) -> list[int]:
        """The chart's years, the same for every series (checked above)."""
        return [year for year, _ in self.series[0].points]


# --- Numbers ------------------------------------------------------------------------


def _decimal(value: Value) -> Decimal:
    """Exact arithmetic for ticks and rounding; a float would print 0.30000000000000004."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite figure: {value!r}")
    return number


def _rounded(value: Value, places: int) -> Decimal:
    """Rounded half up, as figures are rounded by hand, with precision to spare for large figures."""
    number = _decimal(value)
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + places + 2)
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _plain(number: Decimal) -> str:
    """Digits as written by hand: no exponent, no trailing zeros, no thousands separators."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_figure(value: Value | None, unit: str) -> str:
    """A figure as the chart's table and sentences print it: counts as integers,
    money (万元) to at most 4 decimals with trailing zeros trimmed, percentages to one
    decimal; "—" where there is no comparable figure."""
    if value is None:
        return "—"
    if unit == "%":
        return format(_rounded(value, 1), "f")
    if isinstance(value, int):
        return str(value)
    return _plain(_rounded(value, 4))


def nice_ticks(values: list[Value], unit: str) -> list[Decimal]:
    """The y axis's ticks: from 0 (or below, for a negative figure) past the largest
    figure in at most about five round steps of 1, 2 or 5 × 10^n. Counts never get a
    step below 1; with nothing above 0 the axis runs from 0 to 1, never 0 to 0."""
    low = min([Decimal(0), *map(_decimal, values)])
    high = max([Decimal(0), *map(_decimal, values)])
    if high == low:
        high = low + 1
    raw = (high - low) / 4
    power = Decimal(1).scaleb(raw.adjusted())  # 10^n, n the position of raw's first digit
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    if unit == "件":
        step = max(step, Decimal(1))
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
    last = (high / step).to_integral_value(rounding=ROUND_CEILING)
    return [(first + i) * step for i in range(int(last - first) + 1)]


# --- The picture --------------------------------------------------------------------

WIDTH = 560  # with FONT, text about 8 px high on a phone and 16 px at the theme's 40rem column
PLOT_HEIGHT = 170
FONT = 14
INSET = 18  # between the y axis and the first year, the last year and the right edge
LEGEND_ROW = 22
COLOURS = ("#0b4ea2", "#8a4b00", "#00703c", "#9b1c1c")  # fallbacks; the theme sets --chart-1 to --chart-4
DASHES = ("", "8 4", "2 3", "10 3 2 3")
SHAPES = ("circle", "square", "triangle", "diamond")


def _n(x: float) -> str:
    """A coordinate to 1 decimal, without a trailing .0: the bytes do not depend on float noise."""
    text = ("%.1f" % x).removesuffix(".0")
    return "0" if text == "-0" else text


def _text_width(text: str, size: float) -> float:
    """An estimate of how wide text is drawn: a CJK character is one em, anything else about 0.6."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text) * size


def _marker(shape: str, x: float, y: float, at: str = "") -> str:
    """A point's marker, about 9 units across, centred on (x, y); `at` is the point as the
    line gives it ("x,y"), which a circle and the shapes drawn from their top reuse."""
    if shape == "circle":
        cx, cy = at.split(",") if at else (_n(x), _n(y))
        return f'<circle cx="{cx}" cy="{cy}" r="4.5"/>'
    if shape == "square":
        return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8"/>'
    top = at.split(",")[0] if at else _n(x)
    if shape == "triangle":
        return f'<path d="M{top} {_n(y - 5)}l5 8.5h-10z"/>'
    return f'<path d="M{top} {_n(y - 5.5)}l5.5 5.5-5.5 5.5-5.5-5.5z"/>'


def _series_attributes(index: int) -> str:
    """A series' class (the theme's colour) and fallback colour, on the group of its line and markers."""
    colour = COLOURS[index]
    return f'class="trend-s{index + 1}" stroke="{colour}" fill="{colour}"'


def _line(index: int, points: str) -> str:
    """A run of points joined by the series' line, dashed as the series is."""
    dash = f' stroke-dasharray="{DASHES[index]}"' if DASHES[index] else ""
    return f'<polyline points="{points}" fill="none" stroke-width="2"{dash}/>'


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the viewBox, and how figures and years map onto it."""

    left: float
    top: float
    years: tuple[int, ...]
    ticks: tuple[Decimal, ...]

    @property
    def right(self) -> float:
        return WIDTH - INSET

    @property
    def bottom(self) -> float:
        return self.top + PLOT_HEIGHT

    def x(self, year: int) -> float:
        first, last = self.years[0], self.years[-1]
        if first == last:
            return (self.left + self.right) / 2
        span = self.right - self.left - 2 * INSET
        return self.left + INSET + (year - first) / (last - first) * span

    def y(self, value: Value) -> float:
        low, high = float(self.ticks[0]), float(self.ticks[-1])
        return self.bottom - (float(value) - low) / (high - low) * PLOT_HEIGHT


def _legend_rows(labels: Sequence[str]) -> list[list[tuple[int, str, float]]]:
    """Legend entries (series index, label, x) laid out left to right, wrapping onto a new row when full."""
    rows: list[list[tuple[int, str, float]]] = [[]]
    x = 0.0
    for index, label in enumerate(labels):
        width = 30 + _text_width(label, FONT) + 20
        if rows[-1] and x + width > WIDTH:
            rows.append([])
            x = 0.0
        rows[-1].append((index, label, x))
        x += width
    return rows


@functools.cache
def _legend(labels: tuple[str, ...]) -> tuple[str, float]:
    """The legend (a sample of each line with its marker, then its label) and the height it takes:
    made once per set of labels (every agency's charts share theirs)."""
    if len(labels) < 2:
        return "", 0.0
    parts = ['<g class="trend-legend">']
    rows = _legend_rows(labels)
    for row_number, row in enumerate(rows):
        y = 14 + row_number * LEGEND_ROW
        for index, label, x in row:
            parts.append(f"<g {_series_attributes(index)}>{_line(index, f'{_n(x)},{_n(y)} {_n(x + 24)},{_n(y)}')}")
            parts.append(f"{_marker(SHAPES[index], x + 12, y)}</g>")
            parts.append(f'<text x="{_n(x + 30)}" y="{_n(y + 4.5)}" fill="currentColor">{html.escape(label)}</text>')
    parts.append("</g>")
    return "".join(parts), len(rows) * LEGEND_ROW


@functools.lru_cache(maxsize=1024)
def _axes(frame: _Frame, unit: str) -> str:
    """Grid lines at the ticks, the tick labels, the zero line, the unit, and the years along the
    bottom: kept for the next chart with the same frame (most agencies' years and ticks recur)."""
    grid = "".join(f"M{_n(frame.left)} {_n(frame.y(t))}H{_n(frame.right)}" for t in frame.ticks)
    parts = [f'<path class="trend-grid" d="{grid}" stroke="#b1b4b6" fill="none"/>',
             '<g class="trend-axis" fill="currentColor">',
             f'<text x="{_n(frame.left - 8)}" y="{_n(frame.top - 14)}" text-anchor="end">{html.escape(unit)}</text>',
             '<g text-anchor="end">']
    parts += [f'<text x="{_n(frame.left - 8)}" y="{_n(frame.y(t) + 4.5)}">{_plain(t)}</text>' for t in frame.ticks]
    parts.append('</g><g text-anchor="middle">')
    years = frame.years
    shown = [year for i, year in enumerate(years) if len(years) <= 10 or (len(years) - 1 - i) % 2 == 0]
    parts += [f'<text x="{_n(frame.x(year))}" y="{_n(frame.bottom + 20)}">{year}</text>' for year in shown]
    parts.append("</g></g>")
    zero = frame.y(0)
    parts.append(f'<path class="trend-base" d="M{_n(frame.left)} {_n(zero)}H{_n(frame.right)}" stroke="currentColor"/>')
    return "".join(parts)


def runs(points: tuple[tuple[int, Value | None], ...]) -> list[list[tuple[int, Value]]]:
    """The stretches of consecutive years that have figures: the line is broken where a year has none."""
    found: list[list[tuple[int, Value]]] = [[]]
    for year, value in points:
        if value is None:
            if found[-1]:
                found.append([])
        else:
            found[-1].append((year, value))
    return [run for run in found if run]


def _series(frame: _Frame, index: int, series: Series) -> str:
    """One series: a polyline for each run of two or more figures, and a marker at every figure
    (a figure standing alone, between gaps, is drawn as its marker only). Each point is placed
    once, for its line and its marker: a portal draws some hundred thousand of them."""
    parts = [f"<g {_series_attributes(index)}>"]
    placed = [[(x := frame.x(year), y := frame.y(value), f"{_n(x)},{_n(y)}") for year, value in run] for run in runs(series.points)]
    for run in placed:
        if len(run) > 1:
            parts.append(_line(index, " ".join(at for _, _, at in run)))
    shape = SHAPES[index]
    for run in placed:
        parts += [_marker(shape, x, y, at) for x, y, at in run]
    parts.append("</g>")
    return "".join(parts)


def _svg(chart: Chart, summary: str) -> str:
    """The chart's SVG, with `summary` as its description."""
    values = [v for s in chart.series for _, v in s.points if v is not None]
    ticks = nice_ticks(values, chart.unit)
    left = max(40.0, max(_text_width(_plain(t), FONT) for t in ticks) + 16, _text_width(chart.unit, FONT) + 12)
    legend, legend_height = _legend(tuple(s.label for s in chart.series))
    frame = _Frame(left, legend_height + 36, tuple(chart.years), tuple(ticks))
    height = frame.bottom + 32
    return "".join([
        f'<svg class="trend-svg" viewBox="0 0 {WIDTH} {_n(height)}" role="img" '
        f'aria-labelledby="{chart.id}-title {chart.id}-desc" focusable="false" font-size="{FONT}">',
        f'<title id="{chart.id}-title">{html.escape(chart.title)}</title>',
        f'<desc id="{chart.id}-desc">{html.escape(summary)}</desc>',
        _axes(frame, chart.unit),
        *(_series(frame, i, s) for i, s in enumerate(chart.series)),
        legend,
        "</svg>",
    ])


def trend_svg(chart: Chart) -> str:
    """The chart as SVG markup, every text in it escaped: safe to put in a page as it is."""
    return _svg(chart, trend_summary(chart))


# --- The words ----------------------------------------------------------------------


def _years(years: list[int]) -> str:
    """2019、2020年: years as a Chinese list, 年 said once."""
    return "、".join(map(str, years)) + "年"


def _clause(series: Series, chart: Chart, note_gaps: bool) -> str:
    """What one series did: from its first figure to its last, its highest when that was
    neither, and (unless said once for every series) the years with no comparable figure."""
    unit, years = chart.unit, chart.years
    known = [(y, v) for y, v in series.points if v is not None]

    def figure(value: Value) -> str:
        return format_figure(value, unit) + unit

    if not known:
        return f"{series.label}没有可比数据"
    if len(known) == 1:
        year, value = known[0]
        return f"{series.label}为{figure(value)}" if len(years) == 1 else f"{series.label}仅{year}年有可比数据，为{figure(value)}"
    values = [v for _, v in known]
    if all(v == values[0] for v in values):
        text = f"{series.label}各年均为{figure(values[0])}"
    else:
        (y0, v0), (y1, v1) = known[0], known[-1]
        start = figure(v0) if y0 == years[0] else f"{y0}年的{figure(v0)}"
        end = figure(v1) if y1 == years[-1] else f"{y1}年的{figure(v1)}"
        text = f"{series.label}由{start}变为{end}"
        top = max(values)
        if top > v0 and top > v1:
            text += f"，最高为{_years([y for y, v in known if v == top])}的{figure(top)}"
    gaps = [y for y, v in series.points if v is None]
    return text + (f"，{_years(gaps)}无可比数据" if note_gaps and gaps else "")


def trend_summary(chart: Chart) -> str:
    """One or two plain sentences saying what the chart shows, for screen readers and print:
    each series from its first figure to its last, and the years with no comparable figure
    (said once when every series lacks the same years)."""
    years = chart.years
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}年至{years[-1]}年"
    if all(v is None for s in chart.series for _, v in s.points):
        return f"{span}没有可比数据。"
    lined = [s for s in chart.series if sum(v is not None for _, v in s.points) > 1]
    gap_sets = {tuple(y for y, v in s.points if v is None) for s in lined}
    shared = next(iter(gap_sets)) if len(gap_sets) == 1 else ()
    clauses = [_clause(s, chart, note_gaps=not shared) for s in chart.series]
    if shared:
        clauses.append(f"{_years(list(shared))}无可比数据")
    return f"{span}，{'；'.join(clauses)}。"


def chart_context(chart: Chart) -> dict[str, Any]:
    """Everything `partials/trend.html` shows: the SVG (already escaped, so the template may
    mark it safe), the summary, and the figures as table rows, "—" where a year has none."""
    summary = trend_summary(chart)
    return {
        "id": chart.id,
        "title": chart.title,
        "svg": _svg(chart, summary),
        "summary": summary,
        "years": chart.years,
        "rows": [{"label": s.label, "cells": [format_figure(v, chart.unit) for _, v in s.points]} for s in chart.series],
        "unit": chart.unit,
    }
