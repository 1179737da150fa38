"""Golden tests of segmentation (pipeline/decisions/segments.py): the units every decision
reads in."""

from __future__ import annotations

from decision_docs import parse

from pipeline.decisions import segments


def test_each_wire_table_row_is_a_segment_of_its_own(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "HALDEN CORP YEAR NET\nShr 50 cts vs 40 cts\nNet 5.1 mln vs 4.2 mln")
    texts = [" ".join(s.text.split()) for s in segments.segments(doc)]
    assert texts == ["HALDEN CORP YEAR NET", "Shr 50 cts vs 40 cts", "Net 5.1 mln vs 4.2 mln"]


def test_headline_end() -> None:
    assert segments.headline_end("Halden Corp posts record profit\nHalden Corp said ...") == 31
    assert segments.headline_end("Halden Corp said revenue rose to $4 million.") == -1


def test_a_headline_printed_twice_ends_after_its_second_copy() -> None:
    head = "Halden Corp Q2 profit falls 21%"
    text = f"{head}  {head}  By Staff  Halden Corp said its profit fell 21 per cent."
    assert segments.headline_end(text) == 2 * len(head) + 2
