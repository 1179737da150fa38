"""Golden tests of the "is it a result at all" decision (pipeline/decisions/result.py)."""

from __future__ import annotations

import pytest
from decision_docs import cue, cues, parse, segment, value

from pipeline.decisions import result

PUBLISHED = "2020-03-01"


def _rejection(nlp, text: str, surface: str) -> str | None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, text, PUBLISHED)
    span = value(doc, surface)
    seg = segment(doc, span)
    return result.rejection(doc, seg, span, cues(doc, seg))


@pytest.mark.parametrize(
    ("text", "surface", "reason"),
    [
        ("Halden Corp said revenue rose to $4 million.", "$4 million", None),
        ("Shares of Halden Corp rose 6% on Tuesday.", "6%", "market move"),
        ("Halden Corp beat the consensus estimate of $1.05 by $0.15.", "$0.15", "margin"),
        ("Chief executive John Marsh, 58, told analysts that Halden Corp would grow.", "58",
         "age"),
        ("Halden Corp said the ratio won't be allowed to fall below 25%.", "25%",
         "level crossed"),
    ],
)
def test_rejection_names_the_reason(nlp, text: str, surface: str, reason: str | None) -> None:  # type: ignore[no-untyped-def]
    assert _rejection(nlp, text, surface) == reason


def test_the_figure_a_margin_is_measured_against_is_not_rejected_as_a_margin(nlp) -> None:  # type: ignore[no-untyped-def]
    # "$1.05" is the estimate itself; only the gap "by $0.15" is a margin
    assert _rejection(nlp, "Halden Corp beat the consensus estimate of $1.05 by $0.15.",
                      "$1.05") is None


def test_range_ends_are_members_of_a_range(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp expects revenue in a range of $5 million to $6 million.",
                PUBLISHED)
    low, high = value(doc, "$5 million"), value(doc, "$6 million")
    seg = segment(doc, low)
    assert result.range_members(doc, seg, [low, high]) == {low.start, high.start}
    assert doc._.newsfacts_facts == []


def test_a_segment_of_what_would_have_been_is_hypothetical(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp said net would have been 4 mln dlrs higher.", PUBLISHED)
    assert result.hypothetical(segment(doc, value(doc, "4 mln dlrs")))
    plain = parse(nlp, "Halden Corp said revenue rose to $4 million.", PUBLISHED)
    assert not result.hypothetical(segment(plain, value(plain, "$4 million")))


def test_a_public_modifier_makes_a_cue_no_company_s(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Federal revenues rose to 6.7 billion dlrs in 2019.", PUBLISHED)
    assert result.public_cue(doc, cue(doc, "revenues"))
    assert doc._.newsfacts_facts == []


def test_sums_over_several_years_are_no_period_s_figures(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp has paid $9.04 a share in dividends over the past 20 years.",
                PUBLISHED)
    assert result.sums_over_years(segment(doc, value(doc, "$9.04")))
    assert doc._.newsfacts_facts == []
