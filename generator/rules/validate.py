"""Stage 2, validate: every rule, as a small pure function over the loaded Portal.

`check_folder(reports, registry, today, archive)` checks the reports of one
agency's folder: each report's tables read against its format (with computed
totals) for the later stages, and every problem found. In an archive
(site.yaml `mode: archive`), the errors of `catalogue.DISCREPANCIES` are
published rather than refused: they come back as warnings (`catalogue.as_issued`). The registry's own rules are
`agency_rules`. The arithmetic rules are read from `formats`, so a new
format needs no code here.

A report's own rules run through the table `REPORT_RULES`, and the rules between
two years through `BETWEEN_YEARS` (see `ruler`): the tables, at the end of this
module, say which function emits which of the catalogue's rules and in what order.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from ..content.layout import GENERATED_BESIDE_ATTACHMENTS, REVISIONS_NAME
from ..content.tables import read_tables
from ..formats import CROSS_YEAR_RULES, FIRST_YEAR, FORMATS, format_for_year, publication_deadline
from ..formats.schema import Balance, CarryOver, ColumnTotal, Continuity, RowTotal
from ..model import Agency, CheckedReport, FilledBlock, FilledTables, Problem, Report, Source, Value, merged
from .catalogue import RULES, as_issued
from .ruler import Step, run_table


def check_folder(
    reports: tuple[Report, ...], registry: Mapping[str, Agency], today: datetime.date, archive: bool = False
) -> tuple[tuple[CheckedReport, ...], tuple[Problem, ...]]:
    """The reports of one agency's folder, grouped by the agency each names (a report filed
    in another agency's folder is a path-mismatch error, and is still checked as its own)."""
    checked: list[CheckedReport] = []
    problems: list[Problem] = []
    for agency_id, named in by_agency(reports).items():
        group, found = check_agency(named, registry.get(agency_id), today)
        checked += group
        problems += found
    if archive:
        issued = tuple(replace(c, problems=tuple(map(as_issued, c.problems))) for c in checked)
        return issued, tuple(map(as_issued, problems))
    return tuple(checked), tuple(problems)


def by_agency(reports: tuple[Report, ...]) -> dict[str, tuple[Report, ...]]:
    """Reports grouped by the agency they name, in the order given."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(report.agency_id, []).append(report)
    return {agency_id: tuple(group) for agency_id, group in groups.items()}


def check_agency(reports: tuple[Report, ...], agency: Agency | None, today: datetime.date) -> tuple[tuple[CheckedReport, ...], tuple[Problem, ...]]:
    """One agency's reports, each against its own rules and the year before; and all their problems."""
    problems = duplicate_reports(reports)
    own = [check_report(r, agency, today) for r in reports]
    by_year = {c.report.year: c for c in own}
    checked = tuple(with_cross_year(c, by_year.get(c.report.year - 1)) for c in own)
    for c in checked:
        problems += c.problems
    return checked, tuple(problems)


def check_report(report: Report, agency: Agency | None, today: datetime.date) -> CheckedReport:
    """A report's own rules: its tables read against its format, its fields, its arithmetic."""
    fmt = FORMATS[report.format]
    tables, found = read_tables(fmt, report.tables, report.source)
    found += run_table(REPORT_RULES, ReportFacts(report, agency, today, tables))
    return CheckedReport(report, tables, tuple(found))


def with_cross_year(current: CheckedReport, previous: CheckedReport | None) -> CheckedReport:
    """`current` with the problems found against the same agency's report of the year
    before; `current` itself when there are none, so an edit to one year does not
    make the next year's pages new unless its findings changed."""
    if previous is None:
        return current
    found = set(run_table(BETWEEN_YEARS, YearPair(current, previous))) - set(current.problems)
    if not found:
        return current
    return CheckedReport(current.report, current.tables, merged(current.problems, found))


# --- the registry --------------------------------------------------------------


def agency_rules(agencies: tuple[Agency, ...]) -> list[Problem]:
    found = []
    counts = Counter(a.id for a in agencies)
    seen: set[str] = set()
    for agency in agencies:
        at = ("agencies", agency.index)
        if counts[agency.id] > 1 and agency.id in seen:
            found.append(agency.source.problem(RULES.duplicate_agency, f"机关标识 “{agency.id}” 重复：每个机关的标识必须唯一", *at, "id"))
        seen.add(agency.id)
        if agency.parent and agency.parent not in counts:
            found.append(agency.source.problem(RULES.unknown_agency, f"上级机关 “{agency.parent}” 不在机关名录中", *at, "parent"))
        elif agency.parent == agency.id:
            found.append(agency.source.problem(RULES.unknown_agency, "上级机关不能是本机关自己", *at, "parent"))
        for covered in agency.covers:
            if covered not in counts:
                found.append(agency.source.problem(RULES.unknown_agency, f"“covers” 中的机关 “{covered}” 不在机关名录中", *at, "covers"))
            elif covered == agency.id:
                found.append(agency.source.problem(RULES.unknown_agency, "“covers” 列的是本机关报告汇总的其他机关，不能是本机关自己", *at, "covers"))
    return found


def duplicate_reports(reports: tuple[Report, ...]) -> list[Problem]:
    first: dict[tuple[str, int], Report] = {}
    found = []
    for report in reports:
        if report.key in first:
            other = first[report.key].source.file
            found.append(report.source.problem(RULES.duplicate_report, f"{report.year} 年已有该机关的报告（{other}）：每个机关每年只能有一份", "agency"))
        else:
            first[report.key] = report
    return found


# --- one report ------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    """What a report's own rules read: the report, its registry entry (None: not
    registered), today's date, and its tables as read (only the complete ones)."""

    report: Report
    agency: Agency | None
    today: datetime.date
    tables: FilledTables


def unknown_agency(facts: ReportFacts) -> Iterator[Problem]:
    report = facts.report
    if facts.agency is None:
        yield report.source.problem(RULES.unknown_agency, f"机关 “{report.agency_id}” 不在 content/agencies.yaml 中：请先登记该机关，或改正标识", "agency")


def path_matches(facts: ReportFacts) -> Iterator[Problem]:
    report = facts.report
    if report.path_agency != report.agency_id:
        yield report.source.problem(
            RULES.path_mismatch, f"文件位于 reports/{report.path_agency}/，但 agency 写的是 “{report.agency_id}”：两者应一致", "agency"
        )
    if report.path_year != str(report.year):
        yield report.source.problem(
            RULES.path_mismatch, f"文件名是 {report.path_year}.md，但 year 写的是 {report.year}：文件名应为 {report.year}.md", "year"
        )


def year_in_range(facts: ReportFacts) -> Iterator[Problem]:
    report, today = facts.report, facts.today
    if not FIRST_YEAR <= report.year <= today.year:
        yield report.source.problem(RULES.year_range, f"年度 {report.year} 超出范围：应在 {FIRST_YEAR} 至 {today.year} 之间", "year")


def format_matches_year(facts: ReportFacts) -> Iterator[Problem]:
    report = facts.report
    expected = format_for_year(report.year)
    if report.format != expected.id:
        given = FORMATS[report.format]
        yield report.source.problem(
            RULES.format_mismatch,
            f"{report.year} 年度报告应使用{expected.name}（{expected.document}），而不是{given.name}（{given.document}）",
            "format",
        )


def timeliness(facts: ReportFacts) -> Iterator[Problem]:
    report = facts.report
    if report.published is None:
        yield report.source.problem(RULES.missing_published, "没有填写发布日期 “published”", "published")
        return
    due = publication_deadline(facts.agency.level if facts.agency else "", report.year)
    if report.published > due:
        yield report.source.problem(
            RULES.late_publication,
            f"逾期发布：{report.published.isoformat()} 发布，晚于截止日期 {due.isoformat()}",
            "published",
            facts={"due": due.isoformat(), "days": (report.published - due).days},
        )
    elif report.published.year <= report.year:
        yield report.source.problem(
            RULES.early_publication,
            f"发布日期 {report.published.isoformat()} 早于 {report.year} 年度结束：请核对日期",
            "published",
            facts={"published": report.published.isoformat()},
        )


def attachments_exist(facts: ReportFacts) -> Iterator[Problem]:
    report = facts.report
    for index, attachment in enumerate(report.attachments):
        name = PurePosixPath(attachment.file)
        if len(name.parts) != 1 or attachment.file in (".", "..") or "\\" in attachment.file or attachment.file.endswith("/"):
            yield report.source.problem(RULES.attachment, f"附件 “{attachment.file}” 应是与报告同一文件夹中的文件名，不能含路径", "attachments", index)
        elif attachment.file.lower() in GENERATED_BESIDE_ATTACHMENTS:
            yield report.source.problem(RULES.attachment, f"附件不能命名为 “{attachment.file}”：这个名字留给生成的页面，请改名", "attachments", index)
        elif attachment.file.lower() == REVISIONS_NAME:
            yield report.source.problem(RULES.attachment, f"附件不能命名为 “{attachment.file}”：这个名字留给本机关的修订记录，请改名", "attachments", index)
        elif not (report.directory / attachment.file).is_file():
            yield report.source.problem(RULES.attachment, f"找不到附件 “{attachment.file}”：请把文件放在报告旁边", "attachments", index)
        elif (report.directory / attachment.file).resolve().parent != report.directory.resolve():
            yield report.source.problem(
                RULES.attachment, f"附件 “{attachment.file}” 是指向别处的链接（符号链接），为安全起见不予发布：请把文件本身放在报告旁边", "attachments", index
            )


# --- arithmetic (勾稽关系) ----------------------------------------------------------


def arithmetic(facts: ReportFacts) -> list[Problem]:
    """The format's own rules (its totals and balances), on the tables that could be read."""
    fmt, tables, source = FORMATS[facts.report.format], facts.tables, facts.report.source
    found: list[Problem] = []
    for rule in fmt.rules:
        if rule.table not in tables:
            continue  # not readable: its problems are reported already
        table = fmt.table(rule.table)
        block = tables[rule.table].block(rule.block)
        where = ("tables", table.front_matter_key)
        columns = [c.label for c in table.block(rule.block).columns]
        if isinstance(rule, RowTotal):
            found += _row_totals(rule, block, source, where)
        elif isinstance(rule, ColumnTotal):
            found += _column_totals(rule, block, columns, source, where)
        elif isinstance(rule, Balance):
            found += _balance(rule, block, columns, source, where)
    return found


def _row_totals(rule: RowTotal, block: FilledBlock, source: Source, where: tuple[str, str]) -> Iterator[Problem]:
    for row in block.rows:
        total = row.cells[-1]
        expected = sum(row.values[:-1])
        if not total.computed and total.value != expected:
            column = len(row.cells) - 1
            yield source.problem(
                rule.spec,
                f"“{row.label}”：{rule.message}，应为 {expected}，实际填写 {total.value}",
                *where,
                row.key,
                column,
                facts={"table": rule.table, "row": row.label, "stated": str(total.value), "expected": str(expected)},
                cells=((rule.table, block.key, row.key, column),),
            )


def _column_totals(rule: ColumnTotal, block: FilledBlock, columns: list[str], source: Source, where: tuple[str, str]) -> Iterator[Problem]:
    total = block.row(rule.total)
    for index, cell in enumerate(total.cells):
        expected = sum(block.row(part).values[index] for part in rule.parts)
        if not cell.computed and cell.value != expected:
            yield source.problem(
                rule.spec,
                f"“{columns[index]}”列：{rule.message}，应为 {expected}，实际填写 {cell.value}",
                *where,
                rule.total,
                index,
                facts={"table": rule.table, "column": columns[index], "row": total.label, "stated": str(cell.value), "expected": str(expected)},
                cells=((rule.table, block.key, rule.total, index),),
            )


def _balance(rule: Balance, block: FilledBlock, columns: list[str], source: Source, where: tuple[str, str]) -> Iterator[Problem]:
    typed = [key for key in rule.right if not all(c.computed for c in block.row(key).cells)]
    anchor = (typed or list(rule.left))[0]
    for index, column in enumerate(columns):
        left = [block.row(key).values[index] for key in rule.left]
        right = [block.row(key).values[index] for key in rule.right]
        if sum(left) != sum(right):
            yield source.problem(
                rule.spec,
                f"“{column}”列：{rule.message}；现为 {_sum_text(left)}，而 {_sum_text(right)}",
                *where,
                anchor,
                facts={"table": rule.table, "column": column, "left": _parts_text(block, rule.left, index), "right": _parts_text(block, rule.right, index)},
                cells=((rule.table, block.key, anchor, index),),
            )


def _sum_text(values: Iterable[Value]) -> str:
    values = list(values)
    return f"{' + '.join(str(v) for v in values)} = {sum(values)}"


def _parts_text(block: FilledBlock, keys: tuple[str, ...], column: int) -> str:
    """Rows' figures in one column and their sum, in words for a report's page."""
    rows = [block.row(key) for key in keys]
    parts = "与".join(f"“{row.label}” {row.values[column]} 件" for row in rows)
    return f"{parts}合计 {sum(row.values[column] for row in rows)} 件"


# --- across years --------------------------------------------------------------


@dataclass(frozen=True)
class YearPair:
    """A checked report and the same agency's checked report of the year before."""

    current: CheckedReport
    previous: CheckedReport


def cross_year(pair: YearPair) -> Iterator[Problem]:
    """The rules between a report and the same agency's report of the year before
    (`formats.CROSS_YEAR_RULES`), where both years' formats have the rows and columns."""
    current, previous = pair.current, pair.previous
    report = current.report
    fmt, previous_fmt = FORMATS[report.format], FORMATS[previous.report.format]
    for rule in CROSS_YEAR_RULES:
        if rule.table not in current.tables or rule.table not in previous.tables:
            continue
        now = current.tables[rule.table].block(rule.block)
        before = previous.tables[rule.table].block(rule.block)
        table = fmt.table(rule.table)
        where = ("tables", table.front_matter_key)
        columns = table.block(rule.block).columns
        previous_columns = previous_fmt.table(rule.table).block(rule.block).columns
        if [c.key for c in columns] != [c.key for c in previous_columns]:
            continue  # the two years' formats differ here: nothing comparable
        if isinstance(rule, CarryOver):
            yield from _carry_over(rule, report, now, before, [c.label for c in columns], where)
        elif isinstance(rule, Continuity):
            yield from _continuity(rule, report, [c.key for c in columns], now, before, where)


def _carry_over(rule: CarryOver, report: Report, now: FilledBlock, before: FilledBlock, columns: list[str], where: tuple[str, str]) -> Iterator[Problem]:
    current = now.row(rule.row).values
    last = before.row(rule.previous_row).values
    differ = [i for i, (a, b) in enumerate(zip(current, last)) if a != b]
    if differ:
        wrong = "；".join(f"{columns[i]}列本年 {current[i]}、上年 {last[i]}" for i in differ)
        yield report.source.problem(
            rule.spec,
            f"{rule.message}（{report.year - 1} 年度）：{wrong}",
            *where,
            rule.row,
            facts={
                "table": rule.table,
                "row": now.row(rule.row).label,
                "previous": report.year - 1,
                "before": before.row(rule.previous_row).label,
                "columns": "；".join(f"“{columns[i]}”列本年为 {current[i]} 件，上年报告为 {last[i]} 件" for i in differ),
            },
            cells=tuple((rule.table, rule.block, rule.row, i) for i in differ),
        )


def _continuity(rule: Continuity, report: Report, columns: list[str], now: FilledBlock, before: FilledBlock, where: tuple[str, str]) -> Iterator[Problem]:
    if not {rule.column, rule.added, rule.removed} <= set(columns):
        return
    col, add, rem = columns.index(rule.column), columns.index(rule.added), columns.index(rule.removed)
    for row, last in zip(now.rows, before.rows):
        expected = last.values[col] + row.values[add] - row.values[rem]
        if row.values[col] != expected:
            yield report.source.problem(
                rule.spec,
                f"“{row.label}”：{rule.message}（{last.values[col]} + {row.values[add]} − {row.values[rem]} = {expected}），实际填写 {row.values[col]}",
                *where,
                row.key,
                col,
                facts={"table": rule.table, "label": row.label},
            )


# --- the rule tables -------------------------------------------------------------

REPORT_RULES: tuple[Step[ReportFacts], ...] = (
    Step("agency", (RULES.unknown_agency,), unknown_agency),
    Step("path", (RULES.path_mismatch,), path_matches),
    Step("attachments", (RULES.attachment,), attachments_exist),
    Step("year", (RULES.year_range,), year_in_range),
    # a mistyped year would make these noise: they run only when the year is in range
    Step("format", (RULES.format_mismatch,), format_matches_year, unless=(RULES.year_range,)),
    Step(
        "timeliness",
        (RULES.missing_published, RULES.late_publication, RULES.early_publication),
        timeliness,
        unless=(RULES.year_range,),
    ),
    # the formats' totals and balances, whichever the report's format has
    Step("arithmetic", tuple(dict.fromkeys(rule.spec for fmt in FORMATS.values() for rule in fmt.rules)), arithmetic),
)
"""A report's own rules, in the order they run and their problems are listed."""

BETWEEN_YEARS: tuple[Step[YearPair], ...] = (Step("cross-year", tuple(rule.spec for rule in CROSS_YEAR_RULES), cross_year),)
"""The rules between a report and the year before, run once every report of the agency is checked."""
