"""The rule catalogue: every rule the code can emit is catalogued (found by running
`xxgk check` over portals that break every rule, and by reading the code), every
entry has a title and a basis, the guide's table (docs/zh/check.md) agrees with it, and the rule
tables of `validate` emit only the rules they declare."""

from __future__ import annotations

import ast
import dataclasses
import datetime
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.build.project import check_project
from generator.content.load import load_portal, load_report
from generator.content.tables import read_tables
from generator.formats import CROSS_YEAR_RULES, FORMATS
from generator.model import Problem, RuleSpec
from generator.rules.catalogue import BY_ID, CATALOGUE, DISCREPANCIES, RULES, Rules, public_notice
from generator.rules.ruler import Step, emitted, run_table
from generator.rules.validate import BETWEEN_YEARS, REPORT_RULES, ReportFacts, YearPair
from generator.site.render import Theme, template_problems

from .conftest import FREEFORM, REPORT_2019, REPORT_2021, Portal

TODAY = datetime.date(2026, 11, 22)
REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = REPOSITORY / "generator"


# --- portals that break every rule ---------------------------------------------------------


def bad_registry(portal: Portal) -> None:
    portal.write(
        "content/agencies.yaml",
        (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
        + "  - id: town\n    name: 重复\n    region: 甲\n    level: 部门\n"  # duplicate-agency
        + "  - id: Bad_ID\n    name: 甲\n    region: 乙\n    level: 部门\n"  # agency-id
        + "  - id: high\n    name: 甲\n    region: 乙\n    level: 国家级\n"  # agency-level
        + "  - id: web\n    name: 甲\n    region: 乙\n    level: 部门\n    website: ftp://x\n"  # agency-website
        + "  - id: orphan\n    name: 甲\n    region: 乙\n    level: 部门\n    parent: nobody\n"  # unknown-agency
        + "  - id: shapeless\n    name: 甲\n    region: 123\n    level: 部门\n",  # wrong-type
    )
    portal.write(
        "content/site.yaml", "title: 测试\nbase_url: 'xxgk/'\nfooter: 1\nlogo: x\nicp_record: ICP备案号：测试\ndata_licence: CC-BY-5.0\n"
    )  # base-url, wrong-type, unknown-key, site-identifier, data-licence


def bad_arithmetic(portal: Portal) -> None:
    portal.report("county", 2022, changes={"received: [5, 2, 0, 0, 1, 0]": "received: [5, 2, 0, 0, 1, 0, 9]", "review: [1, 0, 0, 1]": "review: [1, 0, 0, 1, 5]"})
    portal.report(
        "county",
        2021,
        changes={
            "carried-forward: [1, 0, 0, 0, 0, 0]": "carried-forward: [2, 0, 0, 0, 0, 0]",  # balance, and next year's carry-over
            "    carried-forward:": "    results-total: [9, 2, 0, 0, 1, 0]\n    carried-forward:",
        },
    )


def bad_fields(portal: Portal) -> None:
    portal.report("county-edu", 2022, template=REPORT_2019)  # format-mismatch
    portal.report("county-edu", 2021, published="2022-03-01")  # late-publication
    portal.report("county-edu", 2020, template=REPORT_2019, published="2020-06-30")  # early-publication
    portal.report("county-edu", 2019, template=REPORT_2019, changes={"published: 2020-01-20\n": "", "fees: [4, -1]": "fees: [4, x]"})
    portal.report("county-edu", 2999, template=REPORT_2019)  # year-range
    portal.report("county-edu", 2018, template=FREEFORM, changes={"format: freeform": "format: freeform\ntables: {active: {}}"})
    portal.report("county-edu", 2017, template=FREEFORM, changes={"format: freeform": "format: chinese"})
    portal.report("county-edu", 2016, template=FREEFORM, changes={"format: freeform": "format: freeform\nattachments: [原件.pdf]"})
    portal.report("county-edu", 2015, template=FREEFORM, changes={"format: freeform": "format: freeform\ntitel: x", "published: 2016-01-20": "published: 明年"})
    portal.report("county-edu", 2014, template=FREEFORM, changes={"agency: county-edu\n": ""})  # required-field
    portal.report("county-edu", 2013, template=FREEFORM, name="2012")  # path-mismatch
    portal.report("county-edu", 2013, template=FREEFORM, name="2013")  # duplicate-report with the one above
    portal.report("nobody", 2022)  # unknown-agency


def bad_tables(portal: Portal) -> None:
    portal.report("town", 2022, changes={"denied-law:": "denied-laws:"})  # unknown-row, missing-row
    portal.report("town", 2021, changes={"  appeals:": "  appeal:"})  # unknown-table, missing-table
    portal.report("town", 2020, template=REPORT_2019, changes={"received: [2, 1, 0, 0, 0, 0]": "received: [2, 1]"})  # column-count
    portal.report("town", 2019, template=REPORT_2019, changes={"  appeals:\n": "  appeals: []\n  other-appeals:\n"})  # wrong-type
    portal.report("town", 2018, template=FREEFORM, changes={"published: 2019-01-20": "published: 2019-02-30"})  # invalid-date


def bad_files(portal: Portal) -> None:
    folder = portal.root / "content/reports/county"
    folder.mkdir(parents=True, exist_ok=True)
    valid = REPORT_2021.format(agency="county", year=2022, published="2023-01-20")
    files = {
        "2008.md": b"",  # empty-file
        "2009.md": b"---\nagency: county\x00\n---\n",  # binary-file
        "2010.md": valid.encode("gb18030"),  # encoding
        "2011.md": b"agency: county\n",  # front-matter
        "2012.md": b"---\nagency: [county\n---\n",  # yaml-syntax
        "2013.md": b"---\nagency: !custom county\n---\n",  # yaml-value
        "2014.md": b"---\nagency: county\nagency: town\n---\n",  # duplicate-key
        "2015.md": b"---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode() for i in range(8))
        + b"---\n",  # yaml-too-large
        "revisions.json": b'{"reports": {"2022": ["recorded"]}}\n',  # revisions-file
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    outside = portal.root.parent / "outside.md"
    outside.write_text(valid, encoding="utf-8")
    os.symlink(outside, folder / "2016.md")  # outside-content
    (portal.root / "content/site.yaml").unlink()  # missing-file


PORTALS: dict[str, Callable[[Portal], None]] = {
    "registry": bad_registry,
    "arithmetic": bad_arithmetic,
    "fields": bad_fields,
    "tables": bad_tables,
    "files": bad_files,
}


def make(tmp_path: Path, name: str) -> Portal:
    portal = Portal(tmp_path / name)
    PORTALS[name](portal)
    return portal


def unreadable(tmp_path: Path) -> tuple[Problem, ...]:
    """A report path that cannot be read (a folder named like a report): `xxgk check`
    never lists one, but the preview's file watcher may hand one to the loader."""
    portal = Portal(tmp_path / "unreadable")
    folder = portal.root / "content/reports/county/2022.md"
    folder.mkdir(parents=True)
    return load_report(portal.root, folder).problems


def broken_template(tmp_path: Path) -> tuple[Problem, ...]:
    portal = Portal(tmp_path / "template")
    portal.write("templates/report.html", '{% extends "base.html" %}\n{% block main %}{% if x %}\n{% endblock %}\n')
    return template_problems(Theme.for_project(portal.root), portal.root)


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem, ...]:
    """Every problem `xxgk check` finds in the bad portals, and those only a loader or
    the templates' check reach."""
    tmp_path = tmp_path_factory.mktemp("rules")
    problems = [p for name in PORTALS for p in check_project(make(tmp_path, name).root, TODAY).problems]
    return (*problems, *unreadable(tmp_path), *broken_template(tmp_path))


# --- (a) every rule emitted is catalogued, with the catalogue's severity -----------------


def test_every_rule_emitted_is_catalogued_with_its_severity(found: tuple[Problem, ...]) -> None:
    wrong = [str(p) for p in found if p.rule not in BY_ID or BY_ID[p.rule].severity != p.severity]
    assert wrong == []


def test_the_bad_portals_break_every_catalogued_rule(found: tuple[Problem, ...]) -> None:
    """So that the test above sees every rule, and no catalogue entry is dead."""
    assert sorted({r.id for r in CATALOGUE} - {p.rule for p in found}) == []


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(REPOSITORY).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _called(node: ast.AST) -> str:
    """The name a call is made through: `Problem(...)` and `model.Problem(...)` alike."""
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return ""


def _places(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Each top-level statement, or method of a top-level class, with its name
    (`Class.method`, `function`, or `module` for other statements)."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                yield (f"{node.name}.{item.name}" if isinstance(item, ast.FunctionDef) else node.name), item
        elif isinstance(node, ast.FunctionDef):
            yield node.name, node
        else:
            yield "module", node


def _calls_inside(tree: ast.Module, name: str) -> list[str]:
    """The places (see `_places`) in which `name(...)` is called."""
    return [place for place, node in _places(tree) for inner in ast.walk(node) if _called(inner) == name]


def test_problems_are_made_only_from_catalogue_entries() -> None:
    """A Problem is made in one place, `RuleSpec.at`, and a RuleSpec only in the catalogue:
    so every problem's rule and severity come from the catalogue."""
    problems, specs = [], []
    for name, tree in _modules():
        problems += [f"{name}: {place}" for place in _calls_inside(tree, "Problem")]
        specs += [name for node in ast.walk(tree) if _called(node) == "RuleSpec"]
    assert problems == ["generator/model.py: RuleSpec.at"]
    assert set(specs) == {"generator/rules/catalogue.py"}


def test_no_rule_id_or_severity_is_spelled_outside_the_catalogue() -> None:
    """No keyword `rule=`/`severity=` rewrites a problem outside the catalogue (which makes an
    archive's discrepancies warnings: `as_issued`), and no code compares a problem's rule with
    a literal id: ids are read from the catalogue (`RULES.x.id`)."""
    offences = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            rewrites = isinstance(node, ast.Call) and any(k.arg in ("rule", "severity") for k in node.keywords)
            if rewrites and name != "generator/rules/catalogue.py":
                offences.append(f"{name}:{node.lineno}: keyword")
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                reads_rule = any(isinstance(s, ast.Attribute) and s.attr == "rule" for s in sides)
                if reads_rule and any(isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides):
                    offences.append(f"{name}:{node.lineno}: literal id")
    assert offences == []


def test_every_rule_the_code_names_is_catalogued_and_every_entry_is_named() -> None:
    """Statically, the rules the code can emit are the `RULES.x` it names (the formats'
    arithmetic included): each is an entry, and each entry is named by some code."""
    named: set[str] = set()
    for name, tree in _modules():
        if name == "generator/rules/catalogue.py":
            continue
        named |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "RULES"}
    fields = {f.name for f in dataclasses.fields(Rules)}
    assert sorted(named - fields) == []
    assert sorted(fields - named) == []


def test_the_catalogue_loads_no_stage() -> None:
    """content/ and formats/ import the catalogue; it must not pull the checks (or anything) in."""
    code = "import sys, generator.rules.catalogue; print(sorted(m for m in sys.modules if m.startswith('generator')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPOSITORY, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(["generator", "generator.model", "generator.rules", "generator.rules.catalogue"])


# --- (b) every entry is complete -----------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("rule", CATALOGUE, ids=lambda r: r.id)
def test_every_entry_has_a_chinese_title_and_a_basis(rule: RuleSpec) -> None:
    assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule.id)
    assert rule.severity in ("error", "warning")
    assert rule.title.strip() and CJK.search(rule.title)
    assert rule.basis == "xxgk" or CJK.search(rule.basis)
    assert getattr(RULES, rule.id.replace("-", "_")) is rule  # the attribute is named after the id


@pytest.mark.parametrize("rule", CATALOGUE, ids=lambda r: r.id)
def test_what_a_page_may_carry_has_a_sentence_for_citizens_and_other_errors_none(rule: RuleSpec) -> None:
    """Warnings, and the discrepancies an archive publishes, are what a report's page may carry:
    each says it to citizens in a Chinese sentence, without rule ids or field names; other errors
    stop publication, so have none."""
    if rule.severity == "error" and rule.id not in DISCREPANCIES:
        assert rule.public == ""
        return
    assert CJK.search(rule.public) and rule.public.endswith("。")
    words = re.sub(r"\{[a-z]+\}", "", rule.public)
    assert not re.search(r"[A-Za-z]", words), "no rule id, field name or other English on a public page"


def test_every_warning_found_reads_as_a_whole_sentence(found: tuple[Problem, ...]) -> None:
    """The facts each rule's code gives fill its sentence's every blank."""
    notices = {p.rule: public_notice(p) for p in found if p.severity == "warning"}
    assert sorted(notices) == sorted(r.id for r in CATALOGUE if r.severity == "warning")
    assert [n for n in notices.values() if "{" in n or "}" in n] == []
    assert notices["late-publication"] == "本报告晚于规定期限发布（期限为 2022-01-31，晚 29 天）。"


def test_ids_are_unique() -> None:
    assert len(BY_ID) == len(CATALOGUE)


def test_the_formats_rules_are_catalogued() -> None:
    specs = {rule.spec for fmt in FORMATS.values() for rule in fmt.rules} | {rule.spec for rule in CROSS_YEAR_RULES}
    assert specs <= set(CATALOGUE)


# --- (c) the guide's table agrees ----------------------------------------------------------

SEVERITY_WORDS = {"错误": "error", "警告": "warning"}


def guide_rules() -> list[tuple[str, str]]:
    """(id, severity) for every id in the “## 校验规则” table of docs/zh/check.md, in order."""
    text = (REPOSITORY / "docs" / "zh" / "check.md").read_text(encoding="utf-8")
    section = text.split("## 校验规则", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("|")][2:]  # past the header and rule
    return [(rule_id, SEVERITY_WORDS[cells[1].strip()]) for cells in rows for rule_id in re.findall(r"`([a-z-]+)`", cells[0])]


def test_the_guide_lists_every_rule_once_with_its_severity() -> None:
    listed = guide_rules()
    assert len(listed) == len(dict(listed)), "an id is listed twice"
    assert dict(listed) == {rule.id: rule.severity for rule in CATALOGUE}


# --- the rule tables ----------------------------------------------------------------------


def test_each_step_of_the_tables_emits_only_the_rules_it_declares(tmp_path: Path) -> None:
    """Run step by step over the bad portals: a step's problems are of its declared rules."""
    stray = []
    for name in ("arithmetic", "fields", "tables"):
        root = make(tmp_path, name).root
        portal = load_portal(root)
        for report in portal.reports:
            tables, _ = read_tables(FORMATS[report.format], report.tables, report.source)
            facts = ReportFacts(report, portal.agency(report.agency_id), TODAY, tables)
            stray += [(step.name, p.rule) for step in REPORT_RULES for p in step.check(facts) if BY_ID[p.rule] not in step.emits]
        checked = {c.report.key: c for c in check_project(root, TODAY).reports}
        for (agency, year), current in checked.items():
            if (previous := checked.get((agency, year - 1))) is not None:
                pair = YearPair(current, previous)
                stray += [(step.name, p.rule) for step in BETWEEN_YEARS for p in step.check(pair) if BY_ID[p.rule] not in step.emits]
    assert stray == []


def test_the_tables_cover_the_report_rules_once() -> None:
    declared = [rule for table in (REPORT_RULES, BETWEEN_YEARS) for step in table for rule in step.emits]
    assert len(declared) == len(set(declared))
    assert set(emitted(REPORT_RULES)) >= {RULES.year_range, RULES.late_publication, RULES.applicant_total, RULES.appeal_total}
    assert set(emitted(BETWEEN_YEARS)) == {RULES.carry_over, RULES.in_force_continuity}


def test_a_step_is_skipped_after_a_rule_it_names_in_unless() -> None:
    def breach(rule: RuleSpec) -> Callable[[str], list[Problem]]:
        return lambda subject: [rule.at(subject, 1, "x")]

    table = (
        Step("year", (RULES.year_range,), breach(RULES.year_range)),
        Step("format", (RULES.format_mismatch,), breach(RULES.format_mismatch), unless=(RULES.year_range,)),
        Step("path", (RULES.path_mismatch,), breach(RULES.path_mismatch), unless=(RULES.attachment,)),
    )
    assert [p.rule for p in run_table(table, "f.md")] == ["year-range", "path-mismatch"]
