"""HTML input: tables read cell by cell (grounded in the document text), page chrome never read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.documents import Document, read_documents, reduce_html
from pipeline.extract import extract_facts
from pipeline.tables import GridTable, find_flat_tables

PAGE = """<html><head><title>Nordvik Tools fourth quarter</title>
<meta property="article:published_time" content="2024-02-01T08:00:00Z"></head>
<body class="cookie-consent-pending">
<nav><a href="/">Home</a> <a href="/markets">Markets</a> Revenue up 12% at rivals</nav>
<div class="cookie-banner"><div>We use cookies.</div> Accept all 3 cookies</div>
<article>
<h1>Fourth-quarter report</h1>
<p>Nordvik Tools AB reported higher sales for the fourth quarter on Thursday, the company
said.</p>
{table}
<figure><img src="plant.jpg"><figcaption>The plant, which has 2,000 employees.</figcaption></figure>
<div class="shareButtons"><a>Share</a> <span>14 shares</span></div>
<p>The board will meet again in March.</p>
</article>
</body></html>
"""

RESULTS = """<table>
<tr><th>SEK bn</th><th>Q4 2023</th><th>Q4 2022</th></tr>
<tr><td>Net sales</td><td>71.9</td><td>86.0</td></tr>
<tr><td>Operating income</td><td>(1.2)</td><td>4.8</td></tr>
<tr><td>Operating margin, %</td><td>-1.7</td><td>5.6</td></tr>
<tr><td>Units delivered</td><td>1,200</td><td>1,100</td></tr>
<tr><td>Earnings per share, SEK</td><td>0.45</td><td>2.10</td></tr>
</table>"""

TRANSPOSED = """<table>
<caption>(EUR million)</caption>
<tr><th></th><th>Net sales</th><th>Operating profit</th></tr>
<tr><td>2023</td><td>1,204.5</td><td>88.0</td></tr>
<tr><td>2022</td><td>1,130.2</td><td>91.3</td></tr>
</table>"""

NO_UNIT = """<table>
<tr><th></th><th>Q4 2023</th><th>Q4 2022</th></tr>
<tr><td>Net sales</td><td>71.9</td><td>86.0</td></tr>
<tr><td>Units delivered</td><td>1,200</td><td>1,100</td></tr>
</table>"""


def _document(tmp_path: Path, table: str) -> Document:
    path = tmp_path / "report.html"
    path.write_text(PAGE.replace("{table}", table), encoding="utf-8")
    (document,) = read_documents([path])
    assert isinstance(document, Document)
    return document


def test_navigation_captions_cookie_banners_and_share_buttons_are_not_text(
        tmp_path: Path) -> None:
    text = _document(tmp_path, "").text
    for chrome in ("Home", "Revenue up 12%", "cookies", "2,000 employees", "Share", "14 shares"):
        assert chrome not in text
    assert "Nordvik Tools AB reported higher sales" in text
    assert "The board will meet again in March." in text  # text after the chrome is kept


def test_a_table_stays_a_grid_of_cells_whose_spans_index_the_text(tmp_path: Path) -> None:
    text = _document(tmp_path, TRANSPOSED).text
    (table,) = find_flat_tables(text)
    assert isinstance(table, GridTable)
    assert table.caption is not None and table.caption.text == "(EUR million)"
    assert [c.text for c in table.header] == ["", "Net sales", "Operating profit"]
    assert [[c.text for c in row] for row in table.rows] == [
        ["2023", "1,204.5", "88.0"], ["2022", "1,130.2", "91.3"]]
    for cell in (*table.header, *(c for row in table.rows for c in row)):
        assert text[cell.char_start : cell.char_end] == cell.text


def _facts(nlp: Language, document: Document) -> list[tuple[object, ...]]:
    facts = list(extract_facts([document], nlp=nlp))
    for fact in facts:
        assert document.text[fact.char_start : fact.char_end] in fact.evidence
    return [(f.entity, f.metric, f.value, f.unit, f.period, document.text[f.char_start:f.char_end])
            for f in facts]


def test_a_results_table_gives_a_fact_per_column(nlp: Language, tmp_path: Path) -> None:
    document = _document(tmp_path, RESULTS)
    assert document.published == date(2024, 2, 1)
    assert _facts(nlp, document) == [
        ("Nordvik Tools", "revenue", pytest.approx(71.9e9), "SEK", "2023-Q4", "71.9"),
        ("Nordvik Tools", "revenue", pytest.approx(86.0e9), "SEK", "2022-Q4", "86.0"),
        ("Nordvik Tools", "operating_income", pytest.approx(-1.2e9), "SEK", "2023-Q4", "1.2"),
        ("Nordvik Tools", "operating_income", pytest.approx(4.8e9), "SEK", "2022-Q4", "4.8"),
        ("Nordvik Tools", "eps", pytest.approx(0.45), "SEK", "2023-Q4", "0.45"),
        ("Nordvik Tools", "eps", pytest.approx(2.10), "SEK", "2022-Q4", "2.10"),
    ]


def test_periods_in_rows_and_the_unit_in_the_caption(nlp: Language, tmp_path: Path) -> None:
    assert _facts(nlp, _document(tmp_path, TRANSPOSED)) == [
        ("Nordvik Tools", "revenue", pytest.approx(1204.5e6), "EUR", "2023", "1,204.5"),
        ("Nordvik Tools", "operating_income", pytest.approx(88.0e6), "EUR", "2023", "88.0"),
        ("Nordvik Tools", "revenue", pytest.approx(1130.2e6), "EUR", "2022", "1,130.2"),
        ("Nordvik Tools", "operating_income", pytest.approx(91.3e6), "EUR", "2022", "91.3"),
    ]


def test_a_table_without_a_unit_gives_nothing_never_counts(
        nlp: Language, tmp_path: Path) -> None:
    assert _facts(nlp, _document(tmp_path, NO_UNIT)) == []


def test_tab_rows_in_plain_text_read_as_a_table_too(nlp: Language) -> None:
    text = ("Halvard Machinery Group published its report on Friday.\n\n"
            "USD m\tFY2023\tFY2022\nRevenue\t310.4\t298.0\nHeadcount\t1,450\t1,390")
    facts = list(extract_facts([Document("t1", text)], nlp=nlp))
    assert [(f.entity, f.metric, f.value, f.unit, f.period) for f in facts] == [
        ("Halvard Machinery", "revenue", pytest.approx(310.4e6), "USD", "2023"),
        ("Halvard Machinery", "revenue", pytest.approx(298.0e6), "USD", "2022"),
    ]


def test_reduce_html_keeps_empty_cells_in_place() -> None:
    text, _ = reduce_html("<table><tr><td></td><td>A</td><td></td></tr>"
                          "<tr><td>x</td><td>1</td><td>2</td></tr></table>")
    assert text.split("\n") == ["\tA\t", "x\t1\t2"]


MIXED = """<table>
<caption>Key figures (EUR million)</caption>
<tr><th></th><th>FY2023</th><th>FY2022</th><th>Change, %</th></tr>
<tr><td>Net sales</td><td>412.0</td><td>380.5</td><td>8.3</td></tr>
<tr><td>Net sales, change %</td><td>8.3</td><td>4.1</td><td></td></tr>
<tr><td>Operating income (EBIT)</td><td>31.6</td><td>29.9</td><td>5.7</td></tr>
<tr><td>Employees, number</td><td>2,140</td><td>2,020</td><td>5.9</td></tr>
</table>"""


def test_rows_and_columns_of_other_units_give_nothing(nlp: Language, tmp_path: Path) -> None:
    assert _facts(nlp, _document(tmp_path, MIXED)) == [
        ("Nordvik Tools", "revenue", pytest.approx(412.0e6), "EUR", "2023", "412.0"),
        ("Nordvik Tools", "revenue", pytest.approx(380.5e6), "EUR", "2022", "380.5"),
        ("Nordvik Tools", "operating_income", pytest.approx(31.6e6), "EUR", "2023", "31.6"),
        ("Nordvik Tools", "operating_income", pytest.approx(29.9e6), "EUR", "2022", "29.9"),
    ]


def test_column_periods_follow_the_companys_fiscal_calendar(tmp_path: Path) -> None:
    from pipeline import load_pipeline
    from pipeline.user_aliases import use_user_aliases

    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("fiscal_calendars:\n  Nordvik Tools: {start_month: 7, naming: end}\n",
                       encoding="utf-8")
    quarterly = RESULTS.replace("Q4 2023", "Q2 2024").replace("Q4 2022", "Q2 2023")
    try:
        own = load_pipeline(aliases=aliases)
        facts = list(extract_facts([_document(tmp_path, quarterly)], nlp=own))
    finally:
        use_user_aliases(None)
    revenue = [(f.period, f.period_start, f.period_end) for f in facts if f.metric == "revenue"]
    assert revenue == [("FY2024-Q2", date(2023, 10, 1), date(2023, 12, 31)),
                       ("FY2023-Q2", date(2022, 10, 1), date(2022, 12, 31))]


def test_chrome_named_by_class_id_or_role_is_dropped_but_never_the_article() -> None:
    page = """<body><div id="newsletter-signup"><p>Get our 5 top stories daily.</p></div>
<aside class="relatedArticles"><h3>Rivals post 9% growth</h3></aside>
<div role="dialog" aria-label="Cookie consent"><p>We and 143 partners use cookies.</p></div>
<ul class="social-links"><li>Follow us</li></ul>
<p>Halvard Machinery Group said sales rose 4% to USD 310 million.</p></body>"""
    text, _ = reduce_html(page)
    assert text == "Halvard Machinery Group said sales rose 4% to USD 310 million."
    boxed = """<body><div class="story-body has-share-bar">
<p>Halvard Machinery Group said sales rose 4% to USD 310 million.</p>
<p>It expects growth next year.</p></div>
<div class="share-bar">Share</div></body>"""
    text, _ = reduce_html(boxed)
    assert "USD 310 million" in text and "growth next year" in text


@pytest.mark.parametrize(("label", "unit"), [
    ("SEK bn", ("SEK", 1e9)), ("(EUR million)", ("EUR", 1e6)), ("MSEK", ("SEK", 1e6)),
    ("$m", ("USD", 1e6)), ("Amounts in NOK m", ("NOK", 1e6)),
    ("in millions of euros", ("EUR", 1e6)), ("USD thousands", ("USD", 1e3)),
    ("Key figures", None), ("%", None), ("number", None),
])
def test_the_unit_a_table_label_states(label: str, unit: tuple[str, float] | None) -> None:
    from pipeline.components.table_facts import _money_unit

    assert _money_unit(label, "USD") == unit
