"""Golden tests of the "which status" decision (pipeline/decisions/status.py)."""

from __future__ import annotations

import pytest
from decision_docs import cues, parse, segment, value

from pipeline.decisions import comparative, status
from pipeline.decisions.context import Candidate

PUBLISHED = "2020-03-01"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Halden Corp said revenue rose to $4 million.", "actual"),
        ("Halden Corp expects revenue of $5 million in 2021.", "forecast"),
        ("Halden Corp aims to reach revenue of $9 million by 2023.", "target"),
        # job cuts are plans unless stated as done
        ("Halden Corp will cut 300 jobs.", "target"),
        # a figure in an after-clause is what happened, not the outlook
        ("Halden Corp said it should return to profit after reporting a loss of $2 million "
         "in 2019.", "actual"),
    ],
)
def test_status(nlp, text: str, status: str) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, text, PUBLISHED)
    assert [f.status for f in doc._.newsfacts_facts] == [status]


def test_status_of_reads_the_nearest_cue_on_the_left(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp expects revenue of $5 million in 2021.", PUBLISHED)
    span = value(doc, "$5 million")
    seg = segment(doc, span)
    assert cues(doc, seg)
    q = span._.newsfacts_quantity
    cand = Candidate(span=span, quantity=q, value=q.value, unit=q.unit)
    cand.comparative, cand.revision = comparative.comparison(doc, seg, span)
    assert status.status_of(doc, seg, cand, "revenue") == "forecast"
    assert status.status_of(doc, seg, cand, "job_cuts") == "target"
