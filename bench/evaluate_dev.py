"""Score the pipeline on the seed gold and every development gold file, one model load.

    python bench/evaluate_dev.py [GOLD.jsonl ...] [--misses]

Prints core P/R/F1, the four diagnostics and status accuracy per file; with --misses also
the missed gold facts and false positives (what to look at when improving extraction).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.documents import Document, read_documents
from pipeline.evaluate import evaluate, read_gold
from pipeline.extract import extract_facts, load_pipeline

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "dev"
DEFAULT = [REPO / "corpus" / "seeds.jsonl", *sorted(DEV.glob("*-dev.jsonl"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    nlp = load_pipeline()
    for path in args.gold:
        documents = [d for d in read_documents([path]) if isinstance(d, Document)]
        report = evaluate(read_gold(path), extract_facts(documents, nlp=nlp))
        text = report.format_text()
        if not args.misses:
            text = "\n".join(text.splitlines()[:6])
        print(f"== {path.name}\n{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
