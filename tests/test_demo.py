"""The demo portal shipped in content/: it is what `make preview` shows a newcomer."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from generator.build.project import build_project, check_project
from generator.formats import format_for_year

from .htmltable import table_captioned

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    result = build_project(ROOT, out, None, TODAY)
    assert result.ok, result.errors
    return out


def test_demo_has_no_errors_and_shows_two_kinds_of_warning() -> None:
    checked = check_project(ROOT, TODAY)
    assert checked.errors == ()
    assert sorted(p.rule for p in checked.warnings) == ["late-publication", "missing-published"]


def test_demo_covers_what_the_portal_is_for() -> None:
    portal = check_project(ROOT, TODAY).portal
    assert len(portal.agencies) >= 8
    assert {a.level for a in portal.agencies} >= {"市级", "县级", "部门", "乡镇/街道"}
    assert len({a.region[2] for a in portal.agencies if len(a.region) > 2}) >= 2  # two counties
    years = {r.year for r in portal.reports}
    assert years == set(range(2018, 2024))
    assert all(r.format == format_for_year(r.year).id for r in portal.reports)
    assert all("演示" in r.narrative for r in portal.reports)  # every report says it is fictional


def test_demo_pages_exist(demo_site: Path) -> None:
    portal = check_project(ROOT, TODAY).portal
    for report in portal.reports:
        base = demo_site / "reports" / report.agency_id / str(report.year)
        assert (base / "index.html").is_file() and (base / "report.json").is_file()
    for agency in portal.agencies:
        assert (demo_site / "agencies" / agency.id / "index.html").is_file()
    for year in range(2018, 2024):
        assert (demo_site / "years" / str(year) / "index.html").is_file()
    assert (demo_site / "index.html").is_file() and (demo_site / "404.html").is_file()


def test_demo_report_page_matches_its_data(demo_site: Path) -> None:
    data = json.loads((demo_site / "reports/shili-xian/2023/report.json").read_text(encoding="utf-8"))
    html = (demo_site / "reports/shili-xian/2023/index.html").read_text(encoding="utf-8")
    grid = table_captioned(html, "三、收到和处理政府信息公开申请情况").grid()
    for row, exported in zip(grid[3:], data["tables"]["三"]["blocks"][0]["rows"], strict=True):
        assert row[-7:] == [str(v) for v in exported["values"]]
    assert 'href="/reports/shili-xian/2023/shili-xian-2023.pdf"' in html
    assert (demo_site / "reports/shili-xian/2023/shili-xian-2023.pdf").read_bytes().startswith(b"%PDF")
