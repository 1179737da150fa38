"""The command line: exit codes, refusals before any file is touched, Unix conventions."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import EXIT_BROKEN_PIPE, EXIT_USAGE, main

ARTICLE = "Acme Corp said net profit rose to EUR 5.2 mn in 2009 from EUR 4.1 mn in 2008."


def write_articles(path: Path) -> Path:
    path.write_text(json.dumps({"doc_id": "a1", "text": ARTICLE, "published": "2010-02-03"})
                    + "\n", encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_output_equal_to_the_input_is_refused_before_reading(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = write_articles(tmp_path / "a.jsonl")
    before = snapshot(tmp_path)
    assert main(["extract", str(articles), "-o", str(articles)]) == EXIT_USAGE
    assert snapshot(tmp_path) == before
    assert "is also an input" in capsys.readouterr().err


def test_output_reached_by_another_spelling_is_still_the_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_articles(tmp_path / "a.jsonl")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    before = snapshot(tmp_path)
    assert main(["extract", "../a.jsonl", "-o", str(tmp_path / "a.jsonl")]) == EXIT_USAGE
    assert snapshot(tmp_path) == before


def test_run_into_the_input_folder_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_articles(corpus / "a.jsonl")
    before = snapshot(tmp_path)
    assert main(["run", str(corpus), "-o", str(corpus)]) == EXIT_USAGE
    assert main(["run", str(corpus), "-o", str(corpus / "out")]) == EXIT_USAGE
    assert main(["extract", str(corpus), "-o", str(corpus / "facts.jsonl")]) == EXIT_USAGE
    assert snapshot(tmp_path) == before


def test_aggregate_onto_its_facts_file_is_refused(tmp_path: Path) -> None:
    facts = tmp_path / "facts.csv"
    facts.write_text("doc_id,entity\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert main(["aggregate", str(facts), "-o", str(facts)]) == EXIT_USAGE
    assert snapshot(tmp_path) == before


REPO = Path(__file__).resolve().parents[1]


def newsfacts(*args: str, stdin: str | None = None, timeout: float = 300
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def test_version_and_fast_help() -> None:
    from importlib.metadata import version

    done = newsfacts("--version")
    assert done.returncode == 0
    assert done.stdout.startswith(f"newsfacts {version('newsfacts')} (spaCy ")
    started = time.monotonic()
    code = ("import sys; from pipeline.cli import main\n"
            "try:\n    main(['extract', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('spacy', 'pandas', 'dask') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert done.stdout.splitlines()[-1] == "[]", "--help must not import heavy modules"
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("command", ["extract", "run", "aggregate", "evaluate"])
def test_every_argument_has_help_and_the_exit_codes_are_documented(command: str) -> None:
    from pipeline.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    p = sub.choices[command]
    for action in p._actions:
        assert action.help, f"{command} {action.dest} has no help"
    text = p.format_help()
    assert "exit codes: 0" in text and "130" in text
    if command in ("extract", "run"):
        assert ".jsonl" in text and ".parquet" in text and "standard input" in text


def test_missing_input_and_wrong_columns_are_usage_errors_without_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = write_articles(tmp_path / "a.jsonl")
    table = tmp_path / "t.csv"
    table.write_text("doc_id;body\nx1;" + ARTICLE + "\n", encoding="utf-8")
    cases = [
        (["extract", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "f.jsonl")],
         "does not exist"),
        (["run", str(tmp_path / "nope"), "-o", str(tmp_path / "out")], "does not exist"),
        (["extract", str(articles), "-o", str(tmp_path / "f.jsonl"), "--text-column", "body"],
         "no 'body' column"),
        (["extract", str(table), "-o", str(tmp_path / "f.jsonl")], "no 'text' column"),
        (["extract", str(table), "-o", str(tmp_path / "f.jsonl"), "--text-column", "body",
          "--published-column", "date"], "no 'date' column"),
        (["aggregate", str(articles), "-o", str(tmp_path / "t.parquet")], "not a facts file"),
        (["run", str(articles), "-o", str(articles.with_suffix(".txt"))], "not a directory"),
        (["run", str(articles), "-o", "-"], "writes a directory"),
        (["extract", str(articles), "-o", "-", "--resume"], "--resume cannot"),
    ]
    articles.with_suffix(".txt").write_text("a file\n", encoding="utf-8")
    before = snapshot(tmp_path)
    for argv, message in cases:
        assert main(argv) == EXIT_USAGE, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert message in err, (argv, err)
        assert snapshot(tmp_path) == before, argv


@pytest.mark.slow
def test_stdin_to_stdout_and_failures_summarized_on_stderr(tmp_path: Path) -> None:
    lines_in = [json.dumps({"doc_id": "a1", "text": ARTICLE, "published": "2010-02-03"}),
                json.dumps({"doc_id": "a2", "text": ARTICLE, "published": "yesterday"})]
    done = newsfacts("extract", "-", "-o", "-", "--quiet", "--workers", "1",
                     stdin="\n".join(lines_in) + "\n")
    assert done.returncode == 1, done.stderr
    facts = [json.loads(line) for line in done.stdout.splitlines()]
    assert facts and {f["doc_id"] for f in facts} == {"a1"}
    assert all(ARTICLE[f["char_start"]:f["char_end"]] for f in facts)
    assert "a2: line 2: published 'yesterday'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps({"doc_id": f"d{i}", "text": ARTICLE}) + "\n"
                              for i in range(200)), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", str(corpus), "-o", "-", "--quiet",
         "--workers", "1"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_empty_input_is_exit_1_with_no_documents(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert main(["extract", str(empty), "-o", str(tmp_path / "f.jsonl"), "--quiet",
                 "--workers", "1"]) == 1
    assert "no documents" in capsys.readouterr().err


def test_too_many_workers_are_capped_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from pipeline.batch import extract_corpus

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    cores = os.cpu_count() or 1
    summary = extract_corpus([empty], tmp_path / "f.jsonl", workers=cores + 5, quiet=True)
    assert summary.workers == cores
    assert "cores" in caplog.text


def test_an_output_that_cannot_be_written_is_a_message_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "facts.jsonl"
    facts.write_text("", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["aggregate", str(facts), "-o", str(blocker / "table.parquet")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("newsfacts: ") and "Traceback" not in err


def test_quantities_help_names_its_formats_columns_and_exit_codes(tmp_path: Path) -> None:
    from pipeline.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    p = sub.choices["quantities"]
    for action in p._actions:
        assert action.help, f"quantities {action.dest} has no help"
    text = " ".join(p.format_help().split())
    assert "kind (money, percent, count, rate)" in text and ".parquet" in text
    assert "exit codes: 0" in text and "not standard input" in text
    missing = tmp_path / "missing.jsonl"
    out = tmp_path / "q.jsonl"
    assert main(["quantities", str(missing), "-o", str(out)]) == EXIT_USAGE
    assert not out.exists()


@pytest.mark.parametrize("command", ["extract", "run"])
def test_screening_is_the_default_and_full_reads_every_sentence(command: str) -> None:
    from pipeline.cli import _batch_options, build_parser

    parser = build_parser()
    default = parser.parse_args([command, "in.jsonl", "-o", "out"])
    full = parser.parse_args([command, "in.jsonl", "-o", "out", "--full"])
    assert _batch_options(default)["settings"].screen_sentences
    assert not _batch_options(full)["settings"].screen_sentences
    assert parser.parse_args(["evaluate", "--gold", "g.jsonl", "in.jsonl", "--full"]).full
