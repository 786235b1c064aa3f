"""sitemap.xml (sitemaps.org 0.9) and robots.txt: every page a search engine should know, with
the date its content last changed.

As Zola's sitemap.rs: a pure function over trimmed entries (a page's address and its
date), made from the summaries every portal-wide page is made from, so its bytes depend
on the content alone. A page's `lastmod` is the publication date of the newest report it
shows (a report page's own; an agency's or a year's newest; the portal's newest for the
pages that list or search it all), never the build's time, which would tell crawlers
that every page changed at every build; a page with no dated report has none. Over
`SITEMAP_LIMIT` addresses, the sitemap is split into numbered sitemaps listed by a
sitemap index at the same address, so robots.txt names one address either way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from ..model import Agency
from ..site import urls
from ..site.outputs import TEXT, XML, Page, PageCall
from ..site.statistics import region_areas
from ..site.summaries import Summary

SITEMAP_LIMIT = 50_000
"""The most addresses one sitemap may list (sitemaps.org); more are split into numbered sitemaps."""

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # the page's address under the base path (`Route.url`)
    lastmod: str  # ISO date of the newest report it shows, or "" when none has one


def _latest(summaries: list[Summary]) -> str:
    return max((s.published for s in summaries), default="")


def sitemap_entries(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], base: str) -> tuple[SitemapEntry, ...]:
    """Every HTML page of the site but 404, in a fixed order: the portal's own pages, the
    years, then each agency of the registry followed by its reports, oldest first. The
    pages are those `site.plan` makes (a test compares this list with a built site); the
    regions' statistics pages follow the years, and the years' compliance pages them."""
    by_year: dict[int, list[Summary]] = defaultdict(list)
    by_agency: dict[str, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_year[summary.year].append(summary)
        by_agency[summary.agency.id].append(summary)
    latest = _latest(list(summaries))
    entries = [SitemapEntry(route.url(base), latest) for route in urls.LISTED]
    entries += [SitemapEntry(urls.year(year).url(base), _latest(listed)) for year, listed in sorted(by_year.items())]
    entries += [SitemapEntry(urls.region(area.region).url(base), _latest(list(area.reports.summaries))) for area in region_areas(agencies, summaries)]
    entries += [SitemapEntry(urls.compliance(year).url(base), _latest(listed)) for year, listed in sorted(by_year.items())]
    for agency in agencies:
        own = sorted(by_agency.get(agency.id, []), key=lambda s: s.year)
        entries.append(SitemapEntry(urls.agency(agency.id).url(base), _latest(own)))
        entries += [SitemapEntry(s.url, s.published) for s in own]
    return tuple(entries)


def _lastmod(date: str) -> str:
    return f"<lastmod>{date}</lastmod>" if date else ""


def urlset(entries: tuple[SitemapEntry, ...], origin: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    lines += [f"<url><loc>{escape(origin + e.url)}</loc>{_lastmod(e.lastmod)}</url>" for e in entries]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def index(parts: tuple[tuple[str, str], ...], origin: str) -> str:
    """A sitemap index of `parts`: (the numbered sitemap's address, the newest lastmod in it)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    lines += [f"<sitemap><loc>{escape(origin + url)}</loc>{_lastmod(date)}</sitemap>" for url, date in parts]
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def sitemap(entries: tuple[SitemapEntry, ...], site: dict[str, Any]) -> Page:
    """sitemap.xml, when one sitemap holds every page."""
    return Page(urls.SITEMAP.output, XML, "", {"data": urlset(entries, site["origin"])})


def sitemap_part(number: int, entries: tuple[SitemapEntry, ...], site: dict[str, Any]) -> Page:
    return Page(urls.sitemap_part(number).output, XML, "", {"data": urlset(entries, site["origin"])})


def sitemap_index(parts: tuple[tuple[str, str], ...], site: dict[str, Any]) -> Page:
    """sitemap.xml, when the pages are split into numbered sitemaps."""
    return Page(urls.SITEMAP.output, XML, "", {"data": index(parts, site["origin"])})


def sitemap_calls(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any], limit: int | None = None) -> list[PageCall]:
    """The sitemap, or the numbered sitemaps and their index when there are more than
    `limit` pages (default `SITEMAP_LIMIT`), each a call whose arguments are its entries
    alone: an edit that changes no page's address or date makes none of them again."""
    limit = limit or SITEMAP_LIMIT
    entries = sitemap_entries(agencies, summaries, site["base"])
    if len(entries) <= limit:
        return [PageCall(sitemap, "", (entries, site))]
    parts = [entries[start : start + limit] for start in range(0, len(entries), limit)]
    calls = [PageCall(sitemap_part, str(number), (number, part, site)) for number, part in enumerate(parts, start=1)]
    listed = tuple((urls.sitemap_part(number).url(site["base"]), max(e.lastmod for e in part)) for number, part in enumerate(parts, start=1))
    calls.append(PageCall(sitemap_index, "", (listed, site)))
    return calls


def robots(site: dict[str, Any]) -> Page:
    """robots.txt: every page may be crawled, and where the sitemap is. Crawlers read it only
    at the root of a host: a site under a sub-path has its Sitemap line added to the
    host's own robots.txt (docs/zh/feeds.md says so)."""
    text = f"User-agent: *\nDisallow:\n\nSitemap: {site['origin']}{urls.SITEMAP.url(site['base'])}\n"
    return Page(urls.ROBOTS.output, TEXT, "", {"data": text})
