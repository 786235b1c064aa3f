"""Each report judged on the compliance indicators (`rules.indicators`), for the evaluator's view.

Pure functions of a checked report and the agency's previous one, run in the
build's worker with the agency's other pages; the verdicts travel in the
report's summary, so the compliance pages, like every portal-wide page, are made
from summaries alone.

Indicators the build already checks are read from the report's problems (a rule
that found something fails its indicator). The others are read from the
narrative, as an evaluator would: the sections by their headings (一、五、六),
the fee's explanation by its words, the figures the text states next to the
terms of the tables, and the sentences repeated from last year's report.
A verdict is True (met), False (not met, with a note saying why) or None
(cannot be judged: a free-form report has no tables, a report without a date
cannot be late or on time, a first report has nothing to repeat).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..formats import FORMATS
from ..model import CheckedReport, Problem, Value
from . import indicators as I
from .catalogue import BY_ID, RULES

Measures = Mapping[str, Value]
"""A report's comparable measures (as `stats.values` makes them, which this stage may not import)."""


@dataclass(frozen=True)
class Verdict:
    indicator: str  # an Indicator's key
    met: bool | None
    note: str = ""  # why not met, or why it cannot be judged, in plain Chinese


REPORT_INDICATORS = I.INDICATORS[1:]
"""The indicators a report is judged on (已发布 is an agency's, for a year), in the order `assess` gives them."""


def assess(c: CheckedReport, measures: Measures | None, previous: CheckedReport | None, limit: int) -> tuple[Verdict, ...]:
    """A report's verdict on each of `REPORT_INDICATORS`, in that order; `limit`:
    the share of repeated text above which 内容重复 is flagged (site.yaml `repeated_share`)."""
    rules = {p.rule: p for p in c.problems}
    tabular = bool(FORMATS[c.report.format].tables)
    sections = narrative_sections(c.report.narrative)
    unread = FREE_FORM if not tabular else INCOMPLETE  # why there are no measures, when there are none
    return (
        _on_time(rules),
        _by_rules(I.FORMAT, rules),
        _by_rules(I.TABLES_COMPLETE, rules) if tabular else Verdict(I.TABLES_COMPLETE.key, None, FREE_FORM),
        _by_rules(I.ARITHMETIC, rules) if tabular else Verdict(I.ARITHMETIC.key, None, FREE_FORM),
        _by_rules(I.CARRY_OVER, rules) if tabular else Verdict(I.CARRY_OVER.key, None, FREE_FORM),
        _sections(sections) if tabular else Verdict(I.SECTIONS.key, None, FREE_FORM),
        _fee_explained(measures, sections) if measures is not None or not tabular else Verdict(I.FEE_EXPLAINED.key, None, INCOMPLETE),
        _narrative_agrees(c.report.narrative, measures) if measures is not None else Verdict(I.NARRATIVE_AGREES.key, None, unread),
        _repeated(c.report.narrative, previous, limit),
    )


FREE_FORM = "自由格式的报告，没有统一的统计表"
INCOMPLETE = "统计表不完整，无法比较"  # an archive publishes a report with a table or row missing


def _by_rules(indicator: I.Indicator, rules: Mapping[str, Problem]) -> Verdict:
    found = [rule for rule in indicator.rules if rule in rules]
    return Verdict(indicator.key, not found, "、".join(BY_ID[rule].title for rule in found))


def _on_time(rules: Mapping[str, Problem]) -> Verdict:
    late = rules.get(RULES.late_publication.id)
    if late is not None:
        days = dict(late.facts).get("days", "")
        return Verdict(I.ON_TIME.key, False, f"晚于期限 {days} 天发布" if days != "" else "晚于期限发布")
    if RULES.missing_published.id in rules:
        return Verdict(I.ON_TIME.key, None, "报告未注明发布日期")
    return Verdict(I.ON_TIME.key, True)


# --- the sections ---------------------------------------------------------------------

_HEADING = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?[ \t]*([一二三四五六])、.*$", re.MULTILINE)
_EMPTY = re.compile(r"[\s*#>_`\-、，。；：.,;:（）()无無]*")
MARKS = "*_`#>"
"""Markdown's marks, taken out of text before it is read."""
HEADING_LENGTH = 40
"""A line longer than this that starts with 一、 is a paragraph, not a heading."""


def narrative_sections(markdown: str) -> dict[str, str]:
    """The narrative's text under each of the six numbered headings ("五" → its text), by lines
    that start with a numeral and 、 (a Markdown heading, a bold line, or a plain one as imported
    reports have them) and are short enough to be a heading."""
    headings = [m for m in _HEADING.finditer(markdown) if len(m.group(0).strip()) <= HEADING_LENGTH]
    found: dict[str, str] = {}
    for heading, following in zip(headings, [*headings[1:], None]):
        text = markdown[heading.end() : following.start() if following else len(markdown)]
        found.setdefault(heading.group(1), "")
        found[heading.group(1)] += _unmarked(text).strip()
    return found


def _unmarked(text: str) -> str:
    """`text` without `MARKS`: a replace per mark found is a fifth of the time of one regular
    expression that looks for all of them at every character."""
    for mark in MARKS:
        if mark in text:
            text = text.replace(mark, "")
    return text


REQUIRED_SECTIONS = ("一", "五", "六")


def _sections(sections: dict[str, str]) -> Verdict:
    missing = [n for n in REQUIRED_SECTIONS if n not in sections]
    empty = [n for n in REQUIRED_SECTIONS if n in sections and _EMPTY.fullmatch(sections[n])]
    notes = [f"缺少第{'、'.join(missing)}部分"] if missing else []
    notes += [f"第{'、'.join(empty)}部分为空或只写“无”"] if empty else []
    return Verdict(I.SECTIONS.key, not notes, "；".join(notes))


_FEE_WORDS = re.compile(r"收费|费用|信息处理费")


def _fee_explained(measures: Measures | None, sections: dict[str, str]) -> Verdict:
    fees = (measures or {}).get("fees")
    if fees is None:
        return Verdict(I.FEE_EXPLAINED.key, None, "该格式的表二没有收费金额")
    if not fees:
        return Verdict(I.FEE_EXPLAINED.key, True)
    if _FEE_WORDS.search(sections.get("六", "")):
        return Verdict(I.FEE_EXPLAINED.key, True)
    amount = format(Decimal(fees).quantize(Decimal("0.0001")), "f")  # as the tables print money
    return Verdict(I.FEE_EXPLAINED.key, False, f"表二收费金额 {amount} 万元，第六部分没有说明")


# --- the figures the narrative states -------------------------------------------------------

_STATED: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("received", "新收申请", re.compile(r"(?:新收|收到)[^。；，,\d]{0,14}?申请[^。；，,\d]{0,3}?(\d+)\s*件")),
    ("carried-over", "上年结转", re.compile(r"上年结转[^。；，,\d]{0,8}?(\d+)\s*件")),
    ("carried-forward", "结转下年", re.compile(r"结转下一?年[^。；，,\d]{0,10}?(\d+)\s*件")),
    ("reviews", "行政复议", re.compile(r"行政复议[^。；，,\d]{0,6}?(\d+)\s*件")),
    ("lawsuits", "行政诉讼", re.compile(r"行政诉讼[^。；，,\d]{0,6}?(\d+)\s*件")),
)
"""(measure, term, what states it): the term, a few characters that are no figure and do not end
the clause, then the figure and 件 ("共收到政府信息公开申请49件", "被申请行政复议1件")."""


def stated_figures(narrative: str) -> list[tuple[str, str, int]]:
    """Every (measure, term, figure) the narrative states, in the order of `_STATED`."""
    return [(key, term, int(match.group(1))) for key, term, pattern in _STATED for match in pattern.finditer(narrative)]


def _narrative_agrees(narrative: str, measures: Measures) -> Verdict:
    differ = []
    for key, term, figure in stated_figures(narrative):
        table = measures.get(key)
        if table is not None and figure != table and (term, figure, table) not in differ:
            differ.append((term, figure, table))
    note = "；".join(f"正文写{term} {figure} 件，统计表为 {table} 件" for term, figure, table in differ)
    return Verdict(I.NARRATIVE_AGREES.key, not differ, note)


# --- text repeated from last year -------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_DIGITS = re.compile(r"\d+")
SHORTEST = 8
"""Sentences shorter than this (a heading, "无。") are not counted: every report has them."""


_HEADING_LINE = re.compile(r"^[ \t]*(?:#{1,6}[ \t].*|(?:\*\*)?[ \t]*[一二三四五六]、.{0,38})$", re.MULTILINE)
"""A heading's line (Markdown, or a short line numbered 一、 to 六、): the same in every report, never counted."""


@functools.lru_cache(maxsize=16)
def _sentences(markdown: str) -> tuple[str, ...]:
    text = _DIGITS.sub("#", _unmarked(_HEADING_LINE.sub("", markdown)))
    return tuple(s for s in (part.strip() for part in _SENTENCE_END.split(text)) if len(s) >= SHORTEST)


def repeated_share(narrative: str, previous: str) -> int:
    """The percentage of the narrative's characters (in sentences of some length) in sentences
    found word for word in `previous`, figures aside (each run of digits counts as one character):
    a sentence that only changed its year or its numbers is repeated (what an evaluator comparing
    two reports side by side sees). Each narrative is split once: it is the previous one of the next
    report (hence the cache)."""
    before = set(_sentences(previous))
    sentences = _sentences(narrative)
    total = sum(map(len, sentences))
    if not total:
        return 0
    return sum(len(s) for s in sentences if s in before) * 100 // total


def _repeated(narrative: str, previous: CheckedReport | None, limit: int) -> Verdict:
    if previous is None:
        return Verdict(I.REPEATED.key, None, "没有上一年度的报告可比")
    share = repeated_share(narrative, previous.report.narrative)
    if share <= limit:
        return Verdict(I.REPEATED.key, True)  # no note: the share is not shown then, and an edit that moves it changes no page
    return Verdict(I.REPEATED.key, False, f"与 {previous.report.year} 年度报告相同的内容占 {share}%")

