"""Golden tests of the "current or comparative" decision (pipeline/decisions/comparative.py)."""

from __future__ import annotations

import pytest
from decision_docs import parse, segment, value

from pipeline.decisions import comparative

PUBLISHED = "2020-03-01"


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        ("Halden Corp said revenue rose to $4 million from $3 million.", "$4 million",
         (False, False)),
        ("Halden Corp said revenue rose to $4 million from $3 million.", "$3 million",
         (True, False)),
        ("Shr 50 cts vs 40 cts\nNet 5.1 mln vs 4.2 mln", "40 cts", (True, False)),
        ("Shr 50 cts vs 40 cts\nNet 5.1 mln vs 4.2 mln", "5.1 mln", (False, False)),
        # "more than": a bound on the figure, not a comparison
        ("Halden Corp said revenue rose more than 50% to $4 million.", "50%", (False, False)),
        # a comparative that revises the company's own forecast
        ("Halden Corp raised its forecast to $5 million from its previous forecast of "
         "$4 million.", "$4 million", (True, True)),
    ],
)
def test_comparison(nlp, text: str, surface: str, expected: tuple[bool, bool]) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, text, PUBLISHED)
    span = value(doc, surface)
    assert comparative.comparison(doc, segment(doc, span), span) == expected


def test_a_comparative_steps_back_a_year_from_the_current_figure(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp said fourth-quarter net profit rose to $4 million from "
                "$3 million a year earlier.", PUBLISHED)
    assert [(f.value, f.period) for f in doc._.newsfacts_facts] == [
        (4_000_000.0, "2019-Q4"),
        (3_000_000.0, "2018-Q4"),
    ]
