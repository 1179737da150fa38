"""Line breaks of scraped pages end sentences; wire wraps and table rows do not."""

import pytest
from spacy.language import Language

from pipeline.components.line_breaks import begins_sentence, hard_wrapped


def test_a_heading_line_ends_before_the_prose_under_it() -> None:
    prose = "The Company now expects revenue of $1.2 billion."
    assert begins_sentence("Fiscal 2020 Outlook", prose, False)


def test_a_bullet_begins_a_sentence_even_after_an_unfinished_line() -> None:
    assert begins_sentence("- Revenue of $41.2 million, up 12%", "- Net loss of $3 million", False)


def test_a_lower_case_line_continues_the_sentence() -> None:
    assert not begins_sentence("The company said its net income rose to", "five mln dlrs.", False)


def test_a_figure_opening_a_line_continues_the_sentence() -> None:
    assert not begins_sentence("     Its profit was 44 pct lower at", "154.6 mln guilders.", False)


def test_two_short_lines_are_left_to_the_parser() -> None:
    assert not begins_sentence("ACME CORP <ACM> 4TH QTR LOSS", "Ended Feb 28", False)


def test_a_hard_wrapped_story_keeps_its_wraps() -> None:
    lines = [
        "     Brandt Industries Inc said it expects first quarter net",
        "income to be about 20 pct below last year's 14.2 mln dlrs as",
        "Shipments slowed in January and February, the company said.",
        "     Brandt said orders picked up in March.",
    ]
    assert hard_wrapped(lines)
    assert not begins_sentence(lines[1], lines[2], True)
    page = ["Acme Corp reported results today.", "Share this article", "Tweet", "x"]
    assert not hard_wrapped(page)


def test_a_sentence_wrapped_after_an_open_word_is_not_split() -> None:
    before = "Acme Corp said net profit rose 5% in 2019, and Beta Corp, its partner in the"
    assert not begins_sentence(before, "Venture, said revenue rose 3% in 2019.", False)
    assert not begins_sentence("net profit for the", "Third quarter rose 5% to $2 million.", False)


def test_a_bullet_item_ends_at_its_line() -> None:
    bullet = "- Non-GAAP net income per diluted share of $0.60 to $0.62 for the quarter"
    assert begins_sentence(bullet, "For fiscal 2019, the Company now expects more.", False)


@pytest.mark.slow
def test_a_line_start_is_not_followed_by_another_start_a_word_later(nlp: Language) -> None:
    doc = nlp("Updated on July 31, 2019, 9:02 AM UTC\nBrenner Armaturen AG's profit rose.")
    starts = [t.text for t in doc if t.is_sent_start]
    assert "Brenner" in starts and "Armaturen" not in starts
