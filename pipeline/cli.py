"""The `newsfacts` command line: each subcommand parses flags and calls one library function.

Only this module prints, exits or configures logging.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError, EvaluationError, InputError, NewsfactsError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # 141: the reader (`| head`) went away
SHOWN_ERRORS = 5

INPUT_FORMATS = (
    "INPUT is a JSON Lines file (.jsonl, .ndjson, .jsonl.gz: one article an object with "
    "`text`, optional `doc_id`, `published`, `title`, `source`, `url`), a .json list of such "
    "objects, a CSV (delimiter detected) or Parquet table with a text column, a .txt, .md or "
    ".html article (optional front matter: published:/date:, title:, url:), a folder of "
    "these (read recursively), or - for JSON Lines on standard input. `published` must be "
    "an absolute date (2024-01-25, 25 Jan 2024); anything else fails that document."
)
EXIT_CODES = (
    "exit codes: 0 every document processed; 1 some documents failed (reasons on stderr and "
    "in the errors file) or no documents; 2 bad usage (missing input, unknown column, output "
    "that is an input, unreachable scheduler, not a facts file) and nothing written; "
    "130 interrupted (rerun with --resume); 141 output pipe closed."
)

QUANTITIES_EPILOG = (
    "INPUT is any container `extract` reads (JSON Lines, .json, CSV, Parquet, .txt, .md, "
    ".html, a folder of these), but not standard input. Each quantity is found in the text "
    "alone, without the organization or metric a fact needs; its span indexes the "
    "document text. exit codes: 0 every document read; 1 some documents could not be read "
    "(reasons on stderr), the others are written; 2 bad usage (missing input, unknown "
    "output format, output that is an input) and nothing written."
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return f"newsfacts {of('newsfacts')} (spaCy {of('spacy')}, Python {sys.version.split()[0]})"


def _add_batch_flags(parser: argparse.ArgumentParser) -> None:
    cores = os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=cores, metavar="N",
                        help=f"worker processes, at most the cores available (default: {cores})")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes (default) or a Dask cluster")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="address of a running Dask scheduler (tcp://host:8786); implies "
                             "--engine dask; its workers must see the output folder at the "
                             "same path")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run from its finished chunks (same "
                             "inputs and options)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no Dask logging; errors are still shown")
    parser.add_argument("--model", metavar="NAME_OR_DIR",
                        help="spaCy package name or pipeline directory (default: the "
                             "installed English model)")
    _aliases_flag(parser)
    _full_flag(parser)
    parser.add_argument("--text-column", default="text", metavar="NAME",
                        help="field or column holding the article text (default: text)")
    parser.add_argument("--id-column", metavar="NAME",
                        help="field or column holding the document id (default: doc_id, "
                             "then id, then file:row)")
    parser.add_argument("--published-column", metavar="NAME",
                        help="field or column holding the publication date (default: "
                             "published)")


def _aliases_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--aliases", type=Path, metavar="FILE",
                        help="user alias file (YAML) merged over the shipped data: "
                             "`companies:` (canonical name: [aliases]) and "
                             "`fiscal_calendars:` (name: {start_month, start_day, naming: "
                             "start|end, aliases}); a bad file is exit 2 (see README)")


def _full_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full", action="store_true",
                        help="the model reads every sentence (slower); by default it reads "
                             "only the sentences that can hold a figure and their context")


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="articles to read; - reads JSON Lines from standard input")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsfacts", description="Structured company facts and a deduplicated fact table "
        "from news articles (FACTS.md).", epilog=EXIT_CODES)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text,
                              epilog=epilog or f"{INPUT_FORMATS} {EXIT_CODES}")

    p = command("extract", "mention-level facts of every document")
    _inputs(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                   help="facts file: .jsonl, .csv or .parquet (dates as date32), or - for "
                        "JSON Lines on standard output; failed documents go to "
                        "<stem>.errors.jsonl beside it")
    _add_batch_flags(p)

    p = command("run", "extract, aggregate and report into a directory")
    _inputs(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR",
                   help="output directory (created; must not be an input or an existing "
                        "file): facts.jsonl, errors.jsonl, fact_table.parquet, "
                        "fact_table.csv, report.html, summary.json")
    _add_batch_flags(p)

    p = command("evaluate", "score predictions against gold (FACTS.md section 4)")
    p.add_argument("--gold", type=Path, required=True, metavar="FILE",
                   help="gold JSON Lines: documents with a `facts` list")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--pred", type=Path, metavar="FILE",
                        help="facts file written by `extract` (.jsonl, .csv or .parquet)")
    source.add_argument("inputs", nargs="*", type=Path, default=[], metavar="INPUT",
                        help="documents to extract from first")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--by-decision", action="store_true",
                   help="also count the missed gold facts by the decision that lost them "
                        "(value not found, not a result, currency, owner, metric, "
                        "comparative, period) and the matched facts with a wrong status")
    p.add_argument("--model", metavar="NAME_OR_DIR", help="spaCy model name or directory")
    _aliases_flag(p)
    _full_flag(p)

    p = command("aggregate", "deduplicated fact table from facts files")
    p.add_argument("facts", nargs="+", type=Path, metavar="FACTS",
                   help="facts files written by `extract` (.jsonl, .csv or .parquet)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                   help="fact table: .parquet (typed, dates as date32) or .csv")

    p = command("quantities", "every money, percent, count and rate quantity of the "
                "documents, whether or not it is a fact (no spaCy model needed)",
                epilog=QUANTITIES_EPILOG)
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                   help="articles to read (files or folders; not standard input)")
    p.add_argument("--text-column", default="text", metavar="NAME",
                   help="field or column holding the article text (default: text)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                   help="quantities file: .jsonl, .csv or .parquet, one row a quantity "
                        "with doc_id, text, char_start, char_end, kind (money, percent, "
                        "count, rate), value, unit and denominator; must not be an input")

    p = command("build-model", "assemble the spaCy pipeline directory")
    p.add_argument("-o", "--output", type=Path, default=Path("models/newsfacts-en"),
                   metavar="DIR", help="where to write it (default: models/newsfacts-en)")
    p.add_argument("--model", metavar="NAME_OR_DIR", help="base spaCy model name or directory")
    _aliases_flag(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet = getattr(args, "quiet", False)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    dask_level = logging.DEBUG if args.verbose else logging.ERROR if quiet else logging.WARNING
    for handler in logging.getLogger().handlers:
        handler.addFilter(_ClusterNoise(dask_level))
    try:
        return int(COMMANDS[args.command](args))
    except KeyboardInterrupt:
        resumable = (args.command in ("extract", "run") and str(args.output) != "-"
                     and not getattr(args, "from_stdin", False))
        hint = (" finished chunks are kept: rerun the same command with --resume to continue"
                if resumable else "")
        print(f"newsfacts: interrupted;{hint}" if hint else "newsfacts: interrupted",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader of stdout is gone: silence the flush at exit, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (ConfigError, EvaluationError, InputError) as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NewsfactsError as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_SOME_FAILED
    except ValueError as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an output that cannot be written: a message, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newsfacts: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE


class _ClusterNoise(logging.Filter):
    """Dask sets its own loggers to INFO when imported; only records of `level` and above
    from Dask (and the Tornado loop under it) reach the terminal."""

    PREFIXES = ("distributed", "dask", "tornado", "bokeh")

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or not record.name.startswith(self.PREFIXES)


def _batch_options(args: argparse.Namespace) -> dict[str, Any]:
    from .settings import Settings

    engine = "dask" if args.scheduler else args.engine  # a scheduler address means Dask
    return {"workers": args.workers, "engine": engine, "scheduler": args.scheduler,
            "resume": args.resume, "quiet": args.quiet, "model": args.model,
            "text_column": args.text_column, "id_column": args.id_column,
            "published_column": args.published_column, "aliases": args.aliases,
            "settings": Settings(screen_sentences=not args.full)}


def _report_errors(summary: Any) -> int:
    """Exit status of a batch; the first few failure reasons go to stderr."""
    if not summary.documents:
        print("newsfacts: no documents in the input", file=sys.stderr)
        return EXIT_SOME_FAILED
    failed = summary.failed
    if failed:
        for error in summary.errors[:SHOWN_ERRORS]:
            print(f"newsfacts: {error.doc_id}: {error.reason}", file=sys.stderr)
        more = f" ({failed - SHOWN_ERRORS} more)" if failed > SHOWN_ERRORS else ""
        where = f"; all in {summary.errors_path}" if summary.errors_path else ""
        print(f"newsfacts: {failed} document(s) failed{more}{where}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


def _check_inputs(args: argparse.Namespace) -> None:
    """Usage errors found before any output exists: missing inputs, unknown columns."""
    from .documents import check_inputs

    check_inputs(args.inputs, text_column=args.text_column, id_column=args.id_column,
                 published_column=args.published_column)


@contextlib.contextmanager
def _stdio(args: argparse.Namespace, output_name: str | None) -> Iterator[Path | None]:
    """`-` as an input spools standard input to a temporary JSON Lines file; `-` as the
    output gives a temporary file whose content goes to standard output at the end."""
    spool = Path(tempfile.mkdtemp(prefix="newsfacts-"))
    try:
        if args.resume and output_name:
            raise InputError("-", "--resume cannot continue a run that wrote to standard "
                             "output")
        if any(str(p) == "-" for p in args.inputs):
            if args.resume:
                raise InputError("-", "--resume cannot continue a run that read standard "
                                 "input")
            args.from_stdin = True
            stdin = spool / "stdin.jsonl"
            with stdin.open("wb") as handle:
                shutil.copyfileobj(sys.stdin.buffer, handle)
            args.inputs = [stdin if str(p) == "-" else p for p in args.inputs]
        yield spool / output_name if output_name else None
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import extract_corpus
    from .output_paths import refuse_overwriting_inputs

    refuse_overwriting_inputs(args.inputs, [args.output])
    _check_inputs(args)
    to_stdout = str(args.output) == "-"
    with _stdio(args, "facts.jsonl" if to_stdout else None) as spooled:
        output = spooled or args.output
        summary = extract_corpus(args.inputs, output, **_batch_options(args))
        if to_stdout:
            with output.open("rb") as handle:
                shutil.copyfileobj(handle, sys.stdout.buffer)
            sys.stdout.flush()
            summary.output = None
            summary.errors_path = None
        print(summary.describe(), file=sys.stderr)
        return _report_errors(summary)


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_corpus
    from .output_paths import refuse_overwriting_inputs

    if str(args.output) == "-":
        raise InputError("-", "`run` writes a directory; use `extract -o -` for facts on "
                         "standard output")
    refuse_overwriting_inputs(args.inputs, [args.output])
    _check_inputs(args)
    with _stdio(args, None):
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

        nlp = load_pipeline(args.model, aliases=args.aliases)
        documents = []
        for item in read_documents(args.inputs):
            if isinstance(item, Document):
                documents.append(item)
            else:
                print(f"newsfacts: {item.doc_id}: {item.reason}", file=sys.stderr)
        predictions = list(extract_facts(documents, nlp=nlp, screen=not args.full))
    report = evaluate(gold, predictions)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.format_text())
        if args.by_decision:
            print("\n" + report.format_decisions())
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
    from .documents import DocumentError, check_inputs, read_documents
    from .output_paths import refuse_overwriting_inputs
    from .quantities import write_quantities

    refuse_overwriting_inputs(args.inputs, [args.output])
    check_inputs(args.inputs, text_column=args.text_column)
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

    path = build_model(args.output, model=args.model, aliases=args.aliases)
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
