"""Tables in any layout (fictional reports, see fictional.py): tab-separated, laid out in
columns of spaces, one cell a line in reading order; labels split over lines, figures on
the line after their label, 表四 as one row of 15 bare numbers. Each imports exactly; and
whatever the damage, no figure is ever written wrong (missing is allowed, wrong is not)."""

from __future__ import annotations

from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.imports.matching import Imported, import_document
from generator.imports.text import read_text

from .fictional import PARTS_3, ROWS_3, ROWS_4, TABLE_2, Known, Printing, distinct, known, report_text, wrong_figures

ALL_KEYS = [row.key for row in ROWS_3] + [row.key for block in TABLE_2.blocks for row in block.rows]
SOME_ZEROS = known(distinct(lambda key, column: (len(key) + column) % 3 == 0))


def imported(k: Known, printing: Printing) -> Imported:
    return import_document(read_text(report_text(k, printing)))


def assert_exact(k: Known, result: Imported) -> None:
    assert wrong_figures(k, result.values()) == []
    assert result.missing() == [], result.guesses


def test_columns_aligned_with_spaces() -> None:
    printing = Printing(layout="spaces", groups="middle", split=frozenset({"partly-disclosed"}), apart=frozenset({"rejected-confirmation"}))
    result = imported(SOME_ZEROS, printing)
    assert_exact(SOME_ZEROS, result)
    assert (result.agency_name, result.year, result.format.id) == ("测试县人民政府", 2023, "2021")


def test_one_cell_a_line_in_reading_order_with_labels_apart_from_their_numbers() -> None:
    k = known(distinct())
    runs = (("denied-secret", "unable-not-held"), ("rejected-petition", "rejected-excessive"), ("other-misc", "results-total"))
    result = imported(k, Printing(layout="reading", column_major=runs, split=frozenset({"partly-disclosed"})))
    assert_exact(k, result)
    assert any(note.startswith("表三：") and "由表内勾稽关系" in note and "确认" in note for note in result.guesses)


def test_labels_split_over_lines() -> None:
    split = frozenset({"partly-disclosed", "denied-safety", "other-no-correction", "results-total", "normative-documents", "fees"})
    for cut in (2, 5, 9):
        result = imported(SOME_ZEROS, Printing(split=split, cut=lambda label, at=cut: at))
        assert_exact(SOME_ZEROS, result)


def test_a_label_cut_after_its_groups_name_is_joined_from_its_own_piece() -> None:
    """"（五）不予处理 | 4.无正当理由大量反" then "复申请 | 99 …": the piece is joined with the
    words after it, not with the group's name before it, and "复申请" alone (like 2.重复申请)
    never takes another row's figures (found by the hypothesis test below)."""
    k = known(distinct())
    for cut in range(2, 15):
        printing = Printing(split=frozenset({"rejected-repeated", "received", "rejected-excessive"}), groups="every", cut=lambda label, at=cut: at)
        result = imported(k, printing)
        assert_exact(k, result)


def test_value_rows_apart_from_their_labels() -> None:
    apart = frozenset({"received", "partly-disclosed", "denied-internal", "unable-unclear", "other-misc", "carried-forward", "licensing", "fees"})
    for layout in ("tabs", "spaces"):
        result = imported(SOME_ZEROS, Printing(layout=layout, apart=apart, groups="every"))  # type: ignore[arg-type]
        assert_exact(SOME_ZEROS, result)


def test_table_4_as_one_row_of_15_bare_numbers() -> None:
    k = known(distinct(lambda key, column: key == "lawsuit-direct" or column == 1))
    for layout, zero in (("tabs", "/"), ("tabs", ""), ("spaces", "0"), ("spaces", "—")):
        result = imported(k, Printing(layout=layout, zeros=lambda key, column, mark=zero: mark))  # type: ignore[arg-type]
        assert set(result.values()["appeals"]) == {row.key for row in ROWS_4}, (layout, zero)
        assert wrong_figures(k, result.values()) == [], (layout, zero)  # a blank total is computed


def test_a_row_whose_figures_may_sit_in_other_columns_is_left_out_and_said() -> None:
    """Spaces keep no trace of a blank cell: six figures for seven columns, and the row's
    total agrees with more than one placing of them."""
    k = known(distinct(lambda key, column: key == "disclosed" and column == 2))
    result = imported(k, Printing(layout="spaces", zeros=lambda key, column: ""))
    assert "disclosed" not in result.values()["applications"]
    assert "表三“（一）予以公开”" in result.missing()
    assert any(note.startswith("“（一）予以公开”：6 个数对应 7 列") and "未填写" in note for note in result.guesses)
    assert wrong_figures(k, result.values()) == []


def test_a_group_printed_as_one_row_gives_its_rows_only_when_it_is_zero() -> None:
    def text(figures: str) -> str:
        rows = [f"{row.label}\t" + "\t".join(str(v) for v in SOME_ZEROS.applications[row.key]) for row in ROWS_3 if not row.key.startswith("other-")]
        at = next(i for i, row in enumerate(r for r in ROWS_3 if not r.key.startswith("other-")) if row.key == "results-total")
        rows.insert(at, f"（六）其他处理\t{figures}")
        return "测试县人民政府2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" + "\n".join(rows) + "\n"

    zero = import_document(read_text(text("0\t0\t0\t0\t0\t0\t0"))).values()["applications"]
    assert all(zero[key] == (0,) * 7 for key in ("other-no-correction", "other-no-fee", "other-misc"))
    some = import_document(read_text(text("1\t0\t0\t0\t0\t0\t1")))
    assert not {"other-no-correction", "other-no-fee", "other-misc"} & set(some.values()["applications"])
    assert any("（六）其他处理" in note and "未填写" in note for note in some.guesses)


def test_radicals_and_compatibility_ideographs_as_pdfs_spell_them_are_folded() -> None:
    """⼈⺠ for 人民 (a Kangxi radical NFKC folds, a supplement radical it does not), 不 as a
    compatibility ideograph: labels still name their rows, the agency's name still matches."""
    text = report_text(SOME_ZEROS, Printing()).replace("人民", "\u2f08\u2ea0").replace("不", "\uf967")
    result = import_document(read_text(text))
    assert result.agency_name == "测试县人民政府"
    assert_exact(SOME_ZEROS, result)
    assert "本年度，人民群众申请公开政府信息。" in result.narrative  # folded, and full-width punctuation kept


# --- whatever the damage, no figure is written wrong ------------------------------------------


@st.composite
def damaged(draw: st.DrawFn) -> tuple[Known, Printing]:
    """A report with distinct figures and some zeros, printed in a drawn layout with zeros
    as blanks or marks, totals left blank, labels split, figures apart from labels, group
    labels merged over their rows."""
    rnd = Random(draw(st.integers(0, 2**32)))
    share = draw(st.sampled_from([0.0, 0.2, 0.5, 0.8]))
    k = known(distinct(lambda key, column: rnd.random() < share))
    marks = draw(st.lists(st.sampled_from(["0", "", "/", "—"]), min_size=1, max_size=4))
    printed: dict[tuple[str, int], str] = {}
    layout = draw(st.sampled_from(["tabs", "spaces", "reading"]))
    keys = st.frozensets(st.sampled_from(ALL_KEYS), max_size=8)
    runs: tuple[tuple[str, str], ...] = ()
    if layout == "reading":
        starts = sorted(draw(st.sets(st.integers(0, len(PARTS_3) - 2), max_size=3)))
        spans = [(PARTS_3[a].key, PARTS_3[min(a + draw(st.integers(1, 6)), len(PARTS_3) - 1)].key) for a in starts]
        runs = tuple(span for i, span in enumerate(spans) if i == 0 or [r.key for r in PARTS_3].index(span[0]) > [r.key for r in PARTS_3].index(spans[i - 1][1]))
    cut = draw(st.integers(1, 14))
    printing = Printing(
        layout=layout,
        zeros=lambda key, column: printed.setdefault((key, column), rnd.choice(marks)),
        blank_totals=draw(keys),
        split=draw(keys),
        apart=draw(keys),
        groups=draw(st.sampled_from(["first", "every", "middle"])),
        column_major=runs,
        cut=lambda label: cut,
    )
    return k, printing


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_no_figure_is_ever_written_wrong(case: tuple[Known, Printing]) -> None:
    k, printing = case
    result = imported(k, printing)
    assert wrong_figures(k, result.values()) == [], report_text(k, printing)
