"""Golden tests of the currency decision (pipeline/decisions/currency.py): what a bare
dollar or a shared currency word means in an article, and a figure with none written."""

from __future__ import annotations

import pytest
from decision_docs import article, parse, segment, value

from pipeline.decisions import currency

PUBLISHED = "2020-03-01"


@pytest.mark.parametrize(
    ("text", "word"),
    [("3.3 billion francs", "francs"), ("239 mln Swiss francs", ""), ("$4 million", "million")],
)
def test_currency_word(text: str, word: str) -> None:
    assert currency.currency_word(text) == word


def test_a_bare_dollar_is_the_dollar_the_article_names(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp posted revenue of C$5 million in 2019, and net profit of "
                "$1 million.", PUBLISHED)
    ctx = article(doc)
    assert ctx.dollar == "CAD"
    span = value(doc, "$1 million")
    assert currency.unit_of(doc, segment(doc, span), span, ctx) == "CAD"


def test_a_shared_word_is_the_family_member_named_in_full(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp said sales were 30 mln francs, up from 25 mln Swiss francs.",
                PUBLISHED)
    ctx = article(doc)
    assert ctx.bare_currencies.get("francs") == "CHF"
    assert [f.unit for f in doc._.newsfacts_facts] == ["CHF", "CHF"]


def test_a_wire_row_without_a_currency_inherits_the_article_s(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp said net profit was 4.2 mln dlrs.\nRevs 12.5 mln vs 9.8 mln",
                PUBLISHED)
    assert [(f.metric, f.unit) for f in doc._.newsfacts_facts if f.metric == "revenue"] == [
        ("revenue", "USD"),
        ("revenue", "USD"),
    ]
