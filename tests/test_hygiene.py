"""Scraped-page hygiene: captions, link lists, related articles and comments are not mined."""

from __future__ import annotations

from pipeline.components.hygiene import caption_sentence, excluded_ranges

ARTICLE = """Acme sells 2 million phones in Q2 2013

Acme said its revenue rose to $5 billion in the second quarter.

For more:
- see this release (PDF)
- see this Bloomberg article

Related Articles:
Acme profit jumped 45% in Q4
Acme cuts annual sales goal to 40M units
"""

COMMENTS = """Acme posted a loss of $3 million in 2012.

source: Acme (PDF)

1. gadgetfan unregistered

Acme lost $9 billion last year, I read it somewhere.

Posts: 973; Member since: Aug 09, 2012
"""


def _excluded_text(text: str) -> str:
    return "".join(text[a:b] for a, b in excluded_ranges(text))


def test_related_articles_and_link_lists_are_excluded() -> None:
    excluded = _excluded_text(ARTICLE)
    assert "Acme profit jumped 45% in Q4" in excluded
    assert "sales goal to 40M units" in excluded
    assert "see this Bloomberg article" in excluded
    assert "revenue rose to $5 billion" not in excluded


def test_reader_comments_run_to_the_end() -> None:
    excluded = _excluded_text(COMMENTS)
    assert "Acme lost $9 billion last year" in excluded
    assert "source: Acme (PDF)" in excluded
    assert "a loss of $3 million in 2012" not in excluded


def test_caption_sentences() -> None:
    assert caption_sentence("A logo of Acme Corp is pictured at a store in Tokyo May 14, 2014.")
    assert caption_sentence("It plans more cuts. REUTERS/Jane Doe")
    assert not caption_sentence("Acme Corp said it expects a net loss of 50 billion yen.")


def test_facts_in_comments_are_not_extracted(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(COMMENTS)
    values = {round(abs(f.value)) for f in doc._.facts}
    assert 9_000_000_000 not in values
