"""Plan the statistics pages: a page per region of the registry's region tree, and their index.

A region page sums the comparable measures (`formats.measures`) of every report
of the agencies under it, year by year, with the coverage beside every total
("38 of 41 agencies reported"), draws them as trends, and compares the agencies
under it for the latest year with comparable reports. Like every portal-wide
page it is planned from summaries alone.

Statisticians' rules, kept here: a total says over how many reports it runs; a
free-form year is "not comparable", never 0; a rate is the ratio of the totals
(never an average of rates) and "—" when its denominator is 0.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple
from urllib.parse import quote

from ..formats import FORMATS
from ..formats.measures import MEASURE as MEASURE_BY_KEY
from ..formats.measures import MEASURES, RATES, Measure, Rate
from ..model import PATH_SEPARATOR, Agency, Value
from ..stats.values import Ratio, Totals, percent, percent_value, total
from . import meta, urls
from .charts import Chart, Series, chart_context
from .outputs import HTML, Page
from .summaries import Summary
from .values import format_value

Region = tuple[str, ...]


@dataclass(frozen=True)
class Tallied:
    """The reports a statistics page sums, identified by what it shows of them (`Summary.tally_digest`):
    the build's cache and the preview find the page again by this digest when a report changed
    in a way no statistics page shows."""

    summaries: tuple[Summary, ...]

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256("".join(s.tally_digest for s in self.summaries).encode()).hexdigest()


TREND_CHARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("trend-applications", "新收申请与办理结果总计（件）", ("received", "results")),
    ("trend-outcomes", "予以公开、不予公开与无法提供（件）", ("disclosed", "denied", "unable")),
    ("trend-appeals", "行政复议与行政诉讼（件）", ("reviews", "lawsuits")),
)
"""The counts drawn as trends on a region's page: (id, title, measures)."""

RATE_CHART = ("trend-rates", "公开率、不予公开率与纠错率（%）")

COMPARED: tuple[str, ...] = ("received", "results", "disclosed", "denied", "reviews", "lawsuits", "fees")
"""The measures of the table that compares a region's agencies (the rates follow them)."""


class Area(NamedTuple):
    """A region as its page sums it: the agencies under it and their reports (both in registry
    order), and the regions one level below it."""

    region: Region
    agencies: tuple[Agency, ...]
    reports: Tallied
    children: tuple[Region, ...]


def region_areas(registry: tuple[Agency, ...], summaries: tuple[Summary, ...]) -> list[Area]:
    """Every region of the registry's tree, each after the region that holds it, in registry order:
    one pass over the registry and the summaries, whatever the number of regions (a province has thousands)."""
    by_agency: dict[str, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_agency[summary.agency.id].append(summary)
    members: dict[Region, list[Agency]] = {}
    inside: dict[Region, list[Summary]] = {}
    below: dict[Region, list[Region]] = defaultdict(list)
    for agency in registry:
        for depth in range(1, len(agency.region) + 1):
            region = agency.region[:depth]
            if region not in inside:
                inside[region], members[region] = [], []
                if depth > 1:
                    below[region[:-1]].append(region)
            inside[region] += by_agency[agency.id]
            members[region].append(agency)
    return [Area(region, tuple(members[region]), Tallied(tuple(listed)), tuple(below[region])) for region, listed in inside.items()]


def region_page(region: Region, agencies: tuple[Agency, ...], reports: Tallied, children: tuple[Region, ...], site: dict[str, Any]) -> Page:
    """A region's page (`Area`): `agencies` those under the region and `reports` theirs, in
    registry order; `children` the regions one level below it."""
    base = site["base"]
    route = urls.region(region)
    name = region[-1]
    area = _area_context(region, agencies, reports.summaries, children, base)
    crumbs = [{"title": "首页", "url": base}, {"title": "地区", "url": urls.REGIONS.url(base)}]
    crumbs += [{"title": part, "url": urls.region(region[: i + 1]).url(base)} for i, part in enumerate(region[:-1])]
    crumbs.append({"title": name, "url": None})
    latest = area["latest"]
    by_year = _by_year(reports.summaries)
    reported = {s.agency.id for s in by_year[latest]} if latest else set()
    covers = {a.id: a.covers for a in agencies}
    context = {
        "site": site,
        "page": meta.page_info(site, f"{name}统计", route.url(base), _description(name, len(agencies), sorted(by_year)), meta.BY_REGION),
        "breadcrumbs": crumbs,
        "region": {"name": name, "path": PATH_SEPARATOR.join(region), "agencies": len(agencies)},
        **area,
        "compared": _compared(by_year.get(latest, []), base) if latest else None,
        "other_years": [{"year": y, "url": _query_url(base, region, y)} for y in reversed(area["comparable_years"]) if y != latest],
        "data_url": urls.DATA.url(base),
        "missing": [{"name": a.name, "url": urls.agency(a.id).url(base)} for a in agencies if latest and a.id not in reported],
        "aggregates": [check for year in sorted(by_year) for check in aggregate_checks(by_year[year], covers)],
    }
    return Page(route.output, HTML, "region.html", context)


def regions_index(agencies: tuple[Agency, ...], reports: Tallied, site: dict[str, Any]) -> Page:
    """The whole portal's totals and trends, its top regions compared, and every region, nested,
    each linked to its page (`reports`: every report, in registry order)."""
    base = site["base"]
    route = urls.REGIONS
    areas = region_areas(agencies, ())
    top = tuple(area.region for area in areas if len(area.region) == 1)
    context = {
        "site": site,
        "page": meta.page_info(site, "地区统计", route.url(base), f"{site['title']}各地区政府信息公开工作年度报告的统计数据。", meta.BY_REGION),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "地区", "url": None}],
        "portal": {"name": "全站", "agencies": len(agencies)},
        **_area_context((), agencies, reports.summaries, top, base),
        "regions": _tree(areas, base),
    }
    return Page(route.output, HTML, "regions.html", context)


def _area_context(region: Region, agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], children: tuple[Region, ...], base: str) -> dict[str, Any]:
    """What a region's page and the portal's statistics page both show: the totals of every
    measure by year with their coverage, the trends, and the regions below compared for the
    latest comparable year (`region` is () for the whole portal)."""
    by_year = _by_year(summaries)
    years = sorted(by_year)
    comparable_years = [y for y in years if any(s.measures is not None for s in by_year[y])]
    latest = comparable_years[-1] if comparable_years else None
    covers = {a.id: a.covers for a in agencies}  # a report here is one of theirs
    totals = {year: total(s.measures for s in summed(by_year[year], covers)) for year in years}
    return {
        "years": [_year_column(year, by_year[year], len(agencies), base) for year in years],
        "measures": [_measure_row(m, [totals[y] for y in years]) for m in MEASURES],
        "rates": [_rate_row(r, [totals[y] for y in years]) for r in RATES],
        "free_form_years": [y for y in years if y not in comparable_years],
        "comparable_years": comparable_years,
        "charts": trend_charts(comparable_years, totals),
        "latest": latest,
        "compared_columns": [_column(m) for m in _compared_measures()] + [_rate_column(r) for r in RATES],
        "children": _children(region, children, by_year.get(latest, []) if latest else [], covers, base),
        "definitions": [{"label": m.label, "unit": m.unit, "definition": m.definition} for m in MEASURES]
        + [{"label": r.label, "unit": "%", "definition": r.definition} for r in RATES],
    }


def _query_url(base: str, region: Region, year: int) -> str:
    """The query builder asked to compare a region's agencies for one year (see `assets/query.js`)."""
    within = quote(PATH_SEPARATOR.join(region), safe="/").replace("%20", "+")
    measures = ",".join([*COMPARED, *(r.key for r in RATES)])
    return f"{urls.QUERY.url(base)}?by=agency&within={within}&years={year}&measures={measures}"


# --- 汇总 reports ------------------------------------------------------------------------------


def summed(reports: Sequence[Summary], covers: dict[str, tuple[str, ...]]) -> list[Summary]:
    """The reports of one year that a total sums: a report whose figures another report of the
    same set already sums up (the registry's `covers`: a government's 汇总 report) is left out,
    so nothing is counted twice; where the 汇总 report is missing, the reports it would cover count."""
    present = {s.agency.id for s in reports}
    covered = {c for s in reports for c in covers.get(s.agency.id, ()) if c in present and c != s.agency.id}
    return [s for s in reports if s.agency.id not in covered]


AGGREGATE_CHECKED = ("received", "results", "reviews", "lawsuits")
"""The measures a 汇总 report is compared on with the reports it covers."""


def aggregate_checks(reports: Sequence[Summary], covers: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """Each 汇总 report of one year beside the sum of the reports it covers that exist: both
    figures and their difference, so a reader sees where they do not agree. The 汇总 also holds
    the government's own figures, so it is rarely smaller; a difference is shown, not judged."""
    by_id = {s.agency.id: s for s in reports}
    checks = []
    for report in reports:
        parts = [by_id[c] for c in covers.get(report.agency.id, ()) if c in by_id and c != report.agency.id]
        if not parts or report.measures is None:
            continue
        own, others = total([report.measures]), total(p.measures for p in parts)
        rows = []
        for key in AGGREGATE_CHECKED:
            a, b = own.value(key), others.value(key)
            rows.append({"label": MEASURE_BY_KEY[key].label, "aggregate": a, "parts": b, "difference": None if a is None or b is None else a - b})
        checks.append({
            "year": report.year, "name": report.agency.name, "url": report.url,
            "covered": len(covers[report.agency.id]), "present": len(parts),
            "rows": rows, "differs": any(row["difference"] for row in rows),
        })  # fmt: skip
    return checks


# --- parts of the page ------------------------------------------------------------------------


def _by_year(summaries: Iterable[Summary]) -> dict[int, list[Summary]]:
    found: dict[int, list[Summary]] = defaultdict(list)
    for summary in summaries:
        found[summary.year].append(summary)
    return found


def _description(name: str, agencies: int, years: Sequence[int]) -> str:
    span = f"{years[0]}年至{years[-1]}年" if len(years) > 1 else (f"{years[0]}年" if years else "")
    return f"{name}{agencies}个机关{span}政府信息公开工作年度报告的合计、趋势和比较。"


def _year_column(year: int, reports: list[Summary], agencies: int, base: str) -> dict[str, Any]:
    """A year's coverage: every report published, those summed up by a 汇总 report included."""
    comparable = sum(1 for s in reports if s.measures is not None)
    return {"year": year, "url": urls.year(year).url(base), "reports": len(reports), "agencies": agencies, "comparable": comparable}


def _measure_row(measure: Measure, totals: Sequence[Totals]) -> dict[str, Any]:
    """A measure across the years: its total where some report holds it, else None ("—")."""
    return {"key": measure.key, "label": measure.label, "unit": measure.unit, "cells": [t.value(measure.key) for t in totals]}


def _rate_row(rate: Rate, totals: Sequence[Totals]) -> dict[str, Any]:
    return {"key": rate.key, "label": rate.label, "cells": [percent(t.rate(rate)) for t in totals]}


def _compared_measures() -> list[Measure]:
    return [MEASURE_BY_KEY[key] for key in COMPARED]


def _column(measure: Measure) -> dict[str, str]:
    return {"key": measure.key, "label": measure.label, "unit": measure.unit}


def _rate_column(rate: Rate) -> dict[str, str]:
    return {"key": rate.key, "label": rate.label, "unit": "%"}


def _compared(summaries: list[Summary], base: str) -> list[dict[str, Any]]:
    """The agencies of the latest comparable year, each with its measures and rates: the values
    as shown, and a number to sort by (a rate without value sorts last)."""
    rows = []
    for summary in summaries:
        single = total([summary.measures])
        cells = [{"text": format_value(single.value(m.key)), "sort": _sort_key(single.value(m.key))} for m in _compared_measures()]
        cells += [{"text": percent(single.rate(r)), "sort": _sort_key(single.rate(r))} for r in RATES]
        rows.append({"name": summary.agency.name, "url": summary.url, "comparable": summary.measures is not None, "cells": cells})
    return rows


def rate_cells(summary: Summary) -> list[dict[str, str]]:
    """A report's rates as a sortable table shows them."""
    single = total([summary.measures])
    return [{"text": percent(single.rate(r)), "sort": _sort_key(single.rate(r))} for r in RATES]


def _sort_key(value: Value | Ratio | None) -> str:
    """What a sortable column sorts by (`assets/enhance.js`): a number, or "" to sort last."""
    return "" if value is None else format(float(value), ".6f")


def _children(region: Region, children: tuple[Region, ...], latest: list[Summary], covers: dict[str, tuple[str, ...]], base: str) -> list[dict[str, Any]]:
    """The regions below `region`, each with its totals of the latest comparable year (`latest`: that year's reports)."""
    inside: dict[Region, list[Summary]] = defaultdict(list)
    for summary in latest:
        inside[summary.agency.region[: len(region) + 1]].append(summary)
    rows = []
    for child in children:
        reports = inside.get(child, [])
        totals = total(s.measures for s in summed(reports, covers))
        rows.append({
            "name": child[-1],
            "url": urls.region(child).url(base),
            "reports": len(reports),
            "figures": [totals.value(key) for key in COMPARED],
            "rates": [percent(totals.rate(r)) for r in RATES],
        })  # fmt: skip
    return rows


def agency_trends(summaries: Sequence[Summary]) -> list[dict[str, Any]]:
    """An agency's trends over the years of its reports with tables (none with fewer than two)."""
    comparable = [s for s in summaries if s.measures is not None]
    if len(comparable) < 2:
        return []
    return trend_charts([s.year for s in comparable], {s.year: total([s.measures]) for s in comparable})


def trend_charts(years: list[int], totals: dict[int, Totals]) -> list[dict[str, Any]]:
    """The trends of the comparable years: counts, then the rates; none without such a year."""
    if not years:
        return []
    charts = []
    for key, title, measures in TREND_CHARTS:
        series = tuple(Series(MEASURE_BY_KEY[m].label, tuple((y, totals[y].value(m)) for y in years)) for m in measures)
        charts.append(chart_context(Chart(key, title, "件", series)))
    rate_series = tuple(Series(r.label, tuple((y, percent_value(totals[y].rate(r))) for y in years)) for r in RATES)
    charts.append(chart_context(Chart(RATE_CHART[0], RATE_CHART[1], "%", rate_series)))
    return charts


def _tree(areas: list[Area], base: str) -> list[dict[str, Any]]:
    """Regions nested under their parents, each with its page's address and how many agencies it holds."""
    nodes: dict[Region, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for area in areas:
        region = area.region
        node = {"name": region[-1], "url": urls.region(region).url(base), "agencies": len(area.agencies), "children": []}
        nodes[region] = node
        (nodes[region[:-1]]["children"] if len(region) > 1 else roots).append(node)
    return roots


# --- a report beside the agency's previous one ----------------------------------------------


def year_over_year(current: Summary, previous: Summary | None) -> dict[str, Any] | None:
    """A report's comparable measures and rates beside those of the agency's previous report,
    with the change; None when there is nothing to compare (no tables, or no earlier report).
    An earlier free-form report, or one whose tables an archive published incomplete, is named,
    as not comparable."""
    if current.measures is None or previous is None:
        return None
    if previous.measures is None:  # free-form, or (in an archive) a table not read whole
        free_form = not any(fmt.tables for fmt in FORMATS.values() if fmt.name == previous.format)
        return {"previous_year": previous.year, "comparable": False, "free_form": free_form, "rows": []}
    now, before = total([current.measures]), total([previous.measures])
    rows = []
    for measure in MEASURES:
        a, b = now.value(measure.key), before.value(measure.key)
        if a is None and b is None:
            continue
        change = None if a is None or b is None else a - b
        rows.append({"label": measure.label, "unit": measure.unit, "now": a, "before": b, "change": change})
    for rate in RATES:
        x, y = percent_value(now.rate(rate)), percent_value(before.rate(rate))
        change_text = "—" if x is None or y is None else f"{x - y:+}个百分点"
        rows.append({"label": rate.label, "unit": "%", "now": percent(now.rate(rate)), "before": percent(before.rate(rate)), "change": change_text})
    return {"previous_year": previous.year, "previous_url": previous.url, "comparable": True, "rows": rows}
