"""Screenshots of the demo portal for the README: a report on a desktop screen and on a
phone, and the search page with results. Made from the demo in content/, built for the
occasion, in Debian's Chromium (the browser the tests use), so they show what the code
renders today.

    .venv/bin/python tests/screenshots.py        # or: make screenshots

writes docs/images/report-desktop.png, report-phone.png and search.png.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build.project import build_project  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, static_server  # noqa: E402

IMAGES = ROOT / "docs" / "images"
REPORT = "reports/shili-xian/2022/"
QUERY = "行政复议"
SHOTS = (
    ("report-desktop.png", {"width": 1280, "height": 900}, REPORT, "#table-applications"),
    ("report-phone.png", {"width": 390, "height": 844}, REPORT, "#table-applications"),
    ("search.png", {"width": 1280, "height": 900}, f"search/?q={QUERY}", None),
)


def main() -> None:
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "site"
        assert build_project(ROOT, site, "/", datetime.date.today()).ok, "the demo does not build"
        with static_server(site) as origin, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("XXGK_CHROMIUM", CHROMIUM), args=CHROMIUM_ARGS)
            for name, viewport, path, anchor in SHOTS:
                page = browser.new_page(viewport=viewport, device_scale_factor=1)
                page.goto(f"{origin}/{path}")
                if anchor is None:
                    page.locator("#search-results li").first.wait_for()
                elif page.locator(anchor).count():
                    page.locator(anchor).scroll_into_view_if_needed()
                    page.evaluate("window.scrollBy(0, -80)")
                page.screenshot(path=str(IMAGES / name))
                page.close()
                print(f"wrote docs/images/{name}")
            browser.close()


if __name__ == "__main__":
    main()
