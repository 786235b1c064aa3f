"""Shared fixtures: a small portal written into a temporary directory.

`REPORT_2021` is a complete, valid report whose figures reconcile; tests make
one failing example per rule by replacing a single line of it.
"""

from __future__ import annotations

import functools
import os
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SITE_YAML = """\
title: 测试门户
base_url: /
organiser: 测试单位
footer:
  - ICP备案号：测试
"""

AGENCIES_YAML = """\
agencies:
  - id: county
    name: 测试县人民政府
    region: 测试省 / 测试市 / 测试县
    level: 县级
  - id: county-edu
    name: 测试县教育局
    region: [测试省, 测试市, 测试县]
    level: 部门
    parent: county
  - id: town
    name: 测试县北山镇人民政府
    region: 测试省 / 测试市 / 测试县 / 北山镇
    level: 乡镇/街道
    parent: county
"""

REPORT_2021 = """\
---
agency: {agency}
year: {year}
published: {published}
format: "2021"
tables:
  active:
    regulations: [0, 0, 0]
    normative-documents: [2, 1, 10]
    licensing: 35
    penalties: 12
    enforcement: 3
    fees: 1.25
  applications:
    received: [5, 2, 0, 0, 1, 0]
    carried-over: [1, 0, 0, 0, 0, 0]
    disclosed: [3, 1, 0, 0, 0, 0]
    partly-disclosed: [1, 0, 0, 0, 0, 0]
    denied-secret: [0, 0, 0, 0, 0, 0]
    denied-law: [0, 0, 0, 0, 0, 0]
    denied-safety: [0, 0, 0, 0, 0, 0]
    denied-third-party: [1, 0, 0, 0, 0, 0]
    denied-internal: [0, 0, 0, 0, 0, 0]
    denied-process: [0, 0, 0, 0, 0, 0]
    denied-enforcement: [0, 0, 0, 0, 0, 0]
    denied-inquiry: [0, 0, 0, 0, 0, 0]
    unable-not-held: [0, 1, 0, 0, 0, 0]
    unable-not-existing: [0, 0, 0, 0, 0, 0]
    unable-unclear: [0, 0, 0, 0, 0, 0]
    rejected-petition: [0, 0, 0, 0, 0, 0]
    rejected-repeated: [0, 0, 0, 0, 0, 0]
    rejected-publication: [0, 0, 0, 0, 0, 0]
    rejected-excessive: [0, 0, 0, 0, 0, 0]
    rejected-confirmation: [0, 0, 0, 0, 0, 0]
    other-no-correction: [0, 0, 0, 0, 0, 0]
    other-no-fee: [0, 0, 0, 0, 0, 0]
    other-misc: [0, 0, 0, 0, 1, 0]
    carried-forward: [1, 0, 0, 0, 0, 0]
  appeals:
    review: [1, 0, 0, 1]
    lawsuit-direct: [0, 1, 0, 0]
    lawsuit-after-review: [0, 0, 0, 0]
---

## 一、总体情况

本年度共收到政府信息公开申请 8 件。

## 五、存在的主要问题及改进情况

仍需改进。

## 六、其他需要报告的事项

本年度未收取信息处理费。
"""

REPORT_2019 = """\
---
agency: {agency}
year: {year}
published: {published}
format: "2019"
tables:
  active:
    regulations: [0, 0, 0]
    normative-documents: [3, 3, 41]
    licensing: [120, -4, 318]
    other-services: [15, 2, 40]
    penalties: [30, 0, 12]
    enforcement: [5, 1, 2]
    fees: [4, -1]
    procurement: [6, 128.5]
  applications:
    received: [2, 1, 0, 0, 0, 0]
    carried-over: [0, 0, 0, 0, 0, 0]
    disclosed: [2, 0, 0, 0, 0, 0]
    partly-disclosed: [0, 0, 0, 0, 0, 0]
    denied-secret: [0, 0, 0, 0, 0, 0]
    denied-law: [0, 0, 0, 0, 0, 0]
    denied-safety: [0, 0, 0, 0, 0, 0]
    denied-third-party: [0, 0, 0, 0, 0, 0]
    denied-internal: [0, 0, 0, 0, 0, 0]
    denied-process: [0, 0, 0, 0, 0, 0]
    denied-enforcement: [0, 0, 0, 0, 0, 0]
    denied-inquiry: [0, 0, 0, 0, 0, 0]
    unable-not-held: [0, 0, 0, 0, 0, 0]
    unable-not-existing: [0, 0, 0, 0, 0, 0]
    unable-unclear: [0, 0, 0, 0, 0, 0]
    rejected-petition: [0, 0, 0, 0, 0, 0]
    rejected-repeated: [0, 0, 0, 0, 0, 0]
    rejected-publication: [0, 0, 0, 0, 0, 0]
    rejected-excessive: [0, 0, 0, 0, 0, 0]
    rejected-confirmation: [0, 0, 0, 0, 0, 0]
    other: [0, 0, 0, 0, 0, 0]
    carried-forward: [0, 1, 0, 0, 0, 0]
  appeals:
    review: [0, 0, 0, 0]
    lawsuit-direct: [0, 0, 0, 0]
    lawsuit-after-review: [0, 0, 0, 0]
---

## 一、总体情况

2019 年度报告正文。
"""

FREEFORM = """\
---
agency: {agency}
year: {year}
published: {published}
format: freeform
---

## 一、概述

2018 年度自由格式报告。
"""


class Portal:
    """A portal directory under construction, for one test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "content" / "reports").mkdir(parents=True)
        self.write("content/site.yaml", SITE_YAML)
        self.write("content/agencies.yaml", AGENCIES_YAML)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def report(
        self,
        agency: str = "county",
        year: int = 2022,
        template: str = REPORT_2021,
        published: str | None = None,
        changes: dict[str, str] | None = None,
        name: str | None = None,
    ) -> Path:
        """Write a report from `template`; `changes` maps old text to new (each found exactly once)."""
        text = template.format(agency=agency, year=year, published=published or f"{year + 1}-01-20")
        for old, new in (changes or {}).items():
            assert text.count(old) == 1, f"{old!r} must occur exactly once"
            text = text.replace(old, new)
        return self.write(f"content/reports/{agency}/{name or year}.md", text)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    return Portal(tmp_path / "portal")


def with_reports(portal: Portal) -> Portal:
    """Five reports of two agencies in all three formats, one of them with an attachment."""
    portal.report("county", 2018, template=FREEFORM)
    portal.report("county", 2020, template=REPORT_2019)
    portal.report("county", 2022)
    portal.report("county-edu", 2022, published="2023-02-10")
    portal.write("content/reports/county-edu/plan.pdf", "附件第一版")
    portal.report("county-edu", 2020, template=REPORT_2019, changes={"---\n\n## 一": "attachments:\n  - file: plan.pdf\n    title: 工作计划\n---\n\n## 一"})
    return portal


def pagefind_unstable(path: str) -> bool:
    """Pagefind writes its filter and metadata indexes in hash-map order, so their bytes
    (and the names that carry their hashes) change from run to run (Pagefind issue #638)."""
    name = path.rsplit("/", 1)[-1]
    return path.startswith("pagefind/") and ("/filter/" in path or name.endswith(".pf_meta") or name == "pagefind-entry.json")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# --- browsers and servers ---------------------------------------------------------

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser), one for the whole run."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """Serve `directory` as a plain web server would, on a free port; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
