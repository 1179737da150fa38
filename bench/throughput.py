"""Throughput, per-stage time, worker speed-up and peak memory over the Reuters bench corpus.

    .venv/bin/python bench/throughput.py --docs 1000 --memory-docs 1000,5000 \
        --lengths 5000,20000,100000,500000,2000000 --article-chars 2000000

Reads ../shared/bench/reuters21578-non-earn.jsonl.gz directly (never copied into the
project; slices for the CLI runs go to a temporary directory). Prints a table and writes
bench/results/throughput-<time>.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "bench" / "reuters21578-non-earn.jsonl.gz"
RESULTS = REPO / "bench" / "results"
STAGES = {  # component name -> stage reported
    "newsfacts_hygiene": "hygiene",
    "newsfacts_values": "values",
    "newsfacts_periods": "periods",
    "newsfacts_organizations": "organizations",
    "newsfacts_metrics": "metrics",
    "newsfacts_facts": "assembly",
}


def read_slice(corpus: Path, count: int) -> list[dict[str, Any]]:
    rows = []
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            if len(rows) >= count:
                break
            rows.append(json.loads(line))
    if len(rows) < count:
        raise SystemExit(f"the corpus has only {len(rows)} documents")
    return rows


def write_slice(rows: list[dict[str, Any]], folder: Path) -> Path:
    path = folder / f"slice-{len(rows)}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    return path


def pipeline_ratio(rows: list[dict[str, Any]], batch_size: int, rounds: int) -> dict[str, Any]:
    """Docs/s of bare `nlp.pipe` of the stock base model and of the whole pipeline, with
    sentence screening (the default) and reading every sentence (`--full`), on the same
    documents in one process. The three runs alternate slice by slice (`batch_size`
    documents, the order rotating), for `rounds` passes, so a slow spell of a shared machine
    hits all three alike; the ratios are of the summed times."""
    from pipeline.documents import document_from_mapping
    from pipeline.extract import load_base_model, load_pipeline, process

    bare_nlp = load_base_model()  # spaCy's own components (our pipeline swaps the ruler)
    nlp = load_pipeline()
    documents = [document_from_mapping(r, default_id=str(i)) for i, r in enumerate(rows)]

    def bare(docs: list[Any]) -> int:
        for _ in bare_nlp.pipe((d.text for d in docs), batch_size=batch_size):
            pass
        return 0

    def screened(docs: list[Any]) -> int:
        return sum(len(r.facts) for r in process(docs, nlp, batch_size=batch_size))

    def full(docs: list[Any]) -> int:
        return sum(len(r.facts) for r in process(docs, nlp, batch_size=batch_size,
                                                 screen=False))

    runs = {"bare": bare, "screened": screened, "full": full}
    for run in runs.values():  # warm: first-use costs (lemma caches, regexes) paid by none
        run(documents[:50])
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    facts = dict.fromkeys(runs, 0)
    names = list(runs)
    for _ in range(rounds):
        spent = dict.fromkeys(runs, 0.0)
        for k, start in enumerate(range(0, len(documents), batch_size)):
            part = documents[start : start + batch_size]
            for name in names[k % 3 :] + names[: k % 3]:
                started = time.perf_counter()
                facts[name] += runs[name](part)
                spent[name] += time.perf_counter() - started
        for name in runs:
            seconds[name].append(spent[name])
    facts = {name: count // rounds for name, count in facts.items()}
    total = {name: sum(times) for name, times in seconds.items()}
    n = len(documents) * rounds
    return {"documents": len(documents), "rounds": rounds, "seconds": seconds,
            "facts": facts["full"], "screened_facts": facts["screened"],
            "bare_docs_per_s": n / total["bare"], "pipeline_docs_per_s": n / total["full"],
            "screened_docs_per_s": n / total["screened"],
            "ratio": total["bare"] / total["full"],
            "screened_ratio": total["bare"] / total["screened"],
            "round_ratios": [b / s for b, s in zip(seconds["bare"], seconds["screened"],
                                                   strict=True)]}


def stage_times(rows: list[dict[str, Any]], batch_size: int) -> dict[str, float]:
    """Seconds per stage: each component runs over a batch in turn, timed on its own
    (screened texts, as the pipeline reads them by default; "screening" is the screen)."""
    from pipeline.documents import document_from_mapping
    from pipeline.extract import load_pipeline, make_doc
    from pipeline.screening import screen

    nlp = load_pipeline()
    documents = [document_from_mapping(r, default_id=str(i)) for i, r in enumerate(rows)]
    seconds: dict[str, float] = defaultdict(float)
    facts = []
    for start in range(0, len(documents), batch_size):
        started = time.perf_counter()
        texts = [screen(d.text) for d in documents[start : start + batch_size]]
        seconds["screening"] += time.perf_counter() - started
        started = time.perf_counter()
        docs = [make_doc(nlp, d, t) for d, t in zip(documents[start : start + batch_size], texts,
                                                    strict=True)]
        seconds["spacy"] += time.perf_counter() - started
        for name, component in nlp.pipeline:
            started = time.perf_counter()
            if hasattr(component, "pipe"):
                docs = list(component.pipe(docs, batch_size=batch_size))
            else:
                docs = [component(doc) for doc in docs]
            seconds[STAGES.get(name, "spacy")] += time.perf_counter() - started
        for doc in docs:
            facts.extend(doc._.newsfacts_facts or ())
    try:
        from pipeline.fact_table import build_fact_table
    except ImportError:
        return dict(seconds)
    started = time.perf_counter()
    build_fact_table(facts)
    seconds["aggregation"] = time.perf_counter() - started
    return dict(seconds)


def repeated(text: str, chars: int) -> str:
    """`text` repeated, paragraph after paragraph, to `chars` characters (same density)."""
    parts, size = [], 0
    while size < chars:
        parts.append(text)
        size += len(text) + 2
    return "\n\n".join(parts)[:chars]


def by_length(seed: str, lengths: list[int]) -> list[dict[str, Any]]:
    """Seconds and microseconds per character of the whole pipeline on one document, the
    same text repeated to each length: flat per-character time means linear cost."""
    from pipeline.documents import Document
    from pipeline.extract import load_pipeline, process

    nlp = load_pipeline()
    list(process([Document(doc_id="warm", text=seed)], nlp))
    out = []
    for chars in lengths:
        text = repeated(seed, chars)
        started = time.perf_counter()
        [result] = process([Document(doc_id=f"len-{chars}", text=text)], nlp)
        seconds = time.perf_counter() - started
        out.append({"chars": len(text), "seconds": seconds, "facts": len(result.facts),
                    "us_per_char": seconds / len(text) * 1e6})
    return out


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
        todo.extend(_children(current))
    return total


def cli_run(corpus: Path, workers: int, folder: Path) -> dict[str, Any]:
    """Wall time and peak process-tree RSS of `newsfacts extract` as a user runs it."""
    output = folder / f"facts-{workers}-{corpus.stem}.jsonl"
    command = [sys.executable, "-m", "pipeline", "extract", str(corpus), "-o", str(output),
               "--workers", str(workers), "--quiet"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"extract failed: {stderr}")
    return {"workers": workers, "seconds": seconds, "peak_rss_mb": peak / 2**20,
            "summary": stderr.strip().splitlines()[-1] if stderr.strip() else ""}


def startup_seconds() -> float:
    """Time to import the package and load the pipeline in a fresh process."""
    code = "from pipeline.extract import load_pipeline; load_pipeline()"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    return time.perf_counter() - started


def table(rows: list[tuple[str, str, str]]) -> Iterator[str]:
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        yield f"{name:<{width}}  {value:>14}  {target}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000,
                        help="documents for the pipeline ratio, the stages and the speed-up")
    parser.add_argument("--memory-docs", default="1000,5000",
                        help="comma-separated corpus sizes for peak memory ('' to skip)")
    parser.add_argument("--lengths", default="5000,20000,100000,500000,2000000",
                        help="comma-separated document lengths for the by-length table")
    parser.add_argument("--article-chars", type=int, default=2_000_000,
                        help="length of the one long article for peak memory (0 to skip)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of bare spaCy / screened / full for the ratio")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="gzip JSONL documents")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"bench corpus not found: {args.corpus}")
    sizes = [int(n) for n in args.memory_docs.split(",") if n.strip()]
    rows = read_slice(args.corpus, max([args.docs, *sizes]))
    sample = rows[: args.docs]

    result: dict[str, Any] = {"docs": args.docs, "cores": os.cpu_count(),
                              "load_average": os.getloadavg()}
    result["ratio"] = pipeline_ratio(sample, args.batch_size, args.rounds)
    result["stages"] = stage_times(sample, args.batch_size)
    with tempfile.TemporaryDirectory(prefix="newsfacts-bench-") as tmp:
        folder = Path(tmp)
        corpus = write_slice(sample, folder)
        result["startup_seconds"] = startup = startup_seconds()
        one, two = cli_run(corpus, 1, folder), cli_run(corpus, 2, folder)
        result["workers"] = {"one": one, "two": two, "speedup": one["seconds"] / two["seconds"],
                             "steady_speedup": (one["seconds"] - startup)
                             / max(two["seconds"] - startup, 1e-9)}
        result["memory"] = [dict(cli_run(write_slice(rows[:n], folder), 2, folder), docs=n)
                            for n in sizes]
        if args.article_chars:
            article = dict(rows[0], doc_id="long-article",
                           text=repeated(rows[0]["text"], args.article_chars))
            long_run = cli_run(write_slice([article], folder), 2, folder)
            result["article"] = dict(long_run, chars=len(article["text"]))
    lengths = [int(n) for n in args.lengths.split(",") if n.strip()]
    result["by_length"] = by_length(rows[0]["text"], lengths)

    ratio, workers = result["ratio"], result["workers"]
    lines = [
        ("bare nlp.pipe", f"{ratio['bare_docs_per_s']:.1f} docs/s", ""),
        ("whole pipeline", f"{ratio['pipeline_docs_per_s']:.1f} docs/s", ""),
        ("pipeline / bare", f"{ratio['ratio']:.2f}", "all sentences read (--full)"),
        ("screened pipeline", f"{ratio['screened_docs_per_s']:.1f} docs/s",
         f"{ratio['screened_facts']} facts (all read: {ratio['facts']})"),
        ("screened / bare", f"{ratio['screened_ratio']:.2f}",
         "target >= 1.3 (default); rounds " + " ".join(f"{r:.2f}" for r in ratio["round_ratios"])),
        *((f"stage {k}", f"{v:.2f} s", "") for k, v in result["stages"].items()),
        ("startup (load)", f"{startup:.1f} s", ""),
        ("1 worker", f"{one['seconds']:.1f} s", ""),
        ("2 workers", f"{two['seconds']:.1f} s", ""),
        ("speed-up 2/1", f"{workers['speedup']:.2f}x", "target >= 1.8x"),
        ("steady speed-up", f"{workers['steady_speedup']:.2f}x", "startup excluded"),
        *((f"peak RSS {m['docs']} docs", f"{m['peak_rss_mb']:.0f} MB", "2 workers, tree")
          for m in result["memory"]),
        *((f"peak RSS {a['chars'] / 1e6:.1f} MB article", f"{a['peak_rss_mb']:.0f} MB",
           f"2 workers, tree; {a['seconds']:.0f} s") for a in [result.get("article")] if a),
        *((f"{m['chars']:,} chars", f"{m['us_per_char']:.1f} us/char",
           f"{m['seconds']:.1f} s, {m['facts']} facts") for m in result["by_length"]),
    ]
    if result["by_length"]:
        per_char = [m["us_per_char"] for m in result["by_length"]]
        result["length_spread"] = max(per_char) / min(per_char)
        lines.append(("per-char max / min", f"{result['length_spread']:.2f}", "target <= 1.3"))
    print("\n".join(table(lines)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"throughput-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
