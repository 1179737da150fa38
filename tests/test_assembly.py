"""Whole facts on hand-written sentences: each golden case one line of tests/data/facts.jsonl.

Scored with the project's own evaluator, so a case passes only when every expected fact is
found with its entity, metric, value, unit and period, and nothing else is extracted.
Status, when a case gives it, must match too.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.documents import Document
from pipeline.evaluate import GoldDocument, GoldFact, evaluate
from pipeline.extract import extract_facts

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "facts.jsonl").read_text().splitlines()
    if line.strip()
]


def _gold(case: dict) -> GoldDocument:  # type: ignore[type-arg]
    facts = tuple(
        GoldFact(
            entity=f["entity"],
            metrics=(f["metric"],),
            value=f["value"],
            unit=f["unit"],
            period_start=date.fromisoformat(f["period_start"]) if f.get("period_start") else None,
            period_end=date.fromisoformat(f["period_end"]) if f.get("period_end") else None,
            status=f.get("status", "actual"),
        )
        for f in case["expected"]
    )
    return GoldDocument(doc_id="case", published=None, facts=facts)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_facts(nlp, case: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    published = date.fromisoformat(case["published"]) if case["published"] else None
    document = Document(doc_id="case", text=case["text"], published=published)
    facts = list(extract_facts([document], nlp=nlp))
    for fact in facts:
        assert case["text"][fact.char_start : fact.char_end].strip(), fact
    report = evaluate([_gold(case)], facts)
    shown = [(f.entity, f.metric, f.value, f.unit, f.period, f.status) for f in facts]
    assert report.core.fn == 0 and report.core.fp == 0, shown
    with_status = [f for f in case["expected"] if "status" in f]
    if with_status:
        assert report.status_accuracy == 1.0, shown


def test_confidence_ranks_direct_readings_above_hedged_carried_ones(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Kestrel Corp said its net profit rose to EUR 5.2 mn in 2019. "
        "It expects sales to grow about 5% next year."
    )
    document = Document(doc_id="c", text=text, published=date(2020, 2, 1))
    facts = {f.metric: f for f in extract_facts([document], nlp=nlp)}
    direct, hedged = facts["net_income"], facts["revenue_change"]
    assert direct.status == "actual" and hedged.status == "forecast"
    assert direct.confidence > hedged.confidence + 0.2
