"""Missed gold facts counted by the decision that lost them (`decision_of`,
`EvaluationReport.by_decision`, `newsfacts evaluate --by-decision`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_evaluate import fact, gold, run

from pipeline.cli import main
from pipeline.evaluate import DECISIONS, decision_of
from pipeline.facts import write_facts

FY2014 = ("2014-04-01", "2015-03-31")
FY2013 = ("2013-04-01", "2014-03-31")


def _decision(golds, preds) -> str:  # type: ignore[no-untyped-def]
    (missed,) = run(golds, preds).missed
    return str(missed["decision"])


def test_each_wrong_field_names_its_decision() -> None:
    assert _decision([gold()], [fact(entity="Other Corp")]) == "owner"
    assert _decision([gold()], [fact(metric="net_income")]) == "metric"
    assert _decision([gold()], [fact(period=("2016-01-01", "2016-12-31"))]) == "period"
    # one year off: a current figure read as the prior one, or the reverse
    assert _decision([gold()], [fact(period=FY2013)]) == "comparative"
    assert _decision([gold()], [fact(unit="USD")]) == "currency"


def test_a_value_not_predicted_is_not_found_or_no_result_by_its_evidence() -> None:
    stated = gold(evidence="Sony said revenue was 100 yen", unit="JPY")
    assert _decision([stated], []) == "not a result"
    unstated = gold(evidence="Sony said revenue was flat")
    assert _decision([unstated], []) == "value not found"


def test_the_first_wrong_decision_in_the_assembler_s_order_wins() -> None:
    assert decision_of(gold(), ["value", "value+period"]) == "owner"
    assert decision_of(gold(), ["value", "value+entity"]) == "metric"
    assert decision_of(gold(), ["value", "value+metric", "value+entity", "value+period"]) == (
        "combination"
    )


def test_by_decision_counts_misses_and_wrong_statuses() -> None:
    report = run(
        [gold(), gold(value=5.0, metrics=("net_income",)), gold(value=7.0)],
        [fact(status="forecast"), fact(value=5.0, metric="eps")],
    )
    counts = report.by_decision()
    assert list(counts) == list(DECISIONS)
    assert counts["metric"] == 1
    assert counts["status"] == 1  # matched, but "forecast" where the gold says "actual"
    assert sum(counts.values()) == 3
    assert report.to_dict()["by_decision"] == counts


def test_cli_evaluate_by_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_path = tmp_path / "gold.jsonl"
    row = {"doc_id": "d1", "published": None, "facts": [
        {"entity": "Sony", "metric": "revenue", "value": 100.0, "unit": "JPY",
         "period_start": FY2014[0], "period_end": FY2014[1], "status": "actual"}]}
    gold_path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    pred_path = tmp_path / "pred.jsonl"
    write_facts([fact(entity="Other Corp")], pred_path)
    assert main(["evaluate", "--gold", str(gold_path), "--pred", str(pred_path),
                 "--by-decision"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("lost at decision"):].splitlines()
    assert "owner" in table[DECISIONS.index("owner") + 1]
    assert table[DECISIONS.index("owner") + 1].split()[-1] == "1"
