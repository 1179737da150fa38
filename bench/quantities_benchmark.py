"""Score the value layer on the quantity benchmarks in ../shared/dev/quantities/ with their scorer.

    python bench/quantities_benchmark.py [BENCH.json ...] [--misses]

Per benchmark file, three rows, each scored by the benchmark's own `score_quantities.py`:
the layer as shipped (written by `write_quantities`, the path of `newsfacts quantities`), the
layer with quantulum3's spelled-out number reader switched off, and quantulum3 alone (the
scorer's anchor). With --misses, the layer's missed and spurious money and percent amounts.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from unittest import mock

from pipeline import quantities
from pipeline.documents import Document, read_documents

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO.parent / "shared" / "dev" / "quantities"
SCORER = BENCH / "score_quantities.py"


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_quantities", SCORER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{SCORER}: cannot load the scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(command: str, bench: Path, predictions: Path) -> tuple[str, str]:
    """The scorer's two summary lines (counts, F1) for `command` ("score" or "quantulum3")."""
    done = subprocess.run(
        [sys.executable, str(SCORER), command, str(bench), str(predictions)],
        capture_output=True, text=True, check=True,
    )
    lines = done.stdout.strip().splitlines()
    return lines[-2], lines[-1]


def _layer(bench: Path, workdir: Path, *, quantulum: bool) -> Path:
    docs = workdir / "docs.jsonl"
    if not docs.exists():
        subprocess.run([sys.executable, str(SCORER), "docs", str(bench), str(docs)], check=True)
    documents = [d for d in read_documents([docs]) if isinstance(d, Document)]
    out = workdir / f"layer-{'with' if quantulum else 'without'}-quantulum3.jsonl"
    if quantulum:
        quantities.write_quantities(documents, out)
    else:
        with mock.patch.object(quantities, "_spelled_out", lambda phrase: None):
            quantities.write_quantities(documents, out)
    return out


def _misses(bench: Path) -> None:
    scorer = _scorer()
    amounts = set(scorer.CUR.values())
    for doc_id, (text, golds) in scorer.gold(str(bench)).items():
        found = [
            q for q in quantities.find_quantities(text)
            if q.kind != "rate" and (q.unit in amounts or (len(q.unit) == 3 and q.unit.isupper()))
        ]
        left = list(found)
        missed = []
        for value, unit in golds:
            hit = next(
                (q for q in left if q.unit == unit
                 and abs(abs(q.value) - abs(value)) <= 0.01 * abs(value) + 1e-9),
                None,
            )
            if hit is None:
                missed.append(f"{value:g} {unit}")
            else:
                left.remove(hit)
        if missed or left:
            print(f"{doc_id}: {text[:120]!r}")
            for item in missed:
                print(f"    missed   {item}")
            for q in left:
                print(f"    spurious {q.text!r} -> {q.value:g} {q.unit}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="*", type=Path, default=sorted(BENCH.glob("*.json")))
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    for bench in args.bench:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            rows = [
                ("newsfacts", _score("score", bench, _layer(bench, workdir, quantulum=True))),
                ("newsfacts without quantulum3",
                 _score("score", bench, _layer(bench, workdir, quantulum=False))),
                ("quantulum3 alone", _score("quantulum3", bench, workdir / "quantulum3.jsonl")),
            ]
        print(f"== {bench.name}")
        for name, (counts, f1) in rows:
            print(f"{name:30} {f1.removeprefix('value+unit ')}   ({counts.split(': ', 1)[-1]})")
        if args.misses:
            _misses(bench)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
