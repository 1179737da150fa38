"""The command line: exit codes, refusals before any file is touched, Unix conventions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import EXIT_USAGE, main

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
