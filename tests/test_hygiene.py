"""Scraped-page hygiene: captions, link lists, related articles and comments are not mined."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.components.hygiene import caption_sentence, excluded_ranges

GOLDEN = Path(__file__).parent / "data" / "hygiene.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]

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


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_regions(case: dict[str, Any]) -> None:
    """Each case names text that must fall inside excluded ranges and text that must not."""
    text = case["text"]
    ranges = excluded_ranges(text)
    for surface in case["excluded"] + case["kept"]:
        assert surface in text, surface

    def excluded(surface: str) -> bool:
        start = text.index(surface)
        return any(a <= start and start + len(surface) <= b for a, b in ranges)

    def touched(surface: str) -> bool:
        start = text.index(surface)
        return any(a < start + len(surface) and start < b for a, b in ranges)

    assert [s for s in case["excluded"] if not excluded(s)] == []
    assert [s for s in case["kept"] if touched(s)] == []


@pytest.mark.parametrize(
    "sentence",
    [
        "A logo of Acme Corp is pictured at a store in Tokyo May 14, 2014.",
        "It plans more cuts. REUTERS/Jane Doe",
        "A worker is seen at an Acme plant in Nagoya May 3, 2014.",
        "Shoppers walk past an Acme store. Jane Doe/Getty Images",
        "An Acme store in Ohio that employs 40 people (Photo: Lee Park/AFP)",
    ],
)
def test_caption_sentences(sentence: str) -> None:
    assert caption_sentence(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Acme Corp said it expects a net loss of 50 billion yen.",
        "Operating profit is seen at 230 billion yen in the year to March 31, 2015.",
        "The new phone, which was shown in a leaked video, sells for $400.",
        "Sales were seen rising 5% this year.",
    ],
)
def test_prose_is_not_a_caption(sentence: str) -> None:
    assert not caption_sentence(sentence)


HEADED_COMMENTS = """Acme Corp said its revenue rose to $5 billion in 2016.

A store in Ohio that employs 300 people / Getty Images

Comments (2)

gadgetfan: Acme lost $9 billion last year, I read it somewhere.
"""


@pytest.mark.parametrize("text", [COMMENTS, HEADED_COMMENTS])
def test_facts_in_comments_are_not_extracted(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    values = {round(abs(f.value)) for f in nlp(text)._.newsfacts_facts}
    assert 9_000_000_000 not in values
    assert 300 not in values


def test_a_long_run_of_text_is_not_tried_as_a_caption() -> None:
    """An inlined image blob is one huge "sentence": the credit patterns must not be run on
    it (they backtrack quadratically), and it is no caption."""
    blob = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB" * 20_000
    assert not caption_sentence(f'<img src="{blob}"> / Getty Images')
    assert caption_sentence("Workers at the plant. Photo: Jane Doe / Getty Images")
