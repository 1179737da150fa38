"""The HTML report's page and data: well formed, self-contained, every fact on its text.

What the script does with the data in a browser is tested in `test_report_browser.py`.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pipeline.documents import Document, DocumentError
from pipeline.fact_table import build_fact_table
from pipeline.facts import Fact
from pipeline.report import report_data, write_report

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}

SONY = Document(
    doc_id="sony/2014-10-31.txt",
    published=date(2014, 10, 31),
    url="https://example.org/sony",
    text=(
        "Sony Corp said it expects to log a 50 billion yen net loss this financial year.\n\n"
        "  Sales of smartphones: 40 million units <down from 42 million> & falling.\n"
        "Comment: <script>alert('x')</script> <!-- -->"
    ),
)
REUTERS = Document(
    doc_id="reuters 7",
    published=date(2014, 11, 2),
    text="TOKYO - Sony Corp now forecasts a net loss of 230 billion yen for the year.",
)


class Page(HTMLParser):
    """Checks nesting; collects ids, links, resources, scripts and the page's own text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.resources: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.hrefs.append(attributes["href"])
        for name in ("src", "href", "srcset", "data"):
            if tag != "a" and name in attributes:
                self.resources.append((tag, attributes[name]))
        if tag == "script":
            self.scripts.append({**attributes, "body": ""})
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "script":
            self.scripts[-1]["body"] += data
        elif not self.stack or self.stack[-1] != "style":
            self.text += data


def fact(doc: Document, surface: str, *, metric: str, value: float, unit: str,
         status: str = "forecast", item: str | None = None,
         evidence: str = "") -> Fact:
    start = doc.text.index(surface)
    return Fact(
        doc_id=doc.doc_id, entity="Sony", metric=metric, item=item, value=value, unit=unit,
        period="FY2014", period_start=date(2014, 4, 1), period_end=date(2015, 3, 31),
        status=status,  # type: ignore[arg-type]
        char_start=start, char_end=start + len(surface), evidence=evidence, confidence=0.9,
        published=doc.published,
    )


def sample_facts() -> list[Fact]:
    return [
        fact(SONY, "50 billion yen", metric="net_income", value=-5e10, unit="JPY",
             evidence="Sony Corp said it expects to log a 50 billion yen net loss."),
        fact(SONY, "40 million", metric="units_sold", value=4e7, unit="count",
             item="smartphones", status="actual", evidence="Sales of smartphones: </script>"),
        fact(SONY, "42 million", metric="units_sold", value=4.2e7, unit="count",
             item="smartphones", status="actual"),
        fact(REUTERS, "230 billion yen", metric="net_income", value=-2.3e11, unit="JPY"),
    ]


def render(tmp_path: Path, *, documents: list[Document] | None = None,
           facts: list[Fact] | None = None, **options: Any) -> tuple[str, Page, dict[str, Any]]:
    documents = [SONY, REUTERS] if documents is None else documents
    facts = sample_facts() if facts is None else facts
    path = tmp_path / "report.html"
    write_report(path, documents=documents, facts=facts, table=build_fact_table(facts),
                 **options)
    html = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    page.close()
    data = next(s for s in page.scripts if s.get("id") == "newsfacts-data")
    return html, page, json.loads(data["body"])


def test_page_is_well_formed_and_its_data_keeps_every_text_verbatim(tmp_path: Path) -> None:
    html, page, data = render(tmp_path)
    assert page.problems == []
    assert page.stack == []
    assert len(page.ids) == len(set(page.ids))
    assert [d[0] for d in data["docs"]] == [SONY.doc_id, REUTERS.doc_id]
    assert [d[5] for d in data["docs"]] == [SONY.text, REUTERS.text]
    assert data["docs"][0][3:5] == ["https://example.org/sony", "2014-10-31"]
    # the document's markup and the evidence's "</script>" stay inside the JSON string
    assert "<script>alert" not in html
    assert "</script>" not in page.scripts[0]["body"]
    assert [s.get("type") for s in page.scripts] == ["application/json", None]
    assert "Sales of smartphones: </script>" in data["strings"]


def test_every_fact_marks_its_span_and_points_at_its_row(tmp_path: Path) -> None:
    facts = sample_facts()
    _, _, data = render(tmp_path, facts=facts)
    rows, strings = data["rows"], data["strings"]
    texts = {d[0]: d[5] for d in data["docs"]}
    doc_ids = [d[0] for d in data["docs"]]
    marked = []
    for doc, marks in data["marks"].items():
        for start, end, row, value, _ in marks:
            marked.append((doc_ids[int(doc)], start, end, value))
            mentions = [(m[0], m[1]) for m in rows["mentions"][row]]
            assert (int(doc), start) in mentions
    assert sorted(marked) == sorted((f.doc_id, f.char_start, f.char_end, f.value) for f in facts)
    assert {texts[d][s:e] for d, s, e, _ in marked} == {
        "50 billion yen", "40 million", "42 million", "230 billion yen"}
    for r, fid in enumerate(rows["id"]):
        assert strings[rows["entity"][r]] == "Sony"
        assert rows["start"][r] == "2014-04-01" and rows["end"][r] == "2015-03-31"
        assert strings[rows["metric"][r]] in {"net_income", "units_sold"}
        assert re.fullmatch(r"[0-9a-f]+", fid)
    assert len(set(strings)) == len(strings)


def test_rows_carry_values_evidence_and_mentions(tmp_path: Path) -> None:
    facts = sample_facts()
    table = build_fact_table(facts)
    _, _, data = render(tmp_path, facts=facts)
    rows, strings = data["rows"], data["strings"]
    assert rows["id"] == table["fact_id"].tolist()
    assert rows["value"] == table["value"].tolist()
    assert rows["sources"] == table["n_sources"].tolist()
    units = {strings[rows["unit"][r]] for r in range(len(rows["id"]))}
    assert units == {"JPY", "count"}
    item_rows = [r for r in range(len(rows["id"])) if rows["item"][r] >= 0]
    assert {strings[rows["item"][r]] for r in item_rows} == {"smartphones"}
    evidence = {strings[e] for e in rows["evidence"] if e >= 0}
    assert "Sony Corp said it expects to log a 50 billion yen net loss." in evidence


def test_conflict_is_in_the_data(tmp_path: Path) -> None:
    facts = [sample_facts()[0], sample_facts()[3]]
    _, _, data = render(tmp_path, facts=facts)
    assert data["rows"]["conflict"] == [1]
    assert len(data["rows"]["mentions"][0]) == 2
    _, _, calm = render(tmp_path, facts=sample_facts()[:2])
    assert set(calm["rows"]["conflict"]) == {0}


def test_page_loads_nothing_from_the_network(tmp_path: Path) -> None:
    html, page, _ = render(tmp_path, evaluation={"core": {"p": 0.5, "r": 0.5, "f1": 0.5}})
    assert page.resources == []
    assert all("src" not in s for s in page.scripts)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(", html)
    script = page.scripts[1]["body"]
    for call in ("fetch(", "XMLHttpRequest", "WebSocket", "EventSource", "import(", ".src"):
        assert call not in script
    assert all(h.startswith("#") for h in page.hrefs)


def test_every_document_is_in_the_page(tmp_path: Path) -> None:
    many = [Document(doc_id=f"d{i}", text=f"Sony sold {i} million units.") for i in range(250)]
    _, _, data = render(tmp_path, documents=many, facts=[])
    assert [d[0] for d in data["docs"]] == [d.doc_id for d in many]
    assert data["rows"]["id"] == []


def test_a_row_citing_an_unread_document_gets_an_empty_entry(tmp_path: Path) -> None:
    _, _, data = render(tmp_path, documents=[SONY])
    assert [d[0] for d in data["docs"]] == [SONY.doc_id, REUTERS.doc_id]
    assert data["docs"][1][5] is None


def test_evaluation_only_when_given(tmp_path: Path) -> None:
    html, _, data = render(tmp_path)
    assert 'id="tab-quality"' not in html
    assert data["evaluation"] is None
    evaluation = {
        "core": {"p": 0.75, "r": 0.6, "f1": 0.6667, "tp": 3, "fp": 1, "fn": 2},
        "diagnostics": {"value_only": {"p": 0.9, "r": 0.8, "f1": 0.85}, "broken": "n/a"},
        "status_accuracy": 0.5,
        "duplicates_removed": 7,
        "documents": [{"doc_id": SONY.doc_id, "predictions": 3, "p": 0.25, "r": 1.0, "f1": 0.4},
                      {"doc_id": REUTERS.doc_id, "predictions": 1, "p": 1.0, "r": 1.0,
                       "f1": 1.0}],
        "missed": [{"doc_id": SONY.doc_id, "entity": "Sony", "metric": "revenue",
                    "value": 1.2e12, "unit": "JPY", "evidence": "sales <of> 1.2 trillion"}],
        "false_positives": [{"doc_id": REUTERS.doc_id, "entity": "Sony", "metric": "eps",
                             "value": 230.0, "unit": "JPY", "char_start": 46}, "junk"],
    }
    html, page, data = render(tmp_path, evaluation=evaluation)
    assert page.problems == []
    assert 'id="tab-quality"' in html and 'href="#quality"' in html
    assert "0.750" in page.text and "value_only" in page.text
    assert "duplicates_removed" in page.text
    assert "Per document (2)" in page.text
    assert {"#doc=0", "#doc=1"} <= set(page.hrefs)
    found = data["evaluation"]
    assert [m["evidence"] for m in found["missed"]] == ["sales <of> 1.2 trillion"]
    assert [(m["doc"], m["char_start"]) for m in found["false_positives"]] == [(1, 46)]
    assert found["by_doc"]["0"]["missed"][0]["metric"] == "revenue"
    assert found["by_doc"]["1"]["false_positives"][0]["metric"] == "eps"


def test_evaluation_with_unexpected_shape_still_renders(tmp_path: Path) -> None:
    html, page, data = render(tmp_path, evaluation={"core": None, "missed": "none", "other": 3})
    assert page.problems == []
    assert 'id="tab-quality"' in html
    assert data["evaluation"]["missed"] == []


def test_overlapping_spans_are_all_in_the_marks(tmp_path: Path) -> None:
    base = sample_facts()[0]
    nested = replace(base, metric="net_income_change", char_end=base.char_start + 10)
    crossing = replace(base, metric="loss", char_start=base.char_start + 3,
                       char_end=base.char_end + 4)
    _, _, data = render(tmp_path, documents=[SONY], facts=[base, nested, crossing])
    spans = sorted((m[0], m[1]) for m in data["marks"]["0"])
    assert spans == sorted((f.char_start, f.char_end) for f in (base, nested, crossing))


def test_run_details_and_errors_are_folded_at_the_bottom(tmp_path: Path) -> None:
    errors = [DocumentError("broken.jsonl:3", "broken JSON line: <bad>", "broken.jsonl")]
    html, page, _ = render(tmp_path, errors=errors,
                           summary={"seconds": 12.345, "workers": 2,
                                    "timings": {"extract": 3.5}})
    assert page.problems == []
    assert "broken JSON line: <bad>" in page.text
    assert "broken JSON line: &lt;bad&gt;" in html
    details = html.index('<details class="run"')
    assert html.index("12.35 s") > details
    assert html.index("time: extract") > details
    assert html.index('id="errors"') > details
    assert html.index('id="tab-articles"') < details
    assert "1 errors" in page.text


def test_data_is_json_without_nan(tmp_path: Path) -> None:
    facts = [replace(sample_facts()[0], confidence=float("nan"))]
    data = report_data(documents=[SONY], facts=facts, table=build_fact_table(facts))
    json.dumps(data, allow_nan=False)


def test_report_and_summary_json_agree_on_every_count(tmp_path: Path) -> None:
    """A run with a document that cannot be read, one whose date is ambiguous and a repeated
    doc_id: the page's header and its run details show the counts of summary.json."""
    from pipeline.batch import run_corpus

    corpus = tmp_path / "news.jsonl"
    rows = [
        {"doc_id": "a", "text": "Acme Corp said net profit rose to EUR 5.2 mn in 2009 from "
                                "EUR 4.1 mn in 2008.", "published": "2010-02-01"},
        {"doc_id": "b", "text": "Bolt Industries Inc said its revenue fell 3% in 2011.",
         "published": "8.2.2012"},
        {"doc_id": "a", "text": "Acme Corp said its revenue was EUR 40 mn in 2009."},
        {"doc_id": "c", "text": "Cardo Group posted sales of EUR 12 mn in 2010 and EUR 9 mn "
                                "in 2009.", "published": "2011-03-01"},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n",
                      encoding="utf-8")
    run_corpus([corpus], tmp_path / "out", workers=1, quiet=True)
    saved = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert saved["failed"] >= 2 and saved["facts"] > 0 and saved["table_rows"] > 0
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    header = re.search(r'<div class="counts">([^<]*)</div>', html)
    assert header is not None
    assert header.group(1) == (
        f"{saved['documents']} documents · {saved['facts']} facts (mentions) · "
        f"{saved['table_rows']} table rows · {saved['conflicts']} in conflict · "
        f"{saved['failed']} errors")
    details = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", html))
    for key, label in (("documents", "documents"), ("facts", "facts (mentions)"),
                       ("table_rows", "fact table rows"), ("conflicts", "rows in conflict"),
                       ("failed", "errors"), ("gold_documents", "gold_documents"),
                       ("resumed_chunks", "resumed_chunks")):
        assert details[label] == str(saved[key]), label
    errors_shown = re.search(r"<h3>Errors \((\d+)\)</h3>", html)
    assert errors_shown is not None and int(errors_shown.group(1)) == saved["failed"]
