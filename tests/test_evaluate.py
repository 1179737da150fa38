"""Every matching rule of FACTS.md section 4, each pinned by a small hand-made case."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.errors import EvaluationError
from pipeline.evaluate import (
    EvaluationReport,
    GoldDocument,
    GoldFact,
    PRFScore,
    evaluate,
    normalize_entity,
    read_gold,
)
from pipeline.facts import Fact, write_facts

REPO = Path(__file__).resolve().parents[1]
FY2014 = ("2014-04-01", "2015-03-31")


def fact(entity: str = "Sony", metric: str = "revenue", value: float = 100.0,
         unit: str = "JPY", period: tuple[str, str] | None = FY2014, *,
         status: str = "actual", doc_id: str = "d1", evidence: str = "pred") -> Fact:
    start, end = (date.fromisoformat(p) for p in period) if period else (None, None)
    return Fact(doc_id=doc_id, entity=entity, metric=metric, item=None, value=value,
                unit=unit, period=None, period_start=start, period_end=end,
                status=status, char_start=0, char_end=1,  # type: ignore[arg-type]
                evidence=evidence, confidence=1.0)


def gold(entity: str = "Sony", metrics: tuple[str, ...] = ("revenue",), value: float = 100.0,
         unit: str = "JPY", period: tuple[str, str] | None = FY2014, **extra: Any) -> GoldFact:
    start, end = (date.fromisoformat(p) for p in period) if period else (None, None)
    return GoldFact(entity=entity, metrics=metrics, value=value, unit=unit,
                    period_start=start, period_end=end, **extra)


def run(golds: list[GoldFact], preds: list[Fact]) -> EvaluationReport:
    return evaluate([GoldDocument("d1", None, tuple(golds))], preds)


def counts(golds: list[GoldFact], preds: list[Fact]) -> tuple[int, int, int]:
    core = run(golds, preds).core
    return core.tp, core.fp, core.fn


MATCH, MISS = (1, 0, 0), (0, 1, 1)


def test_identical_fact_is_a_true_positive() -> None:
    assert counts([gold()], [fact()]) == MATCH


# --- entity -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Sony Mobile", "sony mobile communications", "SONY MOBILE"])
def test_entity_matches_the_gold_name_or_an_alias(name: str) -> None:
    g = gold("Sony Mobile Communications", entity_aliases=("Sony Mobile",))
    assert counts([g], [fact(name)]) == MATCH


def test_entity_outside_name_and_aliases_does_not_match() -> None:
    g = gold("Sony Mobile Communications", entity_aliases=("Sony Mobile",))
    assert counts([g], [fact("Sony")]) == MISS


@pytest.mark.parametrize("name", [
    "Sony Corp", "Sony Corp.", "Sony Corporation", "Sony Inc.", "Sony Co., Ltd.", "Sony plc",
    "Sony AG", "Sony S.A.", "Sony SA", "Sony Oyj", "Sony Group", "Sony Holdings",
    "Sony Group Corp", "SONY CORPORATION",
])
def test_legal_suffixes_are_removed(name: str) -> None:
    assert normalize_entity(name) == "sony"
    assert counts([gold("Sony")], [fact(name)]) == MATCH


def test_legal_suffix_only_at_the_end_and_never_the_whole_name() -> None:
    assert normalize_entity("Group Lotus") == "group lotus"
    assert normalize_entity("Holdings") == "holdings"
    assert counts([gold("Sony")], [fact("Sony Pictures")]) == MISS


@pytest.mark.parametrize(("predicted", "annotated"), [
    ("rapala vmc", "Rapala VMC"),
    ("Ilkka Yhtyma", "Ilkka-Yhtyma"),
    ("Del E Webb Investment Properties", "Del E. Webb Investment Properties"),
    ("Royal Dutch Shell", "Royal Dutch/Shell Group"),
    ("McDonalds", "McDonald's"),
    ("  Bank   of Åland ", "Bank of Åland"),
])
def test_case_punctuation_and_whitespace_are_ignored(predicted: str, annotated: str) -> None:
    assert counts([gold(annotated)], [fact(predicted)]) == MATCH


def test_different_words_still_differ_after_normalization() -> None:
    assert counts([gold("Bank of Åland")], [fact("Bank of Aland")]) == MISS


# --- metric -------------------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "expected"), [
    ("net_income", MATCH), ("operating_income", MATCH), ("revenue", MISS),
])
def test_metric_list_accepts_each_listed_id(metric: str, expected: tuple[int, ...]) -> None:
    g = gold(metrics=("net_income", "operating_income"))
    assert counts([g], [fact(metric=metric)]) == expected


def test_single_metric_must_be_equal() -> None:
    assert counts([gold(metrics=("revenue",))], [fact(metric="revenue_change")]) == MISS


# --- value and unit -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (100.99, MATCH), (101.0, MATCH), (99.01, MATCH), (101.01, MISS), (98.99, MISS),
])
def test_value_within_one_percent_relative(value: float, expected: tuple[int, ...]) -> None:
    assert counts([gold(value=100.0)], [fact(value=value)]) == expected


def test_value_tolerance_is_relative_to_the_gold_magnitude() -> None:
    assert counts([gold(value=-5.0e10)], [fact(value=-5.04e10)]) == MATCH
    assert counts([gold(value=-5.0e10)], [fact(value=-5.06e10)]) == MISS
    assert counts([gold(value=-5.0e10)], [fact(value=5.0e10)]) == MISS
    assert counts([gold(value=0.5, unit="USD")], [fact(value=0.54, unit="USD")]) == MISS


@pytest.mark.parametrize(("value", "expected"), [
    (35.34, MATCH), (35.35, MATCH), (35.26, MATCH), (35.36, MISS), (35.2, MISS),
])
def test_percent_within_005_absolute(value: float, expected: tuple[int, ...]) -> None:
    g = gold(metrics=("revenue_change",), value=35.3, unit="percent")
    assert counts([g], [fact(metric="revenue_change", value=value, unit="percent")]) == expected


def test_percent_tolerance_is_absolute_not_relative() -> None:
    g = gold(metrics=("revenue_change",), value=0.5, unit="percent")
    assert counts([g], [fact(metric="revenue_change", value=0.54, unit="percent")]) == MATCH


def test_unit_must_be_equal() -> None:
    assert counts([gold(unit="JPY")], [fact(unit="USD")]) == MISS


# --- period -------------------------------------------------------------------------------


@pytest.mark.parametrize(("period", "expected"), [
    (("2014-04-08", "2015-03-31"), MATCH),
    (("2014-03-25", "2015-04-07"), MATCH),
    (("2014-04-09", "2015-03-31"), MISS),
    (("2014-04-01", "2015-03-23"), MISS),
    (("2014-04-01", "2015-04-08"), MISS),
    (("2014-01-01", "2014-12-31"), MISS),
])
def test_period_ends_within_seven_days(period: tuple[str, str],
                                       expected: tuple[int, ...]) -> None:
    assert counts([gold(period=FY2014)], [fact(period=period)]) == expected


def test_null_periods_match_only_each_other() -> None:
    assert counts([gold(period=None)], [fact(period=None)]) == MATCH
    assert counts([gold(period=None)], [fact(period=FY2014)]) == MISS
    assert counts([gold(period=FY2014)], [fact(period=None)]) == MISS


def test_period_alternatives_are_accepted() -> None:
    quarter = ("2014-07-01", "2014-09-30")
    g = gold(period=quarter, period_alternatives=(
        (date(2014, 4, 1), date(2015, 3, 31)), (date(2014, 1, 1), date(2014, 12, 31))))
    assert counts([g], [fact(period=quarter)]) == MATCH
    assert counts([g], [fact(period=FY2014)]) == MATCH
    assert counts([g], [fact(period=("2014-01-03", "2014-12-28"))]) == MATCH
    assert counts([g], [fact(period=("2015-04-01", "2016-03-31"))]) == MISS


# --- optional gold, one-to-one matching, duplicates ----------------------------------------


def test_optional_gold_is_neither_tp_nor_fp_nor_fn() -> None:
    optional = gold(metrics=("net_income",), optional=True)
    assert counts([optional], [fact(metric="net_income")]) == (0, 0, 0)
    assert counts([optional], []) == (0, 0, 0)
    assert counts([optional, gold()], [fact()]) == MATCH
    assert counts([optional], [fact()]) == (0, 1, 0)


def test_required_gold_is_preferred_over_optional_gold() -> None:
    optional = gold(value=100.0, optional=True)
    required = gold(value=100.5)
    assert counts([optional, required], [fact(value=100.2)]) == MATCH
    assert counts([optional, required], [fact(value=100.2), fact(value=99.8)]) == (1, 0, 0)


def test_one_gold_fact_takes_one_prediction() -> None:
    assert counts([gold()], [fact(value=100.0), fact(value=100.5)]) == (1, 1, 0)


def test_one_prediction_takes_one_gold_fact() -> None:
    assert counts([gold(value=100.0), gold(value=100.5)], [fact(value=100.2)]) == (1, 0, 1)


def test_maximum_matching_where_greedy_fails() -> None:
    # Prediction 100.5 fits both gold facts and comes first; 99.5 fits only the first.
    # Greedy pairs gold 100.0 with 100.5 and strands gold 100.8; the maximum pairs all.
    golds = [gold(value=100.0), gold(value=100.8)]
    preds = [fact(value=100.5), fact(value=99.5)]
    assert counts(golds, preds) == (2, 0, 0)
    assert counts(list(reversed(golds)), list(reversed(preds))) == (2, 0, 0)


def test_duplicate_predictions_are_removed_first() -> None:
    report = run([gold()], [fact(), fact(), fact("Sony Corp", status="forecast")])
    assert (report.core.tp, report.core.fp, report.core.fn) == MATCH
    assert report.duplicates_removed == 2


def test_predictions_differing_in_value_or_period_are_not_duplicates() -> None:
    report = run([gold()], [fact(), fact(value=100.3), fact(period=("2014-04-02", "2015-03-31"))])
    assert (report.core.tp, report.core.fp) == (1, 2)
    assert report.duplicates_removed == 0


def test_predictions_for_unknown_documents_are_counted_and_ignored() -> None:
    preds = [fact(), fact(doc_id="other"), fact(doc_id="other", value=5.0), fact(doc_id="x")]
    report = run([gold()], preds)
    assert (report.core.tp, report.core.fp, report.core.fn) == MATCH
    assert report.ignored_predictions == 3
    assert report.ignored_doc_ids == ("other", "x")
    assert report.to_dict()["ignored_predictions"] == 3


# --- aggregate scores and diagnostics ------------------------------------------------------


def test_scores_are_micro_averaged_over_documents() -> None:
    documents = [
        GoldDocument("a", None, (gold(value=1.0), gold(value=2.0))),
        GoldDocument("b", None, (gold(value=3.0),)),
    ]
    preds = [fact(value=1.0, doc_id="a"), fact(value=2.0, doc_id="a"),
             fact(value=9.0, doc_id="b")]
    report = evaluate(documents, preds)
    assert (report.core.tp, report.core.fp, report.core.fn) == (2, 1, 1)
    assert report.core.precision == pytest.approx(2 / 3)
    assert report.core.recall == pytest.approx(2 / 3)
    assert report.core.f1 == pytest.approx(2 / 3)
    assert [(d.doc_id, d.core.tp) for d in report.documents] == [("a", 2), ("b", 0)]


@pytest.mark.parametrize(("pred", "found_by"), [
    (fact(metric="net_income"), {"value", "value+entity", "value+period"}),
    (fact("Panasonic"), {"value", "value+metric", "value+period"}),
    (fact(period=("2014-01-01", "2014-12-31")), {"value", "value+metric", "value+entity"}),
    (fact(unit="USD"), set()),
])
def test_each_diagnostic_requires_only_its_fields(pred: Fact, found_by: set[str]) -> None:
    report = run([gold()], [pred])
    assert (report.core.tp, report.core.fp, report.core.fn) == MISS
    assert {name for name, s in report.diagnostics.items() if s.tp} == found_by
    for name, score in report.diagnostics.items():
        assert (score.fp, score.fn) == ((0, 0) if name in found_by else (1, 1))


def test_each_diagnostic_is_its_own_matching() -> None:
    # On value alone the second prediction fits the first gold fact too, but the
    # diagnostic still pairs one to one.
    golds = [gold(value=100.0), gold(value=100.0, metrics=("capex",))]
    preds = [fact(value=100.0, metric="ebitda"), fact(value=100.2, metric="ebitda")]
    report = run(golds, preds)
    assert report.diagnostics["value"].tp == 2
    assert report.diagnostics["value+metric"].tp == 0


def test_status_accuracy_over_matched_required_pairs() -> None:
    golds = [gold(value=1.0, status="forecast"), gold(value=2.0),
             gold(value=3.0, status="target", optional=True)]
    preds = [fact(value=1.0, status="forecast"), fact(value=2.0, status="forecast"),
             fact(value=3.0), fact(value=50.0)]
    report = run(golds, preds)
    assert (report.status_correct, report.status_total) == (1, 2)
    assert report.status_accuracy == 0.5
    assert run([gold()], []).status_accuracy is None


def test_matching_prefers_a_prediction_with_the_gold_status() -> None:
    report = run([gold(status="forecast")], [fact(value=100.1), fact(status="forecast")])
    assert report.status_accuracy == 1.0


def test_missed_and_false_positives_carry_doc_fields_and_evidence() -> None:
    g = gold(value=7.0, evidence="sales of 7 yen", metrics=("revenue", "capex"))
    report = run([g], [fact(value=7.0, metric="ebitda", evidence="ebitda of 7 yen")])
    [missed] = report.missed
    [wrong] = report.false_positives
    assert missed["doc_id"] == wrong["doc_id"] == "d1"
    assert missed["evidence"] == "sales of 7 yen"
    assert missed["metric"] == ["revenue", "capex"]
    assert missed["near"] == ["value", "value+entity", "value+period"]
    assert wrong["evidence"] == "ebitda of 7 yen"
    assert wrong["metric"] == "ebitda"
    assert wrong["period_start"] == "2014-04-01"
    text = report.format_text()
    assert "sales of 7 yen" in text and "ebitda of 7 yen" in text


def test_prf_score_accumulates() -> None:
    total = PRFScore(3, 1, 0) + PRFScore(1, 1, 4)
    assert (total.tp, total.fp, total.fn) == (4, 2, 4)
    assert total.f1 == pytest.approx(2 * 4 / (2 * 4 + 2 + 4))
    assert PRFScore().to_dict() == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}


def test_report_to_dict_is_json_with_the_documented_keys() -> None:
    data = json.loads(json.dumps(run([gold()], [fact(), fact(value=3.0)]).to_dict()))
    assert data["core"] == {"p": 0.5, "r": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    assert set(data["diagnostics"]) == {"value", "value+metric", "value+entity", "value+period"}
    assert {"status_accuracy", "missed", "false_positives", "documents"} <= set(data)


# --- reading gold -------------------------------------------------------------------------


def gold_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "entity": "Sony", "metric": "revenue", "value": 100.0, "unit": "JPY", "item": None,
        "period": "FY2014", "period_start": "2014-04-01", "period_end": "2015-03-31",
        "status": "actual", "evidence": "sales of 100 yen",
    }
    row.update(changes)
    return row


def write_gold(path: Path, *facts: dict[str, Any], doc_id: str = "d1") -> Path:
    row = {"doc_id": doc_id, "published": "2014-10-31", "text": "t", "facts": list(facts)}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_read_gold_parses_every_field(tmp_path: Path) -> None:
    path = write_gold(tmp_path / "g.jsonl", gold_row(), gold_row(
        metric=["net_income", "operating_income"], entity_aliases=["Sony Group"],
        optional=True, period_alternatives=[["2014-01-01", "2014-12-31"]], note="why"))
    [document] = read_gold(path)
    assert document.doc_id == "d1" and document.published == date(2014, 10, 31)
    first, second = document.facts
    assert first.metrics == ("revenue",) and not first.optional
    assert first.period_start == date(2014, 4, 1) and first.period == "FY2014"
    assert second.metrics == ("net_income", "operating_income")
    assert second.entity_aliases == ("Sony Group",) and second.optional
    assert second.period_alternatives == ((date(2014, 1, 1), date(2014, 12, 31)),)


@pytest.mark.parametrize(("change", "problem"), [
    ({"entity": ""}, "entity"),
    ({"metric": []}, "metric"),
    ({"metric": 3}, "metric"),
    ({"value": "12"}, "value"),
    ({"value": None}, "value"),
    ({"unit": None}, "unit"),
    ({"period_start": "2014-13-01"}, "period_start"),
    ({"period_end": None}, "both"),
    ({"period_start": "2016-01-01"}, "after"),
    ({"status": "guess"}, "status"),
    ({"optional": "yes"}, "optional"),
    ({"entity_aliases": "Sony"}, "entity_aliases"),
    ({"period_alternatives": [["2014-01-01"]]}, "pair"),
])
def test_malformed_gold_names_document_and_problem(tmp_path: Path, change: dict[str, Any],
                                                   problem: str) -> None:
    path = write_gold(tmp_path / "g.jsonl", gold_row(), gold_row(**change), doc_id="doc-7")
    with pytest.raises(EvaluationError, match=rf"doc-7.*fact 1.*{problem}"):
        read_gold(path)


@pytest.mark.parametrize(("content", "problem"), [
    ("{not json", "JSON"),
    ('{"facts": []}', "doc_id"),
    ('{"doc_id": "a", "facts": {}}', "'a'.*facts"),
    ('{"doc_id": "a", "published": "yesterday", "facts": []}', "'a'.*published"),
    ('{"doc_id": "a", "facts": []}\n{"doc_id": "a", "facts": []}', "'a'.*twice"),
])
def test_malformed_gold_documents(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(content + "\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=problem):
        read_gold(path)


def test_missing_gold_file_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="cannot read gold"):
        read_gold(tmp_path / "absent.jsonl")


# --- command line -------------------------------------------------------------------------


@pytest.fixture
def cli_files(tmp_path: Path) -> tuple[Path, Path]:
    gold_path = write_gold(
        tmp_path / "gold.jsonl",
        gold_row(), gold_row(value=5.0, metric="net_income"),
        gold_row(value=9.0, metric="capex", optional=True))
    preds = [fact(), fact("Sony Corp."), fact(value=5.0, metric="eps"),
             fact(value=9.0, metric="capex"), fact(doc_id="unknown")]
    pred_path = tmp_path / "pred.jsonl"
    write_facts(preds, pred_path)
    return gold_path, pred_path


def test_cli_evaluate_json(cli_files: tuple[Path, Path]) -> None:
    gold_path, pred_path = cli_files
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "evaluate", "--gold", str(gold_path),
         "--pred", str(pred_path), "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["core"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert data["diagnostics"]["value"]["tp"] == 2
    assert data["ignored_predictions"] == 1
    assert data["duplicates_removed"] == 1


def test_cli_evaluate_text_and_bad_gold(cli_files: tuple[Path, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    gold_path, pred_path = cli_files
    assert main(["evaluate", "--gold", str(gold_path), "--pred", str(pred_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("core")
    assert "F1 0.500" in out and "value+period" in out and "missed (1; wrong at metric 1)" in out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "z", "facts": [{"entity": "Sony"}]}\n', encoding="utf-8")
    assert main(["evaluate", "--gold", str(bad), "--pred", str(pred_path)]) == 2
    assert "'z'" in capsys.readouterr().err


def test_lost_at_names_the_decision_that_failed() -> None:
    from pipeline.evaluate import lost_at

    assert lost_at([]) == "value"
    assert lost_at(["value", "value+metric", "value+entity"]) == "period"
    assert lost_at(["value", "value+metric"]) == "entity+period"
    assert lost_at(["value", "value+metric", "value+entity", "value+period"]) == "combination"
