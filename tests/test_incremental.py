"""Incremental and parallel builds: the cache may save work, never change the site.

Every test here compares a build that used the cache (or several processes)
with a clean build of the same content in a fresh copy of the portal, file by
file and byte by byte.
"""

from __future__ import annotations

import datetime
import gc
import gzip
import json
import os
import shutil
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.build.pages
import generator.build.units
import generator.build.write
import generator.exports.sitemap
import generator.search.index
from generator.build.cache import CACHE_DIR, BuildCache
from generator.build.project import BuildResult, build_project, check_project
from generator.build.units import Workers
from generator.cli import main
from generator.site.render import builtin_theme

from .conftest import REPORT_2019, Portal, with_reports

TODAY = datetime.date(2026, 11, 22)


def build(root: Path, out: Path | None = None, clean: bool = False, jobs: int | None = None, search: bool = False) -> BuildResult:
    result = build_project(root, out or root / "site", None, TODAY, search=search, jobs=jobs, clean=clean)
    assert result.ok, result.errors
    return result


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def clean_copy(portal: Portal, tmp_path: Path) -> dict[str, bytes]:
    """The site a clean build makes of the same content, in a copy of the portal with no cache."""
    copy = tmp_path / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(portal.root, copy, ignore=shutil.ignore_patterns("site", ".site-previous", CACHE_DIR))
    build(copy, clean=True, jobs=1)
    return tree(copy / "site")


@pytest.fixture
def county(portal: Portal) -> Portal:
    return with_reports(portal)


def edit_text(portal: Portal) -> None:
    portal.report("county", 2022, changes={"本年度共收到政府信息公开申请 8 件。": "本年度共收到政府信息公开申请 8 件，均已按时答复。"})


def edit_figure(portal: Portal) -> None:
    portal.report("county", 2022, changes={"licensing: 35": "licensing: 36"})


def rename_agency(portal: Portal) -> None:
    path = portal.root / "content/agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("测试县教育局", "测试县教育和体育局"), encoding="utf-8")


def change_template(portal: Portal) -> None:
    base = (builtin_theme() / "base.html").read_text(encoding="utf-8")
    assert base.count("</body>") == 1
    portal.write("templates/base.html", base.replace("</body>", "<p>本门户使用自己的页脚模板。</p>\n</body>"))


def change_setting(portal: Portal) -> None:
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 测试门户", "title: 测试县政府信息公开年报"), encoding="utf-8")


def set_identifiers(portal: Portal) -> None:
    """Every page's footer and head show them."""
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "site_id_code: bm00000001\nicp_record: 测ICP备00000000号\n", encoding="utf-8")


def give_full_address(portal: Portal) -> None:
    """The same path, now with its host: every page names its canonical address."""
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://xxgk.example.gov.cn/"), encoding="utf-8")


def delete_report(portal: Portal) -> None:
    (portal.root / "content/reports/county/2018.md").unlink()


def add_report(portal: Portal) -> None:
    portal.report("town", 2022, published="2023-01-31")


def replace_attachment(portal: Portal) -> None:
    portal.write("content/reports/county-edu/plan.pdf", "附件第二版")


CHANGES: dict[str, Callable[[Portal], None]] = {
    "report text": edit_text,
    "table figure": edit_figure,
    "agency name": rename_agency,
    "template": change_template,
    "setting": change_setting,
    "site identifiers": set_identifiers,
    "full address": give_full_address,
    "deleted report": delete_report,
    "new report": add_report,
    "attachment": replace_attachment,
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_kind_of_change_an_incremental_build_equals_a_clean_one(county: Portal, tmp_path: Path, change: str) -> None:
    build(county.root)
    before = tree(county.root / "site")
    CHANGES[change](county)
    build(county.root)
    after = tree(county.root / "site")
    assert after != before  # the change shows
    assert after == clean_copy(county, tmp_path)


def take_address_away(portal: Portal) -> None:
    """Back to a path: the feeds, the sitemap and robots.txt go."""
    path = portal.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("base_url: https://xxgk.example.gov.cn/", "base_url: /"), encoding="utf-8")


def move_publication_date(portal: Portal) -> None:
    portal.report("county", 2020, template=REPORT_2019, published="2021-01-25")


ONLINE_CHANGES: dict[str, Callable[[Portal], None]] = {
    **{name: change for name, change in CHANGES.items() if name != "full address"},
    "publication date": move_publication_date,
    "path only": take_address_away,
}
"""The changes again, on a portal with its full address (feeds, sitemap, robots.txt) and the Parquet dataset."""


@pytest.fixture
def online(county: Portal) -> Portal:
    give_full_address(county)
    path = county.root / "content/site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "parquet: true\n", encoding="utf-8")
    return county


@pytest.mark.parametrize("change", ONLINE_CHANGES)
def test_with_feeds_sitemap_and_parquet_an_incremental_build_equals_a_clean_one(online: Portal, tmp_path: Path, change: str) -> None:
    pytest.importorskip("pyarrow")
    build(online.root)
    before = tree(online.root / "site")
    assert {"atom.xml", "agencies/county/atom.xml", "sitemap.xml", "robots.txt", "data/parquet/year=2022/part-0.parquet"} <= before.keys()
    ONLINE_CHANGES[change](online)
    build(online.root)
    after = tree(online.root / "site")
    assert after != before
    assert after == clean_copy(online, tmp_path)


def test_split_sitemaps_stay_equal_to_a_clean_build_through_every_change(online: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(generator.exports.sitemap, "SITEMAP_LIMIT", 3)
    build(online.root)
    assert (online.root / "site/sitemaps/sitemap-4.xml").is_file()
    for change in ONLINE_CHANGES.values():
        change(online)
        build(online.root)
        assert tree(online.root / "site") == clean_copy(online, tmp_path)


def changed(before: dict[str, bytes], after: dict[str, bytes], kinds: tuple[str, ...]) -> set[str]:
    return {path for path in before.keys() | after.keys() if path.endswith(kinds) and before.get(path) != after.get(path)}


def test_an_edit_changes_only_the_feeds_sitemaps_and_data_files_that_contain_it(online: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(generator.exports.sitemap, "SITEMAP_LIMIT", 5)
    kinds = (".xml", ".txt", ".parquet")
    build(online.root)
    first = tree(online.root / "site")
    edit_figure(online)  # county's 2022 report, a figure no feed shows: only its year's data file
    build(online.root)
    second = tree(online.root / "site")
    assert changed(first, second, kinds) == {"data/parquet/year=2022/part-0.parquet"}
    online.report("county", 2022, changes={"review: [1, 0, 0, 1]": "review: [2, 0, 0, 1]"})  # a key figure, in the feeds' summaries
    build(online.root)
    assert changed(second, tree(online.root / "site"), kinds) == {"atom.xml", "agencies/county/atom.xml", "data/parquet/year=2022/part-0.parquet"}
    second = tree(online.root / "site")
    # county's 2020 report: its page is in the fifth sitemap, the 2020 year page and compliance page (whose
    # dates it sets) in the second and the fourth
    move_publication_date(online)
    build(online.root)
    third = tree(online.root / "site")
    assert changed(second, third, kinds) == {"atom.xml", "agencies/county/atom.xml", "sitemaps/sitemap-2.xml", "sitemaps/sitemap-4.xml", "sitemaps/sitemap-5.xml"}
    report = online.root / "content/reports/county/2022.md"
    report.write_text(report.read_text(encoding="utf-8").replace("仍需改进。", "仍需改进，明年再议。"), encoding="utf-8")  # the narrative alone
    build(online.root)
    assert changed(third, tree(online.root / "site"), kinds) == set()


def test_every_kind_of_change_in_turn_keeps_the_site_equal_to_a_clean_build(county: Portal, tmp_path: Path) -> None:
    """One portal changed again and again: the previous site kept beside the published one
    is brought up to date each time from two builds back."""
    build(county.root)
    for change in CHANGES.values():
        change(county)
        build(county.root)
        assert tree(county.root / "site") == clean_copy(county, tmp_path)
    assert (county.root / ".site-previous").is_dir()


def test_a_text_edit_renders_only_that_agencys_pages(county: Portal) -> None:
    build(county.root)
    edit_figure(county)
    total = build(county.root)  # the first site is kept beside this one, for the next build to update
    edit_text(county)
    result = build(county.root)
    # county: three report pages, their three report.json and its agency page; no index page
    # lists the edited sentence, and the other agencies' pages are taken from the cache.
    assert result.rendered == 7
    assert result.linked == 2  # only the edited report's page and its report.json differ from two builds ago
    assert result.files == total.files


def test_a_figure_edit_also_renders_the_pages_that_total_it(county: Portal) -> None:
    build(county.root)
    year_page = county.root / "site/years/2022/index.html"
    before = year_page.read_text(encoding="utf-8")
    county.report("county", 2022, changes={"review: [1, 0, 0, 1]": "review: [2, 0, 0, 1]"})
    result = build(county.root)
    # and the pages that show its figures: the 2022 year page, the home page, and the statistics
    # pages of its three regions (测试省, 测试市, 测试县) and of the whole portal (the regions' index),
    # and the query builder's file of that year; not the year's compliance page, whose verdicts are the same
    assert result.rendered == 7 + 2 + 4 + 1
    assert year_page.read_text(encoding="utf-8") != before


def test_a_rebuild_with_nothing_changed_leaves_the_site_alone(county: Portal) -> None:
    build(county.root)
    page = county.root / "site/reports/county/2022/index.html"
    inode = page.stat().st_ino
    result = build(county.root)
    assert result.unchanged and result.rendered == 0
    assert page.stat().st_ino == inode
    output = CliRunner().invoke(main, ["-p", str(county.root), "build", "--no-search"]).output
    assert "已是最新" in output


def test_a_parallel_build_is_byte_identical_to_a_serial_one(county: Portal, tmp_path: Path) -> None:
    county.report("town", 2019, template=REPORT_2019, published="2020-01-31")
    county.report("town", 2022, published="2023-01-31")
    serial = build(county.root, tmp_path / "serial", clean=True, jobs=1)
    parallel = build(county.root, tmp_path / "parallel", clean=True, jobs=2)
    assert serial.rendered == parallel.rendered > 0
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


def test_clean_ignores_a_damaged_cache(county: Portal, tmp_path: Path) -> None:
    build(county.root)
    objects = county.root / CACHE_DIR / "objects"
    for path in objects.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o644)
            path.write_bytes(b"damaged")
    entries = list((county.root / CACHE_DIR / "units").iterdir())
    entries[0].write_bytes(b"not a pickle")
    on_today = {"SOURCE_DATE_EPOCH": str(int(datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.timezone.utc).timestamp()))}  # the data page shows it
    result = CliRunner().invoke(main, ["-p", str(county.root), "build", "--no-search", "--clean"], env=on_today)
    assert result.exit_code == 0, result.output
    assert tree(county.root / "site") == clean_copy(county, tmp_path)


def test_cached_problems_are_reported_again(county: Portal) -> None:
    county.report("county", 2022, published="2023-06-30")  # late: a warning
    first = build(county.root)
    add_report(county)  # another agency changes; county's problems come from the cache
    second = build(county.root)
    assert "content/reports/county/2022.md" in {p.file for p in first.warnings if p.rule == "late-publication"}
    assert [str(p) for p in second.warnings] == [str(p) for p in first.warnings]


def test_with_search_the_pages_equal_a_clean_build_and_the_edit_is_indexed_on_its_own(county: Portal, tmp_path: Path) -> None:
    """The search index itself differs from a clean build's by design: the edited report
    goes into a small overlay shard (tests/test_search.py checks that the browser finds
    exactly what a clean index finds)."""
    build(county.root, search=True)
    edit_text(county)
    build(county.root, search=True)
    site = county.root / "site"
    incremental = {p: d for p, d in tree(site).items() if not p.startswith("pagefind/")}
    copy = tmp_path / "copy"
    shutil.copytree(county.root, copy, ignore=shutil.ignore_patterns("site", ".site-previous", CACHE_DIR))
    build(copy, clean=True, search=True)
    assert incremental == {p: d for p, d in tree(copy / "site").items() if not p.startswith("pagefind/")}
    manifest = json.loads((site / "pagefind/xxgk.json").read_text(encoding="utf-8"))
    assert manifest["shards"][0] == "overlay" and list(manifest["replaced"].values()) == ["reports/county/2022/"]
    fresh = json.loads((copy / "site/pagefind/xxgk.json").read_text(encoding="utf-8"))
    assert fresh["shards"] == manifest["shards"][1:] and fresh["replaced"] == {}


def test_a_build_without_search_leaves_no_search_index_behind(county: Portal) -> None:
    site = county.root / "site"
    build(county.root, search=True)
    build(county.root, search=True, clean=True)  # the first site, with its index, is kept beside this one
    assert (county.root / ".site-previous/pagefind").is_dir()
    build(county.root)
    assert not (site / "pagefind").exists()
    build(county.root, search=True)
    assert (site / "pagefind/xxgk.json").is_file()


def test_a_second_build_while_one_is_running_is_refused_and_changes_nothing(county: Portal) -> None:
    build(county.root)
    site = county.root / "site"
    before = tree(site)
    edit_text(county)
    cache = BuildCache(county.root / CACHE_DIR)
    with cache.lock():  # as a build running in another process holds it
        result = CliRunner().invoke(main, ["-p", str(county.root), "build", "--no-search"])
    assert result.exit_code == 1
    assert f"另一个 xxgk build 正在生成这个门户（进程 {os.getpid()}）" in result.output
    assert tree(site) == before
    assert build(county.root).rendered > 0  # and once it is done, the next build goes ahead


def test_an_interrupted_update_of_the_kept_site_is_finished_by_the_next_build(county: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(county.root)
    edit_text(county)
    build(county.root)  # the first site is now kept beside the second
    site = county.root / "site"
    published = tree(site)
    real = generator.build.write.link_file
    calls = 0

    def interrupted(source, target):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # part of the kept site updated, then Ctrl-C
        real(source, target)

    monkeypatch.setattr(generator.build.write, "link_file", interrupted)
    edit_figure(county)
    with pytest.raises(KeyboardInterrupt):
        build(county.root)
    assert calls == 2
    assert tree(site) == published
    monkeypatch.undo()
    build(county.root)
    assert tree(site) == clean_copy(county, tmp_path)


class CrashingExecutor(Executor):
    """Runs each task here, and the second fails as a bug in a worker would."""

    def __init__(self) -> None:
        self.tasks = 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.tasks += 1
        future: Future[object] = Future()
        if self.tasks == 2:
            future.set_exception(RuntimeError("a bug in a worker"))
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def test_a_crash_in_a_worker_leaves_the_site_and_no_temporary_folder(county: Portal) -> None:
    build(county.root)
    site = county.root / "site"
    published = tree(site)
    executor = CrashingExecutor()
    with pytest.raises(RuntimeError, match="a bug in a worker"):
        build_project(county.root, site, None, TODAY, search=False, clean=True, workers=Workers(executor, slots=1))
    assert executor.tasks == 3  # every agency's task was sent; the second failed
    assert tree(site) == published
    assert not [p.name for p in county.root.iterdir() if p.name.startswith(".site-") and p.name != ".site-previous"]


class Kept:
    """A stand-in for a unit's result, whose life can be watched."""


def test_a_unit_result_is_let_go_once_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a cluster each result carries its unit's files (54 KB a report): a 300,000-report build ran
    out of memory while `build_units` kept every task it had handed over. It keeps none but the last."""
    made: list[weakref.ref[Kept]] = []

    def chunk(context: object, units: tuple[object, ...]) -> list[Kept]:
        results = [Kept() for _ in units]
        made.extend(weakref.ref(result) for result in results)
        return results

    monkeypatch.setattr(generator.build.units, "build_chunk", chunk)
    with ThreadPoolExecutor(1) as pool:
        results = generator.build.units.build_units(None, list(range(6)), pool)  # type: ignore[arg-type]
        taken = [next(results)[0] for _ in range(6)]  # each result dropped as soon as taken
        gc.collect()
        assert sorted(taken) == list(range(6)) and len(made) == 6
        assert sum(ref() is not None for ref in made) <= 1  # the generator is still open


def test_a_report_filed_under_another_agency_is_checked_against_that_agency_as_it_is_now(county: Portal) -> None:
    """Its checks read the registry entry of the agency it names, which the key of the folder
    it sits in does not cover: so its result is never taken from the cache, and build and check agree."""
    misfiled = county.report("town", 2021, published="2022-02-20")  # late for a township (31 January), not for a county
    misfiled = misfiled.rename(county.root / "content/reports/county-edu/2021.md")  # a sibling's folder, not town's parent's
    first = build_project(county.root, county.root / "site", None, TODAY, search=False)
    assert {p.rule for p in first.problems if p.file == "content/reports/county-edu/2021.md"} == {"path-mismatch", "late-publication"}
    registry = county.root / "content/agencies.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("level: 乡镇/街道", "level: 县级"), encoding="utf-8")
    again = build_project(county.root, county.root / "site", None, TODAY, search=False)
    assert {p.rule for p in again.problems if p.file == "content/reports/county-edu/2021.md"} == {"path-mismatch"}
    assert again.problems == check_project(county.root, TODAY).problems


def test_what_a_killed_build_left_is_cleared_and_a_site_moved_aside_is_put_back(county: Portal, tmp_path: Path) -> None:
    build(county.root)
    site = county.root / "site"
    published = tree(site)
    site.rename(county.root / ".site-old-k1ll3d00")  # killed between the two renames of a swap
    (county.root / ".site-new-k1ll3d00/reports").mkdir(parents=True)  # and another's half-made tree
    (county.root / ".site-new-design-previous").mkdir()  # not a leftover: another output's folder
    edit_text(county)
    build(county.root)
    assert sorted(p.name for p in county.root.iterdir() if p.name.startswith((".site", "site"))) == [".site-new-design-previous", ".site-previous", "site"]
    assert tree(county.root / ".site-previous") == published  # the site put back was the one replaced
    assert tree(site) == clean_copy(county, tmp_path)


def test_the_kept_site_is_updated_from_its_record_without_listing_its_folders(county: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(county.root)
    edit_text(county)
    build(county.root)  # now a site is kept beside the published one, and both are recorded

    def listing(tree, apart):  # type: ignore[no-untyped-def]
        raise AssertionError("the kept site was listed although its record was there")

    monkeypatch.setattr(generator.build.write, "list_tree", listing)
    edit_figure(county)
    build(county.root)
    assert tree(county.root / "site") == clean_copy(county, tmp_path)


def test_unchanged_files_are_not_read_again_and_an_edit_of_the_same_size_and_time_is_seen(
    county: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.build.units, "SETTLED", 0)  # trust files changed just before the last scan (tests are fast)
    build(county.root)
    build(county.root)  # the first wrote the 修订记录, which the next scan reads once
    reads: list[str] = []
    real = generator.build.units.file_digest
    monkeypatch.setattr(generator.build.units, "file_digest", lambda path: reads.append(path) or real(path))
    assert build(county.root).unchanged
    assert reads == []  # nothing changed: no file was read
    path = county.root / "content/reports/county/2022.md"
    status = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("收到政府信息公开申请 8 件", "收到政府信息公开申请 9 件"), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))  # same size, same modification time
    assert path.stat().st_size == status.st_size
    build(county.root)
    assert str(path) in reads and all("/county/" in read for read in reads)  # seen by its change time; no other agency's file read
    assert tree(county.root / "site") == clean_copy(county, tmp_path)


def test_a_shard_indexed_again_takes_its_unchanged_documents_from_the_cache(county: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.search.index, "OVERLAY_LIMIT", 0)  # no overlay: the edited report's shard is indexed again
    build(county.root, search=True)
    edit_text(county)
    build(county.root, search=True)
    index = county.root / "site/pagefind"
    shards = json.loads((index / "xxgk.json").read_text(encoding="utf-8"))["shards"]
    assert "overlay" not in shards
    fragments = [gzip.decompress(f.read_bytes()).decode() for name in shards for f in (index / name / "fragment").glob("*.pf_fragment")]
    assert len(fragments) == 5  # every report, the four unchanged ones loaded from the cache
    assert sum("均已按时答复" in text for text in fragments) == 1


def test_where_hard_links_cannot_be_made_the_site_is_copied_and_stays_right(county: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An output folder on another disk than the cache: every file is copied, and the kept
    site's record (by hash, not inode) still tells which files differ."""

    def no_link(source, target):  # type: ignore[no-untyped-def]
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)  # as the file system of another disk would
    build(county.root)
    for number in range(4):
        county.report("county", 2022, changes={"仍需改进。": f"仍需改进（第 {number} 次修改）。"})
        build(county.root)
        assert tree(county.root / "site") == clean_copy(county, tmp_path)


def test_portal_pages_made_by_workers_are_those_made_here(county: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.build.pages, "PAGES_APART", 1)  # every portal-wide page to the workers
    build(county.root, jobs=2)
    assert tree(county.root / "site") == clean_copy(county, tmp_path)  # made here: one job


def test_a_template_that_fails_in_a_worker_is_named_by_file_and_line(county: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.build.pages, "PAGES_APART", 1)
    county.write("templates/region.html", '{% extends "base.html" %}\n{% block main %}\n{{ region.no_such_field.title }}\n{% endblock %}\n')
    result = build_project(county.root, county.root / "site", None, TODAY, jobs=2)
    assert [(p.file, p.line, p.rule) for p in result.errors] == [("templates/region.html", 3, "template")]
