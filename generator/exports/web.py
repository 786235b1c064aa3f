"""The web's conventions, all at once: the Atom feeds, the sitemap and robots.txt, as the
portal-wide calls that `build` and `serve` make beside `site.plan.portal_page_calls`.

Each of these files must give full addresses (an Atom id and link, a sitemap's `loc`,
robots.txt's `Sitemap:` line are absolute). A site whose base_url is only a path does
not know its host, so it gets none of them, rather than files of wrong addresses, and
the build says so once (`full_address_note`). robots.txt goes with them: without a
sitemap to name it would say nothing a crawler does not assume.
"""

from __future__ import annotations

from typing import Any

from ..model import Agency
from ..site.outputs import PageCall
from ..site.summaries import Summary
from .feeds import feed_calls
from .sitemap import robots, sitemap_calls


def web_calls(agencies: tuple[Agency, ...], summaries: tuple[Summary, ...], site: dict[str, Any]) -> list[PageCall]:
    """The feeds, the sitemap and robots.txt to make; none when the site's address is a path."""
    if not site["origin"]:
        return []
    return [*feed_calls(agencies, summaries, site), *sitemap_calls(agencies, summaries, site), PageCall(robots, "", (site,))]


def full_address_note(site: dict[str, Any]) -> str | None:
    """What the build tells an editor whose site's address is only a path, or None."""
    if site["origin"]:
        return None
    base = site["base"]
    return (
        f"发布地址 “{base}” 只有路径，没有域名：订阅源（atom.xml）、网站地图（sitemap.xml）和 robots.txt 必须写完整网址，"
        f"因此本次没有生成。请在 content/site.yaml 中把 base_url 写成站点的完整网址（如 https://www.example.gov.cn{base}），"
        "或生成时用 --base-url 指定"
    )
