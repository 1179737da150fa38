"""Sentence screening: the model reads only what can hold a figure, offsets unchanged."""

from __future__ import annotations

from spacy.language import Language

from pipeline.documents import Document
from pipeline.extract import process
from pipeline.screening import screen

ARTICLE = (
    "MERIDIAN FOODS POSTS HIGHER PROFIT\n"
    "Meridian Foods Inc said on Tuesday its results beat expectations. The chief executive "
    "thanked the staff. Net profit rose to 14.5 mln dlrs in the third quarter from 11.2 mln "
    "dlrs a year earlier.\n"
    "The group opened a bakery in the north. The weather was mild for the season. Visitors "
    "praised the new bread. Buyers liked the packaging as well. Critics were less kind. "
    "The mayor attended the opening. A band played in the square.\n"
    "Meridian said sales climbed 8 pct to 230 mln dlrs."
)


def test_screening_blanks_figure_free_sentences_and_keeps_offsets() -> None:
    screened = screen(ARTICLE)
    assert len(screened) == len(ARTICLE)
    assert screened.count("\n") == ARTICLE.count("\n")
    for kept in ("MERIDIAN FOODS POSTS HIGHER PROFIT", "Net profit rose to 14.5 mln dlrs",
                 "Meridian said sales climbed 8 pct", "The chief executive thanked"):
        assert ARTICLE.index(kept) == screened.index(kept)
    assert "The weather was mild" not in screened  # far from any figure, no lead name
    assert "Meridian said" in screened
    blank = ARTICLE.index("The weather")
    assert screened[blank : blank + 20].strip() == ""


def test_an_article_without_blanks_is_left_alone() -> None:
    text = "Orwell Mining Ltd said copper output rose 4 pct in 2015."
    assert screen(text) == text


def test_screened_facts_are_those_of_the_whole_text(nlp: Language) -> None:
    document = Document(doc_id="meridian", text=ARTICLE)
    [whole] = process([document], nlp)
    [screened] = process([document], nlp, screen=True)
    assert len(whole.facts) >= 2

    def key(f: object) -> tuple[object, ...]:
        return tuple(getattr(f, k) for k in ("char_start", "char_end", "entity", "metric",
                                              "value", "unit", "period", "status"))

    assert sorted(map(key, screened.facts)) == sorted(map(key, whole.facts))
    for fact in screened.facts:
        assert ARTICLE[fact.char_start : fact.char_end].strip()
