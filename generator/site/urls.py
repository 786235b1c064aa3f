"""Every address of the site, in one place.

A Route is a page's (or a downloadable file's) path under the site root; its
output file and its URL under any base path are derived from it, so a page,
the links to it, its search document and the file written for it cannot
disagree. The exports, feeds, sitemap, statistics and compliance pages to
come add their routes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..content.layout import GENERATED_BESIDE_ATTACHMENTS

INDEX, REPORT_JSON = GENERATED_BESIDE_ATTACHMENTS


@dataclass(frozen=True)
class Route:
    """`path`: under the site root, without a leading slash; a folder's ends in "/"."""

    path: str

    @property
    def output(self) -> str:
        """The file written for it, relative to the site root."""
        return self.path + INDEX if self.path == "" or self.path.endswith("/") else self.path

    def url(self, base: str) -> str:
        """Its address under `base` (see `link_prefix`)."""
        return base + quote(self.path, safe="/=")  # "=": a Parquet partition's folder (year=2022/)


def link_prefix(base_url: str) -> str:
    """The path every link starts with: "/" or "/xxgk/ndbg/" (from a path or a full URL)."""
    path = urlsplit(base_url).path or "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


HOME = Route("")
AGENCIES = Route("agencies/")
YEARS = Route("years/")
SEARCH = Route("search/")
NOT_FOUND = Route("404.html")
SEARCH_INDEX = "pagefind"
"""The folder of the search index under the site root."""
FEED = Route("atom.xml")
"""The portal's Atom feed of newly published reports (see exports.feeds)."""
SITEMAP = Route("sitemap.xml")
"""The sitemap, or the sitemap index when the site has more pages than one sitemap may list."""
ROBOTS = Route("robots.txt")
PARQUET = "data/parquet/"
"""The folder of the Parquet dataset: one folder per year, as Hive, DuckDB and pyarrow partition."""


REPORT_PATTERN = "reports/{agency}/{year}/"
"""A report's page, by agency id and year (ASCII: never needs quoting); the query builder fills it in."""


def report(agency_id: str, year: int) -> Route:
    return Route(REPORT_PATTERN.format(agency=agency_id, year=year))


def report_json(agency_id: str, year: int) -> Route:
    return Route(f"reports/{agency_id}/{year}/{REPORT_JSON}")


def attachment(agency_id: str, year: int, file: str) -> Route:
    """An attachment is published beside its report's page, under its own name."""
    return Route(f"reports/{agency_id}/{year}/{file}")


def agency(agency_id: str) -> Route:
    return Route(f"agencies/{agency_id}/")


def year(year: int) -> Route:
    return Route(f"years/{year}/")


REGIONS = Route("regions/")
COMPLIANCE = Route("compliance/")
"""The evaluator's view: every year's compliance page, listed."""


def compliance(year: int) -> Route:
    return Route(f"compliance/{year}/")


QUERY = Route("data/query/")
"""The query builder: pick agencies or regions, years and measures (progressive enhancement)."""
QUERY_INDEX = Route("data/query/index.json")


def query_year(year: int) -> Route:
    """One year's figures as the query builder fetches them."""
    return Route(f"data/query/{year}.json")


def region(path: tuple[str, ...]) -> Route:
    """A region's statistics page, by the names of its regions from the largest, as they are
    ("regions/示例省/示例市/"), percent-encoded in links (a name never holds a slash: the
    registry's "省 / 市" is split at them)."""
    return Route("regions/" + "".join(part + "/" for part in path))


def agency_feed(agency_id: str) -> Route:
    return Route(f"agencies/{agency_id}/atom.xml")


def sitemap_part(number: int) -> Route:
    """A numbered sitemap that the sitemap index lists, from 1."""
    return Route(f"sitemaps/sitemap-{number}.xml")


def parquet(year: int) -> Route:
    """The figures of one year as Parquet, in a Hive-style partition folder."""
    return Route(f"{PARQUET}year={year}/part-0.parquet")

# --- open data (docs/en/data.md): the public interface for downloads; never renamed ---

DATA = Route("data/")
"""The data page, which lists every download below."""
DATA_AGENCIES = Route("data/agencies.csv")
DATA_REPORTS = Route("data/reports.csv")
DATA_STATISTICS = Route("data/statistics.csv")
DATA_COMPLIANCE = Route("data/compliance.csv")
DATA_WORKBOOK = Route("data/xxgk-tables.xlsx")
DATA_PACKAGE = Route("data/datapackage.json")
DATA_ZIP = Route("data/xxgk-data.zip")
REPORT_SCHEMA = Route("data/schema/report.schema.json")


def data_figures(year: int) -> Route:
    """The tidy figures of one year's reports."""
    return Route(f"data/figures/{year}.csv")


def data_table(format_id: str, table_key: str) -> Route:
    """One official table of one format, wide: `table_key` is its key in front matter (active, applications, appeals)."""
    return Route(f"data/tables/{format_id}-{table_key}.csv")


def in_data(route: Route) -> str:
    """A download's path relative to the data page: as the data package and the zip name it."""
    assert route.path.startswith(DATA.path), route
    return route.path[len(DATA.path) :]


LISTED = (HOME, YEARS, AGENCIES, REGIONS, SEARCH, DATA, QUERY, COMPLIANCE)
"""The pages of the whole portal at fixed addresses that the sitemap lists (404 is none of them)."""
