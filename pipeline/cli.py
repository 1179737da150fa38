"""The `newsfacts` command line: each subcommand parses flags and calls one library function.

Only this module prints, exits or configures logging. Exit codes: 0 every document
processed; 1 some documents failed (reported); 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError, EvaluationError, InputError, NewsfactsError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _add_batch_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: all cores)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", help="address of a running dask scheduler")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run from its checkpoint")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--model", help="spaCy model name or directory")
    parser.add_argument("--text-column", default="text",
                        help="column or field holding the article text (default: text)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsfacts", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="mention-level facts of every document")
    p.add_argument("inputs", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, help=".jsonl, .csv or .parquet")
    _add_batch_flags(p)

    p = sub.add_parser("run", help="extract, aggregate and report into a directory")
    p.add_argument("inputs", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, help="output directory")
    _add_batch_flags(p)

    p = sub.add_parser("evaluate", help="score predictions against gold (FACTS.md section 4)")
    p.add_argument("--gold", type=Path, required=True)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--pred", type=Path, help="facts file written by `extract`")
    source.add_argument("inputs", nargs="*", type=Path, default=[],
                        help="documents to extract from first")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--model", help="spaCy model name or directory")

    p = sub.add_parser("aggregate", help="deduplicated fact table from facts files")
    p.add_argument("facts", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, help=".parquet or .csv")

    p = sub.add_parser("quantities", help="every money, percent and count quantity")
    p.add_argument("inputs", nargs="+", type=Path)
    p.add_argument("--text-column", default="text")
    p.add_argument("-o", "--output", type=Path, required=True, help=".jsonl")

    p = sub.add_parser("build-model", help="assemble the spaCy pipeline directory")
    p.add_argument("-o", "--output", type=Path, default=Path("models/newsfacts-en"))
    p.add_argument("--model", help="base spaCy model name or directory")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("distributed").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return int(COMMANDS[args.command](args))
    except (ConfigError, EvaluationError) as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NewsfactsError as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_SOME_FAILED
    except ValueError as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _batch_options(args: argparse.Namespace) -> dict[str, Any]:
    engine = "dask" if args.scheduler else args.engine  # a scheduler address means Dask
    return {"workers": args.workers, "engine": engine, "scheduler": args.scheduler,
            "resume": args.resume, "quiet": args.quiet, "model": args.model,
            "text_column": args.text_column}


def _report_errors(summary: object) -> int:
    failed = getattr(summary, "failed", 0)
    if failed:
        print(f"newsfacts: {failed} document(s) failed; see the errors output", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import extract_corpus

    summary = extract_corpus(args.inputs, args.output, **_batch_options(args))
    print(summary.describe(), file=sys.stderr)
    return _report_errors(summary)


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_corpus

    summary = run_corpus(args.inputs, args.output, **_batch_options(args))
    print(summary.describe(), file=sys.stderr)
    return _report_errors(summary)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, read_gold
    from .facts import read_facts

    gold = read_gold(args.gold)
    if args.pred is not None:
        predictions = list(read_facts(args.pred))
    else:
        from .documents import Document, read_documents
        from .extract import extract_facts, load_pipeline

        nlp = load_pipeline(args.model)
        documents = []
        for item in read_documents(args.inputs):
            if isinstance(item, Document):
                documents.append(item)
            else:
                print(f"newsfacts: {item.doc_id}: {item.reason}", file=sys.stderr)
        predictions = list(extract_facts(documents, nlp=nlp))
    report = evaluate(gold, predictions)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.format_text())
    return EXIT_OK


def cmd_aggregate(args: argparse.Namespace) -> int:
    from .fact_table import build_fact_table, write_fact_table
    from .facts import read_facts
    from .output_paths import refuse_overwriting_inputs

    refuse_overwriting_inputs(args.facts, [args.output])
    facts = [fact for path in args.facts for fact in read_facts(path)]
    table = build_fact_table(facts)
    write_fact_table(table, args.output)
    print(f"{len(facts)} facts -> {len(table)} rows in {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_quantities(args: argparse.Namespace) -> int:
    from .documents import DocumentError, read_documents
    from .quantities import write_quantities

    documents = list(read_documents(args.inputs, text_column=args.text_column))
    good = [d for d in documents if not isinstance(d, DocumentError)]
    count = write_quantities(good, args.output)
    failed = len(documents) - len(good)
    for bad in documents:
        if isinstance(bad, DocumentError):
            print(f"newsfacts: {bad.doc_id}: {bad.reason}", file=sys.stderr)
    print(f"{count} quantities from {len(good)} documents -> {args.output}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def cmd_build_model(args: argparse.Namespace) -> int:
    from .extract import build_model

    path = build_model(args.output, model=args.model)
    print(f"pipeline written to {path}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {
    "extract": cmd_extract,
    "run": cmd_run,
    "evaluate": cmd_evaluate,
    "aggregate": cmd_aggregate,
    "quantities": cmd_quantities,
    "build-model": cmd_build_model,
}
