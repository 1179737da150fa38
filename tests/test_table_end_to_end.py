"""The fact table over real extraction: the seed corpus read twice under other doc_ids."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from pipeline.documents import Document, read_documents
from pipeline.extract import extract_facts
from pipeline.fact_table import build_fact_table, fact_row_index

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds.jsonl"


def test_seed_corpus_twice_keeps_rows_and_doubles_sources(nlp) -> None:  # type: ignore[no-untyped-def]
    documents = [d for d in read_documents([SEEDS]) if isinstance(d, Document)]
    copies = [dataclasses.replace(d, doc_id=f"copy-{d.doc_id}") for d in documents]
    once = list(extract_facts(documents, nlp=nlp))
    twice = once + list(extract_facts(copies, nlp=nlp))
    table_once, table_twice = build_fact_table(once), build_fact_table(twice)
    assert len(table_once) > 10
    assert len(table_twice) == len(table_once)
    assert (table_twice["n_sources"] == 2 * table_once["n_sources"]).all()
    assert (table_twice["conflict"] == table_once["conflict"]).all()
    assert (table_twice["value"] == table_once["value"]).all()
    rows = fact_row_index(twice, table_twice)
    assert len(rows) == len(twice) and set(rows) == set(range(len(table_twice)))


def test_incremental_table_over_real_facts_equals_one_build(nlp) -> None:  # type: ignore[no-untyped-def]
    documents = [d for d in read_documents([SEEDS]) if isinstance(d, Document)]
    facts = list(extract_facts(documents, nlp=nlp))
    half = len(facts) // 2
    stepwise = build_fact_table(facts[half:], existing=build_fact_table(facts[:half]))
    pd.testing.assert_frame_equal(stepwise, build_fact_table(facts))
