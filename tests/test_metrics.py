"""The metric lexicon: validated on load, and cues found on real phrasing."""

from __future__ import annotations

import pytest

from pipeline.components.metrics import MetricLexicon, lexicon


def test_lexicon_loads_and_covers_the_taxonomy() -> None:
    lex = lexicon()
    for metric in ("revenue", "operating_income", "net_income", "eps", "dividend_per_share",
                   "units_sold", "headcount", "job_cuts", "market_share", "capex"):
        assert lex.metrics[metric], metric


def test_a_phrase_under_two_metrics_is_rejected() -> None:
    data = lexicon().model_dump()
    data["metrics"]["cash"] = [*data["metrics"]["cash"], "revenue"]
    with pytest.raises(ValueError, match="revenue"):
        MetricLexicon.model_validate(data)


@pytest.mark.parametrize(
    ("text", "cue", "metric", "negative"),
    [
        ("Sony narrowed its net loss to $198 million.", "net loss", "net_income", True),
        ("Net sales totalled EUR 58.7 mn.", "Net sales", "revenue", False),
        ("$350 million in the red", "in the red", "net_income", True),
        ("operating profit rose to EUR 31.1 mn", "operating profit", "operating_income", False),
        ("Pretax profit 253.9 mln stg vs 267.9 mln", "Pretax profit", "pretax_income", False),
        ("the division lost a whopping $544 million", "lost", None, True),
    ],
)
def test_cues(nlp, text: str, cue: str, metric: str | None, negative: bool) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    found = {s.text: s._.newsfacts_metric for s in doc.spans["newsfacts_metrics"]}
    assert cue in found, found
    assert found[cue].metric == metric
    assert found[cue].negative is negative
