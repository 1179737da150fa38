"""Score predicted facts against gold annotations (FACTS.md section 4).

Works on `Fact` records and never imports spaCy, so scoring a facts file is fast and
independent of the model that produced it.

>>> report = evaluate(read_gold("dev.jsonl"), read_facts("pred.jsonl"))  # doctest: +SKIP
>>> report.core.f1  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, field_validator

from .errors import EvaluationError
from .facts import STATUSES, Fact
from .language_data import load

VALUE_TOLERANCE = 0.01
PERCENT_TOLERANCE = 0.05
PERIOD_TOLERANCE_DAYS = 7

Period = tuple[date | None, date | None]

CORE = frozenset({"entity", "metric", "period"})
DIAGNOSTICS: tuple[tuple[str, frozenset[str]], ...] = (
    ("value", frozenset()),
    ("value+metric", frozenset({"metric"})),
    ("value+entity", frozenset({"entity"})),
    ("value+period", frozenset({"period"})),
)
"""Relaxed scorings: value and unit are always required, plus the fields named."""


@dataclass(frozen=True, slots=True)
class GoldFact:
    """One annotated fact; `metrics` lists every acceptable metric id."""

    entity: str
    metrics: tuple[str, ...]
    value: float
    unit: str
    period_start: date | None = None
    period_end: date | None = None
    status: str = "actual"
    entity_aliases: tuple[str, ...] = ()
    item: str | None = None
    period: str | None = None
    period_alternatives: tuple[Period, ...] = ()
    optional: bool = False
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The fields a reader needs to find the fact in the text."""
        return {
            "entity": self.entity,
            "metric": self.metrics[0] if len(self.metrics) == 1 else list(self.metrics),
            "value": self.value,
            "unit": self.unit,
            "item": self.item,
            "period": self.period,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "status": self.status,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class GoldDocument:
    doc_id: str
    published: date | None
    facts: tuple[GoldFact, ...]


@dataclass(slots=True)
class PRFScore:
    """Micro-averaged counts; add scores of documents together with `+`."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRFScore) -> PRFScore:
        return PRFScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}

    def describe(self) -> str:
        return (f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn})")


@dataclass(slots=True)
class DocumentScore:
    doc_id: str
    core: PRFScore
    predictions: int


@dataclass(slots=True)
class EvaluationReport:
    """Everything `evaluate` measured; `to_dict` is the JSON the CLI prints."""

    core: PRFScore
    diagnostics: dict[str, PRFScore]
    status_correct: int
    status_total: int
    missed: list[dict[str, Any]]
    false_positives: list[dict[str, Any]]
    documents: list[DocumentScore]
    duplicates_removed: int = 0
    ignored_predictions: int = 0
    ignored_doc_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status_accuracy(self) -> float | None:
        return self.status_correct / self.status_total if self.status_total else None

    def to_dict(self) -> dict[str, Any]:
        accuracy = self.status_accuracy
        return {
            "core": self.core.to_dict(),
            "diagnostics": {name: score.to_dict() for name, score in self.diagnostics.items()},
            "status_accuracy": None if accuracy is None else round(accuracy, 4),
            "status_pairs": self.status_total,
            "documents": [
                {"doc_id": d.doc_id, "predictions": d.predictions, **d.core.to_dict()}
                for d in self.documents
            ],
            "duplicates_removed": self.duplicates_removed,
            "ignored_predictions": self.ignored_predictions,
            "ignored_doc_ids": list(self.ignored_doc_ids),
            "missed": self.missed,
            "false_positives": self.false_positives,
            "by_decision": self.by_decision(),
        }

    def by_decision(self) -> dict[str, int]:
        """How many gold facts each decision of the assembler lost (`decision_of`), in the
        order the assembler takes them; "status" counts matched facts whose status is
        wrong, which cost no core match."""
        counts = dict.fromkeys(DECISIONS, 0)
        for row in self.missed:
            counts[row["decision"]] += 1
        counts["status"] = self.status_total - self.status_correct
        return counts

    def format_decisions(self) -> str:
        """`by_decision` as a table."""
        counts = self.by_decision()
        header = "lost at decision"
        width = max(len(header), *(len(name) for name in counts)) + 2
        lines = [f"{header:<{width}}facts"]
        lines += [f"{name:<{width}}{count}" for name, count in counts.items()]
        return "\n".join(lines)

    def format_text(self) -> str:
        width = max(len(name) for name, _ in DIAGNOSTICS) + 2
        lines = [f"{'core':<{width}}{self.core.describe()}"]
        lines += [f"{name:<{width}}{score.describe()}" for name, score in self.diagnostics.items()]
        accuracy = self.status_accuracy
        shown = "n/a" if accuracy is None else f"{accuracy:.3f}"
        lines.append(f"status accuracy {shown} over {self.status_total} matched facts")
        lines.append(f"{len(self.documents)} gold documents; "
                     f"{self.duplicates_removed} duplicate predictions removed; "
                     f"{self.ignored_predictions} predictions ignored "
                     f"(for {len(self.ignored_doc_ids)} documents without gold)")
        for title, rows in (("missed", self.missed), ("false positives", self.false_positives)):
            lines.append("")
            lost = f"; wrong at {_lost_counts(rows)}" if rows else ""
            lines.append(f"{title} ({len(rows)}{lost}):")
            lines += [line for row in rows for line in _describe_row(row)]
        return "\n".join(lines)


def lost_at(near: Sequence[str]) -> str:
    """Which decision of the assembler a missed fact (or a false positive) went wrong at,
    read off the relaxed matchings it still takes part in: no figure with its value at all
    ("value": not read, or judged no result), else the fields that alone fail to agree
    ("entity", "metric", "period", joined by "+" when several do)."""
    if "value" not in near:
        return "value"
    wrong = [field for field in ("metric", "entity", "period") if f"value+{field}" not in near]
    return "+".join(wrong) or "combination"



DECISIONS = (
    "value not found", "not a result", "currency", "owner", "metric", "comparative",
    "period", "combination", "status",
)
"""The decisions a missed fact can be lost at, in the order the assembler takes them."""


def decision_of(
    gold: GoldFact,
    near: Sequence[str],
    closest: Fact | None = None,
    units: Sequence[tuple[float, str]] = (),
) -> str:
    """Which decision lost a missed gold fact (one of `DECISIONS`), the first wrong one in
    the assembler's order.

    No prediction with its value and unit: "currency" when a prediction of the document
    (`units`: their values and units) has the value in another unit, "value not found"
    when no quantity of its evidence has the value (the value layer missed it), else "not
    a result" (read, then dropped: judged no result, no company's, or no metric fits).
    With its value: "owner", "metric", then
    "period", which is "comparative" when `closest` (the prediction the value alone matched)
    is dated one year off the gold, the mark of a current figure read as the prior one or
    the reverse. "combination" when each field agrees in some matching but not all at once.
    """
    if "value" not in near:
        if any(
            unit != gold.unit and values_agree(abs(value), abs(gold.value), gold.unit)
            for value, unit in units
        ):
            return "currency"
        return "not a result" if _value_stated(gold) else "value not found"
    for field_name, decision in (("entity", "owner"), ("metric", "metric")):
        if f"value+{field_name}" not in near:
            return decision
    if "value+period" not in near:
        return "comparative" if closest is not None and _year_apart(closest, gold) else "period"
    return "combination"


def _value_stated(gold: GoldFact) -> bool:
    from .quantities import find_quantities  # only when a miss is explained

    return any(
        values_agree(abs(q.value), abs(gold.value), gold.unit)
        for q in find_quantities(gold.evidence)
    )


def _year_apart(pred: Fact, gold: GoldFact) -> bool:
    ends = (pred.period_start, pred.period_end, gold.period_start, gold.period_end)
    if any(end is None for end in ends):
        return False
    shift = {-1, 1}
    return any(
        _ends_agree(_shift(pred.period_start, years), gold.period_start)
        and _ends_agree(_shift(pred.period_end, years), gold.period_end)
        for years in shift
    )


def _shift(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _lost_counts(rows: Sequence[Mapping[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["lost_at"]] = counts.get(row["lost_at"], 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def _describe_row(row: Mapping[str, Any]) -> list[str]:
    metric = row["metric"] if isinstance(row["metric"], str) else "|".join(row["metric"])
    period = (f"{row['period_start']}..{row['period_end']}" if row["period_start"] or
              row["period_end"] else "no period")
    near = f"  [matches on {', '.join(row['near'])}]" if row.get("near") else ""
    value = row["value"]
    shown = f"{value:,.0f}" if abs(value) >= 1000 and value == int(value) else f"{value:g}"
    return [f"  {row['doc_id']}  {row['entity']}  {metric}  {shown} {row['unit']}  "
            f"{period}  {row['status']}  <{row['lost_at']}>{near}",
            f"      {row['evidence']!r}"]


# --- reading gold -------------------------------------------------------------------------


def read_gold(path: str | Path) -> list[GoldDocument]:
    """Gold documents from a JSON Lines file; malformed gold is an `EvaluationError`."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read gold ({exc})") from exc
    documents: list[GoldDocument] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{where}: not a JSON object ({exc.msg})") from exc
        document = _gold_document(row, where)
        if document.doc_id in seen:
            raise EvaluationError(f"{where}: document {document.doc_id!r} appears twice")
        seen.add(document.doc_id)
        documents.append(document)
    return documents


def _gold_document(row: Any, where: str) -> GoldDocument:
    if not isinstance(row, dict):
        raise EvaluationError(f"{where}: a gold document must be a JSON object")
    doc_id = row.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id:
        raise EvaluationError(f"{where}: gold document without a doc_id")
    name = f"{where}: document {doc_id!r}"
    try:
        published = _parse_date(row.get("published"), "published")
    except ValueError as exc:
        raise EvaluationError(f"{name}: {exc}") from exc
    facts = row.get("facts")
    if not isinstance(facts, list):
        raise EvaluationError(f"{name}: `facts` must be a list")
    parsed: list[GoldFact] = []
    for index, fact in enumerate(facts):
        try:
            parsed.append(_gold_fact(fact))
        except ValueError as exc:
            raise EvaluationError(f"{name}: fact {index}: {exc}") from exc
    return GoldDocument(doc_id, published, tuple(parsed))


def _gold_fact(row: Any) -> GoldFact:
    if not isinstance(row, dict):
        raise ValueError("a gold fact must be a JSON object")
    metric = row.get("metric")
    metrics = [metric] if isinstance(metric, str) else metric
    if not isinstance(metrics, list) or not metrics or not _all_text(metrics):
        raise ValueError(f"`metric` must be an id or a non-empty list of ids, not {metric!r}")
    value = row.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"`value` must be a finite number, not {value!r}")
    aliases = row.get("entity_aliases") or []
    if not isinstance(aliases, list) or not _all_text(aliases):
        raise ValueError("`entity_aliases` must be a list of names")
    status = row.get("status")
    if status not in STATUSES:
        raise ValueError(f"`status` must be one of {', '.join(STATUSES)}, not {status!r}")
    optional = row.get("optional", False)
    if not isinstance(optional, bool):
        raise ValueError(f"`optional` must be true or false, not {optional!r}")
    alternatives = row.get("period_alternatives") or []
    if not isinstance(alternatives, list):
        raise ValueError("`period_alternatives` must be a list of [start, end] pairs")
    start = _parse_date(row.get("period_start"), "period_start")
    end = _parse_date(row.get("period_end"), "period_end")
    _check_period(start, end)
    return GoldFact(
        entity=_required_text(row, "entity"),
        metrics=tuple(metrics),
        value=float(value),
        unit=_required_text(row, "unit"),
        period_start=start,
        period_end=end,
        status=status,
        entity_aliases=tuple(aliases),
        item=_optional_text(row, "item"),
        period=_optional_text(row, "period"),
        period_alternatives=tuple(_parse_alternative(pair) for pair in alternatives),
        optional=optional,
        evidence=_optional_text(row, "evidence") or "",
    )


def _parse_alternative(pair: Any) -> Period:
    if not isinstance(pair, list) or len(pair) != 2:
        raise ValueError(f"a period alternative must be a [start, end] pair, not {pair!r}")
    start = _parse_date(pair[0], "period_alternatives")
    end = _parse_date(pair[1], "period_alternatives")
    _check_period(start, end)
    return start, end


def _check_period(start: date | None, end: date | None) -> None:
    if (start is None) != (end is None):
        raise ValueError("a period needs both start and end, or neither")
    if start is not None and end is not None and start > end:
        raise ValueError(f"period starts {start} after it ends {end}")


def _parse_date(value: Any, key: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"`{key}` must be an ISO date or null, not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"`{key}` is not an ISO date: {value!r}") from None


def _all_text(values: list[Any]) -> bool:
    return all(isinstance(v, str) and v.strip() for v in values)


def _required_text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{key}` must be a non-empty string, not {value!r}")
    return value


def _optional_text(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"`{key}` must be a string or null, not {value!r}")
    return value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- matching -----------------------------------------------------------------------------


class _EvaluationData(BaseModel):
    legal_suffixes: list[str]

    @field_validator("legal_suffixes")
    @classmethod
    def _one_word_each(cls, value: list[str]) -> list[str]:
        bad = [suffix for suffix in value if len(_words(suffix)) != 1]
        if not value or bad:
            raise ValueError(f"each legal suffix must be one word: {bad}")
        return value


@cache
def _legal_suffixes() -> frozenset[str]:
    data = load("evaluation.yaml", _EvaluationData)
    return frozenset(_words(suffix)[0] for suffix in data.legal_suffixes)


_ABBREVIATION_MARKS = re.compile(r"[.'’]")
_NON_WORD = re.compile(r"[\W_]+")


def _words(name: str) -> list[str]:
    """Case-folded words; dots and apostrophes vanish ("S.A." = "SA"), other marks split."""
    return _NON_WORD.sub(" ", _ABBREVIATION_MARKS.sub("", name.casefold())).split()


def normalize_entity(name: str) -> str:
    """The form entities are compared in: "Sony Corp." and "SONY" both give "sony"."""
    words = _words(name)
    suffixes = _legal_suffixes()
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    return " ".join(words)


def values_agree(predicted: float, gold: float, unit: str) -> bool:
    """Within 1% of the gold value, or 0.05 points for percentages."""
    slack = 1e-9
    if unit == "percent":
        return abs(predicted - gold) <= PERCENT_TOLERANCE + slack
    return abs(predicted - gold) <= VALUE_TOLERANCE * abs(gold) * (1 + slack)


def _ends_agree(predicted: date | None, gold: date | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return abs((predicted - gold).days) <= PERIOD_TOLERANCE_DAYS


@dataclass(frozen=True, slots=True)
class _Gold:
    fact: GoldFact
    names: frozenset[str]
    metrics: frozenset[str]
    periods: tuple[Period, ...]

    @classmethod
    def of(cls, fact: GoldFact) -> _Gold:
        names = frozenset(normalize_entity(n) for n in (fact.entity, *fact.entity_aliases))
        periods = ((fact.period_start, fact.period_end), *fact.period_alternatives)
        return cls(fact, names, frozenset(fact.metrics), periods)


@dataclass(frozen=True, slots=True)
class _Prediction:
    fact: Fact
    name: str


def _agrees(gold: _Gold, pred: _Prediction, required: frozenset[str]) -> bool:
    fact = pred.fact
    if fact.unit != gold.fact.unit or not values_agree(fact.value, gold.fact.value, fact.unit):
        return False
    if "entity" in required and pred.name not in gold.names:
        return False
    if "metric" in required and fact.metric not in gold.metrics:
        return False
    return "period" not in required or any(
        _ends_agree(fact.period_start, start) and _ends_agree(fact.period_end, end)
        for start, end in gold.periods
    )


def _maximum_matching(
    golds: Sequence[_Gold], preds: Sequence[_Prediction], required: frozenset[str]
) -> dict[int, int]:
    """Gold index -> prediction index, as many pairs as possible (augmenting paths).

    Required gold is augmented first: augmenting never unmatches a matched gold fact, so
    the required pairs stay maximal while optional gold then absorbs what it can.
    """
    edges: list[list[int]] = []
    for gold in golds:
        candidates = [j for j, pred in enumerate(preds) if _agrees(gold, pred, required)]
        same_status = [j for j in candidates if preds[j].fact.status == gold.fact.status]
        edges.append(same_status + [j for j in candidates if j not in same_status])
    owner: dict[int, int] = {}

    def augment(g: int, visited: set[int]) -> bool:
        for j in edges[g]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or augment(owner[j], visited):
                owner[j] = g
                return True
        return False

    for g in sorted(range(len(golds)), key=lambda i: golds[i].fact.optional):
        augment(g, set())
    return {g: j for j, g in owner.items()}


def _score(golds: Sequence[_Gold], preds: Sequence[_Prediction],
           matching: Mapping[int, int]) -> PRFScore:
    required = sum(not gold.fact.optional for gold in golds)
    tp = sum(not golds[g].fact.optional for g in matching)
    return PRFScore(tp=tp, fp=len(preds) - len(matching), fn=required - tp)


def _deduplicate(facts: Iterable[Fact]) -> list[_Prediction]:
    seen: set[tuple[Any, ...]] = set()
    kept: list[_Prediction] = []
    for fact in facts:
        pred = _Prediction(fact, normalize_entity(fact.entity))
        key = (pred.name, fact.metric, fact.unit, fact.value, fact.period_start, fact.period_end)
        if key not in seen:
            seen.add(key)
            kept.append(pred)
    return kept


def _prediction_row(fact: Fact, near: list[str]) -> dict[str, Any]:
    row = {key: fact.to_dict()[key] for key in (
        "doc_id", "entity", "metric", "value", "unit", "item", "period", "period_start",
        "period_end", "status", "char_start", "char_end", "evidence", "confidence")}
    row["near"] = near
    row["lost_at"] = lost_at(near)
    return row


def evaluate(gold: Sequence[GoldDocument], predictions: Iterable[Fact]) -> EvaluationReport:
    """Score `predictions` against `gold` by the matching rules of FACTS.md section 4.

    Predictions for documents without gold are counted in `ignored_predictions` and not
    scored. Each diagnostic is its own maximum matching, so it says how much would be
    found if only its fields had to agree.
    """
    by_doc: dict[str, list[Fact]] = {document.doc_id: [] for document in gold}
    if len(by_doc) != len(gold):
        raise EvaluationError("gold lists a doc_id more than once")
    ignored: dict[str, int] = {}
    for fact in predictions:
        if fact.doc_id in by_doc:
            by_doc[fact.doc_id].append(fact)
        else:
            ignored[fact.doc_id] = ignored.get(fact.doc_id, 0) + 1

    core = PRFScore()
    diagnostics = {name: PRFScore() for name, _ in DIAGNOSTICS}
    report = EvaluationReport(core, diagnostics, 0, 0, [], [], [],
                              ignored_predictions=sum(ignored.values()),
                              ignored_doc_ids=tuple(sorted(ignored)))
    for document in gold:
        facts = by_doc[document.doc_id]
        golds = [_Gold.of(fact) for fact in document.facts]
        preds = _deduplicate(facts)
        report.duplicates_removed += len(facts) - len(preds)
        matching = _maximum_matching(golds, preds, CORE)
        score = _score(golds, preds, matching)
        report.core += score
        report.documents.append(DocumentScore(document.doc_id, score, len(preds)))

        near_gold: dict[int, list[str]] = {}
        near_pred: dict[int, list[str]] = {}
        closest: dict[int, Fact] = {}
        for name, required in DIAGNOSTICS:
            relaxed = _maximum_matching(golds, preds, required)
            diagnostics[name] += _score(golds, preds, relaxed)
            if name == "value":
                closest = {g: preds[j].fact for g, j in relaxed.items()}
            for g, j in relaxed.items():
                near_gold.setdefault(g, []).append(name)
                near_pred.setdefault(j, []).append(name)

        for g, j in matching.items():
            if not golds[g].fact.optional:
                report.status_total += 1
                report.status_correct += preds[j].fact.status == golds[g].fact.status
        units = [(pred.fact.value, pred.fact.unit) for pred in preds]
        for g, gold_fact in enumerate(golds):
            if g not in matching and not gold_fact.fact.optional:
                near = near_gold.get(g, [])
                report.missed.append({
                    "doc_id": document.doc_id, **gold_fact.fact.to_dict(), "near": near,
                    "lost_at": lost_at(near),
                    "decision": decision_of(gold_fact.fact, near, closest.get(g), units),
                })
        taken = set(matching.values())
        report.false_positives += [
            _prediction_row(pred.fact, near_pred.get(j, []))
            for j, pred in enumerate(preds) if j not in taken
        ]
    return report


