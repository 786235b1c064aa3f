"""What Pagefind indexes of a report: a small document, not the public page.

Each report gets a document whose body is the token stream of `segment` and
whose metadata and filters are readable text, so results link to the report
page and excerpts can be rebuilt in the browser. The title and the agency's
name are indexed apart from the rest (the head of `segment.document_tokens`),
so that a match in them can rank higher.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from ..content.narrative import to_text
from ..model import PATH_SEPARATOR, Agency, CheckedReport
from ..site import urls
from ..site.plan import SEARCH_FILTERS
from ..site.summaries import report_title
from .labels import table_labels
from .segment import index_content


@dataclass(frozen=True)
class SearchDocument:
    path: str  # the report page's path under the site root, e.g. reports/a/2022/
    agency_id: str
    title: str
    agency: str
    year: int
    level: str
    regions: tuple[str, ...]  # every level of the region path, for the 地区 filter
    format: str
    body: str  # what is indexed after the title and agency: region, year, narrative
    excerpt_text: str  # the readable part excerpts are cut from: the narrative

    @cached_property
    def digest(self) -> str:
        """A hash of the fields: what the indexed page is made from. Cached, and kept
        when the document is pickled into the build cache."""
        digest = hashlib.sha256()
        for value in (self.path, self.agency_id, self.title, self.agency, str(self.year), self.level, *self.regions, self.format, self.body, self.excerpt_text):
            digest.update(value.encode() + b"\0")
        return digest.hexdigest()

    @property
    def head(self) -> str:
        """What is indexed first, and ranks higher: the title and the agency's name."""
        return self.title + "\n" + self.agency

    @property
    def text(self) -> str:
        """Everything indexed: the head, then the body."""
        return self.head + "\n" + self.body

    @property
    def searchable(self) -> str:
        """Everything a reader can find the report by: the indexed text and its table labels."""
        return self.text + "\n" + "\n".join(table_labels(self.format))


@dataclass(frozen=True)
class DocumentRef:
    """What planning the index needs of a document, without its text: the build cache
    keeps these apart from the documents, which are loaded only to be indexed."""

    path: str
    agency_id: str
    year: int
    format: str
    digest: str

    @classmethod
    def of(cls, doc: SearchDocument) -> DocumentRef:
        return cls(doc.path, doc.agency_id, doc.year, doc.format, doc.digest)


Indexable = SearchDocument | DocumentRef
Loader = Callable[[list[Indexable]], list[SearchDocument]]
"""Turns references into the documents they stand for, in the same order."""


def region_levels(region: tuple[str, ...]) -> tuple[str, ...]:
    """`A / B / C` → `A`, `A / B`, `A / B / C`: a filter on a city finds its counties too."""
    return tuple(PATH_SEPARATOR.join(region[: i + 1]) for i in range(len(region)))


def search_document(c: CheckedReport, agency: Agency) -> SearchDocument:
    report = c.report
    title = report_title(c, agency)
    narrative = to_text(report.narrative)
    body = "\n".join([" ".join(agency.region), f"{report.year}年", narrative])
    return SearchDocument(
        path=urls.report(agency.id, report.year).path,
        agency_id=agency.id,
        title=title,
        agency=agency.name,
        year=report.year,
        level=agency.level,
        regions=region_levels(agency.region),
        format=report.format,
        body=body,
        excerpt_text=narrative,
    )


def search_documents(checked: Iterable[CheckedReport], agencies: Iterable[Agency]) -> list[SearchDocument]:
    """Every report's document, by year then agency."""
    by_id = {a.id: a for a in agencies}
    ordered = sorted(checked, key=lambda c: (c.report.year, c.report.agency_id))
    return [search_document(c, by_id[c.report.agency_id]) for c in ordered]


def document_html(doc: SearchDocument) -> bytes:
    """The page Pagefind indexes for one report: tokens in the body, readable metadata and filters."""
    e = html.escape
    values = {"year": [str(doc.year)], "region": list(doc.regions), "level": [doc.level], "agency": [doc.agency]}
    filters = [(key, value) for key, _ in SEARCH_FILTERS for value in values[key]] + [("format", doc.format)]
    return (
        "<!DOCTYPE html>\n<html lang=\"und\"><head><meta charset=\"utf-8\"><title></title></head><body>\n"
        f'<span data-pagefind-meta="title">{e(doc.title)}</span>'
        f'<span data-pagefind-meta="agency">{e(doc.agency)}</span>'
        f'<span data-pagefind-meta="year">{doc.year}</span>\n'
        # Pagefind folds line breaks in metadata into spaces; an ideographic space keeps
        # blocks apart the way Chinese typesetting does, without a space inside a line.
        f'<div data-pagefind-meta="text">{e(doc.excerpt_text.replace(chr(10), chr(0x3000)))}</div>\n'
        + "".join(f'<span data-pagefind-filter="{key}">{e(value)}</span>' for key, value in filters)
        + f"\n<main data-pagefind-body>{e(index_content(doc.year, doc.head, doc.body))}</main>\n</body></html>\n"
    ).encode("utf-8")


