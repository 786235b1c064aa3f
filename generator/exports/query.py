"""The query builder's data: what `/data/query/` fetches to answer a question.

A question is some agencies or regions, some years, some measures. The page
first fetches `index.json` (the measures and rates with their definitions, the
years, the regions and agencies: about 13 KB per hundred agencies), then one
`<year>.json` per year asked for: every report of that year with its measures
and rates, and every region's totals, as the region pages and statistics.csv
give them (the same functions make all three). The browser adds nothing up:
it picks rows and columns, so it can never disagree with the pages.

Figures are listed in the order of `index.json`'s `measures` and `rates`, as
arrays, and a report's address is a pattern filled in by the page, to keep a
year's file small (about 150 bytes a report): at 10,000 reports over 17 years a
one-year, one-region question fetches 259 KB, 35 KB compressed (docs/performance.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..formats.measures import MEASURES, RATES
from ..model import PATH_SEPARATOR, Agency, Value
from ..site import meta, urls
from ..site.outputs import HTML, JSON, Page, PageCall
from ..site.statistics import Tallied, region_areas, summed
from ..site.summaries import Summary
from ..stats.values import Totals, percent_value, total
from .datasets import WHOLE_PORTAL


def query_calls(registry: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any]) -> list[PageCall]:
    """The query builder's page and files: beside the portal-wide pages, in `build` and `serve`."""
    by_year: dict[int, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_year[summary.year].append(summary)
    years = tuple(sorted(by_year))
    calls = [PageCall(query_page, "", (site,)), PageCall(query_index, "", (registry, years, site["base"]))]
    calls += [PageCall(query_year, str(year), (year, registry, Tallied(tuple(listed)))) for year, listed in sorted(by_year.items())]
    return calls


def query_page(site: dict[str, Any]) -> Page:
    """The page: a form that the script (assets/query.js) answers from the files below; without
    the script it says where the same figures are (the region pages and the downloads)."""
    base = site["base"]
    route = urls.QUERY
    context = {
        "site": site,
        "page": meta.page_info(site, "数据查询", route.url(base), f"{site['title']}：选择机关或地区、年度和项目，查看、下载、打印统计数据。", meta.DATA),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "数据下载", "url": urls.DATA.url(base)}, {"title": "数据查询", "url": None}],
        "index_url": urls.QUERY_INDEX.url(base),
        "regions_url": urls.REGIONS.url(base),
        "data_url": urls.DATA.url(base),
    }
    return Page(route.output, HTML, "query.html", context)


def query_index(registry: tuple[Agency, ...], years: tuple[int, ...], base: str) -> Page:
    """What every question needs first: the measures, the years, the regions and agencies
    (`base`: the site's path, all the file depends on of the settings)."""
    data = {
        "measures": [{"key": m.key, "label": m.label, "unit": m.unit, "definition": m.definition} for m in MEASURES],
        "rates": [{"key": r.key, "label": r.label, "definition": r.definition} for r in RATES],
        "years": [{"year": year, "url": urls.query_year(year).url(base)} for year in years],
        "regions": [
            {"path": WHOLE_PORTAL, "agencies": len(registry)},
            *({"path": PATH_SEPARATOR.join(area.region), "agencies": len(area.agencies)} for area in region_areas(registry, ())),
        ],
        "agencies": [{"id": a.id, "name": a.name, "region": PATH_SEPARATOR.join(a.region)} for a in registry],
        "report_url": base + urls.REPORT_PATTERN,  # a report's page: {agency} and {year} filled in by the page
    }
    return Page(urls.QUERY_INDEX.output, JSON, "", {"data": data})


def query_year(year: int, registry: tuple[Agency, ...], reports: Tallied) -> Page:
    """One year: each report's figures (agency, measures, rates; null where not comparable),
    and each region's totals with how many reports they sum."""
    covers = {a.id: a.covers for a in registry}
    rows = [{"agency": s.agency.id, **_figures(total([s.measures]))} for s in reports.summaries]
    regions = {WHOLE_PORTAL: _area(reports.summaries, covers)}
    regions.update((PATH_SEPARATOR.join(area.region), _area(area.reports.summaries, covers)) for area in region_areas(registry, reports.summaries))
    data = {"year": year, "reports": rows, "regions": regions}
    return Page(urls.query_year(year).output, JSON, "", {"data": data})


def _area(reports: tuple[Summary, ...], covers: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """A region's totals of one year, as its page gives them (a 汇总 report's parts counted once)."""
    totals = total(s.measures for s in summed(reports, covers))
    return {"reports": len(reports), "comparable": sum(1 for s in reports if s.measures is not None), **_figures(totals)}


def _figures(totals: Totals) -> dict[str, list[Any]]:
    return {"m": [_number(totals.value(m.key)) for m in MEASURES], "r": [_number(percent_value(totals.rate(r))) for r in RATES]}


def _number(value: Value | None) -> int | float | None:
    """A figure as JSON writes it: counts as integers, money and percentages as decimals."""
    if value is None or isinstance(value, int):
        return value
    return float(value)
