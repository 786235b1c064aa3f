"""The pipeline's seams: one per-agency step for check, build and serve, and an
executor seam that any executor can run, with a context that travels by pickle."""

from __future__ import annotations

import datetime
import gc
import hashlib
import pickle
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from generator.build.cache import PACKAGE, code_digest
from generator.build.objects import ObjectStore
from generator.build.part import PartContext
from generator.build.project import build_project, check_project
from generator.build.units import UnitContext, Workers, build_unit, default_executor, scan_units
from generator.content.load import load_agencies, load_site
from generator.preview.app import Preview
from generator.site.plan import site_context
from generator.site.render import Theme
from generator.site.urls import link_prefix

from .conftest import Portal, with_reports

TODAY = datetime.date(2026, 11, 22)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def fill(portal: Portal) -> Portal:
    portal.report("town", 2021)
    return with_reports(portal)


def unit_context(root: Path) -> UnitContext:
    registry = load_agencies(root).value
    site = site_context(load_site(root).value, link_prefix("/"))
    return UnitContext(PartContext(root, site, registry, TODAY, search=True), Theme.for_project(root))


def test_the_unit_context_survives_a_pickle_round_trip_without_a_template_engine(portal: Portal) -> None:
    context = unit_context(fill(portal).root)
    _ = context.theme.environment, context.part.registry  # built, as in a controller that rendered a page already
    again = pickle.loads(pickle.dumps(context))
    assert again == context
    assert "environment" not in vars(again.theme)  # the worker builds its own
    units, _ = scan_units(portal.root, context.part.agencies)
    assert build_unit(again, units[0]) == build_unit(context, units[0])


def test_a_worker_returns_each_output_with_its_bytes_and_their_hash(portal: Portal) -> None:
    context = unit_context(fill(portal).root)
    units, _ = scan_units(portal.root, context.part.agencies)
    result = build_unit(context, next(u for u in units if u.folder == "county-edu"))
    paths = {o.path for o in result.outputs}
    assert {"reports/county-edu/2020/index.html", "reports/county-edu/2020/report.json", "reports/county-edu/2020/plan.pdf",
            "agencies/county-edu/index.html"} <= paths
    for output in result.outputs:
        assert output.data is not None and output.digest == hashlib.sha256(output.data).hexdigest()
    assert next(o for o in result.outputs if o.path.endswith("plan.pdf")).data == "附件第一版".encode()


def test_a_worker_beside_the_store_stores_its_files_itself_and_sends_back_their_hashes(portal: Portal, tmp_path: Path) -> None:
    store = ObjectStore(str(tmp_path / "objects"))
    context = replace(unit_context(fill(portal).root), store=store)
    units, _ = scan_units(portal.root, context.part.agencies)
    result = build_unit(context, next(u for u in units if u.folder == "county-edu"))
    assert result.outputs and all(o.data is None for o in result.outputs)
    for output in result.outputs:
        assert hashlib.sha256(Path(store.path(output.digest)).read_bytes()).hexdigest() == output.digest


def test_a_thread_pool_builds_the_same_site_as_the_serial_and_the_forked_build(portal: Portal, tmp_path: Path) -> None:
    """Serial and forked workers store their files themselves; a thread pool, like any
    executor given, sends the bytes back to be stored: the same site comes out."""
    fill(portal)
    sites = {}
    for name, options in (("serial", {"jobs": 1}), ("forked", {"jobs": 2}), ("threads", {"workers": Workers(ThreadPoolExecutor(2), slots=2)})):
        copy = tmp_path / name
        shutil.copytree(portal.root, copy)
        result = build_project(copy, copy / "site", None, TODAY, search=False, clean=True, **options)  # type: ignore[arg-type]
        assert result.ok and result.rendered > 0
        sites[name] = tree(copy / "site")
    assert sites["serial"] == sites["forked"] == sites["threads"]
    assert "reports/town/2021/index.html" in sites["serial"]


def test_forked_workers_leave_nothing_frozen_after_a_build_and_keep_a_callers_freeze() -> None:
    """The pool freezes the parent's objects so that the workers' collections skip them; a build
    leaves the collector as it found it, and a long-running caller that froze its own objects (the
    preview) keeps them frozen."""
    gc.unfreeze()  # whatever an earlier test froze: only the collector's speed depends on it
    with default_executor(2, 2) as pool:
        assert pool is not None and pool.submit(abs, -3).result() == 3
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with default_executor(2, 2) as pool:
            assert pool is not None and pool.submit(abs, -4).result() == 4
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_check_and_build_find_the_same_problems_for_a_report_filed_in_another_agencys_folder(portal: Portal) -> None:
    fill(portal)
    misfiled = portal.report("county", 2021)
    target = portal.root / "content/reports/town/2019.md"
    misfiled.rename(target)
    checked = check_project(portal.root, TODAY)
    built = build_project(portal.root, portal.root / "site", None, TODAY, search=False, jobs=2)
    assert not built.ok
    assert built.problems == checked.problems
    assert any(p.rule == "path-mismatch" and p.file == "content/reports/town/2019.md" for p in checked.problems)


def test_the_preview_serves_what_the_build_writes(portal: Portal) -> None:
    """The preview runs the build's step: every page it would serve is the build's file, byte for byte."""
    fill(portal)
    build_project(portal.root, portal.root / "site", None, TODAY, search=False, jobs=1)
    built = tree(portal.root / "site")
    preview = Preview(portal.root)
    for output in preview.snapshot.pages:
        response = preview.respond("/" + output.removesuffix("index.html"))
        body = response.body
        if preview.snapshot.pages[output].format.document:  # the preview adds its live-reload script
            body = body.replace(body[body.rfind(b"<script src=\"/__xxgk/") : body.rfind(b"</body>")], b"")
        assert body == built[output], output
    # 6 reports × (page, JSON), 3 agencies, 4 years, 5 portal-wide pages, 5 regions' (and their index),
    # the query builder with its index and 4 years' files, the compliance pages of the 4 years and their index
    assert len(preview.snapshot.pages) == 40


def test_the_code_digest_changes_with_any_module_of_any_subpackage(tmp_path: Path) -> None:
    package = tmp_path / "generator"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(package)
    assert before == code_digest(PACKAGE)
    plan = package / "site/plan.py"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert code_digest(package) != before
