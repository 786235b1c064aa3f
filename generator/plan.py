"""Stage 3, plan: decide every page of the site and the plain data each needs.

A Page holds its output path, its template and a context of plain values; it
depends on nothing else, so render can take pages in any order (or in
parallel) and a later incremental build can compare contexts to skip pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from .formats import FORMATS, KEY_FIGURE_LABELS, REPORT_TITLE, Format, sections_after_tables
from .memo import Memo
from .model import Agency, Checked, CheckedReport, FilledTables, Site, Value

LATEST_ON_HOME = 12

SEARCH_FILTERS = (("year", "年度"), ("region", "地区"), ("level", "机关层级"), ("agency", "机关"))
"""The filters of the search page: the key each search document is tagged with, and its label."""


@dataclass(frozen=True)
class Page:
    output: str  # path under the site root, with forward slashes
    kind: Literal["html", "json"]
    template: str  # for html pages
    context: dict[str, Any] = field(compare=False)


@dataclass(frozen=True)
class Copy:
    """A file copied as is (an attachment)."""

    source: Path
    output: str


@dataclass(frozen=True)
class Plan:
    pages: tuple[Page, ...]
    copies: tuple[Copy, ...]


def link_prefix(base_url: str) -> str:
    """The path every link starts with: "/" or "/xxgk/ndbg/" (from a path or a full URL)."""
    path = urlsplit(base_url).path or "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


@dataclass(frozen=True)
class AgencyPages:
    """What one agency contributes to the site: its reports' pages and its own page."""

    summaries: tuple[dict[str, Any], ...]  # its reports as index pages list them, oldest first
    pages: tuple[Page, ...]
    copies: tuple[Copy, ...]


def plan_site(checked: Checked, base_url: str | None = None, memo: Memo | None = None) -> Plan:
    """Every page of the site. With a `memo` kept from the last run, a page whose
    inputs are the same objects as last time is the same Page object as last
    time, and an agency whose reports did not change costs one lookup: so the
    preview server renders again only the pages an edit changed."""
    memo = memo or Memo()
    portal = checked.portal
    site = memo.call(site_context, "site", portal.site, link_prefix(base_url or portal.site.base_url))
    groups: dict[str, list[CheckedReport]] = defaultdict(list)
    for c in checked.reports:
        groups[c.report.agency_id].append(c)

    pages: list[Page] = []
    copies: list[Copy] = []
    everything: list[dict[str, Any]] = []
    for agency in portal.agencies:
        group = tuple(sorted(groups.get(agency.id, ()), key=lambda c: c.report.year))
        planned = memo.call(agency_pages, agency.id, agency, group, site, portal.agencies, memo)
        pages += planned.pages
        copies += planned.copies
        everything += planned.summaries
    pages += portal_pages(portal.agencies, tuple(everything), site, memo)
    return Plan(tuple(pages), tuple(copies))


@dataclass(frozen=True)
class PageCall:
    """A page to plan, not planned yet: the function that plans it and its arguments,
    so a caller that has the page already (the build cache) need not make its context."""

    function: Callable[..., Page]
    key: Hashable  # the function's memo key
    args: tuple[Any, ...]


def portal_page_calls(agencies: tuple[Agency, ...], summaries: tuple[dict[str, Any], ...], site: dict[str, Any]) -> list[PageCall]:
    """The pages that list the whole portal (home, years, agencies) and those of no
    agency (search, 404); `summaries` are every agency's, in registry order."""
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for summary in summaries:
        by_year[summary["year"]].append(summary)
    calls = [PageCall(year_page, year, (year, tuple(listed), agencies, site)) for year, listed in sorted(by_year.items())]
    reports = tuple((s["agency"]["id"], s["year"]) for s in summaries)
    calls.append(PageCall(agencies_index, "", (agencies, reports, site)))
    calls.append(PageCall(years_index, "", (agencies, reports, site)))
    calls.append(PageCall(home_page, "", (agencies, summaries, site)))
    calls.append(PageCall(not_found_page, "", (site,)))
    calls.append(PageCall(search_page, "", (site,)))
    return calls


def portal_pages(agencies: tuple[Agency, ...], summaries: tuple[dict[str, Any], ...], site: dict[str, Any], memo: Memo) -> list[Page]:
    return [memo.call(call.function, call.key, *call.args) for call in portal_page_calls(agencies, summaries, site)]


def agency_pages(
    agency: Agency, group: tuple[CheckedReport, ...], site: dict[str, Any], registry: tuple[Agency, ...], memo: Memo
) -> AgencyPages:
    """One agency's report pages, their JSON and its own page; `group` in year order."""
    base = site["base"]
    summaries = tuple(memo.call_stable(report_summary, c.report.key, c, agency, base) for c in group)
    years = tuple(c.report.year for c in group)
    pages: list[Page] = []
    copies: list[Copy] = []
    for c in group:
        pages.append(memo.call(report_page, c.report.key, c, agency, years, site))
        pages.append(memo.call(report_json, c.report.key, c, agency, base))
        copies += [Copy(c.report.directory / a.file, f"reports/{agency.id}/{c.report.year}/{a.file}") for a in c.report.attachments]
    pages.append(memo.call(agency_page, agency.id, agency, summaries, site, registry))
    return AgencyPages(summaries, tuple(pages), tuple(copies))


def site_context(site: Site, base: str) -> dict[str, Any]:
    """What every page shows of the site settings."""
    return {
        "title": site.title,
        "organiser": site.organiser,
        "description": site.description,
        "contact": site.contact,
        "footer": list(site.footer),
        "base": base,
    }


# --- shared pieces ----------------------------------------------------------------


def report_url(base: str, agency_id: str, year: int) -> str:
    return f"{base}reports/{agency_id}/{year}/"


def report_title(c: CheckedReport, agency: Agency) -> str:
    return c.report.title or REPORT_TITLE.format(agency=agency.name, year=c.report.year)


def agency_summary(agency: Agency, base: str) -> dict[str, Any]:
    return {
        "id": agency.id,
        "name": agency.name,
        "region": list(agency.region),
        "level": agency.level,
        "url": f"{base}agencies/{agency.id}/",
    }


def key_figures(tables: FilledTables, fmt_id: str) -> dict[str, Value] | None:
    """The key figures of a report, or None when it has no tables (freeform)."""
    fmt = FORMATS[fmt_id]
    if not fmt.key_figures or len(tables) != len(fmt.tables):
        return None
    figures: dict[str, Value] = {}
    for figure in fmt.key_figures:
        table = fmt.table(figure.table)
        columns = [c.key for c in table.block(figure.block).columns]
        row = tables[figure.table].block(figure.block).row(figure.row)
        figures[figure.key] = row.values[columns.index(figure.column)]
    return figures


def report_summary(c: CheckedReport, agency: Agency, base: str) -> dict[str, Any]:
    """What index pages show of one report."""
    report = c.report
    rules = {p.rule for p in c.problems}
    return {
        "agency": agency_summary(agency, base),
        "year": report.year,
        "title": report_title(c, agency),
        "url": report_url(base, agency.id, report.year),
        "published": report.published.isoformat() if report.published else "",
        "late": "late-publication" in rules,
        "warnings": sum(1 for p in c.problems if p.severity == "warning"),
        "format": FORMATS[report.format].name,
        "figures": key_figures(c.tables, report.format),
    }


def figure_columns() -> list[dict[str, str]]:
    return [{"key": key, "label": label} for key, label in KEY_FIGURE_LABELS]


def sum_figures(summaries: list[dict[str, Any]]) -> dict[str, Value]:
    totals: dict[str, Value] = {key: 0 for key, _ in KEY_FIGURE_LABELS}
    for summary in summaries:
        for key, value in (summary["figures"] or {}).items():
            totals[key] += value
    return totals


def split_narrative(markdown: str, fmt: Format) -> tuple[str, str]:
    """Split the narrative where the sections after the tables begin (五、...), so the
    tables stand where the official form has them; without such a heading, they follow it."""
    after = sections_after_tables(fmt)
    if not after:
        return markdown, ""
    number = after[0].split("、")[0] + "、"
    pattern = re.compile(r"^#{1,6}\s*(?:\*\*)?\s*" + re.escape(number), re.MULTILINE)
    match = pattern.search(markdown)
    if not match:
        return markdown, ""
    return markdown[: match.start()], markdown[match.start() :]


# --- report pages -------------------------------------------------------------------


def report_page(c: CheckedReport, agency: Agency, years: tuple[int, ...], site: dict[str, Any]) -> Page:
    """`years`: every year the agency has a report for, linked from the page."""
    report = c.report
    fmt = FORMATS[report.format]
    base = site["base"]
    before, after = split_narrative(report.narrative, fmt)
    url = report_url(base, agency.id, report.year)
    title = report_title(c, agency)
    context = {
        "site": site,
        "page": {"title": title, "url": url},
        "breadcrumbs": [
            {"title": "首页", "url": base},
            {"title": agency.name, "url": f"{base}agencies/{agency.id}/"},
            {"title": f"{report.year}年", "url": None},
        ],
        "report": {
            "title": title,
            "year": report.year,
            "published": report.published.isoformat() if report.published else "",
            "format": fmt.name,
            "document": fmt.document,
            "has_tables": bool(fmt.tables),
            "agency": {**agency_summary(agency, base), "phone": agency.phone, "address": agency.address, "website": agency.website},
            "attachments": [{"title": a.title, "url": url + quote(a.file), "file": a.file} for a in report.attachments],
            "problems": [p.as_dict() for p in c.problems],
            "json_url": url + "report.json",
            "year_url": f"{base}years/{report.year}/",
        },
        "narrative_before": before,
        "narrative_after": after,
        "tables": [{"table": table, "filled": c.tables[table.key]} for table in fmt.tables if table.key in c.tables],
        "siblings": [{"year": y, "url": report_url(base, agency.id, y), "current": y == report.year} for y in years],
    }
    return Page(f"reports/{agency.id}/{report.year}/index.html", "html", "report.html", context)


def tables_export(c: CheckedReport) -> dict[str, Any]:
    """The `tables` member of report.json: blocks and rows in official order, official labels."""
    fmt = FORMATS[c.report.format]
    out: dict[str, Any] = {}
    for table in fmt.tables:
        if table.key not in c.tables:
            continue
        filled = c.tables[table.key]
        out[table.key] = {
            "title": table.title,
            "blocks": [
                {
                    "title": block.title,
                    "columns": [column.label for column in block.columns],
                    "rows": [
                        {"label": row.label, "path": list(row.path), "values": [_json_number(v) for v in row.values]}
                        for row in filled.block(block.key).rows
                    ],
                }
                for block in table.blocks
            ],
        }
    return out


def _json_number(value: Value) -> int | float:
    return value if isinstance(value, int) else float(value)


def report_json(c: CheckedReport, agency: Agency, base: str) -> Page:
    report = c.report
    data = {
        "agency": {"id": agency.id, "name": agency.name, "region": list(agency.region), "level": agency.level},
        "year": report.year,
        "format": report.format,
        "title": report_title(c, agency),
        "published": report.published.isoformat() if report.published else None,
        "url": report_url(base, agency.id, report.year),
        "tables": tables_export(c),
        "narrative": report.narrative,
        "attachments": [{"title": a.title, "file": a.file} for a in report.attachments],
        "problems": [p.as_dict() for p in c.problems],
    }
    return Page(f"reports/{agency.id}/{report.year}/report.json", "json", "", {"data": data})


# --- index pages ------------------------------------------------------------------


def agency_page(agency: Agency, summaries: tuple[dict[str, Any], ...], site: dict[str, Any], agencies: tuple[Agency, ...]) -> Page:
    base = site["base"]
    parent = next((a for a in agencies if a.id == agency.parent), None) if agency.parent else None
    children = [agency_summary(a, base) for a in agencies if a.parent == agency.id]
    context = {
        "site": site,
        "page": {"title": agency.name, "url": f"{base}agencies/{agency.id}/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "机关", "url": f"{base}agencies/"}, {"title": agency.name, "url": None}],
        "agency": {
            **agency_summary(agency, base),
            "phone": agency.phone,
            "address": agency.address,
            "website": agency.website,
            "parent": agency_summary(parent, base) if parent else None,
            "children": children,
        },
        "reports": sorted(summaries, key=lambda s: -s["year"]),
        "figure_columns": figure_columns(),
    }
    return Page(f"agencies/{agency.id}/index.html", "html", "agency.html", context)


def year_page(year: int, summaries: tuple[dict[str, Any], ...], agencies: tuple[Agency, ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    order = {a.id: i for i, a in enumerate(agencies)}
    listed = sorted(summaries, key=lambda s: order.get(s["agency"]["id"], len(order)))
    present = {s["agency"]["id"] for s in listed}
    context = {
        "site": site,
        "page": {"title": f"{year}年度报告", "url": f"{base}years/{year}/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "年度", "url": f"{base}years/"}, {"title": f"{year}年", "url": None}],
        "year": year,
        "reports": listed,
        "totals": sum_figures(listed),
        "with_tables": sum(1 for s in listed if s["figures"] is not None),
        "missing": [agency_summary(a, base) for a in agencies if a.id not in present],
        "figure_columns": figure_columns(),
    }
    return Page(f"years/{year}/index.html", "html", "year.html", context)


def region_tree(agencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nest agencies under their region path: [{name, agencies, children}]."""
    root: dict[str, Any] = {"children": {}, "agencies": []}
    for agency in agencies:
        node = root
        for part in agency["region"]:
            node = node["children"].setdefault(part, {"name": part, "children": {}, "agencies": []})
        node["agencies"].append(agency)

    def freeze(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"name": child["name"], "agencies": child["agencies"], "children": freeze(child)} for child in node["children"].values()]

    return freeze(root)


def agencies_index(agencies: tuple[Agency, ...], reports: tuple[tuple[str, int], ...], site: dict[str, Any]) -> Page:
    """`reports`: (agency id, year) of every report: all this page needs of them."""
    base = site["base"]
    years: dict[str, list[int]] = defaultdict(list)
    for agency_id, year in reports:
        years[agency_id].append(year)
    listed = [{**agency_summary(a, base), "reports": len(years[a.id]), "latest": max(years[a.id], default=None)} for a in agencies]
    context = {
        "site": site,
        "page": {"title": "全部机关", "url": f"{base}agencies/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "机关", "url": None}],
        "regions": region_tree(listed),
        "count": len(listed),
    }
    return Page("agencies/index.html", "html", "agencies.html", context)


def _by_year(summaries: tuple[dict[str, Any], ...]) -> dict[int, list[dict[str, Any]]]:
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in summaries:
        by_year[s["year"]].append(s)
    return dict(sorted(by_year.items(), reverse=True))


def years_index(agencies: tuple[Agency, ...], reports: tuple[tuple[str, int], ...], site: dict[str, Any]) -> Page:
    """`reports`: (agency id, year) of every report."""
    base = site["base"]
    by_year: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for agency_id, year in reports:
        by_year[year].add(agency_id)
        counts[year] += 1
    years = [
        {"year": year, "url": f"{base}years/{year}/", "reports": counts[year], "missing": len(agencies) - len(by_year[year])}
        for year in sorted(by_year, reverse=True)
    ]
    context = {
        "site": site,
        "page": {"title": "按年度浏览", "url": f"{base}years/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "年度", "url": None}],
        "years": years,
        "agency_count": len(agencies),
    }
    return Page("years/index.html", "html", "years.html", context)


def not_found_page(site: dict[str, Any]) -> Page:
    return Page("404.html", "html", "404.html", {"site": site, "page": {"title": "页面未找到", "url": site["base"] + "404.html"}})


def search_page(site: dict[str, Any]) -> Page:
    base = site["base"]
    context = {
        "site": site,
        "page": {"title": "搜索", "url": f"{base}search/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "搜索", "url": None}],
        "filters": list(SEARCH_FILTERS),
    }
    return Page("search/index.html", "html", "search.html", context)


def home_page(agencies: tuple[Agency, ...], summaries: tuple[dict[str, Any], ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    by_id = sorted(summaries, key=lambda s: s["agency"]["id"])
    latest = sorted(by_id, key=lambda s: (s["year"], s["published"]), reverse=True)  # stable: ties stay by id
    context = {
        "site": site,
        "page": {"title": site["title"], "url": base},
        "latest": latest[:LATEST_ON_HOME],
        "years": [{"year": y, "url": f"{base}years/{y}/", "reports": len(r)} for y, r in _by_year(summaries).items()],
        "regions": region_tree([agency_summary(a, base) for a in agencies]),
        "report_count": len(summaries),
        "agency_count": len(agencies),
    }
    return Page("index.html", "html", "home.html", context)
