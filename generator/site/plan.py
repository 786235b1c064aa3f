"""Stage 3, plan: decide the site's pages and the plain data each needs.

A Page holds its output path, its format, its template and a context of plain
values; it depends on nothing else, so pages render in any order, in any
process. An agency's pages come from its checked reports; the portal-wide
pages (home, years, agencies, search, 404) from every agency's summaries
alone (see `summaries`), which is what lets an agency be planned alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..content.revisions import Entry
from ..formats import FORMATS, publication_deadline, sections_after_tables
from ..formats.measures import RATES
from ..formats.schema import Format, Table
from ..model import Agency, CheckedReport, FilledTable, Problem, Site, of_severity
from ..rules.catalogue import DISCREPANCIES, RULES, public_notice
from ..stats.values import percent, total
from . import meta, urls
from .compliance import agency_history
from .outputs import HTML, Copy, Page, PageCall
from .statistics import Tallied, agency_trends, rate_cells, region_areas, region_page, regions_index, summed, year_over_year
from .summaries import Summary, dated, figure_columns, key_figures, report_summary, report_title, sum_figures

LATEST_ON_HOME = 12

SEARCH_FILTERS = (("year", "年度"), ("region", "地区"), ("level", "机关层级"), ("agency", "机关"))
"""The filters of the search page: the key each search document is tagged with, and its label."""


def site_context(site: Site, base_url: str | None = None) -> dict[str, Any]:
    """What every page shows of the site settings; `base_url` replaces the settings' own
    (`xxgk build --base-url`). Links start with its path; when it is a full address, pages
    also name their canonical address and the site's domain."""
    published_at = base_url or site.base_url
    return {
        "title": site.title,
        "organiser": site.organiser,
        "description": site.description,
        "contact": site.contact,
        "footer": list(site.footer),
        "site_id_code": site.site_id_code,
        "icp_record": site.icp_record,
        "police_record": site.police_record,
        "base": urls.link_prefix(published_at),
        "origin": meta.origin(published_at),
        "domain": meta.domain(published_at),
        "repeated_share": site.repeated_share,  # not shown: what the compliance pages judge by
        "archive": site.archive,  # not shown: whether discrepancies are published (rules.catalogue.as_issued)
    }


def agency_link(agency: Agency, base: str) -> dict[str, Any]:
    """An agency as a page context shows it (a mapping, as templates have always had it)."""
    return {"id": agency.id, "name": agency.name, "region": list(agency.region), "level": agency.level, "url": urls.agency(agency.id).url(base)}


def _contact(agency: Agency) -> dict[str, str]:
    return {"phone": agency.phone, "address": agency.address, "website": agency.website}


def _page(route: urls.Route, template: str, context: dict[str, Any]) -> Page:
    return Page(route.output, HTML, template, context)


# --- one agency -------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyPages:
    """What one agency contributes to the site: its reports' pages and its own page."""

    summaries: tuple[Summary, ...]  # its reports as index pages list them, oldest first
    pages: tuple[Page, ...]
    copies: tuple[Copy, ...]


def agency_pages(
    agency: Agency, group: tuple[CheckedReport, ...], site: dict[str, Any], registry: Iterable[Agency], ledger: Mapping[int, Entry] | None = None
) -> AgencyPages:
    """One agency's report pages and its own page; `group` in year order; `ledger`: its reports'
    修订记录 by year (`content.revisions`)."""
    ledger = ledger or {}
    base = site["base"]
    summaries = tuple(report_summary(c, agency, base, p, site["repeated_share"]) for c, p in zip(group, (None, *group)))
    years = tuple(c.report.year for c in group)
    feeds = agency_feeds(agency, summaries, site)
    previous = (None, *summaries)[: len(summaries)]
    pages = [
        report_page(c, agency, years, site, feeds, year_over_year(s, p), ledger.get(c.report.year))
        for c, s, p in zip(group, summaries, previous, strict=True)
    ]
    copies = [
        Copy(c.report.directory / a.file, urls.attachment(agency.id, c.report.year, a.file).output) for c in group for a in c.report.attachments
    ]
    pages.append(agency_page(agency, summaries, site, registry))
    return AgencyPages(summaries, tuple(pages), tuple(copies))


def agency_feeds(agency: Agency, summaries: tuple[Summary, ...], site: dict[str, Any]) -> list[dict[str, str]]:
    """The agency's feed, which its page and its reports' pages name in their <head>."""
    return meta.feed_links(site, meta.agency_feed_title(agency.name), urls.agency_feed(agency.id).url(site["base"]), len(dated(summaries)))


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


def report_page(
    c: CheckedReport,
    agency: Agency,
    years: tuple[int, ...],
    site: dict[str, Any],
    feeds: list[dict[str, str]] | None = None,
    changes: dict[str, Any] | None = None,
    revised: Entry | None = None,
) -> Page:
    """`years`: every year the agency has a report for, linked from the page; `feeds`: the
    agency's feed; `changes`: the comparison with its previous report (`statistics.year_over_year`);
    `revised`: its 修订记录 (when the portal first published it, and what changed since)."""
    report = c.report
    fmt = FORMATS[report.format]
    base = site["base"]
    before, after = split_narrative(report.narrative, fmt)
    discrepancies = numbered(c.problems)
    route = urls.report(agency.id, report.year)
    url = route.url(base)
    title = report_title(c, agency)
    published = report.published.isoformat() if report.published else ""
    description = meta.report_description(title, published, key_figures(c.tables, report.format))
    context = {
        "site": site,
        "page": meta.page_info(site, title, url, description, meta.REPORTS, meta.article(title, published, agency.name), feeds=feeds),
        "breadcrumbs": [
            {"title": "首页", "url": base},
            {"title": agency.name, "url": urls.agency(agency.id).url(base)},
            {"title": f"{report.year}年", "url": None},
        ],
        "report": {
            "title": title,
            "year": report.year,
            "published": published,
            "format": fmt.name,
            "document": fmt.document,
            "has_tables": bool(fmt.tables),
            "agency": {**agency_link(agency, base), **_contact(agency)},
            "attachments": [{"title": a.title, "url": urls.attachment(agency.id, report.year, a.file).url(base), "file": a.file} for a in report.attachments],
            "timeliness": timeliness(c, agency),
            "notices": [public_notice(p) for p in of_severity(c.problems, "warning") if p.rule not in _SAID_APART],
            "discrepancies": len(discrepancies),
            "json_url": urls.report_json(agency.id, report.year).url(base),
            "year_url": urls.year(report.year).url(base),
        },
        "narrative_before": before,
        "narrative_after": after,
        "tables": [item for table in fmt.tables if (item := _table_item(table, c.tables.get(table.key), discrepancies))],
        "siblings": [{"year": y, "url": urls.report(agency.id, y).url(base), "current": y == report.year} for y in years],
        "changes": changes,
        "revisions": {"recorded": revised.recorded, "list": revised.revisions} if revised and revised.revisions else None,
    }
    return _page(route, "report.html", context)


_TIMELINESS = (RULES.late_publication.id, RULES.missing_published.id, RULES.early_publication.id)
_SAID_APART = frozenset((*_TIMELINESS, *DISCREPANCIES))
"""Warnings a report's page says in their own place (its timeliness, its tables), not among its notices."""


def timeliness(c: CheckedReport, agency: Agency) -> str:
    """Whether the report came out on time, in a sentence for its readers: evaluators score it,
    and a reader asks it first."""
    said = [public_notice(p) for p in c.problems if p.rule in _TIMELINESS]
    return said[0] if said else f"本报告按时发布（规定期限为 {publication_deadline(agency.level, c.report.year).isoformat()}）。"


def numbered(problems: Iterable[Problem]) -> list[tuple[int, Problem]]:
    """A report's published discrepancies (an archive's: `rules.catalogue.as_issued`), numbered
    from 1 in the order `check` lists them: the 注 the page marks their cells with."""
    shown = [p for p in problems if p.rule in DISCREPANCIES and p.severity == "warning"]
    return list(enumerate(shown, start=1))


def _table_item(table: Table, filled: FilledTable | None, discrepancies: list[tuple[int, Problem]]) -> dict[str, Any] | None:
    """What the page shows of an official table: its figures with the cells of its discrepancies
    marked and their notes below; or, when it could not be read whole (an archive publishes
    that), the notes saying what it lacks. None: nothing to show (a free-form report's)."""
    own = [(n, p) for n, p in discrepancies if dict(p.facts).get("table") == table.key]
    if filled is None and not own:
        return None
    marks: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for n, problem in own:
        for _, block, row, column in problem.cells:
            marks[(block, row, column)].append(n)
    return {"table": table, "filled": filled, "marks": marks, "notes": [{"number": n, "text": public_notice(p)} for n, p in own]}


def agency_page(agency: Agency, summaries: tuple[Summary, ...], site: dict[str, Any], registry: Iterable[Agency]) -> Page:
    base = site["base"]
    registry = tuple(registry)
    parent = next((a for a in registry if a.id == agency.parent), None) if agency.parent else None
    route = urls.agency(agency.id)
    context = {
        "site": site,
        "page": meta.page_info(
            site, agency.name, route.url(base), meta.agency_description(agency.name, len(summaries)), meta.BY_AGENCY, feeds=agency_feeds(agency, summaries, site)
        ),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "机关", "url": urls.AGENCIES.url(base)}, {"title": agency.name, "url": None}],
        "compliance": agency_history(summaries, base),
        "agency": {
            **agency_link(agency, base),
            **_contact(agency),
            "parent": agency_link(parent, base) if parent else None,
            "children": [agency_link(a, base) for a in registry if a.parent == agency.id],
        },
        "reports": sorted(summaries, key=lambda s: -s.year),
        "figure_columns": figure_columns(),
        "charts": agency_trends(summaries),
        "region_url": urls.region(agency.region).url(base) if agency.region else None,
    }
    return _page(route, "agency.html", context)


# --- the whole portal ---------------------------------------------------------------


def portal_page_calls(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any]) -> list[PageCall]:
    """The pages that list the whole portal (home, years, agencies) and those of no
    agency (search, 404); `summaries` are every agency's, in registry order."""
    by_year: dict[int, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_year[summary.year].append(summary)
    calls = [PageCall(year_page, str(year), (year, tuple(listed), agencies, site)) for year, listed in sorted(by_year.items())]
    reports = tuple((s.agency.id, s.year) for s in summaries)
    calls += [PageCall(region_page, "/".join(area.region), (*area, site)) for area in region_areas(agencies, summaries)]
    calls.append(PageCall(regions_index, "", (agencies, Tallied(summaries), site)))
    calls.append(PageCall(agencies_index, "", (agencies, reports, site)))
    calls.append(PageCall(years_index, "", (agencies, reports, site)))
    calls.append(PageCall(home_page, "", (agencies, summaries, site)))
    calls.append(PageCall(not_found_page, "", (site,)))
    calls.append(PageCall(search_page, "", (site,)))
    return calls


def year_page(year: int, summaries: tuple[Summary, ...], agencies: tuple[Agency, ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    order = {a.id: i for i, a in enumerate(agencies)}
    listed = sorted(summaries, key=lambda s: order.get(s.agency.id, len(order)))
    present = {s.agency.id for s in listed}
    counted = summed(listed, {a.id: a.covers for a in agencies})  # a 汇总 report's parts are not counted again
    route = urls.year(year)
    context = {
        "site": site,
        "page": meta.page_info(site, f"{year}年度报告", route.url(base), meta.year_description(year, len(listed)), meta.BY_YEAR),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "年度", "url": urls.YEARS.url(base)}, {"title": f"{year}年", "url": None}],
        "year": year,
        "reports": listed,
        "totals": sum_figures(counted),
        "with_tables": sum(1 for s in counted if s.figures is not None),
        "left_out": len(listed) - len(counted),
        "missing": [agency_link(a, base) for a in agencies if a.id not in present],
        "figure_columns": figure_columns(),
        "rate_columns": [{"key": r.key, "label": r.label} for r in RATES],
        "rates": [rate_cells(s) for s in listed],
        "total_rates": [percent(total(s.measures for s in counted).rate(r)) for r in RATES],
    }
    return _page(route, "year.html", context)


def region_tree(listed: list[tuple[tuple[str, ...], Any]]) -> list[dict[str, Any]]:
    """Nest items (agencies as lists show them) under their region path: [{name, agencies, children}]."""
    root: dict[str, Any] = {"children": {}, "agencies": []}
    for region, item in listed:
        node = root
        for part in region:
            node = node["children"].setdefault(part, {"name": part, "children": {}, "agencies": []})
        node["agencies"].append(item)

    def freeze(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"name": child["name"], "agencies": child["agencies"], "children": freeze(child)} for child in node["children"].values()]

    return freeze(root)


def agencies_index(agencies: tuple[Agency, ...], reports: tuple[tuple[str, int], ...], site: dict[str, Any]) -> Page:
    """`reports`: (agency id, year) of every report: all this page needs of them."""
    base = site["base"]
    years: dict[str, list[int]] = defaultdict(list)
    for agency_id, year in reports:
        years[agency_id].append(year)
    listed = [(a.region, {**agency_link(a, base), "reports": len(years[a.id]), "latest": max(years[a.id], default=None)}) for a in agencies]
    context = {
        "site": site,
        "page": meta.page_info(site, "全部机关", urls.AGENCIES.url(base), meta.agencies_description(site["title"], len(listed)), meta.BY_AGENCY),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "机关", "url": None}],
        "regions": region_tree(listed),
        "count": len(listed),
    }
    return _page(urls.AGENCIES, "agencies.html", context)


def years_index(agencies: tuple[Agency, ...], reports: tuple[tuple[str, int], ...], site: dict[str, Any]) -> Page:
    """`reports`: (agency id, year) of every report."""
    base = site["base"]
    by_year: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for agency_id, year in reports:
        by_year[year].add(agency_id)
        counts[year] += 1
    years = [
        {"year": year, "url": urls.year(year).url(base), "reports": counts[year], "missing": len(agencies) - len(by_year[year])}
        for year in sorted(by_year, reverse=True)
    ]
    context = {
        "site": site,
        "page": meta.page_info(site, "按年度浏览", urls.YEARS.url(base), meta.years_description(site["title"], len(years)), meta.BY_YEAR),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "年度", "url": None}],
        "years": years,
        "agency_count": len(agencies),
    }
    return _page(urls.YEARS, "years.html", context)


def not_found_page(site: dict[str, Any]) -> Page:
    page = meta.page_info(site, "页面未找到", urls.NOT_FOUND.url(site["base"]), meta.NOT_FOUND_DESCRIPTION, canonical=False)
    return _page(urls.NOT_FOUND, "404.html", {"site": site, "page": page})


def search_page(site: dict[str, Any]) -> Page:
    base = site["base"]
    context = {
        "site": site,
        "page": meta.page_info(site, "搜索", urls.SEARCH.url(base), meta.search_description(site["title"])),
        "breadcrumbs": [{"title": "首页", "url": base}, {"title": "搜索", "url": None}],
        "filters": list(SEARCH_FILTERS),
    }
    return _page(urls.SEARCH, "search.html", context)


def home_page(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any]) -> Page:
    base = site["base"]
    by_id = sorted(summaries, key=lambda s: s.agency.id)
    latest = sorted(by_id, key=lambda s: (s.year, s.published), reverse=True)  # stable: ties stay by id
    by_year: dict[int, int] = defaultdict(int)
    for s in summaries:
        by_year[s.year] += 1
    context = {
        "site": site,
        "page": meta.page_info(
            site, site["title"], base, meta.home_description(site, len(agencies), len(summaries)),
            feeds=meta.feed_links(site, meta.portal_feed_title(site["title"]), urls.FEED.url(base), len(dated(summaries))),
        ),
        "latest": latest[:LATEST_ON_HOME],
        "years": [{"year": y, "url": urls.year(y).url(base), "reports": count} for y, count in sorted(by_year.items(), reverse=True)],
        "regions": region_tree([(a.region, agency_link(a, base)) for a in agencies]),
        "report_count": len(summaries),
        "agency_count": len(agencies),
    }
    return _page(urls.HOME, "home.html", context)
