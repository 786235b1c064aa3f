"""Atom feeds (RFC 4287) of newly published reports: one for the whole portal, one per agency.

A reader subscribes to the portal, or to one agency, and learns of each report as it is
published, as GOV.UK's and data.gov's feeds tell of new statistics. Feeds are made as
Zola makes its feeds: pure functions over trimmed entries, here the summaries every
portal-wide page is made from (`site.summaries`), so a feed costs nothing when its
agency's summaries are unchanged, and its bytes depend on the content alone. Every
date in a feed is a report's publication date, never the clock; a report without one
is not listed (an Atom entry must say when it was updated), and an agency none of whose
reports has one has no feed. Feeds give full addresses, so they are made only when
the site knows its own (`site_context`'s `origin`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from .. import __version__
from ..model import Agency
from ..site import meta, urls
from ..site.outputs import ATOM, Page, PageCall
from ..site.summaries import Summary, dated

FEED_LIMIT = 50
"""The portal feed lists the latest this many reports (an agency's feed lists all of its own)."""

TIMEZONE = "+08:00"
"""A publication date is a day in China (UTC+8); Atom wants a time, so it is that day's start."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One report as a feed lists it: all a feed needs of a summary, with full addresses."""

    id: str  # the report page's full address: stable for as long as the report is published there
    title: str
    link: str
    data_link: str  # its report.json
    updated: str  # RFC 3339, from the publication date
    author: str  # the agency that published it
    year: int
    summary: str  # what it is, when it was published, its key figures


@dataclass(frozen=True)
class Feed:
    id: str  # the feed's own full address
    title: str
    link: str  # the page the feed is about (home, an agency's page)
    author: str
    entries: tuple[FeedEntry, ...]  # newest first; never empty

    @property
    def updated(self) -> str:
        return max(entry.updated for entry in self.entries)


def timestamp(published: str) -> str:
    """"2023-01-20" → "2023-01-20T00:00:00+08:00"."""
    return f"{published}T00:00:00{TIMEZONE}"


def newest_first(summaries: Iterable[Summary]) -> list[Summary]:
    """By publication date, newest first; reports published on the same day by year, newest
    first, then by agency id, so the order never depends on the order they came in."""
    by_key = sorted(summaries, key=lambda s: (s.agency.id, -s.year))
    return sorted(by_key, key=lambda s: s.published, reverse=True)  # stable: ties keep the key order


def feed_entry(summary: Summary, site: dict[str, Any]) -> FeedEntry:
    origin = site["origin"]
    link = origin + summary.url
    return FeedEntry(
        id=link,
        title=summary.title,
        link=link,
        data_link=origin + urls.report_json(summary.agency.id, summary.year).url(site["base"]),
        updated=timestamp(summary.published),
        author=summary.agency.name,
        year=summary.year,
        summary=meta.report_description(summary.title, summary.published, summary.figures),
    )


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attribute(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def atom(feed: Feed) -> str:
    """The feed as Atom XML: the same feed gives the same text, byte for byte."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <id>{_text(feed.id)}</id>",
        f"  <title>{_text(feed.title)}</title>",
        f'  <link rel="self" type="application/atom+xml" href="{_attribute(feed.id)}"/>',
        f'  <link rel="alternate" type="text/html" href="{_attribute(feed.link)}"/>',
        f"  <updated>{feed.updated}</updated>",
        f"  <author><name>{_text(feed.author)}</name></author>",
        f'  <generator version="{_attribute(__version__)}">xxgk</generator>',
    ]
    for entry in feed.entries:
        lines += [
            "  <entry>",
            f"    <id>{_text(entry.id)}</id>",
            f"    <title>{_text(entry.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{_attribute(entry.link)}"/>',
            f'    <link rel="alternate" type="application/json" href="{_attribute(entry.data_link)}"/>',
            f"    <published>{entry.updated}</published>",
            f"    <updated>{entry.updated}</updated>",
            f"    <author><name>{_text(entry.author)}</name></author>",
            f'    <category term="{entry.year}" label="{entry.year}年度"/>',
            f"    <summary>{_text(entry.summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def portal_feed(summaries: tuple[Summary, ...], site: dict[str, Any]) -> Page:
    """The portal's feed; `summaries`: the reports it lists, newest first (`feed_calls`)."""
    origin, base = site["origin"], site["base"]
    feed = Feed(
        id=origin + urls.FEED.url(base),
        title=meta.portal_feed_title(site["title"]),
        link=origin + urls.HOME.url(base),
        author=site["organiser"] or site["title"],
        entries=tuple(feed_entry(s, site) for s in summaries),
    )
    return Page(urls.FEED.output, ATOM, "", {"data": atom(feed)})


def agency_feed(summaries: tuple[Summary, ...], site: dict[str, Any]) -> Page:
    """One agency's feed: every report of it that has a publication date (one at least)."""
    origin, base = site["origin"], site["base"]
    agency = summaries[0].agency
    route = urls.agency_feed(agency.id)
    feed = Feed(
        id=origin + route.url(base),
        title=meta.agency_feed_title(agency.name),
        link=origin + agency.url,
        author=agency.name,
        entries=tuple(feed_entry(s, site) for s in newest_first(summaries)),
    )
    return Page(route.output, ATOM, "", {"data": atom(feed)})


def feed_calls(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any]) -> list[PageCall]:
    """The feeds to make, as calls whose arguments are all a feed depends on: the portal's
    from its newest reports alone, each agency's from its own summaries (in registry
    order). None when the site does not know its full address (see `exports.web`)."""
    if not site["origin"]:
        return []
    listed = dated(summaries)
    calls = [PageCall(portal_feed, "", (tuple(newest_first(listed)[:FEED_LIMIT]), site))] if listed else []
    by_agency: dict[str, list[Summary]] = defaultdict(list)
    for summary in listed:
        by_agency[summary.agency.id].append(summary)
    calls += [PageCall(agency_feed, a.id, (tuple(by_agency[a.id]), site)) for a in agencies if a.id in by_agency]
    return calls
