"""Score the pipeline on the seed gold and every development gold file, one model load.

    python bench/evaluate_dev.py [GOLD.jsonl ...] [--misses] [--by-decision]

Prints core P/R/F1, the four diagnostics and status accuracy per file, and how well
`confidence` ranks right facts above false positives (AUC: the chance that a random fact
that is not a false positive scores higher than a random false positive); with --misses
also the missed gold facts and false positives (what to look at when improving extraction);
with --by-decision the missed facts counted by the decision that lost them, per file and
over all files.
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
# the project's own gold: original articles an annotator wrote and annotated blind
WRITTEN = sorted((REPO / "tests" / "data").glob("written-gold*.jsonl"))
DEFAULT = [REPO / "corpus" / "seeds.jsonl", *sorted(DEV.glob("*-dev.jsonl")), *WRITTEN]


def ranking_auc(right: list[float], wrong: list[float]) -> str:
    if not right or not wrong:
        return "n/a"
    wins = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    mean_right, mean_wrong = sum(right) / len(right), sum(wrong) / len(wrong)
    return (f"{wins / (len(right) * len(wrong)):.2f} (mean {mean_right:.2f} right, "
            f"{mean_wrong:.2f} false positives)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--by-decision", action="store_true",
                        help="count missed gold facts by the decision that lost them")
    parser.add_argument("--full", action="store_true",
                        help="the model reads every sentence (default: only the sentences "
                             "that can hold a figure and their context)")
    args = parser.parse_args()
    nlp = load_pipeline()
    total: dict[str, int] = {}
    for path in args.gold:
        documents = [d for d in read_documents([path]) if isinstance(d, Document)]
        facts = list(extract_facts(documents, nlp=nlp, screen=not args.full))
        report = evaluate(read_gold(path), facts)
        text = report.format_text()
        if not args.misses:
            text = "\n".join(text.splitlines()[:6])
        wrong = {(r["doc_id"], r["char_start"], r["metric"]) for r in report.false_positives}
        right = [f.confidence for f in facts if (f.doc_id, f.char_start, f.metric) not in wrong]
        bad = [f.confidence for f in facts if (f.doc_id, f.char_start, f.metric) in wrong]
        print(f"== {path.name}\n{text}\nconfidence AUC {ranking_auc(right, bad)}\n")
        if args.by_decision:
            print(report.format_decisions() + "\n")
            for name, count in report.by_decision().items():
                total[name] = total.get(name, 0) + count
    if args.by_decision:
        print("== all files\n" + "\n".join(f"{k:<18}{v}" for k, v in total.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
