"""How fast the report of a large run opens and filters in headless Chromium.

    .venv/bin/python bench/report_speed.py                     # 10,000 bench stories
    .venv/bin/python bench/report_speed.py --docs 1000 --rows 50000

Runs the pipeline over the first `--docs` stories of ../shared/bench (once: the run is kept
in $TMPDIR/newsfacts-report-run-<docs>/, outside the project, and reused), writes its
report, and with `--rows` also a second report whose table is grown to that many rows by
repeating the real facts under numbered copies of their entities (same documents and
spans; said so in the output).
Each report is opened `--repeat` times in Debian's chromium via Selenium and timed:
open (navigation start to the page's script having rendered the table), filter to one
entity + metric, free-text search, sort all rows by value, open the article with most facts. Prints
a table and writes bench/results/report-speed-<time>.json. Target: open and filter < 2 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "bench" / "reuters21578-non-earn.jsonl.gz"
RESULTS = REPO / "bench" / "results"
TARGET_SECONDS = 2.0

# one entity + metric filter and one search, timed inside the page (layout forced)
FILTER = """
const [entity, metric] = arguments;
const t0 = performance.now();
const box = document.getElementById('f-entity');
box.value = entity; box.dispatchEvent(new Event('input'));
const sel = document.getElementById('f-metric');
const idx = [...sel.options].findIndex(o => o.text.startsWith(metric + ' ('));
sel.selectedIndex = idx; sel.dispatchEvent(new Event('change'));
document.getElementById('fact-table').offsetHeight;
return {ms: performance.now() - t0, shown: document.getElementById('row-count').textContent};
"""
SEARCH = """
const t0 = performance.now();
document.getElementById('f-clear').click();
const box = document.getElementById('f-text');
box.value = arguments[0]; box.dispatchEvent(new Event('input'));
document.getElementById('fact-table').offsetHeight;
return {ms: performance.now() - t0, shown: document.getElementById('row-count').textContent};
"""
SORT = """
const t0 = performance.now();
document.getElementById('f-clear').click();
document.querySelector('#fact-table th[data-col=value]').click();
document.getElementById('fact-table').offsetHeight;
return {ms: performance.now() - t0, shown: document.getElementById('row-count').textContent};
"""
ARTICLE = """
const t0 = performance.now();
location.hash = 'doc=' + arguments[0];
window.dispatchEvent(new HashChangeEvent('hashchange'));
document.getElementById('article').offsetHeight;
return {ms: performance.now() - t0, marks: document.querySelectorAll('#doc-text mark').length};
"""


def read_slice(count: int, target: Path) -> Path:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as source, target.open("w") as out:
        for n, line in enumerate(source):
            if n >= count:
                break
            out.write(line)
    return target


def run_pipeline(docs: int, workers: int) -> Path:
    """The run of the first `docs` stories, made once and kept outside the project (the
    corpus's licence forbids a copy in it)."""
    from pipeline.batch import run_corpus

    folder = Path(tempfile.gettempdir()) / f"newsfacts-report-run-{docs}"
    if (folder / "summary.json").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    stories = read_slice(docs, folder / "stories.jsonl")
    started = time.perf_counter()
    run_corpus([stories], folder, workers=workers, quiet=True)
    print(f"pipeline over {docs} stories: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder


def build_reports(folder: Path, rows: int | None) -> list[tuple[str, Path, dict[str, Any]]]:
    import pandas as pd

    from pipeline.documents import Document, read_documents
    from pipeline.fact_table import build_fact_table
    from pipeline.facts import read_facts
    from pipeline.report import write_report

    documents = [d for d in read_documents([folder / "stories.jsonl"]) if isinstance(d, Document)]
    facts = list(read_facts(folder / "facts.jsonl"))
    table = pd.read_parquet(folder / "fact_table.parquet")
    reports = []
    path = folder / "report.html"
    started = time.perf_counter()
    write_report(path, documents=documents, facts=facts, table=table)
    reports.append(("real run", path, {
        "documents": len(documents), "facts": len(facts), "rows": len(table),
        "write_s": round(time.perf_counter() - started, 2)}))
    if rows and rows > len(table):
        grown = list(facts)
        copy = 1
        while len(build_fact_table(grown)) < rows:
            grown += [replace(f, entity=f"{f.entity} #{copy}") for f in facts]
            copy += 1
        grown_table = build_fact_table(grown)
        path = folder / f"report-{rows}-rows.html"
        started = time.perf_counter()
        write_report(path, documents=documents, facts=grown, table=grown_table)
        reports.append((f"synthetic: facts repeated x{copy}", path, {
            "documents": len(documents), "facts": len(grown), "rows": len(grown_table),
            "write_s": round(time.perf_counter() - started, 2)}))
    return reports


def browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        raise SystemExit("needs Debian's chromium and chromium-driver (apt-get install -y "
                         "chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver), options=options)


def time_report(path: Path, repeat: int) -> dict[str, Any]:
    import pandas as pd
    from selenium.webdriver.support.ui import WebDriverWait

    table = pd.read_parquet(path.parent / "fact_table.parquet", columns=["entity", "metric"])
    entity, metric = table.groupby(["entity", "metric"]).size().idxmax()
    # the article with most facts (the documents are in the order of the stories file)
    counts = Counter(json.loads(line)["doc_id"] for line in (path.parent / "facts.jsonl").open())
    order = [json.loads(line)["doc_id"] for line in (path.parent / "stories.jsonl").open()]
    busiest = order.index(counts.most_common(1)[0][0])
    runs: dict[str, list[float]] = {"open": [], "filter": [], "search": [], "sort": [],
                                    "article": []}
    shown: dict[str, Any] = {}
    session = browser()
    try:
        for _ in range(repeat):
            session.get("about:blank")
            started = time.perf_counter()
            session.get(path.resolve().as_uri())
            WebDriverWait(session, 60).until(
                lambda b: b.execute_script("return document.body.dataset.ready === '1'"))
            wall = time.perf_counter() - started
            in_page = session.execute_script("return window.newsfacts.readyMs") / 1000
            runs["open"].append(max(wall, in_page))
            for name, script, args in (("filter", FILTER, (entity, metric)),
                                       ("search", SEARCH, ("profit",)),
                                       ("sort", SORT, ()), ("article", ARTICLE, (busiest,))):
                started = time.perf_counter()
                result = session.execute_script(script, *args)
                runs[name].append(max(result["ms"] / 1000, time.perf_counter() - started))
                shown[name] = result.get("shown", result.get("marks"))
    finally:
        session.quit()
    return {"size_mb": round(path.stat().st_size / 1e6, 1), "filter": [entity, metric],
            "seconds": {k: round(statistics.median(v), 3) for k, v in runs.items()},
            "max_seconds": {k: round(max(v), 3) for k, v in runs.items()}, "shown": shown}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000, help="bench stories to run")
    parser.add_argument("--rows", type=int, default=50000,
                        help="also time a report grown to this many rows (0: not)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = run_pipeline(args.docs, args.workers)
    results = []
    for label, path, sizes in build_reports(folder, args.rows or None):
        timing = time_report(path, args.repeat)
        results.append({"report": label, **sizes, **timing})
    print("| report | docs | rows | MB | open s | filter s | search s | sort s | article s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ok = True
    for r in results:
        sec = r["max_seconds"]
        ok = ok and sec["open"] < TARGET_SECONDS and sec["filter"] < TARGET_SECONDS
        print(f"| {r['report']} | {r['documents']} | {r['rows']} | {r['size_mb']} | "
              f"{sec['open']} | {sec['filter']} | {sec['search']} | {sec['sort']} | "
              f"{sec['article']} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"report-speed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"(worst of {args.repeat} runs; target open and filter < {TARGET_SECONDS} s: "
          f"{'met' if ok else 'NOT met'}) -> {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
