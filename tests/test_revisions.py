"""修订记录: a report changed after the portal first published it says so on its page.

The build keeps each agency's ledger (content/reports/<agency>/revisions.json); these tests
edit reports between builds, as an editor would, and read what the pages and the ledger say.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

from generator.build.cache import CACHE_DIR
from generator.build.project import BuildResult, build_project, check_project

from .conftest import Portal
from .test_data import ROOT, copy_of_demo
from .test_incremental import tree

FIRST = datetime.date(2026, 11, 22)
LATER = datetime.date(2026, 12, 1)


def build(root: Path, today: datetime.date) -> BuildResult:
    return build_project(root, root / "site", None, today, search=False)


def revisions_of(page: Path) -> list[str]:
    """The lines of a report page's 修订记录, as a reader sees them."""
    html = page.read_text(encoding="utf-8")
    section = html.split('<section class="revisions"', 1)[1].split("</section>", 1)[0] if '<section class="revisions"' in html else ""
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", section, re.S)]


def edited(portal: Portal) -> None:
    """A figure of 表二, a sentence and the publication date changed after publication."""
    portal.report("county", 2022, published="2023-01-21", changes={"licensing: 35": "licensing: 36", "仍需改进。": "仍需改进，明年继续。"})


def test_a_first_build_records_each_report_and_shows_no_revisions(portal: Portal) -> None:
    portal.report("county", 2021)
    portal.report("county", 2022)
    result = build(portal.root, FIRST)
    assert result.ok and result.recorded == 1
    ledger = json.loads((portal.root / "content/reports/county/revisions.json").read_text(encoding="utf-8"))
    assert ledger["about"].startswith("修订记录：由 xxgk build 在每次发布时更新")
    assert {year: entry["recorded"] for year, entry in ledger["reports"].items()} == {"2021": "2026-11-22", "2022": "2026-11-22"}
    assert [sorted(entry) for entry in ledger["reports"].values()] == [["figures", "published", "recorded", "text"]] * 2  # no revisions yet
    assert revisions_of(portal.root / "site/reports/county/2022/index.html") == []


def test_a_change_after_publication_is_listed_on_the_page(portal: Portal, tmp_path: Path) -> None:
    portal.report("county", 2022)
    assert build(portal.root, FIRST).ok
    edited(portal)
    result = build(portal.root, LATER)
    assert result.ok and result.recorded == 1
    assert revisions_of(portal.root / "site/reports/county/2022/index.html") == [
        "本站自 2026-11-22 起记录本报告的修改，此后有以下修改：",
        "2026-12-01：正文；发布日期由 2023-01-20 改为 2023-01-21；表二“行政许可”“本年处理决定数量”由 35 改为 36",
    ]
    data = json.loads((portal.root / "site/reports/county/2022/report.json").read_text(encoding="utf-8"))
    assert data["revisions"] == [{"date": "2026-12-01", "changes": ["正文", "发布日期由 2023-01-20 改为 2023-01-21", "表二“行政许可”“本年处理决定数量”由 35 改为 36"]}]
    # The next build finds the ledger as recorded: nothing to record, nothing to render.
    again = build(portal.root, LATER)
    assert again.unchanged and again.recorded == 0
    # A clean build of the same content and ledger, elsewhere, gives the same site byte for byte.
    copy = tmp_path / "copy"
    shutil.copytree(portal.root, copy, ignore=shutil.ignore_patterns("site", ".site-*", CACHE_DIR))
    assert build_project(copy, copy / "site", None, LATER, search=False, clean=True).ok
    assert tree(copy / "site") == tree(portal.root / "site")


def test_a_report_changed_twice_lists_both_changes(portal: Portal) -> None:
    portal.report("county", 2022)
    assert build(portal.root, FIRST).ok
    edited(portal)
    assert build(portal.root, LATER).ok
    portal.report("county", 2022, published="2023-01-21", changes={"licensing: 35": "licensing: 37", "仍需改进。": "仍需改进，明年继续。"})
    assert build(portal.root, LATER + datetime.timedelta(days=1)).ok
    lines = revisions_of(portal.root / "site/reports/county/2022/index.html")
    assert lines[1:] == [
        "2026-12-01：正文；发布日期由 2023-01-20 改为 2023-01-21；表二“行政许可”“本年处理决定数量”由 35 改为 36",
        "2026-12-02：表二“行政许可”“本年处理决定数量”由 36 改为 37",
    ]


def test_a_failed_build_records_nothing(portal: Portal) -> None:
    portal.report("county", 2022)
    assert build(portal.root, FIRST).ok
    ledger = portal.root / "content/reports/county/revisions.json"
    before = ledger.read_bytes()
    portal.report("county", 2022, changes={"licensing: 35": "licensing: 36", "received: [5,": "received: [6,"})  # 表三 no longer adds up
    assert not build(portal.root, LATER).ok
    assert ledger.read_bytes() == before


def test_check_records_nothing(portal: Portal) -> None:
    portal.report("county", 2022)
    assert check_project(portal.root, FIRST).problems == ()
    assert not (portal.root / "content/reports/county/revisions.json").exists()


def test_a_damaged_ledger_stops_the_build_with_its_file_and_line(portal: Portal) -> None:
    portal.report("county", 2022)
    assert build(portal.root, FIRST).ok
    ledger = portal.root / "content/reports/county/revisions.json"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace('"recorded": ', '"recorded": [', 1), encoding="utf-8")
    result = build(portal.root, LATER)
    assert not result.ok
    assert [(p.file, p.line, p.rule, p.message) for p in result.errors] == [
        ("content/reports/county/revisions.json", 4, "revisions-file", "修订记录文件格式有误（第 43 列）：它由 xxgk build 维护，请从版本库恢复，不要手工修改")
    ]
    ledger.write_text('{"about": "修订记录",\n"reports": {\n"2022": "无"}}\n', encoding="utf-8")
    assert [(p.file, p.line, p.rule, p.message) for p in build(portal.root, LATER).errors] == [
        ("content/reports/county/revisions.json", 3, "revisions-file", "修订记录文件的内容无法识别：它由 xxgk build 维护，请从版本库恢复，不要手工修改")
    ]


def test_an_attachment_may_not_take_the_ledgers_name(portal: Portal) -> None:
    portal.write("content/reports/county/revisions.json", "")
    portal.report("county", 2022, changes={"format: \"2021\"\n": "format: \"2021\"\nattachments:\n  - file: revisions.json\n"})
    assert [(p.rule, p.message) for p in check_project(portal.root, FIRST).errors if p.rule == "attachment"] == [
        ("attachment", "附件不能命名为 “revisions.json”：这个名字留给本机关的修订记录，请改名")
    ]


def test_the_demos_ledgers_are_current_and_show_its_one_revision(tmp_path: Path) -> None:
    """The demo's ledgers are kept with it: building it records nothing (so a build of the
    repository's content leaves it clean), and its one revised report shows its history."""
    project = copy_of_demo(tmp_path)
    result = build_project(project, project / "site", None, FIRST, search=False)
    assert result.ok and result.recorded == 0
    assert sorted(p.parent.name for p in (ROOT / "content/reports").glob("*/revisions.json")) == sorted(
        p.name for p in (ROOT / "content/reports").iterdir() if any(p.glob("*.md"))
    )
    revised = [page for page in (project / "site/reports").glob("*/*/index.html") if revisions_of(page)]
    assert [page.relative_to(project / "site").as_posix() for page in revised] == ["reports/shili-xian/2022/index.html"]
    assert revisions_of(revised[0])[1] == "2026-12-02：正文；表二“行政许可”“本年处理决定数量”由 7021 改为 7012"


def test_a_build_that_fails_records_on_the_day_it_succeeds(portal: Portal, tmp_path: Path) -> None:
    """An edited report whose build fails (another agency's error) is recorded, with its date, by
    the build that publishes it: a clean build of the same content says the same."""
    portal.report("county", 2022)
    assert build(portal.root, FIRST).ok
    edited(portal)
    broken = portal.report("county-edu", 2022, changes={"received: [5,": "received: [6,"})  # 表三 no longer adds up
    assert not build(portal.root, LATER).ok
    portal.report("county-edu", 2022)
    assert broken.exists() and build(portal.root, LATER + datetime.timedelta(days=5)).ok
    assert revisions_of(portal.root / "site/reports/county/2022/index.html")[1].startswith("2026-12-06：正文")
    copy = tmp_path / "copy"
    shutil.copytree(portal.root, copy, ignore=shutil.ignore_patterns("site", ".site-*", CACHE_DIR))
    assert build_project(copy, copy / "site", None, LATER + datetime.timedelta(days=5), search=False, clean=True).ok
    assert tree(copy / "site") == tree(portal.root / "site")


def test_a_total_that_becomes_computed_is_the_change_listed(portal: Portal) -> None:
    portal.write("content/site.yaml", "title: 测试门户\nmode: archive\n")
    portal.report("county", 2022, changes={"review: [1, 0, 0, 1]": "review: [1, 0, 0, 1, 3]"})  # a wrong total, as issued
    assert build(portal.root, FIRST).ok
    portal.report("county", 2022)  # the total left out: computed, 2
    assert build(portal.root, LATER).ok
    assert revisions_of(portal.root / "site/reports/county/2022/index.html")[1] == "2026-12-01：表四“行政复议”“总计”由 3 改为 2"
