"""The HTML report: well formed, self-contained, every fact marked on its source text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pipeline.documents import Document, DocumentError
from pipeline.fact_table import build_fact_table
from pipeline.facts import Fact
from pipeline.report import span_anchor, write_report

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}

SONY = Document(
    doc_id="sony/2014-10-31.txt",
    published=date(2014, 10, 31),
    url="https://example.org/sony",
    text=(
        "Sony Corp said it expects to log a 50 billion yen net loss this financial year.\n\n"
        "  Sales of smartphones: 40 million units <down from 42 million> & falling.\n"
        "Comment: <script>alert('x')</script>"
    ),
)
REUTERS = Document(
    doc_id="reuters 7",
    published=date(2014, 11, 2),
    text="TOKYO - Sony Corp now forecasts a net loss of 230 billion yen for the year.",
)


class Page(HTMLParser):
    """Checks nesting while collecting marks, links and the text of each document body."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.marks: list[dict[str, Any]] = []
        self.open_marks: list[dict[str, Any]] = []
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.resources: list[tuple[str, str]] = []
        self.pre_texts: list[str] = []
        self.in_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.hrefs.append(attributes["href"])
        for name in ("src", "href"):
            if tag != "a" and name in attributes:
                self.resources.append((tag, attributes[name]))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "mark":
            record = {"attrs": attributes, "text": ""}
            self.marks.append(record)
            self.open_marks.append(record)
        if tag == "pre":
            self.in_pre = True
            self.pre_texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "mark":
            self.open_marks.pop()
        if tag == "pre":
            self.in_pre = False

    def handle_data(self, data: str) -> None:
        for record in self.open_marks:
            record["text"] += data
        if self.in_pre:
            self.pre_texts[-1] += data


def fact(doc: Document, surface: str, *, metric: str, value: float, unit: str,
         status: str = "forecast", occurrence: int = 0, item: str | None = None) -> Fact:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(surface, start + 1)
    return Fact(
        doc_id=doc.doc_id, entity="Sony", metric=metric, item=item, value=value, unit=unit,
        period="FY2014", period_start=date(2014, 4, 1), period_end=date(2015, 3, 31),
        status=status,  # type: ignore[arg-type]
        char_start=start, char_end=start + len(surface), evidence="", confidence=0.9,
        published=doc.published,
    )


def sample_facts() -> list[Fact]:
    return [
        fact(SONY, "50 billion yen", metric="net_income", value=-5e10, unit="JPY"),
        fact(SONY, "40 million", metric="units_sold", value=4e7, unit="count",
             item="smartphones", status="actual"),
        fact(SONY, "42 million", metric="units_sold", value=4.2e7, unit="count",
             item="smartphones", status="actual"),
        fact(REUTERS, "230 billion yen", metric="net_income", value=-2.3e11, unit="JPY"),
    ]


def render(tmp_path: Path, *, documents: list[Document] | None = None,
           facts: list[Fact] | None = None, **options: Any) -> tuple[str, Page]:
    documents = [SONY, REUTERS] if documents is None else documents
    facts = sample_facts() if facts is None else facts
    path = tmp_path / "report.html"
    write_report(path, documents=documents, facts=facts, table=build_fact_table(facts),
                 **options)
    html = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    page.close()
    return html, page


def test_page_is_well_formed_and_keeps_document_text_verbatim(tmp_path: Path) -> None:
    html, page = render(tmp_path)
    assert page.problems == []
    assert page.stack == []
    assert page.pre_texts == [SONY.text, REUTERS.text]
    assert "<script>alert" not in html
    assert len(page.ids) == len(set(page.ids))


def test_every_fact_has_a_mark_around_its_surface_text(tmp_path: Path) -> None:
    facts = sample_facts()
    _, page = render(tmp_path, facts=facts)
    by_id = {m["attrs"].get("id"): m for m in page.marks}
    docs = {d.doc_id: d for d in (SONY, REUTERS)}
    for item in facts:
        mark = by_id[span_anchor(item.doc_id, item.char_start)]
        assert mark["text"] == docs[item.doc_id].text[item.char_start:item.char_end]
        title = mark["attrs"]["title"]
        assert item.entity in title
        assert item.metric in title
        assert item.status in title
    assert len(page.marks) == len(facts)


def test_table_links_point_at_rendered_spans(tmp_path: Path) -> None:
    _, page = render(tmp_path)
    fragments = [h[1:] for h in page.hrefs if h.startswith("#doc-")]
    assert len(fragments) >= len(sample_facts())
    assert set(fragments) <= set(page.ids)


def test_conflict_is_visible(tmp_path: Path) -> None:
    facts = [sample_facts()[0], sample_facts()[3]]
    assert (facts[0].value, facts[1].value) == (-5e10, -2.3e11)
    html, page = render(tmp_path, facts=facts)
    assert build_fact_table(facts)["conflict"].tolist() == [True]
    assert re.search(r'<tr id="row-[0-9a-f]+" class="conflict">', html)
    assert "badge conflict" in html
    assert all("conflict" in m["attrs"].get("class", "") for m in page.marks)


def test_no_conflict_marker_without_conflict(tmp_path: Path) -> None:
    # not the third sample fact: 42 million for the same key as 40 million is a conflict
    html, _ = render(tmp_path, facts=sample_facts()[:2])
    assert 'class="conflict"' not in html
    assert "badge conflict" not in html


def test_page_loads_nothing_from_the_network(tmp_path: Path) -> None:
    html, page = render(tmp_path, evaluation={"core": {"p": 0.5, "r": 0.5, "f1": 0.5}})
    assert page.resources == []
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.IGNORECASE)
    assert not re.search(r"@import|url\(", html)
    assert all(h.startswith(("#", "https://example.org")) for h in page.hrefs)


def test_evaluation_section_only_when_given(tmp_path: Path) -> None:
    html, _ = render(tmp_path)
    assert 'id="evaluation"' not in html
    evaluation = {
        "core": {"p": 0.75, "r": 0.6, "f1": 0.6667, "tp": 3, "fp": 1, "fn": 2},
        "diagnostics": {"value_only": {"p": 0.9, "r": 0.8, "f1": 0.85}, "broken": "n/a"},
        "status_accuracy": 0.5,
        "duplicates_removed": 7,
        "documents": [{"doc_id": SONY.doc_id, "predictions": 3, "p": 0.25, "r": 1.0, "f1": 0.4}],
        "missed": [{"doc_id": SONY.doc_id, "entity": "Sony", "metric": "revenue",
                    "value": 1.2e12, "unit": "JPY", "evidence": "sales <of> 1.2 trillion"}],
        "false_positives": [{"doc_id": REUTERS.doc_id, "entity": "Sony", "metric": "eps",
                             "value": 230.0, "unit": "JPY", "char_start": 46}, "junk"],
    }
    html, page = render(tmp_path, evaluation=evaluation)
    assert page.problems == []
    assert 'id="evaluation"' in html
    assert "0.750" in html and "value_only" in html
    assert "sales &lt;of&gt; 1.2 trillion" in html
    assert "Missed gold facts (1)" in html
    assert f"#{span_anchor(REUTERS.doc_id, 46)}" in page.hrefs
    assert "duplicates_removed" in html
    assert "Per document (1)" in html
    document_links = {h[1:] for h in page.hrefs if h.startswith("#document-")}
    assert document_links
    assert document_links <= set(page.ids)


def test_evaluation_with_unexpected_shape_still_renders(tmp_path: Path) -> None:
    html, page = render(tmp_path, evaluation={"core": None, "missed": "none", "other": 3})
    assert page.problems == []
    assert 'id="evaluation"' in html


def test_overlapping_and_nested_spans_stay_well_formed(tmp_path: Path) -> None:
    base = sample_facts()[0]
    start = base.char_start
    nested = replace(base, metric="net_income_change", char_end=start + len("50 billion"))
    crossing = replace(base, metric="loss", char_start=start + 3, char_end=base.char_end + 4)
    same = replace(base, metric="pretax_income")
    facts = [base, nested, crossing, same]
    _, page = render(tmp_path, documents=[SONY], facts=facts)
    assert page.problems == []
    assert page.stack == []
    assert page.pre_texts == [SONY.text]
    outer = next(m for m in page.marks if m["attrs"].get("id") == span_anchor(SONY.doc_id, start))
    assert outer["text"] == "50 billion yen"
    assert "pretax_income" in outer["attrs"]["title"]
    assert "net_income_change" not in outer["attrs"]["title"]
    assert any(m["text"] == "50 billion" for m in page.marks)
    assert any("cont" in m["attrs"].get("class", "") for m in page.marks)


def test_document_cap_is_stated(tmp_path: Path) -> None:
    many = [Document(doc_id=f"d{i}", text=f"Sony sold {i} million units.") for i in range(5)]
    html, page = render(tmp_path, documents=many, facts=[], max_documents=2)
    assert "First 2 of 5 documents shown" in html
    assert len(page.pre_texts) == 2


def test_errors_and_summary_are_listed(tmp_path: Path) -> None:
    errors = [DocumentError("broken.jsonl:3", "broken JSON line: <bad>", "broken.jsonl")]
    html, page = render(tmp_path, errors=errors, summary={"seconds": 12.345, "workers": 2})
    assert page.problems == []
    assert "broken JSON line: &lt;bad&gt;" in html
    assert "12.35 s" in html
    assert 'id="errors"' in html


def test_span_anchor_of_a_plain_id_is_readable() -> None:
    assert span_anchor("reuters-7", 12) == "doc-reuters-7-12"
    assert span_anchor("000_36be18c1", 0) == "doc-000_36be18c1-0"


ODD_IDS = ["plain", "a b/c.txt", "a_5", "a-5", "a~2f", "a/", "ü:x", "000_36be18c1"]


@pytest.mark.parametrize("doc_id", ODD_IDS)
def test_span_anchor_is_safe_and_injective(doc_id: str) -> None:
    anchor = span_anchor(doc_id, 5)
    assert re.fullmatch(r"doc-[A-Za-z0-9._~-]+-5", anchor)
    assert anchor not in {span_anchor(other, 5) for other in ODD_IDS if other != doc_id}
