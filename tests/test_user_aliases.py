"""The user alias file: companies, aliases and fiscal calendars added without copying configs/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.organizations import canonical_name
from pipeline.periods import calendar_for
from pipeline.user_aliases import active_user_aliases, read_user_aliases, use_user_aliases

USER_FILE = """\
companies:
  Harrowgate Instruments: [Harrowgate Scientific, HGI]
  Brightwell Aviation: [BA]
fiscal_calendars:
  Harrowgate Instruments: {start_month: 7, naming: end}
"""

SENTENCES = (
    "Harrowgate Scientific said its net sales rose to EUR 41.2 million in the fiscal year 2023.",
    "HGI reported an operating profit of EUR 3.1 million for the second quarter of fiscal 2023.",
)


@pytest.fixture(autouse=True)
def _shipped_data_after() -> Iterator[None]:
    yield
    use_user_aliases(None)


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "my_companies.yaml"
    path.write_text(USER_FILE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("companies: [Acme]\n", "companies"),
        ("companies:\n  Acme: [Acme Co\n", "not valid YAML"),
        ("fiscal_calendars:\n  Acme: {start_month: 13}\n", "start_month"),
        ("fiscal_calendars:\n  Acme: {start_month: 4, naming: middle}\n", "naming"),
        ("company:\n  Acme: [Acme Co]\n", "company"),
        ("companies:\n  Acme: [AC]\n  Acorn: [ac]\n", "two owners"),
        ("", "a mapping"),
    ],
)
def test_a_bad_user_file_names_the_file_and_the_problem(
        tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_user_aliases(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_a_missing_user_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        use_user_aliases(tmp_path / "nowhere.yaml")
    assert active_user_aliases() is None


def test_user_entries_merge_over_the_shipped_data(user_file: Path) -> None:
    assert canonical_name("Harrowgate Scientific Ltd") == "Harrowgate Scientific"
    assert canonical_name("BA") == "British Airways"
    use_user_aliases(user_file)
    assert canonical_name("Harrowgate Scientific Ltd") == "Harrowgate Instruments"
    assert canonical_name("HGI") == "Harrowgate Instruments"
    assert canonical_name("BA") == "Brightwell Aviation"  # the user's file wins
    assert canonical_name("British Airways") == "British Airways"  # the rest stays
    assert canonical_name("Sony Corp") == "Sony"
    assert calendar_for("Harrowgate Instruments").start_month == 7
    use_user_aliases(None)
    assert canonical_name("BA") == "British Airways"
    assert calendar_for("Harrowgate Instruments").is_calendar_year


def _facts(nlp: object, text: str) -> list[tuple[object, ...]]:
    doc = nlp.make_doc(text)  # type: ignore[attr-defined]
    doc._.newsfacts_published = date(2023, 9, 1)
    doc = nlp(doc)  # type: ignore[operator]
    return [(f.entity, f.metric, f.value, f.period, f.period_start, f.period_end)
            for f in doc._.newsfacts_facts]


def test_load_pipeline_with_a_user_file_names_and_dates_the_facts(user_file: Path) -> None:
    from pipeline import load_pipeline

    nlp = load_pipeline(aliases=user_file)
    assert nlp.get_pipe_config("newsfacts_organizations")["aliases"] == str(user_file)
    assert _facts(nlp, SENTENCES[0]) == [
        ("Harrowgate Instruments", "revenue", 41.2e6, "FY2023", date(2022, 7, 1),
         date(2023, 6, 30))]
    assert _facts(nlp, SENTENCES[1]) == [
        ("Harrowgate Instruments", "operating_income", 3.1e6, "FY2023-Q2", date(2022, 10, 1),
         date(2022, 12, 31))]


def test_without_the_user_file_the_same_sentences_stay_as_written(nlp: object) -> None:
    use_user_aliases(None)
    (fact,) = _facts(nlp, SENTENCES[0])
    assert fact[0] == "Harrowgate Scientific" and fact[3] == "2023"


def test_the_cli_flag_reaches_the_facts_and_a_bad_file_is_exit_2(
        tmp_path: Path, user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import EXIT_OK, EXIT_USAGE, main

    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(
        json.dumps({"doc_id": f"d{i}", "text": text, "published": "2023-09-01"}) + "\n"
        for i, text in enumerate(SENTENCES)), encoding="utf-8")
    out = tmp_path / "facts.jsonl"
    assert main(["extract", str(articles), "-o", str(out), "--aliases", str(user_file),
                 "--workers", "1", "--quiet"]) == EXIT_OK
    facts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f["entity"], f["period"]) for f in facts] == [
        ("Harrowgate Instruments", "FY2023"), ("Harrowgate Instruments", "FY2023-Q2")]

    bad = tmp_path / "bad.yaml"
    bad.write_text("fiscal_calendars:\n  Acme: {start_month: 0}\n", encoding="utf-8")
    again = tmp_path / "again.jsonl"
    capsys.readouterr()
    assert main(["extract", str(articles), "-o", str(again), "--aliases", str(bad),
                 "--workers", "1", "--quiet"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert str(bad) in err and "start_month" in err
    assert not again.exists()


def test_a_saved_pipeline_reads_its_user_file_again_at_load(
        tmp_path: Path, user_file: Path) -> None:
    import spacy

    from pipeline.extract import build_model

    saved = build_model(tmp_path / "model", aliases=user_file)
    use_user_aliases(None)
    loaded = spacy.load(saved)
    assert active_user_aliases() is not None
    assert _facts(loaded, SENTENCES[1])[0][:4] == (
        "Harrowgate Instruments", "operating_income", 3.1e6, "FY2023-Q2")
