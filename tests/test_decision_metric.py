"""Golden tests of the "which metric" decision (pipeline/decisions/metric.py) and of level
or change (pipeline/decisions/change.py)."""

from __future__ import annotations

import pytest
from decision_docs import cues, parse, segment, value

from pipeline.decisions import change, counts, metric

PUBLISHED = "2020-03-01"


def _cue_and_reading(nlp, text: str, surface: str):  # type: ignore[no-untyped-def]
    doc = parse(nlp, text, PUBLISHED)
    span = value(doc, surface)
    seg = segment(doc, span)
    found = cues(doc, seg)
    cue = metric.cue_for(doc, seg, span, found, span._.newsfacts_quantity)
    reading = metric.cue_reading(doc, seg, span, cue, found) if cue is not None else None
    return doc, span, seg, cue, reading


@pytest.mark.parametrize(
    ("text", "surface", "cue_text", "reading"),
    [
        ("Halden Corp said net profit rose to $4 million.", "$4 million", "net profit",
         ("net_income", False)),
        ("Halden Corp earned 45 cents a share in the quarter.", "45 cents", "a share",
         ("eps", False)),
        ("Halden Corp said its operating margin was 12% in 2019.", "12%", "operating margin",
         ("operating_margin", False)),
        # a loss is a negative net income
        ("Halden Corp said it should return to profit after reporting a loss of $2 million.",
         "$2 million", "loss", (None, True)),
    ],
)
def test_the_governing_cue_gives_the_metric(  # type: ignore[no-untyped-def]
    nlp, text: str, surface: str, cue_text: str, reading: tuple[str | None, bool]
) -> None:
    _, _, _, cue, got = _cue_and_reading(nlp, text, surface)
    assert cue is not None and cue.text == cue_text
    assert got == reading


def test_a_price_per_share_is_no_result(nlp) -> None:  # type: ignore[no-untyped-def]
    doc, _, _, cue, reading = _cue_and_reading(
        nlp, "Halden Corp priced the offering at $15 per share.", "$15")
    assert cue is not None and cue.text == "per share"
    assert reading is None
    assert doc._.newsfacts_facts == []


def test_the_nearest_cue_on_the_left_governs_not_the_sentence_s_first(nlp) -> None:  # type: ignore[no-untyped-def]
    *_, cue, _ = _cue_and_reading(
        nlp, "Halden Corp said revenue rose 8% to $4 million, while net profit fell 3%.", "3%")
    assert cue is not None and cue.text == "net profit"


def test_figures_before_respectively_take_the_coordinated_cues_in_order(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Revenue and operating profit of Halden Corp were 80 mln and 9 mln dlrs, "
                "respectively.", PUBLISHED)
    assert [(f.metric, f.value) for f in doc._.newsfacts_facts] == [
        ("revenue", 80_000_000.0),
        ("operating_income", 9_000_000.0),
    ]


def test_a_count_of_what_was_sold_is_units_sold_with_its_item(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp sold 3.2 million phones in 2019.", PUBLISHED)
    span = value(doc, "3.2 million")
    assert counts.item(span) == "phones"
    assert [(f.metric, f.item) for f in doc._.newsfacts_facts] == [("units_sold", "phones")]


def test_a_count_of_employees_is_headcount_and_a_cut_is_job_cuts(nlp) -> None:  # type: ignore[no-untyped-def]
    staff = parse(nlp, "Halden Corp has 3,600 employees.", PUBLISHED)
    cuts = parse(nlp, "Halden Corp will cut 300 jobs.", PUBLISHED)
    assert [f.metric for f in staff._.newsfacts_facts] == ["headcount"]
    assert [f.metric for f in cuts._.newsfacts_facts] == ["job_cuts"]
    span = value(cuts, "300")
    assert counts.cut_governs(segment(cuts, span), span)


@pytest.mark.parametrize(
    ("surface", "expected"),
    [("8%", (True, 1)), ("$4 million", (False, None)), ("3%", (True, -1))],
)
def test_a_direction_word_makes_a_percent_a_change(nlp, surface: str, expected) -> None:  # type: ignore[no-untyped-def]
    doc, span, seg, cue, _ = _cue_and_reading(
        nlp, "Halden Corp said revenue rose 8% to $4 million, while net profit fell 3%.",
        surface)
    assert cue is not None
    assert change.change_reading(doc, seg, span, cue) == expected


def test_a_change_metric_carries_the_change_suffix(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp said revenue rose 8% to $4 million.", PUBLISHED)
    assert [(f.metric, f.value) for f in doc._.newsfacts_facts] == [
        ("revenue_change", 8.0),
        ("revenue", 4_000_000.0),
    ]


def test_the_ends_of_a_per_share_range_share_its_metric(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp expects earnings of $4.40 to $4.50 a share in 2020.", PUBLISHED)
    assert [(f.metric, f.value) for f in doc._.newsfacts_facts] == [("eps", 4.4), ("eps", 4.5)]


def test_cents_of_earnings_are_eps_only_beside_a_share_word(nlp) -> None:  # type: ignore[no-untyped-def]
    cents = parse(nlp, "Halden Corp said quarterly earnings were 52 cents a share, up from "
                  "40 cents.", PUBLISHED)
    assert [(f.metric, f.value) for f in cents._.newsfacts_facts] == [("eps", 0.52), ("eps", 0.4)]
    bare = parse(nlp, "Halden Corp said quarterly earnings were 52 cents, up from 40 cents.",
                 PUBLISHED)
    assert bare._.newsfacts_facts == []  # "futures posted gains of 0.25 cent": no one's EPS
    small = parse(nlp, "Halden Corp reported net profit of 2.58 dlrs in the fourth quarter.",
                  PUBLISHED)
    assert small._.newsfacts_facts == []  # no company's total is that small
