"""Batch runs: same output for any number of workers, long documents, bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.batch import extract_corpus
from pipeline.documents import Document
from pipeline.extract import process, split_text
from pipeline.facts import Fact, read_facts

ARTICLE_TEXT = "Acme Corp said net profit rose to EUR 5.2 mn in 2009."
COMPANIES = ("Acme Corp", "Borealis Oyj", "Cobalt Mining Ltd", "Dunmore Holdings plc",
             "Elbe Logistik AG", "Fujiyama Electric Co")
TEMPLATES = (
    "{c} said net profit rose to EUR {a} mn in 2009 from EUR {b} mn in 2008.",
    "{c} reported revenue of USD {a} million for the third quarter of 2010.",
    "Sales at {c} fell {p} % in 2011, the company said on Tuesday.",
    "{c} posted a net loss of {b} billion yen in the year to March 2012.",
    "{c} expects operating profit of GBP {a} mln in 2013, up from GBP {b} mln.",
)


def article(i: int, sentences: int = 3) -> str:
    """A short hand-written financial article; `i` varies company, figures and order."""
    parts = []
    for j in range(sentences):
        template = TEMPLATES[(i + j) % len(TEMPLATES)]
        company = COMPANIES[(i * 7 + j) % len(COMPANIES)]
        parts.append(template.format(c=company, a=10 + (i * 13 + j) % 90, b=1 + (i + j) % 9,
                                     p=(i + 3 * j) % 20 + 1))
    return " ".join(parts)


def write_corpus(path: Path, count: int, *, sentences: int = 3) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            row = {"doc_id": f"doc-{i:04d}", "text": article(i, sentences),
                   "published": "2013-05-0" + str(1 + i % 9)}
            handle.write(json.dumps(row) + "\n")
    return path


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = write_corpus(tmp_path_factory.mktemp("corpus") / "news.jsonl", 30)
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write('{"doc_id": "broken", "text": "Acme Corp said\n')
    return corpus


def test_split_text_joins_back_and_cuts_at_paragraphs() -> None:
    paragraphs = [article(i, 2) for i in range(12)]
    text = "\n\n".join(paragraphs)
    pieces = split_text(text, 500)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 500 for _, piece in pieces)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])


def test_split_text_without_breaks_still_fits() -> None:
    text = "x" * 2500
    pieces = split_text(text, 1000)
    assert [len(piece) for _, piece in pieces] == [1000, 1000, 500]


def test_long_document_keeps_every_value_span(nlp: Language) -> None:
    text = "\n\n".join(article(i, 2) for i in range(40))
    document = Document(doc_id="long", text=text)
    [whole] = process([document], nlp, max_chars=len(text))
    [split] = process([document], nlp, max_chars=1_000)
    assert whole.facts, "the pipeline finds nothing in the test articles"
    assert {(f.char_start, f.char_end, f.value) for f in split.facts} == {
        (f.char_start, f.char_end, f.value) for f in whole.facts
    }
    for fact in split.facts:
        assert fact.evidence in text
        assert text.index(fact.evidence) <= fact.char_start < fact.char_end
        surface = text[fact.char_start : fact.char_end]
        assert surface.strip() == surface and any(ch.isdigit() for ch in surface)


def test_one_and_two_workers_write_identical_output(corpus: Path, tmp_path: Path) -> None:
    one = extract_corpus([corpus], tmp_path / "one.jsonl", workers=1, quiet=True, chunk_docs=4)
    two = extract_corpus([corpus], tmp_path / "two.jsonl", workers=2, quiet=True, chunk_docs=4)
    assert one.facts > 0
    assert lines(tmp_path / "one.jsonl") == lines(tmp_path / "two.jsonl")
    assert lines(tmp_path / "one.errors.jsonl") == lines(tmp_path / "two.errors.jsonl")
    assert (one.documents, one.failed, one.facts) == (two.documents, two.failed, two.facts)
    assert (one.documents, one.failed) == (31, 1)
    assert not (tmp_path / "one.jsonl.work").exists()


def test_facts_come_in_document_order(corpus: Path, tmp_path: Path) -> None:
    extract_corpus([corpus], tmp_path / "facts.jsonl", workers=1, quiet=True, chunk_docs=4)
    ids = [fact.doc_id for fact in read_facts(tmp_path / "facts.jsonl")]
    assert ids == sorted(ids)
    assert len(set(ids)) > 10


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_table_formats_hold_the_same_facts(corpus: Path, tmp_path: Path, suffix: str) -> None:
    extract_corpus([corpus], tmp_path / "facts.jsonl", workers=1, quiet=True)
    extract_corpus([corpus], tmp_path / f"facts{suffix}", workers=1, quiet=True)
    assert list(read_facts(tmp_path / f"facts{suffix}")) == list(
        read_facts(tmp_path / "facts.jsonl")
    )


def test_bad_input_is_reported_and_the_batch_goes_on(nlp: Language, tmp_path: Path) -> None:
    from pipeline.cli import main

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(article(1), encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "empty.txt").write_bytes(b"")
    latin = "Société Générale said net profit rose to EUR 5.2 mn in 2009 from EUR 4.1 mn."
    (folder / "latin1.txt").write_bytes(latin.encode("latin-1"))
    head, tail = article(2, 2), article(3, 2)
    blob = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB" * 65_000
    big = f"{head}\n\n<img src=\"{blob}\">\nPhoto: company handout.\n\n{tail}\n"
    (folder / "big.txt").write_text(big, encoding="utf-8")
    assert (folder / "big.txt").stat().st_size > 2_000_000
    good_rows = [{"doc_id": f"row-{i}", "text": article(10 + i)} for i in range(3)]
    body = "\n".join(json.dumps(row) for row in good_rows[:2])
    body += '\n{"doc_id": "cut", "text": "Acme\n' + json.dumps(good_rows[2]) + "\n"
    (folder / "rows.jsonl").write_text(body, encoding="utf-8")
    with gzip.open(folder / "more.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"doc_id": "gz-0", "text": article(20)}) + "\n")

    output = tmp_path / "out" / "facts.jsonl"
    code = main(["extract", str(folder), "-o", str(output), "--workers", "1", "--quiet"])

    assert code == 1
    errors = [json.loads(line) for line in lines(tmp_path / "out" / "facts.errors.jsonl")]
    failed = " ".join(f"{e['doc_id']} {e.get('path')}" for e in errors)
    assert "binary" in failed and "empty" in failed and len(errors) == 3
    assert all(e["reason"] for e in errors)

    got: dict[str, set[tuple[float, int, int]]] = {}
    for fact in read_facts(output):
        got.setdefault(fact.doc_id, set()).add(spans([fact])[0])
    expected = {
        "good.txt": spans(alone(nlp, article(1))),
        "latin1.txt": spans(alone(nlp, latin)),
        "row-0": spans(alone(nlp, article(10))),
        "row-2": spans(alone(nlp, article(12))),
        "gz-0": spans(alone(nlp, article(20))),
        "big.txt": spans(alone(nlp, head))
        + [(v, s + big.index(tail), e + big.index(tail)) for v, s, e in spans(alone(nlp, tail))],
    }
    assert sum(map(len, expected.values())) > 5
    for name, want in expected.items():
        [doc_id] = [d for d in got if d.endswith(name)] or [name]
        assert got.get(doc_id, set()) == set(want), name


def alone(nlp: Language, text: str) -> list[Fact]:
    [result] = process([Document(doc_id="alone", text=text)], nlp)
    return result.facts


def spans(facts: list[Fact]) -> list[tuple[float, int, int]]:
    return [(fact.value, fact.char_start, fact.char_end) for fact in facts]


def test_run_writes_every_output_and_scores_gold(tmp_path: Path) -> None:
    from pipeline.batch import run_corpus

    corpus = write_corpus(tmp_path / "news.jsonl", 6)
    rows = [json.loads(line) for line in lines(corpus)]
    facts_of = {r["doc_id"]: [] for r in rows}
    extract_corpus([corpus], tmp_path / "plain.jsonl", workers=1, quiet=True)
    for fact in read_facts(tmp_path / "plain.jsonl"):
        facts_of[fact.doc_id].append(fact.to_dict())
    with corpus.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({**row, "facts": facts_of[row["doc_id"]]}) + "\n")

    summary = run_corpus([corpus], tmp_path / "out", workers=1, quiet=True)

    out = tmp_path / "out"
    names = {"facts.jsonl", "errors.jsonl", "fact_table.parquet", "fact_table.csv",
             "report.html", "summary.json"}
    assert names <= {p.name for p in out.iterdir()}
    assert lines(out / "facts.jsonl") == lines(tmp_path / "plain.jsonl")
    saved = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert saved["facts"] == summary.facts == len(lines(out / "facts.jsonl")) > 0
    assert saved["documents"] == 6 and saved["failed"] == 0 and saved["gold_documents"] == 6
    assert saved["table_rows"] == summary.table_rows > 0
    assert saved["evaluation"]["core"]["f1"] == 1.0
    assert {"extract", "aggregate", "report"} <= set(saved["timings"])
    from importlib.metadata import version

    assert saved["versions"]["newsfacts"] == version("newsfacts")
    assert saved["versions"]["spacy"] == version("spacy")
    assert saved["versions"]["model"] and saved["versions"]["model_version"]
    assert saved["inputs"] == [str(corpus.resolve())]
    assert saved["settings"]["workers"] == 1 and saved["settings"]["text_column"] == "text"


def test_facts_carry_title_and_url_of_their_document(nlp: Language) -> None:
    document = Document("t1", article(3), published=None, title="Results day",
                        url="https://news.example/t1")
    (result,) = process([document], nlp)
    assert result.facts
    assert {(f.title, f.url) for f in result.facts} == {("Results day", "https://news.example/t1")}


def test_batch_parquet_output_is_typed_and_joins_the_table(corpus: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.fact_table import build_fact_table

    extract_corpus([corpus], tmp_path / "facts.parquet", workers=1, quiet=True)
    schema = pq.read_schema(tmp_path / "facts.parquet")
    assert schema.field("published").type == pa.date32()
    assert schema.field("period_end").type == pa.date32()
    facts = list(read_facts(tmp_path / "facts.parquet"))
    ids = pq.read_table(tmp_path / "facts.parquet").column("fact_id").to_pylist()
    assert ids == [f.fact_id for f in facts]
    assert set(ids) == set(build_fact_table(facts)["fact_id"])


def test_document_count_for_the_progress_bar(tmp_path: Path) -> None:
    from pipeline.batch import count_documents

    corpus = write_corpus(tmp_path / "news.jsonl", 7)
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("a.txt", "b.md", "c.html", ".hidden.txt", "notes.pdf"):
        (folder / name).write_text(ARTICLE_TEXT, encoding="utf-8")
    assert count_documents([corpus, folder]) == 10
    (folder / "more.csv").write_text("text\nx\n", encoding="utf-8")
    assert count_documents([folder]) is None  # rows of a CSV cost a parse to count
