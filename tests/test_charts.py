"""Trend charts (site/charts.py, partials/trend.html): the SVG's structure read back as
XML, the nice ticks, gaps and lone points, the sentences for screen readers and print,
the bytes (the same every time, and few), and the partial rendered by Jinja."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Value
from generator.site.charts import Chart, Series, chart_context, format_figure, nice_ticks, runs, trend_summary, trend_svg

from .htmltable import table_captioned

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MARKERS = {"circle", "rect", "path"}


def series(label: str, *values: Value | None, start: int = 2019) -> Series:
    return Series(label, tuple((start + i, v) for i, v in enumerate(values)))


def chart(*lines: Series, unit: str = "件", title: str = "新收申请和办理结果总计（件）") -> Chart:
    return Chart("trend-apps", title, unit, lines)


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(trend_svg(chart))


def groups(svg: ET.Element) -> list[ET.Element]:
    """The series' groups in the plot, in order (the legend has its own)."""
    return [g for g in svg.findall("g") if (g.get("class") or "").startswith("trend-s")]


def markers(group: ET.Element) -> list[ET.Element]:
    return [e for e in group if e.tag in MARKERS]


def tick_labels(svg: ET.Element) -> list[str]:
    axis = svg.find("g[@class='trend-axis']")
    assert axis is not None
    ticks = axis.find("g[@text-anchor='end']")
    assert ticks is not None
    return [t.text or "" for t in ticks]


TWO = chart(series("新收申请", 12, None, 30, 45, 40), series("办理结果总计", 10, None, 28, 44, 38))


# --- structure -----------------------------------------------------------------------


def test_the_svg_is_an_image_named_by_its_own_title_and_description() -> None:
    svg = parse(TWO)
    assert svg.tag == "svg" and svg.get("role") == "img" and svg.get("focusable") == "false"
    assert svg.get("aria-labelledby") == "trend-apps-title trend-apps-desc"
    assert svg.find("title").get("id") == "trend-apps-title"  # type: ignore[union-attr]
    assert svg.find("title").text == "新收申请和办理结果总计（件）"  # type: ignore[union-attr]
    assert svg.find("desc").get("id") == "trend-apps-desc"  # type: ignore[union-attr]
    assert svg.find("desc").text == trend_summary(TWO)  # type: ignore[union-attr]
    assert re.fullmatch(r"0 0 560 \d+(\.\d)?", svg.get("viewBox") or "")
    assert svg.get("width") is None and svg.get("height") is None


def test_nothing_outside_the_svg_is_referenced_and_nothing_runs() -> None:
    text = trend_svg(TWO)
    for banned in ("http", "href", "url(", "<script", "<style", "foreignObject", "@import", "font-family", "<image"):
        assert banned not in text, banned


def test_a_gap_breaks_the_line_and_every_figure_has_a_marker() -> None:
    s1, s2 = groups(parse(TWO))
    for group in (s1, s2):
        (line,) = group.findall("polyline")  # 2019 stands alone before the gap: a marker, no line
        assert len((line.get("points") or "").split()) == 3  # 2021 to 2023
        assert len(markers(group)) == 4
    assert [e.tag for e in markers(s1)] == ["circle"] * 4
    assert [e.tag for e in markers(s2)] == ["rect"] * 4


def test_runs_of_figures_make_one_polyline_each_and_a_lone_figure_only_a_marker() -> None:
    line = series("新收申请", 5, None, 7, 8, None, 9, 10, 11)
    assert [[y for y, _ in run] for run in runs(line.points)] == [[2019], [2021, 2022], [2024, 2025, 2026]]
    (group,) = groups(parse(chart(line)))
    assert [len((p.get("points") or "").split()) for p in group.findall("polyline")] == [2, 3]
    assert len(markers(group)) == 6


def test_a_single_point_draws_just_its_marker() -> None:
    svg = parse(chart(series("新收申请", 12, start=2023)))
    (group,) = groups(svg)
    assert group.findall("polyline") == [] and len(markers(group)) == 1
    assert [t.text for t in svg.iter("text") if t.text and t.text.isdigit() and len(t.text) == 4] == ["2023"]


def test_all_none_draws_axes_without_a_line_or_a_marker() -> None:
    svg = parse(chart(series("新收申请", None, None, None)))
    (group,) = groups(svg)
    assert list(group) == []
    assert tick_labels(svg) == ["0", "1"]


def test_all_zeros_run_from_0_to_1_without_dividing_by_zero() -> None:
    svg = parse(chart(series("新收申请", 0, 0, 0)))
    assert tick_labels(svg) == ["0", "1"]
    (group,) = groups(svg)
    ys = {float(c.get("cy") or "nan") for c in markers(group)}
    grid = svg.find("path[@class='trend-grid']")
    assert grid is not None
    assert ys == {float(re.findall(r"M[\d.]+ ([\d.]+)H", grid.get("d") or "")[0])}  # on the zero line


@pytest.mark.parametrize(
    ("values", "unit", "ticks"),
    [
        ([12345], "件", ["0", "5000", "10000", "15000"]),
        ([45], "件", ["0", "20", "40", "60"]),
        ([4], "件", ["0", "1", "2", "3", "4"]),
        ([2], "件", ["0", "1", "2"]),  # counts never step by 0.5
        ([Decimal("1.25")], "万元", ["0", "0.5", "1", "1.5"]),
        ([Decimal("0.0003")], "万元", ["0", "0.0001", "0.0002", "0.0003"]),
        ([Decimal("87.5")], "%", ["0", "50", "100"]),
        ([], "件", ["0", "1"]),
    ],
)
def test_nice_ticks(values: list[Value], unit: str, ticks: list[str]) -> None:
    assert [format(t.normalize(), "f") for t in nice_ticks(values, unit)] == ticks
    figures: list[Value | None] = [*values] or [None]
    assert tick_labels(parse(chart(series("x", *figures), unit=unit))) == ticks


def test_many_years_label_every_other_year_ending_with_the_last() -> None:
    svg = parse(chart(series("新收申请", *range(12), start=2012)))
    years = [t.text for t in svg.iter("text") if t.text and re.fullmatch(r"20\d\d", t.text)]
    assert years == ["2013", "2015", "2017", "2019", "2021", "2023"]
    ten = parse(chart(series("新收申请", *range(10), start=2014)))
    assert len([t for t in ten.iter("text") if t.text and re.fullmatch(r"20\d\d", t.text)]) == 10


def test_series_differ_by_dash_and_marker_as_well_as_colour_and_get_a_legend() -> None:
    lines = [series(name, 1, 2, 3) for name in ("甲", "乙", "丙", "丁")]
    svg = parse(chart(*lines))
    plotted = groups(svg)
    assert [g.get("class") for g in plotted] == ["trend-s1", "trend-s2", "trend-s3", "trend-s4"]
    assert len({g.get("stroke") for g in plotted}) == 4
    assert len({g.find("polyline").get("stroke-dasharray") for g in plotted}) == 4  # type: ignore[union-attr]
    assert [markers(g)[0].tag for g in plotted] == ["circle", "rect", "path", "path"]
    assert markers(plotted[2])[0].get("d") != markers(plotted[3])[0].get("d")
    legend = svg.find("g[@class='trend-legend']")
    assert legend is not None and [t.text for t in legend.iter("text")] == ["甲", "乙", "丙", "丁"]
    assert parse(chart(lines[0])).find("g[@class='trend-legend']") is None  # one series needs none


def test_every_text_is_escaped() -> None:
    hostile = Chart("trend-x", '<script>alert("t")</script>', "件", (series("<script>&", 1, 2), series("b'", 3, 4)))
    text = trend_svg(hostile)
    assert "<script" not in text and "&lt;script&gt;&amp;" in text
    svg = ET.fromstring(text)  # well-formed
    assert svg.find("title").text == '<script>alert("t")</script>'  # type: ignore[union-attr]


def test_the_same_chart_gives_the_same_bytes() -> None:
    again = chart(series("新收申请", 12, None, 30, 45, 40), series("办理结果总计", 10, None, 28, 44, 38))
    assert trend_svg(TWO) == trend_svg(again) and chart_context(TWO) == chart_context(again)
    assert not re.search(r"\d\.\d\d", trend_svg(TWO))  # coordinates to 1 decimal


def test_four_series_over_ten_years_stay_small() -> None:
    lines = [series(name, *(1000 + 137 * i * (k + 1) for k in range(10)), start=2014) for i, name in enumerate(("新收申请", "上年结转", "予以公开", "行政复议"))]
    size = len(trend_svg(chart(*lines)).encode("utf-8"))
    assert size < 6000, size


def test_a_chart_that_would_say_something_false_is_refused() -> None:
    with pytest.raises(ValueError):
        chart(series("a", 1, 2), series("b", 1, 2, start=2020))  # different years
    with pytest.raises(ValueError):
        chart(*[series(str(i), 1) for i in range(5)])  # five series
    with pytest.raises(ValueError):
        Chart("趋势", "t", "件", (series("a", 1),))  # not an ASCII id
    with pytest.raises(ValueError):
        chart(Series("a", ((2020, 1), (2019, 2))))  # years out of order


# --- numbers and sentences ----------------------------------------------------------------


def test_figures_are_printed_plainly() -> None:
    assert format_figure(12345, "件") == "12345"
    assert format_figure(Decimal("1.2500"), "万元") == "1.25"
    assert format_figure(Decimal("3.00005"), "万元") == "3.0001"
    assert format_figure(Decimal("1E+3"), "万元") == "1000"
    assert format_figure(Decimal("12.34"), "%") == "12.3" and format_figure(40, "%") == "40.0"
    assert format_figure(None, "件") == "—"


def test_summary_of_one_series_with_a_gap() -> None:
    assert trend_summary(chart(series("新收申请", 12, None, 30, 45, 40))) == "2019年至2023年，新收申请由12件变为40件，最高为2022年的45件；2020年无可比数据。"


def test_summary_of_two_series_sharing_their_gap_says_it_once() -> None:
    assert trend_summary(TWO) == "2019年至2023年，新收申请由12件变为40件，最高为2022年的45件；办理结果总计由10件变为38件，最高为2022年的44件；2020年无可比数据。"


def test_summary_of_different_gaps_money_and_figures_off_the_ends() -> None:
    money = chart(series("收费金额", None, Decimal("1.5"), Decimal("0.25"), None), series("另一项", Decimal(2), None, Decimal(2), Decimal(2)), unit="万元")
    assert trend_summary(money) == "2019年至2022年，收费金额由2020年的1.5万元变为2021年的0.25万元，2019、2022年无可比数据；另一项各年均为2万元，2020年无可比数据。"


def test_summary_of_a_single_year_a_lone_figure_and_nothing() -> None:
    assert trend_summary(chart(series("新收申请", 12, start=2023))) == "2023年，新收申请为12件。"
    assert trend_summary(chart(series("新收申请", None, 7, None))) == "2019年至2021年，新收申请仅2020年有可比数据，为7件。"
    assert trend_summary(chart(series("新收申请", None, None), series("办理结果总计", None, None))) == "2019年至2020年没有可比数据。"
    assert trend_summary(chart(series("a", 1, 2), series("b", None, None))) == "2019年至2020年，a由1件变为2件；b没有可比数据。"


# --- the partial -------------------------------------------------------------------------


def render(context: dict[str, object]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    template = env.from_string('{% from "partials/trend.html" import trend %}{{ trend(chart) }}')
    return template.render(chart=context)


def test_the_partial_shows_the_chart_its_summary_and_its_table() -> None:
    html = render(chart_context(TWO))
    assert html.count("<figure class=\"trend\" id=\"trend-apps\">") == 1
    assert "<figcaption>新收申请和办理结果总计（件）</figcaption>" in html
    assert trend_svg(TWO) in html  # the SVG as built, not escaped again
    assert f'<p class="trend-summary">{trend_summary(TWO)}</p>' in html
    assert "<summary>查看数据表</summary>" in html
    table = table_captioned(html, "新收申请和办理结果总计（件）")
    assert table.grid() == [
        ["单位：件", "2019年", "2020年", "2021年", "2022年", "2023年"],
        ["新收申请", "12", "—", "30", "45", "40"],
        ["办理结果总计", "10", "—", "28", "44", "38"],
    ]
    assert [c.attrs.get("scope") for c in table.rows[0][1:]] == ["col"] * 5
    assert [row[0].attrs.get("scope") for row in table.rows[1:]] == ["row", "row"]


def test_the_partial_escapes_what_it_prints() -> None:
    hostile = Chart("trend-x", "<b>标题</b>", "件", (series("<script>x</script>", 1, None),))
    html = render(chart_context(hostile))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


# --- any chart ---------------------------------------------------------------------------

FIGURES = st.one_of(
    st.none(),
    st.integers(0, 10**9),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)


@st.composite
def charts(draw: st.DrawFn) -> Chart:
    years = draw(st.integers(1, 15))
    start = draw(st.integers(2008, 2024))
    count = draw(st.integers(1, 4))
    labels = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=1, max_size=12)
    lines = tuple(Series(draw(labels), tuple((start + i, draw(FIGURES)) for i in range(years))) for _ in range(count))
    return Chart("trend-any", draw(labels), draw(st.sampled_from(["件", "万元", "%"])), lines)


@settings(max_examples=150, deadline=None)
@given(charts())
def test_any_chart_is_well_formed_bounded_and_faithful(any_chart: Chart) -> None:
    text = trend_svg(any_chart)
    assert text == trend_svg(any_chart)
    svg = ET.fromstring(text)
    _, _, width, height = (float(n) for n in (svg.get("viewBox") or "").split())
    for group, line in zip(groups(svg), any_chart.series):
        known = [v for _, v in line.points if v is not None]
        assert len(markers(group)) == len(known)
        assert len(group.findall("polyline")) == sum(len(run) > 1 for run in runs(line.points))
        for point in (p for poly in group.findall("polyline") for p in (poly.get("points") or "").split()):
            x, y = map(float, point.split(","))
            assert 0 <= x <= width and 0 <= y <= height
    ticks = nice_ticks([v for s in any_chart.series for _, v in s.points if v is not None], any_chart.unit)
    assert ticks[0] == 0 and len(ticks) <= 6
    assert all(v <= ticks[-1] for s in any_chart.series for _, v in s.points if v is not None)
    summary = trend_summary(any_chart)
    assert summary.endswith("。") and summary.startswith(f"{any_chart.years[0]}年")
