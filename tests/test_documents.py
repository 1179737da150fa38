"""Readers of every document container, and isolation of bad input."""

from __future__ import annotations

import gzip
import itertools
import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.documents import (
    Document,
    DocumentError,
    infer_published,
    parse_published,
    read_documents,
    reduce_html,
    split_front_matter,
)

DATA = Path(__file__).parent / "data" / "documents"
REPO = Path(__file__).parents[1]
DEV = Path(__file__).parents[2] / "shared" / "dev"
BENCH = Path(__file__).parents[2] / "shared" / "bench" / "reuters21578-non-earn.jsonl.gz"

ARTICLE = "Acme Widgets said its 2015 net sales rose 4% to EUR 12.5 million.\n"


def read(*inputs: str | Path, **options: str) -> list[Document | DocumentError]:
    return list(read_documents(inputs, **options))


def split(items: list[Document | DocumentError]) -> tuple[list[Document], list[DocumentError]]:
    return (
        [i for i in items if isinstance(i, Document)],
        [i for i in items if isinstance(i, DocumentError)],
    )


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# -- JSON Lines ----------------------------------------------------------------------------


def test_jsonl_documents_defaults_and_gold(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {"doc_id": "a", "text": ARTICLE, "published": "2016-01-05", "title": "T", "x": 1},
            {"text": "Bolt Motors cut 300 jobs.", "facts": [{"metric": "job_cuts"}]},
        ],
    )
    first, second = read(path)
    assert first == Document("a", ARTICLE, date(2016, 1, 5), title="T")
    assert isinstance(second, Document)
    assert second.doc_id == "news.jsonl:2"
    assert second.gold == ({"metric": "job_cuts"},)


def test_broken_json_line_is_reported_and_the_file_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"doc_id": "ok-1", "text": ARTICLE}),
        '{"doc_id": "broken", "text": "unterminated',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"doc_id": "no-text", "body": ARTICLE}),
        json.dumps({"doc_id": "ok-2", "text": ARTICLE}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    documents, errors = split(read(path))
    assert [d.doc_id for d in documents] == ["ok-1", "ok-2"]
    assert [(e.doc_id, e.path) for e in errors] == [
        ("mixed.jsonl:2", str(path)),
        ("mixed.jsonl:4", str(path)),
        ("no-text", str(path)),
    ]
    assert errors[0].reason.startswith("line 2: not valid JSON")
    assert "not a JSON object" in errors[1].reason
    assert errors[2].reason == "line 5: no 'text' value"


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for number in range(3):
            handle.write(json.dumps({"doc_id": f"g{number}", "text": ARTICLE}) + "\n")
    assert [d.doc_id for d in read(path)] == ["g0", "g1", "g2"]


def test_corrupt_gzip_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00 definitely not deflate data")
    (error,) = read(path)
    assert isinstance(error, DocumentError)
    assert error.reason.startswith("cannot read file")


def test_text_column_option_applies_to_jsonl(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [{"doc_id": "b", "body": ARTICLE}])
    (document,) = read(path, text_column="body")
    assert isinstance(document, Document)
    assert document.text == ARTICLE


# -- folders, front matter ------------------------------------------------------------------


def test_folder_reads_every_supported_file_sorted_and_recursive(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / ".git").mkdir()
    (corpus / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "a.md").write_text("# Heading\n\n" + ARTICLE, encoding="utf-8")
    (corpus / "sub" / "page.html").write_text(f"<p>{ARTICLE}</p>", encoding="utf-8")
    write_jsonl(corpus / "seeds.jsonl", [{"doc_id": "seed-1", "text": ARTICLE}])
    pd.DataFrame({"doc_id": ["row-1"], "text": [ARTICLE]}).to_csv(corpus / "t.csv", index=False)
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4 binary")
    (corpus / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / ".git" / "x.txt").write_text(ARTICLE, encoding="utf-8")

    items = read(corpus)
    assert all(isinstance(i, Document) for i in items)
    assert [i.doc_id for i in items] == ["a.md", "b.txt", "seed-1", "sub/page.html", "row-1"]
    assert items[1].text == ARTICLE


def test_repository_corpus_folder_reads_its_seed_file() -> None:
    corpus = REPO / "corpus"
    if not (corpus / "seeds.jsonl").exists():
        pytest.skip("no corpus/seeds.jsonl")
    documents, errors = split(read(corpus))
    assert not errors
    assert documents
    assert all(d.text.strip() for d in documents)


def test_front_matter_gives_metadata_and_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\npublished: 2014-10-31\ntitle: Acme results\nsource: example\n"
        "url: https://example.com/a\ndoc_id: acme-q2\nauthor: ignored\n---\n\n" + ARTICLE,
        encoding="utf-8",
    )
    (document,) = read(path)
    assert document == Document(
        "acme-q2", ARTICLE, date(2014, 10, 31), "Acme results", "example", "https://example.com/a"
    )


def test_published_line_at_the_top(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("published: 2013-07-01\n" + ARTICLE, encoding="utf-8")
    (document,) = read(path)
    assert isinstance(document, Document)
    assert (document.doc_id, document.published, document.text) == (
        path.as_posix(),
        date(2013, 7, 1),
        ARTICLE,
    )


@pytest.mark.parametrize(
    "text",
    [
        "---\nThis is a horizontal rule story: not YAML: [\n---\nbody\n",
        "No front matter.\n---\nlater: rule\n---\n",
    ],
)
def test_text_without_valid_front_matter_is_kept_whole(text: str) -> None:
    assert split_front_matter(text) == ({}, text)


def test_plain_text_is_not_normalized(tmp_path: Path) -> None:
    text = "Title line\r\n\r\n  Indented   spacing\tkept.  \r\nLast line"
    path = tmp_path / "raw.txt"
    path.write_bytes(text.encode("utf-8"))
    (document,) = read(path)
    assert isinstance(document, Document)
    assert document.text == text


# -- HTML ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Acme  results &amp; outlook</title>
<meta property="article:published_time" content="2019-09-25T08:00:00Z">
<style>p { color: red }</style><script>var sales = "999 million";</script></head>
<body><nav><a href="/">Home</a></nav>
<h1>Acme results</h1>
<p>Acme&nbsp;Corp said sales rose <b>5%</b> to
   &euro;10 million.</p><p>It expects growth.<br>More next year.</p>
<noscript>Enable JavaScript</noscript><template><p>hidden</p></template>
<table><tr><td>Sales</td><td>10</td></tr></table>
</body></html>"""


def test_html_visible_text_blocks_and_entities() -> None:
    text, meta = reduce_html(PAGE)
    assert text == (
        "Acme results\n\nAcme Corp said sales rose 5% to €10 million.\n\n"
        "It expects growth.\nMore next year.\n\nSales\t10"
    )
    assert meta == {"published": "2019-09-25T08:00:00Z", "title": "Acme results & outlook"}


def test_html_file_document(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(PAGE, encoding="utf-8")
    (document,) = read(path)
    assert isinstance(document, Document)
    assert document.title == "Acme results & outlook"
    assert document.published == date(2019, 9, 25)
    assert "999 million" not in document.text
    assert "color" not in document.text


def test_html_without_closing_head_still_has_body_text() -> None:
    text, _ = reduce_html("<html><head><title>x</title><body><p>Body text.</p>")
    assert text == "Body text."


def test_html_with_only_scripts_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><script>x = 1</script></html>", encoding="utf-8")
    (error,) = read(path)
    assert isinstance(error, DocumentError)
    assert "no text" in error.reason


# -- CSV and Parquet -----------------------------------------------------------------------

FRAME = pd.DataFrame(
    {
        "doc_id": ["r1", "r2", "r3"],
        "text": [ARTICLE, "", "Bolt Motors cut 300 jobs."],
        "published": ["2015-02-03", "", ""],
        "source": ["wire", "wire", ""],
    }
)


def write_table(path: Path, frame: pd.DataFrame) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables(tmp_path: Path, suffix: str) -> None:
    path = write_table(tmp_path / f"news{suffix}", FRAME)
    first, second, third = read(path)
    assert first == Document("r1", ARTICLE, date(2015, 2, 3), source="wire")
    assert second == DocumentError("r2", "row 2: empty 'text'", str(path))
    assert third == Document("r3", "Bolt Motors cut 300 jobs.")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_table_without_text_column_is_one_error(tmp_path: Path, suffix: str) -> None:
    path = write_table(tmp_path / f"news{suffix}", FRAME.rename(columns={"text": "body"}))
    (error,) = read(path)
    assert isinstance(error, DocumentError)
    assert error.reason.startswith("no 'text' column")
    (second,) = read(path, text_column="nope")
    assert isinstance(second, DocumentError)
    docs = read(path, text_column="body")
    assert [d.doc_id for d in docs if isinstance(d, Document)] == ["r1", "r3"]


def test_parquet_nulls_and_default_ids(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": [ARTICLE, None], "published": [pd.Timestamp("2020-01-02"), None]})
    path = write_table(tmp_path / "nulls.parquet", frame)
    first, second = read(path)
    assert first == Document("nulls.parquet:1", ARTICLE, date(2020, 1, 2))
    assert second == DocumentError("nulls.parquet:2", "row 2: no 'text' value", str(path))


# -- bad input isolation -------------------------------------------------------------------


def test_bad_corpus_every_good_document_read_every_bad_one_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "01-good.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "02-binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "03-empty.txt").write_bytes(b"")
    (corpus / "04-blank.md").write_text("  \n\t\n", encoding="utf-8")
    latin = "Société Générale a annoncé un bénéfice net de 1,2 milliard d'euros en hausse."
    (corpus / "05-latin1.txt").write_bytes(latin.encode("latin-1"))
    big = (ARTICLE * (2_000_000 // len(ARTICLE) + 1)).encode("utf-8")
    (corpus / "06-big.txt").write_bytes(big)
    (corpus / "07-lines.jsonl").write_text(
        '{"doc_id": "bad", "text": \n' + json.dumps({"doc_id": "good", "text": ARTICLE}) + "\n",
        encoding="utf-8",
    )
    (corpus / "08-garbage.html").write_bytes(b"\x00\x01\x02\xff\xfe" * 100)

    items = read(corpus)
    documents, errors = split(items)
    assert [d.doc_id for d in documents] == ["01-good.txt", "05-latin1.txt", "06-big.txt", "good"]
    assert documents[1].text == latin
    assert len(documents[2].text) == len(big) >= 2_000_000
    reasons = {e.doc_id: e.reason for e in errors}
    assert set(reasons) == {
        "02-binary.txt",
        "03-empty.txt",
        "04-blank.md",
        "07-lines.jsonl:1",
        "08-garbage.html",
    }
    assert "binary" in reasons["02-binary.txt"]
    assert reasons["03-empty.txt"] == "empty file"
    assert "whitespace" in reasons["04-blank.md"]
    assert "not valid JSON" in reasons["07-lines.jsonl:1"]
    assert "binary" in reasons["08-garbage.html"]
    assert all(e.path and Path(e.path).parent == corpus for e in errors)


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "open.txt").write_text(ARTICLE, encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    error, document = read(tmp_path)
    assert error == DocumentError("locked.txt", "cannot read file: permission denied", str(locked))
    assert isinstance(document, Document)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_by_permission(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    try:
        (error,) = read(locked)
    finally:
        locked.chmod(0o600)
    assert isinstance(error, DocumentError)
    assert "permission denied" in error.reason


def test_missing_and_unsupported_inputs_do_not_stop_the_batch(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    missing, unsupported, document = read(tmp_path / "nope.jsonl", pdf, good)
    assert missing == DocumentError(
        (tmp_path / "nope.jsonl").as_posix(), "input does not exist", str(tmp_path / "nope.jsonl")
    )
    assert isinstance(unsupported, DocumentError)
    assert unsupported.reason.startswith("unsupported input format '.pdf'")
    assert isinstance(document, Document)


def test_utf8_bom_and_utf16_files_are_text(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode() + ARTICLE.encode())
    (tmp_path / "wide.txt").write_bytes(ARTICLE.encode("utf-16"))
    documents = read(tmp_path)
    assert [d.text for d in documents if isinstance(d, Document)] == [ARTICLE, ARTICLE]


# -- publication dates ---------------------------------------------------------------------

PUBLISHED_CASES = [
    json.loads(line) for line in (DATA / "published.jsonl").read_text("utf-8").splitlines() if line
]


@pytest.mark.parametrize("case", PUBLISHED_CASES, ids=[c["case"] for c in PUBLISHED_CASES])
def test_infer_published(case: dict[str, str | None]) -> None:
    expected = case["expected"]
    got = infer_published(str(case["text"]))
    assert got == (date.fromisoformat(expected) if expected else None)


def test_published_is_inferred_only_when_missing(tmp_path: Path) -> None:
    text = "14 March 2012 - Pulpco Oyj said today its net sales rose 5 % ."
    path = write_jsonl(
        tmp_path / "d.jsonl",
        [
            {"doc_id": "no-date", "text": text},
            {"doc_id": "dated", "text": text, "published": "2012-03-15"},
        ],
    )
    first, second = read(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.published == date(2012, 3, 14)
    assert second.published == date(2012, 3, 15)


def test_written_date_in_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text('---\npublished: "Feb 4, 2009"\n---\n' + ARTICLE, encoding="utf-8")
    (document,) = read(path)
    assert isinstance(document, Document)
    assert document.published == date(2009, 2, 4)


@pytest.mark.parametrize(("written", "expected"), [
    ("2024-01-25", date(2024, 1, 25)),
    ("2024-01-25T23:10:00+09:00", date(2024, 1, 25)),
    ("2024/01/25", date(2024, 1, 25)),
    ("25 January 2024", date(2024, 1, 25)),
    ("Thu, 25 Jan 2024 10:00:00 GMT", date(2024, 1, 25)),
    ("Jan. 25, 2024", date(2024, 1, 25)),
    ("25.1.2024", date(2024, 1, 25)),  # the only reading: there is no month 25
    ("8.8.2024", date(2024, 8, 8)),  # both readings agree
])
def test_absolute_published_dates_are_read(written: str, expected: date) -> None:
    assert parse_published(written) == expected


@pytest.mark.parametrize("written", [
    "yesterday", "2 days ago", "last Friday", "today",  # would depend on the clock
    "8.2.2024", "03/04/2024",  # day-month or month-day: a guess either way
    "2024-13-45", "2024-02-30", "31 Feb 2024",  # no such day
    "January 2024", "Q3 2024", "soon",  # not a day
])
def test_relative_ambiguous_or_impossible_published_is_an_error(written: str) -> None:
    with pytest.raises(ValueError, match="not an absolute, unambiguous date"):
        parse_published(written)


def test_bad_published_is_reported_for_its_document_and_the_rest_is_read(
        tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    rows = [{"doc_id": "rel", "text": ARTICLE, "published": "yesterday"},
            {"doc_id": "dmy", "text": ARTICLE, "published": "8.2.2024"},
            {"doc_id": "bad", "text": ARTICLE, "published": "2024-13-45"},
            {"doc_id": "good", "text": ARTICLE, "published": "2024-02-08"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = read(path)
    errors = {i.doc_id: i.reason for i in items if isinstance(i, DocumentError)}
    assert set(errors) == {"rel", "dmy", "bad"}
    assert "'yesterday'" in errors["rel"] and "line 1" in errors["rel"]
    (good,) = [i for i in items if isinstance(i, Document)]
    assert (good.doc_id, good.published) == ("good", date(2024, 2, 8))


def test_bad_published_in_front_matter_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text("---\npublished: yesterday\n---\n" + ARTICLE, encoding="utf-8")
    (item,) = read(path)
    assert isinstance(item, DocumentError)
    assert "yesterday" in item.reason


@pytest.mark.parametrize("key", ["date", "published"])
def test_front_matter_date_key_of_static_site_generators(tmp_path: Path, key: str) -> None:
    path = tmp_path / "post.md"
    path.write_text(f"---\ntitle: Acme\n{key}: 2021-06-30\n---\n" + ARTICLE,
                    encoding="utf-8")
    (document,) = read(path)
    assert isinstance(document, Document)
    assert document.published == date(2021, 6, 30)


def test_document_accepts_an_iso_string_for_published() -> None:
    document = Document("a1", ARTICLE, published="2024-01-25")  # type: ignore[arg-type]
    assert document.published == date(2024, 1, 25)
    assert document == Document("a1", ARTICLE, published=date(2024, 1, 25))


@pytest.mark.parametrize(("published", "error"), [
    (20240125, TypeError), (["2024-01-25"], TypeError), ("yesterday", ValueError)])
def test_document_rejects_a_bad_published_at_construction(
        published: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="a1"):
        Document("a1", ARTICLE, published=published)  # type: ignore[arg-type]


def test_ndjson_and_json_list_are_read(tmp_path: Path) -> None:
    rows = [{"doc_id": "n1", "text": ARTICLE, "published": "2016-01-05"},
            {"doc_id": "n2", "text": ARTICLE}]
    (tmp_path / "a.ndjson").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    (tmp_path / "b.json").write_text(json.dumps([{**r, "doc_id": "j" + r["doc_id"]}
                                                 for r in rows] + [7]), "utf-8")
    items = read(tmp_path / "a.ndjson", tmp_path / "b.json")
    assert [i.doc_id for i in items if isinstance(i, Document)] == ["n1", "n2", "jn1", "jn2"]
    (bad,) = [i for i in items if isinstance(i, DocumentError)]
    assert "item 3: not a JSON object" in bad.reason
    assert items[0].published == date(2016, 1, 5)


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_csv_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "news.csv"
    body = ARTICLE.strip().replace(",", "")
    path.write_text(delimiter.join(["doc_id", "published", "text"]) + "\n"
                    + delimiter.join(["c1", "2016-01-05", body]) + "\n", encoding="utf-8")
    (document,) = read(path)
    assert isinstance(document, Document)
    assert (document.doc_id, document.published, document.text) == (
        "c1", date(2016, 1, 5), body)


def test_id_and_published_columns_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    pd.DataFrame({"story": ["s-1"], "body": [ARTICLE], "day": ["2016-01-05"],
                  "doc_id": ["not-this"]}).to_csv(path, index=False)
    (document,) = read(path, text_column="body", id_column="story", published_column="day")
    assert isinstance(document, Document)
    assert (document.doc_id, document.published) == ("s-1", date(2016, 1, 5))


def test_a_repeated_doc_id_is_reported_not_read_twice(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    rows = [{"doc_id": "same", "text": ARTICLE}, {"doc_id": "same", "text": "Other text."},
            {"doc_id": "other", "text": ARTICLE}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, duplicate, other = read(path)
    assert isinstance(first, Document) and first.text == ARTICLE
    assert isinstance(duplicate, DocumentError) and duplicate.doc_id == "same"
    assert "duplicate doc_id" in duplicate.reason
    assert isinstance(other, Document)


# -- real data -----------------------------------------------------------------------------


def test_dev_gold_reads_cleanly_and_inference_never_contradicts_it() -> None:
    files = sorted(DEV.glob("*.jsonl"))
    if not files:
        pytest.skip("no development gold")
    documents, errors = split(read(*files))
    assert not errors
    assert all(d.gold is not None for d in documents)
    for document in documents:
        inferred = infer_published(document.text)
        if inferred is not None and document.published is not None:
            assert inferred == document.published, document.doc_id


def test_benchmark_corpus_head() -> None:
    if not BENCH.exists():
        pytest.skip("no benchmark corpus")
    head = list(itertools.islice(read_documents([BENCH]), 200))
    documents, errors = split(head)
    assert not errors
    assert len(documents) == 200
    assert all(d.published is not None and d.title for d in documents)
