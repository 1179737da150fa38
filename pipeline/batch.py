"""Batch runs over corpora: extract to a facts file, or extract + aggregate + report.

PLACEHOLDER: sequential first version; workers, dask, resume come with the batch layer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .documents import DocumentError, read_documents
from .extract import load_pipeline, process
from .facts import Fact, write_facts


@dataclass(slots=True)
class BatchSummary:
    documents: int = 0
    failed: int = 0
    facts: int = 0
    seconds: float = 0.0
    errors: list[DocumentError] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{self.documents} documents, {self.failed} failed, {self.facts} facts "
                f"in {self.seconds:.1f}s")


def extract_corpus(inputs: list[Path], output: Path, *, model: str | None = None,
                   **_: object) -> BatchSummary:
    started = time.perf_counter()
    nlp = load_pipeline(model)
    summary = BatchSummary()
    facts: list[Fact] = []
    for result in process(read_documents(inputs), nlp):
        summary.documents += 1
        if result.error is not None:
            summary.failed += 1
            summary.errors.append(result.error)
        facts.extend(result.facts)
    summary.facts = write_facts(facts, output)
    errors_path = output.with_name(output.stem + ".errors.jsonl")
    with errors_path.open("w", encoding="utf-8") as handle:
        for error in summary.errors:
            handle.write(json.dumps(error.to_dict()) + "\n")
    summary.seconds = time.perf_counter() - started
    return summary


def run_corpus(inputs: list[Path], output: Path, **options: object) -> BatchSummary:
    output.mkdir(parents=True, exist_ok=True)
    return extract_corpus(inputs, output / "facts.jsonl", **options)  # type: ignore[arg-type]
