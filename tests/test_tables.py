"""Flattened comparison tables: cells by row and column, only the columns the lexicon names."""

from __future__ import annotations

from pipeline.tables import find_flat_tables

VALUATION = (
    "This table compares Brightwell Pumps and Ostara Mills. - - Gross Revenue - Price/Sales "
    "Ratio - Net Income - Earnings Per Share  - Brightwell Pumps - $12.30 million - 1.20 - "
    "-$4.05 million - ($0.21)  - Ostara Mills - $1.10 billion - 3.40 - $88.10 million - $1.02  "
    "Ostara Mills has higher revenue than Brightwell Pumps."
)
RATINGS = (
    "Ratings summary. - - Sell Ratings - Hold Ratings - Buy Ratings - Rating Score  - "
    "Brightwell Pumps - 0 - 2 - 3 - 2.60  - Brightwell Pumps Competitors - 120 - 900 - 1400 - "
    "2.51  Brightwell Pumps has a consensus target price of $14.00."
)


def test_cells_keep_their_spans() -> None:
    (table,) = find_flat_tables(VALUATION)
    assert table.headers[0].text == "Gross Revenue"
    assert [row[0].text for row in table.rows] == ["Brightwell Pumps", "Ostara Mills"]
    for row in table.rows:
        for cell in row:
            assert VALUATION[cell.char_start : cell.char_end] == cell.text
    assert VALUATION[table.char_end - 5 : table.char_end] == "$1.02"


def test_metric_columns_give_facts_by_row(nlp) -> None:  # type: ignore[no-untyped-def]
    facts = {(f.entity, f.metric, f.value, f.unit, f.period) for f in nlp(VALUATION)._.newsfacts_facts}
    assert facts == {
        ("Brightwell Pumps", "revenue", 12.3e6, "USD", None),
        ("Brightwell Pumps", "net_income", -4.05e6, "USD", None),
        ("Brightwell Pumps", "eps", -0.21, "USD", None),
        ("Ostara Mills", "revenue", 1.1e9, "USD", None),
        ("Ostara Mills", "net_income", 88.1e6, "USD", None),
        ("Ostara Mills", "eps", 1.02, "USD", None),
    }


def test_ratings_tables_and_peer_rows_give_nothing(nlp) -> None:  # type: ignore[no-untyped-def]
    assert find_flat_tables(RATINGS)
    assert nlp(RATINGS)._.newsfacts_facts == []


def test_a_sentence_with_dashes_is_no_table() -> None:
    assert find_flat_tables("Sales rose - as expected - to $3 million in the quarter.") == []
