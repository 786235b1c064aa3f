"""Stage 3, plan: decide every page of the site and the plain data each needs.

A Page holds its output path, its template and a context of plain values; it
depends on nothing else, so render can take pages in any order (or in
parallel) and a later incremental build can compare contexts to skip pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from .formats import FORMATS, KEY_FIGURE_LABELS, REPORT_TITLE, Format, sections_after_tables
from .model import Agency, Checked, CheckedReport, FilledTables, Value

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


def plan_site(checked: Checked, base_url: str | None = None) -> Plan:
    portal = checked.portal
    base = link_prefix(base_url or portal.site.base_url)
    site = {
        "title": portal.site.title,
        "organiser": portal.site.organiser,
        "description": portal.site.description,
        "contact": portal.site.contact,
        "footer": list(portal.site.footer),
        "base": base,
    }
    agencies = {a.id: a for a in portal.agencies}
    reports = sorted(checked.reports, key=lambda c: (c.report.agency_id, c.report.year))
    by_agency: dict[str, list[CheckedReport]] = defaultdict(list)
    by_year: dict[int, list[CheckedReport]] = defaultdict(list)
    for c in reports:
        by_agency[c.report.agency_id].append(c)
        by_year[c.report.year].append(c)
    summaries = {c.report.key: report_summary(c, agencies[c.report.agency_id], base) for c in reports}

    pages: list[Page] = []
    copies: list[Copy] = []
    for c in reports:
        agency = agencies[c.report.agency_id]
        siblings = [summaries[s.report.key] for s in by_agency[agency.id]]
        pages.append(report_page(c, agency, siblings, site))
        pages.append(report_json(c, agency, base))
        copies += [Copy(c.report.directory / a.file, f"reports/{agency.id}/{c.report.year}/{a.file}") for a in c.report.attachments]
    for agency in portal.agencies:
        pages.append(agency_page(agency, [summaries[c.report.key] for c in by_agency[agency.id]], site, agencies))
    for year, year_reports in sorted(by_year.items()):
        pages.append(year_page(year, [summaries[c.report.key] for c in year_reports], portal.agencies, site))
    pages.append(agencies_index(portal.agencies, by_agency, site))
    pages.append(years_index(by_year, portal.agencies, site))
    pages.append(home_page(list(summaries.values()), by_year, portal.agencies, site))
    pages.append(Page("404.html", "html", "404.html", {"site": site, "page": {"title": "页面未找到", "url": base + "404.html"}}))
    pages.append(search_page(site))
    return Plan(tuple(pages), tuple(copies))


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


def report_page(c: CheckedReport, agency: Agency, siblings: list[dict[str, Any]], site: dict[str, Any]) -> Page:
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
        "siblings": [{"year": s["year"], "url": s["url"], "current": s["year"] == report.year} for s in siblings],
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


def agency_page(agency: Agency, summaries: list[dict[str, Any]], site: dict[str, Any], agencies: dict[str, Agency]) -> Page:
    base = site["base"]
    parent = agencies.get(agency.parent) if agency.parent else None
    children = [agency_summary(a, base) for a in agencies.values() if a.parent == agency.id]
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


def year_page(year: int, summaries: list[dict[str, Any]], agencies: tuple[Agency, ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    order = {a.id: i for i, a in enumerate(agencies)}
    summaries = sorted(summaries, key=lambda s: order.get(s["agency"]["id"], len(order)))
    present = {s["agency"]["id"] for s in summaries}
    context = {
        "site": site,
        "page": {"title": f"{year}年度报告", "url": f"{base}years/{year}/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "年度", "url": f"{base}years/"}, {"title": f"{year}年", "url": None}],
        "year": year,
        "reports": summaries,
        "totals": sum_figures(summaries),
        "with_tables": sum(1 for s in summaries if s["figures"] is not None),
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


def agencies_index(agencies: tuple[Agency, ...], by_agency: dict[str, list[CheckedReport]], site: dict[str, Any]) -> Page:
    base = site["base"]
    listed = [
        {**agency_summary(a, base), "reports": len(by_agency[a.id]), "latest": max((c.report.year for c in by_agency[a.id]), default=None)}
        for a in agencies
    ]
    context = {
        "site": site,
        "page": {"title": "全部机关", "url": f"{base}agencies/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "机关", "url": None}],
        "regions": region_tree(listed),
        "count": len(listed),
    }
    return Page("agencies/index.html", "html", "agencies.html", context)


def years_index(by_year: dict[int, list[CheckedReport]], agencies: tuple[Agency, ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    years = [
        {"year": year, "url": f"{base}years/{year}/", "reports": len(reports), "missing": len(agencies) - len({c.report.agency_id for c in reports})}
        for year, reports in sorted(by_year.items(), reverse=True)
    ]
    context = {
        "site": site,
        "page": {"title": "按年度浏览", "url": f"{base}years/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "年度", "url": None}],
        "years": years,
        "agency_count": len(agencies),
    }
    return Page("years/index.html", "html", "years.html", context)


def search_page(site: dict[str, Any]) -> Page:
    base = site["base"]
    context = {
        "site": site,
        "page": {"title": "搜索", "url": f"{base}search/"},
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "搜索", "url": None}],
        "filters": list(SEARCH_FILTERS),
    }
    return Page("search/index.html", "html", "search.html", context)


def home_page(summaries: list[dict[str, Any]], by_year: dict[int, list[CheckedReport]], agencies: tuple[Agency, ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    by_id = sorted(summaries, key=lambda s: s["agency"]["id"])
    latest = sorted(by_id, key=lambda s: (s["year"], s["published"]), reverse=True)  # stable: ties stay by id
    context = {
        "site": site,
        "page": {"title": site["title"], "url": base},
        "latest": latest[:LATEST_ON_HOME],
        "years": [{"year": y, "url": f"{base}years/{y}/", "reports": len(r)} for y, r in sorted(by_year.items(), reverse=True)],
        "regions": region_tree([agency_summary(a, base) for a in agencies]),
        "report_count": len(summaries),
        "agency_count": len(agencies),
    }
    return Page("index.html", "html", "home.html", context)
