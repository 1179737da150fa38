"""Score floors on the development gold: a regression in extraction fails loudly here.

The floors sit a little under the scores measured when they were set (see the issue notes
and README); raise them as extraction improves. The gold is read from ../shared/dev and
never copied into the project; tests/data/written-gold*.jsonl are the project's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.documents import Document, read_documents
from pipeline.evaluate import evaluate, read_gold
from pipeline.extract import extract_facts

REPO = Path(__file__).resolve().parents[1]

FLOORS = {  # (core F1, status accuracy, core precision)
    "seeds.jsonl": (0.95, 0.95, 0.0),
    "fpb-dev.jsonl": (0.95, 0.95, 0.0),
    "reuters-dev.jsonl": (0.91, 0.95, 0.0),
    "fincausal-dev.jsonl": (0.90, 0.95, 0.0),
    # the files drawn after the rules were written also hold precision (issue 9: >= 0.85)
    "fpb2-dev.jsonl": (0.92, 0.95, 0.87),
    "reuters2-dev.jsonl": (0.91, 0.95, 0.91),
    "fincausal2-dev.jsonl": (0.895, 0.95, 0.88),
    # original articles (invented companies) written and annotated for this project by an
    # annotator who never saw the extractor's output; kept in tests/data
    "written-gold.jsonl": (0.83, 0.95, 0.81),
    # a second batch, press releases and scraped web news above all (first score 0.377)
    "written-gold-2.jsonl": (0.68, 0.95, 0.70),
    # third to fifth batches: scraped 2019 web pages (first score 0.497), 1987 wire and
    # PhraseBank-style sentences (0.795), web pages flattened to one line as crawled (0.507)
    "written-gold-3.jsonl": (0.79, 0.93, 0.80),
    "written-gold-4.jsonl": (0.91, 0.95, 0.94),
    "written-gold-5.jsonl": (0.70, 0.95, 0.70),
}


def _gold_path(name: str, dev_dir: Path) -> Path:
    if name.startswith("written-gold"):
        return REPO / "tests" / "data" / name
    return REPO / "corpus" / name if name == "seeds.jsonl" else dev_dir / name


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_score_floor(nlp, dev_dir: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    path = _gold_path(name, dev_dir)
    documents = [d for d in read_documents([path]) if isinstance(d, Document)]
    report = evaluate(read_gold(path), extract_facts(documents, nlp=nlp))
    f1_floor, status_floor, precision_floor = FLOORS[name]
    assert report.core.f1 >= f1_floor, report.format_text()[:2000]
    assert report.core.precision >= precision_floor, report.format_text()[:2000]
    assert report.status_accuracy is not None and report.status_accuracy >= status_floor


def test_every_fact_slices_its_value_out_of_the_text(nlp, dev_dir: Path) -> None:  # type: ignore[no-untyped-def]
    paths = [REPO / "corpus" / "seeds.jsonl", *sorted(dev_dir.glob("*-dev.jsonl"))]
    documents = [d for d in read_documents(paths) if isinstance(d, Document)]
    texts = {d.doc_id: d.text for d in documents}
    facts = list(extract_facts(documents, nlp=nlp))
    assert facts
    for fact in facts:
        surface = texts[fact.doc_id][fact.char_start : fact.char_end]
        assert surface.strip() == surface and surface, fact
        assert fact.evidence and " ".join(surface.split()) in fact.evidence, fact
