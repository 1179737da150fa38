"""The evaluator agrees with an independent scorer on perturbed development gold.

Predictions are made from the gold itself, then damaged the way an extractor errs (facts
dropped, values and periods shifted inside and outside tolerance, metrics swapped,
entities renamed, duplicates and junk added), so every matching rule is exercised on real
annotations, including their aliases, metric lists, alternatives and optional facts.
"""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from independent_scorer import brute_force, f1, max_flow, score

from pipeline.evaluate import GoldDocument, GoldFact, evaluate, read_gold
from pipeline.facts import STATUSES, Fact

DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"
DEV_FILES = sorted(DEV.glob("*.jsonl")) if DEV.is_dir() else []
METRICS = ["revenue", "net_income", "operating_income", "eps", "revenue_change", "capex"]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _shift(day: date | None, days: int) -> date | None:
    return day + timedelta(days=days) if day else None


def perturb(rows: list[dict[str, Any]], rng: random.Random) -> list[Fact]:
    """Predictions derived from gold rows with seeded extractor-like mistakes."""
    preds: list[Fact] = []
    for row in rows:
        doc_id = row["doc_id"]
        for gold in row["facts"]:
            if rng.random() < 0.15:
                continue
            metric = gold["metric"]
            metric = rng.choice(metric) if isinstance(metric, list) else metric
            entity = rng.choice([gold["entity"], *(gold.get("entity_aliases") or [])])
            start, end = _day(gold["period_start"]), _day(gold["period_end"])
            value = gold["value"]
            roll = rng.random()
            if roll < 0.1:
                entity = entity.upper() + rng.choice([" Corp.", " Oyj", ", Inc", " Group"])
            elif roll < 0.18:
                entity = "Acme Widgets"
            roll = rng.random()
            if roll < 0.1:
                metric = rng.choice(METRICS)
            roll = rng.random()
            percent = gold["unit"] == "percent"
            if roll < 0.12:
                value = value + 0.03 if percent else value * 1.005
            elif roll < 0.24:
                value = value + 0.3 if percent else value * 1.03
            roll = rng.random()
            if roll < 0.12:
                start, end = _shift(start, 5), _shift(end, -5)
            elif roll < 0.24:
                start, end = _shift(start, 10), _shift(end, 10)
            elif roll < 0.32 and gold.get("period_alternatives"):
                start, end = (_day(d) for d in rng.choice(gold["period_alternatives"]))
            elif roll < 0.36:
                start, end = (None, None) if start else (date(2014, 1, 1), date(2014, 12, 31))
            status = gold["status"] if rng.random() < 0.85 else rng.choice(STATUSES)
            fact = Fact(doc_id=doc_id, entity=entity, metric=metric, item=gold.get("item"),
                        value=value, unit=gold["unit"], period=None, period_start=start,
                        period_end=end, status=status, char_start=0, char_end=1,
                        evidence=gold["evidence"], confidence=1.0)
            preds.append(fact)
            if rng.random() < 0.1:
                preds.append(replace(fact, status=rng.choice(STATUSES), confidence=0.5))
        for _ in range(rng.randint(0, 3)):
            template = rng.choice(row["facts"]) if row["facts"] else None
            preds.append(Fact(
                doc_id=doc_id, entity=template["entity"] if template else "Junk",
                metric=rng.choice(METRICS), item=None,
                value=template["value"] if template and rng.random() < 0.5 else rng.random(),
                unit=rng.choice(["USD", "EUR", "percent", "count"]), period=None,
                period_start=None, period_end=None, status="actual", char_start=0,
                char_end=1, evidence="junk", confidence=0.1))
    if preds:
        preds.append(replace(preds[0], doc_id="not-in-gold"))
    rng.shuffle(preds)
    return preds


@pytest.mark.skipif(not DEV_FILES, reason="development gold not present")
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("path", DEV_FILES, ids=lambda p: p.stem)
def test_evaluator_agrees_with_independent_scorer(path: Path, seed: int) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rng = random.Random(zlib.crc32(path.name.encode()) + seed)
    preds = perturb(rows, rng)

    report = evaluate(read_gold(path), preds)
    expected = score(rows, preds)

    ours = {"core": report.core, **report.diagnostics}
    assert set(ours) == set(expected)
    for level, (tp, fp, fn) in expected.items():
        mine = ours[level]
        assert mine.f1 == pytest.approx(f1(tp, fp, fn), abs=0.01), level
        assert mine.precision == pytest.approx(tp / (tp + fp) if tp + fp else 0.0, abs=0.01)
        assert mine.recall == pytest.approx(tp / (tp + fn) if tp + fn else 0.0, abs=0.01)
    # The perturbation must actually cost something, or the comparison proves little.
    assert 0 < report.core.f1 < report.diagnostics["value"].f1
    assert report.core.fp > 0 and report.core.fn > 0
    assert report.duplicates_removed > 0 and report.ignored_predictions == 1


def test_flow_matching_equals_brute_force() -> None:
    """The independent scorer's matching is itself checked against enumeration."""
    rng = random.Random(7)
    for _ in range(300):
        n_gold, n_pred = rng.randint(1, 5), rng.randint(1, 5)
        edges = [[rng.random() < 0.4 for _ in range(n_pred)] for _ in range(n_gold)]
        optional = [rng.random() < 0.3 for _ in range(n_gold)]
        required_rows = [g for g in range(n_gold) if not optional[g]]
        assert (max_flow(edges, required_rows), max_flow(edges, range(n_gold))) == \
            brute_force(edges, optional), (edges, optional)


def test_evaluator_matching_equals_brute_force() -> None:
    """Random compatibility graphs built from values alone, scored by both routes."""
    rng = random.Random(11)
    for _ in range(300):
        gold_values = [rng.choice([100.0, 101.5, 103.0]) for _ in range(rng.randint(1, 5))]
        optional = [rng.random() < 0.3 for _ in gold_values]
        pred_values = rng.sample([99.5, 100.7, 101.0, 102.2, 102.5, 104.0], rng.randint(1, 6))
        document = GoldDocument("d", None, tuple(
            GoldFact("Sony", ("revenue",), value, "USD", optional=flag)
            for value, flag in zip(gold_values, optional, strict=True)))
        preds = [Fact(doc_id="d", entity="Sony", metric="revenue", item=None, value=v,
                      unit="USD", period=None, period_start=None, period_end=None,
                      status="actual", char_start=0, char_end=1, evidence="", confidence=1.0)
                 for v in pred_values]
        report = evaluate([document], preds)
        edges = [[abs(p - g) <= 0.01 * g for p in pred_values] for g in gold_values]
        required, matched = brute_force(edges, optional)
        assert (report.core.tp, report.core.fp, report.core.fn) == (
            required, len(pred_values) - matched, sum(not o for o in optional) - required
        ), (gold_values, optional, pred_values)
