"""A second, deliberately simple scorer of FACTS.md section 4, used only to check the first.

Written from the contract, not from `pipeline.evaluate`: gold is read as raw JSON rows,
names are compared as token tuples, and the one-to-one matching is computed as two
maximum flows (required gold alone, then all gold) on a capacity matrix with
breadth-first augmenting paths. Because augmenting never unmatches a matched vertex,
both maxima hold in one matching: tp is the first flow, fp is what the second leaves over.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from pipeline.facts import Fact

# The list in FACTS.md section 4, kept here on purpose: the scorer must not share data
# with the code it checks.
SUFFIXES = {"corp", "corporation", "inc", "co", "ltd", "plc", "ag", "sa", "oyj", "group",
            "holdings"}

LEVELS: dict[str, tuple[str, ...]] = {
    "core": ("entity", "metric", "period"),
    "value": (),
    "value+metric": ("metric",),
    "value+entity": ("entity",),
    "value+period": ("period",),
}


def name_key(name: str) -> tuple[str, ...]:
    tokens = re.findall(r"[^\W_]+", re.sub(r"['’.]", "", name.casefold()))
    end = len(tokens)
    while end > 1 and tokens[end - 1] in SUFFIXES:
        end -= 1
    return tuple(tokens[:end])


def _day(text: Any) -> date | None:
    if text is None:
        return None
    return text if isinstance(text, date) else date.fromisoformat(text)


def _close(a: date | None, b: date | None) -> bool:
    if a is None and b is None:
        return True
    if a is None or b is None:
        return False
    return -7 <= (a - b).days <= 7


def _value_ok(gold: dict[str, Any], pred: Fact) -> bool:
    if pred.unit != gold["unit"]:
        return False
    if gold["unit"] == "percent":
        return abs(pred.value - gold["value"]) <= 0.05 + 1e-9
    if gold["value"] == 0:
        return pred.value == 0
    return abs(pred.value / gold["value"] - 1) <= 0.01 + 1e-9


def _entity_ok(gold: dict[str, Any], pred: Fact) -> bool:
    accepted = [gold["entity"], *(gold.get("entity_aliases") or [])]
    return name_key(pred.entity) in {name_key(a) for a in accepted}


def _metric_ok(gold: dict[str, Any], pred: Fact) -> bool:
    metric = gold["metric"]
    return pred.metric in (metric if isinstance(metric, list) else [metric])


def _period_ok(gold: dict[str, Any], pred: Fact) -> bool:
    ranges = [[gold.get("period_start"), gold.get("period_end")]]
    ranges += gold.get("period_alternatives") or []
    return any(_close(pred.period_start, _day(s)) and _close(pred.period_end, _day(e))
               for s, e in ranges)


CHECKS: dict[str, Callable[[dict[str, Any], Fact], bool]] = {
    "entity": _entity_ok, "metric": _metric_ok, "period": _period_ok,
}


def max_flow(edges: list[list[bool]], rows: Sequence[int]) -> int:
    """Maximum matching between `rows` (gold indexes) and all columns, by Edmonds-Karp."""
    n_gold = len(edges)
    n_pred = len(edges[0]) if edges else 0
    size = 2 + n_gold + n_pred
    source, sink = 0, size - 1
    cap = [[0] * size for _ in range(size)]
    for g in rows:
        cap[source][1 + g] = 1
        for p in range(n_pred):
            if edges[g][p]:
                cap[1 + g][1 + n_gold + p] = 1
    for p in range(n_pred):
        cap[1 + n_gold + p][sink] = 1
    flow = 0
    while True:
        parent = [-1] * size
        parent[source] = source
        queue = deque([source])
        while queue and parent[sink] < 0:
            u = queue.popleft()
            for v in range(size):
                if cap[u][v] > 0 and parent[v] < 0:
                    parent[v] = u
                    queue.append(v)
        if parent[sink] < 0:
            return flow
        v = sink
        while v != source:
            u = parent[v]
            cap[u][v] -= 1
            cap[v][u] += 1
            v = u
        flow += 1


def brute_force(edges: list[list[bool]], optional: list[bool]) -> tuple[int, int]:
    """(required matched, all matched) of the best one-to-one assignment, by enumeration."""
    n_pred = len(edges[0]) if edges else 0
    best = (0, 0)
    choices = [[None, *[p for p in range(n_pred) if row[p]]] for row in edges]
    for pick in itertools.product(*choices):
        used = [p for p in pick if p is not None]
        if len(used) != len(set(used)):
            continue
        required = sum(1 for g, p in enumerate(pick) if p is not None and not optional[g])
        best = max(best, (required, len(used)))
    return best


def score(gold_rows: Iterable[dict[str, Any]],
          predictions: Iterable[Fact]) -> dict[str, tuple[int, int, int]]:
    """{level: (tp, fp, fn)} summed over documents, for core and the four diagnostics."""
    docs = {row["doc_id"]: row["facts"] for row in gold_rows}
    unique: dict[str, dict[tuple[Any, ...], Fact]] = {doc_id: {} for doc_id in docs}
    for fact in predictions:
        if fact.doc_id in unique:
            key = (name_key(fact.entity), fact.metric, fact.unit, fact.value,
                   fact.period_start, fact.period_end)
            unique[fact.doc_id].setdefault(key, fact)
    totals = {level: [0, 0, 0] for level in LEVELS}
    for doc_id, gold in docs.items():
        preds = list(unique[doc_id].values())
        required_rows = [g for g, fact in enumerate(gold) if not fact.get("optional")]
        for level, needed in LEVELS.items():
            edges = [[_value_ok(g, p) and all(CHECKS[c](g, p) for c in needed) for p in preds]
                     for g in gold]
            tp = max_flow(edges, required_rows)
            matched = max_flow(edges, range(len(gold)))
            totals[level][0] += tp
            totals[level][1] += len(preds) - matched
            totals[level][2] += len(required_rows) - tp
    return {level: (tp, fp, fn) for level, (tp, fp, fn) in totals.items()}


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
