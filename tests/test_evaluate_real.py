"""The evaluator and the independent scorer agree on real extractor output, not only on
perturbed gold: within 0.01 F1 on core and every diagnostic, for every development file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from independent_scorer import score

from pipeline.documents import Document, read_documents
from pipeline.evaluate import evaluate, read_gold
from pipeline.extract import extract_facts

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["seeds.jsonl", "fpb-dev.jsonl", "reuters-dev.jsonl",
                                  "fincausal-dev.jsonl"])
def test_both_scorers_agree_on_extracted_facts(nlp, dev_dir: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    path = REPO / "corpus" / name if name == "seeds.jsonl" else dev_dir / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    documents = [d for d in read_documents([path]) if isinstance(d, Document)]
    facts = list(extract_facts(documents, nlp=nlp))
    ours = evaluate(read_gold(path), facts).to_dict()
    theirs = {level: _f1(*counts) for level, counts in score(rows, facts).items()}
    assert abs(ours["core"]["f1"] - theirs["core"]) <= 0.01
    for diagnostic, result in ours["diagnostics"].items():
        assert abs(result["f1"] - theirs[diagnostic]) <= 0.01, diagnostic


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
