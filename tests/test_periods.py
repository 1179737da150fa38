"""The periods layer: finding period expressions and resolving them to calendar ranges."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.periods import (
    CALENDAR_YEAR,
    FiscalCalendar,
    Period,
    PeriodExpr,
    calendar_for,
    comparison_context,
    find_period_expressions,
    resolve,
    stated_calendar,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "periods.jsonl").read_text().splitlines()
    if line.strip()
]
SONY = calendar_for("Sony")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _calendar(spec: Any) -> FiscalCalendar:
    if spec is None:
        return CALENDAR_YEAR
    if isinstance(spec, str):
        return calendar_for(spec)
    return FiscalCalendar(spec["start_month"], 1, spec.get("naming", "start"))


def _only(text: str, surface: str) -> PeriodExpr:
    found = [e for e in find_period_expressions(text) if e.text == surface]
    assert found, f"{surface!r} not found in {text!r}: {find_period_expressions(text)}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[c["span"] for c in CASES])
def test_golden_period(case: dict[str, Any]) -> None:
    text = case["text"]
    published = _d(case.get("published"))
    expr = _only(text, case["span"])
    assert text[expr.char_start : expr.char_end] == expr.text
    calendar = stated_calendar(text, published=published) or _calendar(case.get("calendar"))
    ref = case.get("reference")
    reference = _ref("ref", ref["start"], ref["end"], ref["granularity"]) if ref else None
    period = resolve(
        expr,
        calendar=calendar,
        published=published,
        reference=reference,
        comparison=case.get("comparison", False),
    )
    assert period is not None
    assert (period.start, period.end) == (
        _d(case["expected"]["start"]),
        _d(case["expected"]["end"]),
    )


def _ref(label: str, start: str, end: str, granularity: str) -> Period:
    return Period(label, date.fromisoformat(start), date.fromisoformat(end), granularity)


def test_last_quarter_in_comparison_steps_back_from_reference() -> None:
    text = "Sony lost $200 million in Q2 2012, after a $300 million loss last trimester."
    q2 = resolve(_only(text, "Q2 2012"), calendar=SONY, published=date(2012, 11, 1))
    assert q2 is not None and q2.label == "FY2012-Q2"
    last = _only(text, "last trimester")
    assert comparison_context(text, last.char_start) is False
    stepped = resolve(
        last, calendar=SONY, published=date(2012, 11, 1), reference=q2, comparison=True
    )
    assert stepped is not None and (stepped.start, stepped.end) == (
        date(2012, 4, 1),
        date(2012, 6, 30),
    )
    # Outside a comparison it is the last quarter completed before publication.
    plain = resolve(last, calendar=SONY, published=date(2012, 11, 1), reference=q2)
    assert plain is not None and plain.start == date(2012, 7, 1)
    alone = resolve(last, calendar=SONY, published=date(2012, 11, 1))
    assert alone is not None and alone.start == date(2012, 7, 1)


def test_same_period_shifts_reference() -> None:
    h1 = _ref("2009-H1", "2009-01-01", "2009-06-30", "half")
    text = "from EUR 3 mn in the corresponding period a year earlier"
    prior = resolve(
        _only(text, "the corresponding period a year earlier"),
        calendar=CALENDAR_YEAR,
        published=None,
        reference=h1,
    )
    assert prior is not None and (prior.start, prior.end) == (date(2008, 1, 1), date(2008, 6, 30))
    named = "versus EUR 2 mn for the same period of 2006"
    to_2006 = resolve(
        _only(named, "the same period of 2006"),
        calendar=CALENDAR_YEAR,
        published=None,
        reference=h1,
    )
    assert to_2006 is not None and to_2006.start == date(2006, 1, 1)
    assert (
        resolve(
            _only(text, "the corresponding period a year earlier"),
            calendar=CALENDAR_YEAR,
            published=None,
        )
        is None
    )


def test_year_before_steps_back_from_reference_year() -> None:
    fy13 = _ref("FY2013", "2013-04-01", "2014-03-31", "year")
    text = "It sold 39 million units, up from 33 million the year before."
    prior = resolve(
        _only(text, "the year before"), calendar=SONY, published=date(2014, 5, 14), reference=fy13
    )
    assert prior is not None and prior.label == "FY2012"


def test_last_year_in_comparison_with_quarter_reference_is_same_quarter_a_year_back() -> None:
    q3 = _ref("2016-Q3", "2016-07-01", "2016-09-30", "quarter")
    text = "Sales rose to $5 mln from $4 mln last year."
    expr = _only(text, "last year")
    assert comparison_context(text, expr.char_start)
    prior = resolve(
        expr, calendar=CALENDAR_YEAR, published=date(2016, 10, 20), reference=q3, comparison=True
    )
    assert prior is not None and (prior.start, prior.end) == (date(2015, 7, 1), date(2015, 9, 30))


@pytest.mark.parametrize(
    ("surface", "plain_year"),
    [
        ("the prior year", 1985),
        ("a year earlier", None),
        ("last year", 1986),
        ("the previous year", 1985),
    ],
)
def test_year_cue_in_comparison_shifts_shorter_reference(
    surface: str, plain_year: int | None
) -> None:
    text = f"Net was 3 mln dlrs in the period, up from 2 mln dlrs {surface}."
    expr = _only(text, surface)
    assert comparison_context(text, expr.char_start)
    shifted = {
        ("1986-10-01", "1986-12-31", "quarter"): (date(1985, 10, 1), date(1985, 12, 31)),
        ("1986-07-01", "1986-12-31", "half"): (date(1985, 7, 1), date(1985, 12, 31)),
        ("1986-01-01", "1986-09-30", "nine_months"): (date(1985, 1, 1), date(1985, 9, 30)),
    }
    for (start, end, granularity), expected in shifted.items():
        reference = _ref(granularity, start, end, granularity)
        prior = resolve(
            expr,
            calendar=CALENDAR_YEAR,
            published=date(1987, 3, 2),
            reference=reference,
            comparison=True,
        )
        assert prior is not None and (prior.start, prior.end) == expected, granularity
    if plain_year is None:
        return
    # Outside a comparison the cue keeps naming a whole year.
    q4 = _ref("1986-Q4", "1986-10-01", "1986-12-31", "quarter")
    plain = resolve(expr, calendar=CALENDAR_YEAR, published=date(1987, 3, 2), reference=q4)
    assert plain is not None
    assert (plain.start, plain.end) == (date(plain_year, 1, 1), date(plain_year, 12, 31))


def test_wire_brief_sections_follow_the_reference_quarter() -> None:
    q2 = _ref("FY1988-Q2", "1987-07-01", "1987-09-30", "quarter")
    cal = FiscalCalendar(4, 1, "end")
    text = "Shr 1 ct\n    Six mths\n    Shr 2 cts\n"
    half = resolve(
        _only(text, "Six mths"), calendar=cal, published=date(1987, 10, 20), reference=q2
    )
    assert half is not None and (half.start, half.end) == (date(1987, 4, 1), date(1987, 9, 30))


def test_relative_needs_context() -> None:
    expr = _only("It lost money last year.", "last year")
    assert expr.relative
    assert resolve(expr, calendar=CALENDAR_YEAR, published=None) is None
    assert not _only("It lost money in 2010.", "2010").relative


def test_point_dates_are_marked_as_dates() -> None:
    text = "The company said on Nov. 16 it reported on Thursday ( 23 October ) a loss."
    kinds = {e.text: e.kind for e in find_period_expressions(text)}
    assert kinds == {"Nov. 16": "date", "23 October": "date"}


def test_numeric_dates_parse() -> None:
    expr = _only("It reported results on 5/13/19 after the close.", "5/13/19")
    period = resolve(expr, calendar=CALENDAR_YEAR, published=None)
    assert period is not None and period.start == date(2019, 5, 13)


@pytest.mark.parametrize(
    ("text", "start_month"),
    [
        ("It expects a loss for its second quarter ending March 31.", 10),
        ("Net profit in the fiscal 2004-05 , ended August 31 , 2005 rose.", 9),
        ("The target is for its new fiscal year, which runs until March 2016.", 4),
        ("Results for the third quarter ended September 30, 2015 were weak.", 1),
        # a 52/53-week retail year: ending on Feb. 1 it closes January
        ("The company's fiscal year ends on Feb. 1, 2016.", 2),
        ("Net income for the third quarter ended Oct. 31, 2015 was lower.", 2),
        ("Net income for the third quarter ended Nov. 2, 2015 was lower.", 2),
    ],
)
def test_stated_calendar(text: str, start_month: int) -> None:
    cal = stated_calendar(text, published=date(2015, 11, 1))
    assert cal is not None and cal.start_month == start_month


def test_no_stated_calendar_in_plain_text() -> None:
    assert (
        stated_calendar("Sales rose 5% in 2014 and in the first quarter.", published=None) is None
    )


def test_calendar_lookup() -> None:
    assert calendar_for("Sony Corp") == SONY
    assert calendar_for("Sony Mobile Communications") == SONY
    assert calendar_for("Apple Inc").start_month == 10
    assert calendar_for("Applebee's") == CALENDAR_YEAR
    assert calendar_for("Unknown Widgets Oyj") == CALENDAR_YEAR
    assert calendar_for(None) == CALENDAR_YEAR


def test_labels_follow_the_calendar() -> None:
    fy = resolve(_only("in fiscal 2014", "fiscal 2014"), calendar=SONY, published=None)
    q = resolve(_only("in Q3 2014", "Q3 2014"), calendar=CALENDAR_YEAR, published=None)
    nine = resolve(
        _only("for the first nine months of 2010", "the first nine months of 2010"),
        calendar=CALENDAR_YEAR,
        published=None,
    )
    assert fy is not None and (fy.label, fy.granularity) == ("FY2014", "year")
    assert q is not None and (q.label, q.granularity) == ("2014-Q3", "quarter")
    assert nine is not None and (nine.label, nine.granularity) == ("2010-9M", "nine_months")


def test_numbers_are_not_years() -> None:
    text = "It has 2,010 staff, sold 2010.5 tonnes and paid $2014 for 1999% growth."
    assert [e.text for e in find_period_expressions(text) if e.kind == "year"] == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_never_crashes_and_spans_slice_back(text: str) -> None:
    for expr in find_period_expressions(text):
        assert text[expr.char_start : expr.char_end] == expr.text
        resolve(expr, calendar=SONY, published=date(2015, 6, 1))


_WORDS = [
    "the",
    "first",
    "second",
    "fourth",
    "quarter",
    "qtr",
    "half",
    "year",
    "fiscal",
    "last",
    "this",
    "same",
    "period",
    "a",
    "ago",
    "earlier",
    "ended",
    "ending",
    "to",
    "March",
    "31",
    ",",
    "2014",
    "2015",
    "1987/88",
    "Q2",
    "H1",
    "nine",
    "months",
    "mths",
    "of",
    "in",
    "June-August",
    "2005-06",
    "end-",
    "12",
    "weeks",
]
_VOCAB = st.sampled_from(_WORDS)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VOCAB, max_size=12), st.dates(date(1960, 1, 1), date(2040, 12, 31)))
def test_period_words_resolve_to_valid_ranges(words: list[str], published: date) -> None:
    text = " ".join(words)
    for expr in find_period_expressions(text):
        assert text[expr.char_start : expr.char_end] == expr.text
        for cal in (CALENDAR_YEAR, SONY, calendar_for("Apple")):
            period = resolve(expr, calendar=cal, published=published)
            if period is not None:
                assert period.start <= period.end


def test_component_marks_spans() -> None:
    import spacy

    from pipeline.components import periods as component

    nlp = spacy.blank("en")
    nlp.add_pipe(component.NAME)
    doc = nlp("Sony lost money in the second fiscal quarter, up from a year earlier.")
    spans = doc.spans[component.SPANS_KEY]
    assert [s.text for s in spans] == ["the second fiscal quarter", "a year earlier"]
    assert all(isinstance(s._.newsfacts_period, PeriodExpr) for s in spans)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    match = re.search(r"\.\s|\n", text[end:])
    return left, end + match.start() if match else len(text)


def test_recall_floor_on_development_gold(dev_dir: Path) -> None:
    """Gold periods that an expression in the evidence sentence resolves to (within 7 days).

    The reference is the last resolved, non-comparative, non-date period before the
    expression, as the fact assembler passes it.
    """
    hits = with_expr = 0
    for path in sorted(dev_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            text, published = doc["text"], _d(doc.get("published"))
            resolved_by_entity: dict[str, list[tuple[PeriodExpr, Period | None]]] = {}
            for fact in doc["facts"]:
                alternatives = fact.get("period_alternatives") or []
                # A [null, null] alternative marks a figure whose year the text never fixes:
                # there is no period the expressions must resolve to.
                if not fact.get("period_start") or [None, None] in alternatives:
                    continue
                where = text.find(fact["evidence"])
                if where < 0:
                    continue
                entity = fact["entity"]
                if entity not in resolved_by_entity:
                    cal = stated_calendar(text, published=published) or calendar_for(entity)
                    resolved_by_entity[entity] = _resolve_all(text, cal, published)
                left, right = _sentence(text, where, where + len(fact["evidence"]))
                inside = [
                    p
                    for e, p in resolved_by_entity[entity]
                    if left <= e.char_start and e.char_end <= right and e.kind != "date"
                ]
                if not inside:
                    continue
                with_expr += 1
                gold = [(fact["period_start"], fact["period_end"])]
                gold += [tuple(pair) for pair in alternatives]
                hits += any(p is not None and _close(p, g) for p in inside for g in gold)
    assert with_expr > 50
    assert hits / with_expr >= 0.70, f"{hits}/{with_expr}"


def _resolve_all(
    text: str, cal: FiscalCalendar, published: date | None
) -> list[tuple[PeriodExpr, Period | None]]:
    out: list[tuple[PeriodExpr, Period | None]] = []
    reference = None
    for expr in find_period_expressions(text):
        comparison = comparison_context(text, expr.char_start)
        period = resolve(
            expr, calendar=cal, published=published, reference=reference, comparison=comparison
        )
        out.append((expr, period))
        if period is not None and expr.kind != "date" and not comparison and not expr.relative:
            reference = period
    return out


def _close(period: Period, gold: tuple[str, str]) -> bool:
    week = timedelta(days=7)
    start, end = date.fromisoformat(gold[0]), date.fromisoformat(gold[1])
    return abs(period.start - start) <= week and abs(period.end - end) <= week


def test_wire_blocks_end_with_an_off_calendar_reference() -> None:
    """A quarter that ended Feb 28: its "Six mths" and "Year" blocks end Feb 28 too."""
    quarter = resolve(
        _only("Qtr ended Feb 28\n", "Qtr ended Feb 28"),
        calendar=CALENDAR_YEAR,
        published=date(1987, 4, 13),
    )
    assert quarter is not None and (quarter.start, quarter.end) == (
        date(1986, 12, 1),
        date(1987, 2, 28),
    )
    text = "Shr 1 ct\n    Six mths\n    Shr 2 cts\n    Year\n    Shr 3 cts\n"
    cal = CALENDAR_YEAR
    half = resolve(_only(text, "Six mths"), calendar=cal, published=None, reference=quarter)
    year = resolve(_only(text, "Year"), calendar=cal, published=None, reference=quarter)
    assert half is not None and (half.start, half.end) == (date(1986, 9, 1), date(1987, 2, 28))
    assert year is not None and (year.start, year.end) == (date(1986, 3, 1), date(1987, 2, 28))


def test_lone_ended_line_takes_the_length_of_the_reference() -> None:
    q4 = _ref("1986-Q4", "1986-10-01", "1986-12-31", "quarter")
    ended = resolve(
        _only("FOO CORP 4TH QTR NET\nEnded Feb 28\n", "Ended Feb 28"),
        calendar=CALENDAR_YEAR,
        published=date(1987, 4, 8),
        reference=q4,
    )
    assert ended is not None and (ended.start, ended.end) == (date(1986, 12, 1), date(1987, 2, 28))
    # in prose "ended Feb 28" without a unit is not this rule's
    assert all(e.kind != "ended" for e in find_period_expressions("sales ended Feb 28 higher"))


def test_a_block_line_is_a_section_line_whichever_rule_reads_it() -> None:
    text = "ACME CORP 3RD QTR NET\nShr 1 ct\n    Nine mths\n    Shr 2 cts\n"
    nine = _only(text, "Nine mths")
    assert nine.section_line and nine.kind == "nine_months"
    assert not _only("Net rose in the nine months.", "the nine months").section_line
