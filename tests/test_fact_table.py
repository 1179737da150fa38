"""The deduplicated fact table (FACTS.md section 3), built from hand-made facts on real text."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pipeline.fact_table import (
    KEY_COLUMNS,
    TABLE_COLUMNS,
    TABLE_SCHEMA,
    build_fact_table,
    empty_fact_table,
    fact_id,
    fact_row_index,
    read_fact_table,
    values_agree,
    write_fact_table,
)
from pipeline.facts import Fact

FY2014 = (date(2014, 4, 1), date(2015, 3, 31))

SONY_TEXT = (
    "Sony Corp said it expects to log a 50 billion yen net loss this financial year. "
    "The company had forecast sales of 42 million smartphones but now expects to sell "
    "40 million units. Its operating margin was 3.1 percent."
)


def mention(text: str, surface: str, *, doc_id: str = "a", metric: str = "net_income",
            value: float, unit: str = "JPY", status: str = "forecast",
            published: date | None = date(2014, 10, 31), item: str | None = None,
            period: tuple[date, date] | None = FY2014, entity: str = "Sony",
            occurrence: int = 0, confidence: float = 0.8, label: str = "FY2014") -> Fact:
    """A fact whose span is the `occurrence`-th place `surface` appears in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return Fact(
        doc_id=doc_id, entity=entity, metric=metric, item=item, value=value, unit=unit,
        period=label if period else None,
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        status=status,  # type: ignore[arg-type]
        char_start=start, char_end=start + len(surface), evidence=text, confidence=confidence,
        published=published,
    )


def sony_facts(doc_id: str = "a", published: date | None = date(2014, 10, 31)) -> list[Fact]:
    text = SONY_TEXT
    return [
        mention(text, "50 billion yen", doc_id=doc_id, value=-5.0e10, published=published),
        mention(text, "42 million", doc_id=doc_id, metric="units_sold", value=4.2e7,
                unit="count", item="smartphones", published=published),
        mention(text, "40 million", doc_id=doc_id, metric="units_sold", value=4.0e7,
                unit="count", item="smartphones", published=published),
        mention(text, "3.1 percent", doc_id=doc_id, metric="operating_margin", value=3.1,
                unit="percent", status="actual", published=published, period=None),
    ]


def corpus() -> list[Fact]:
    """Several documents agreeing, disagreeing and revising, with mixed publication dates."""
    facts = sony_facts("a", date(2014, 10, 31)) + sony_facts("b", date(2014, 11, 2))
    other = "Sony now sees a net loss of 230 billion yen, up from 50 billion yen. Panasonic rose."
    facts += [
        mention(other, "230 billion yen", doc_id="c", value=-2.3e11, published=date(2014, 9, 18)),
        mention(other, "50 billion yen", doc_id="c", value=-5.0e10, published=date(2014, 9, 18),
                period=(date(2013, 4, 1), date(2014, 3, 31))),
        mention(other, "230 billion yen", doc_id="d", value=-2.3e11, published=None,
                entity="Panasonic", confidence=0.4),
        mention(SONY_TEXT, "50 billion yen", doc_id="f", value=-5.0e10, label="FY14",
                published=date(2014, 10, 30)),
    ]
    return facts


def row_for(table: pd.DataFrame, fact: Fact) -> pd.Series:
    return table.iloc[fact_row_index([fact], table)[0]]


def test_values_within_tolerance_merge_into_one_row() -> None:
    a = mention(SONY_TEXT, "50 billion yen", doc_id="a", value=-5.0e10)
    b = mention(SONY_TEXT, "50 billion yen", doc_id="b", value=-5.04e10,
                published=date(2014, 11, 1))
    table = build_fact_table([a, b])
    assert len(table) == 1
    row = table.iloc[0]
    assert not row["conflict"]
    assert row["n_sources"] == 2
    assert row["doc_ids"] == ["a", "b"]
    assert row["value"] == -5.04e10
    assert [v["value"] for v in row["values"]] == [-5.0e10, -5.04e10]


@pytest.mark.parametrize(("a", "b", "unit", "agree"), [
    (100.0, 100.99, "USD", True),
    (100.0, 101.5, "USD", False),
    (-5.0e10, -5.04e10, "JPY", True),
    (35.3, 35.35, "percent", True),
    (35.3, 35.4, "percent", False),
    (0.0, 0.0, "count", True),
])
def test_tolerance_matches_evaluation(a: float, b: float, unit: str, agree: bool) -> None:
    assert values_agree(a, b, unit) is agree
    assert values_agree(b, a, unit) is agree


def test_conflict_keeps_one_row_with_most_recent_value_and_every_value() -> None:
    old = mention(SONY_TEXT, "50 billion yen", doc_id="z-old", value=-5.0e10,
                  published=date(2014, 7, 31))
    new = mention(SONY_TEXT, "50 billion yen", doc_id="a-new", value=-2.3e11,
                  published=date(2014, 9, 18))
    undated = mention(SONY_TEXT, "50 billion yen", doc_id="zz-undated", value=-1.0e11,
                      published=None)
    table = build_fact_table([old, new, undated])
    assert len(table) == 1
    row = table.iloc[0]
    assert row["conflict"]
    assert row["value"] == -2.3e11
    assert row["n_sources"] == 3
    assert sorted((v["doc_id"], v["value"]) for v in row["values"]) == [
        ("a-new", -2.3e11), ("z-old", -5.0e10), ("zz-undated", -1.0e11)]
    assert row["first_published"] == pd.Timestamp("2014-07-31")
    assert row["last_published"] == pd.Timestamp("2014-09-18")


def test_publication_tie_goes_to_later_doc_id_whatever_the_input_order() -> None:
    one = mention(SONY_TEXT, "50 billion yen", doc_id="doc-1", value=-5.0e10)
    two = mention(SONY_TEXT, "50 billion yen", doc_id="doc-2", value=-6.0e10)
    for facts in ([one, two], [two, one]):
        row = build_fact_table(facts).iloc[0]
        assert row["conflict"]
        assert row["value"] == -6.0e10


def test_two_values_for_one_key_in_one_article_are_a_conflict() -> None:
    facts = sony_facts("a")
    earlier, later = facts[1], facts[2]
    assert SONY_TEXT[earlier.char_start:earlier.char_end] == "42 million"
    assert later.char_start > earlier.char_start
    table = build_fact_table(facts)
    row = row_for(table, later)
    assert row["conflict"]
    assert row["value"] == 4.0e7  # equal support and confidence: the later statement
    assert row["n_sources"] == 1
    assert sorted((v["doc_id"], v["value"], v["char_start"]) for v in row["values"]) == [
        ("a", 4.0e7, later.char_start), ("a", 4.2e7, earlier.char_start)]
    assert fact_row_index([earlier], table) == fact_row_index([later], table)


def test_a_caption_figure_later_in_the_text_does_not_replace_the_article_figure() -> None:
    text = ("Acme Group lifted turnover to EUR 15.1 bn last year. Turnover of EUR 15.1 bn "
            "beat analysts' views.\nPhoto: the Acme plant, which alone turns over EUR 1 billion.")
    kw = {"metric": "revenue", "unit": "EUR", "status": "actual", "entity": "Acme",
          "period": (date(2023, 1, 1), date(2023, 12, 31)), "label": "2023"}
    body = [mention(text, "EUR 15.1 bn", value=1.51e10, occurrence=i, **kw) for i in (0, 1)]
    caption = mention(text, "EUR 1 billion", value=1.0e9, confidence=0.5, **kw)
    for facts in ([*body, caption], [caption, *body]):
        row = build_fact_table(facts).iloc[0]
        assert row["conflict"]
        assert row["value"] == 1.51e10
        assert sorted(v["value"] for v in row["values"]) == [1.0e9, 1.51e10, 1.51e10]


def test_a_profit_and_a_loss_given_one_period_stay_visible_as_a_conflict() -> None:
    text = ("Acme Oyj swung to a quarterly net profit of EUR 3.2 mn from a net loss of "
            "EUR 1.1 mn a year earlier.")
    kw = {"unit": "EUR", "status": "actual", "entity": "Acme",
          "period": (date(2023, 7, 1), date(2023, 9, 30)), "label": "2023-Q3"}
    profit = mention(text, "EUR 3.2 mn", value=3.2e6, confidence=0.9, **kw)
    loss = mention(text, "EUR 1.1 mn", value=-1.1e6, confidence=0.7, **kw)
    row = build_fact_table([profit, loss]).iloc[0]
    assert row["conflict"]
    assert row["value"] == 3.2e6
    assert sorted(v["value"] for v in row["values"]) == [-1.1e6, 3.2e6]
    confident = build_fact_table([profit]).iloc[0]["confidence"]
    assert row["confidence"] < confident


def test_a_superseded_figure_loses_even_when_stated_later() -> None:
    text = "Sony lowered its target to 40 million units from its previous target of 42 million."
    new = mention(text, "40 million", metric="units_sold", unit="count", value=4.0e7,
                  status="target")
    old = mention(text, "42 million", metric="units_sold", unit="count", value=4.2e7,
                  status="target")
    old = dataclasses.replace(old, superseded=True)
    assert old.char_start > new.char_start
    row = row_for(build_fact_table([new, old]), new)
    assert row["value"] == 4.0e7
    assert not row["conflict"]
    assert sorted(v["value"] for v in row["values"]) == [4.0e7, 4.2e7]


def test_same_facts_from_two_documents_double_n_sources() -> None:
    one = build_fact_table(sony_facts("a"))
    two = build_fact_table(sony_facts("a") + sony_facts("b", date(2014, 11, 2)))
    assert len(two) == len(one)
    assert two["n_sources"].tolist() == [2 * n for n in one["n_sources"]]
    assert two["value"].tolist() == one["value"].tolist()
    assert two["conflict"].tolist() == one["conflict"].tolist()
    assert all(ids == ["a", "b"] for ids in two["doc_ids"])


@pytest.mark.parametrize("split", [1, 3, 5])
def test_incremental_build_equals_one_shot(split: int) -> None:
    facts = corpus()
    random.Random(split).shuffle(facts)
    first = build_fact_table(facts[:split])
    assert_frame_equal(build_fact_table(facts[split:], existing=first), build_fact_table(facts))


def test_incremental_build_in_many_steps_and_repeated_input_is_idempotent() -> None:
    facts = corpus()
    table = empty_fact_table()
    for fact in facts:
        table = build_fact_table([fact], existing=table)
    expected = build_fact_table(facts)
    assert_frame_equal(table, expected)
    assert_frame_equal(build_fact_table(facts, existing=expected), expected)


def test_tables_built_separately_merge_like_one_build() -> None:
    facts = corpus()
    parts = [build_fact_table(facts[::2]), build_fact_table(facts[1::2])]
    merged = build_fact_table([], existing=pd.concat(parts, ignore_index=True))
    assert_frame_equal(merged, build_fact_table(facts))


@pytest.mark.parametrize("seed", range(5))
def test_order_is_deterministic_under_shuffled_input(seed: int) -> None:
    facts = corpus()
    shuffled = facts[:]
    random.Random(seed).shuffle(shuffled)
    assert_frame_equal(build_fact_table(shuffled), build_fact_table(facts))


def test_period_label_does_not_depend_on_input_order() -> None:
    facts = corpus()
    labels = {build_fact_table(order).set_index("fact_id").loc[fact_id(facts[0]), "period"]
              for order in (facts, facts[::-1])}
    assert len(labels) == 1
    assert labels <= {"FY2014", "FY14"}


def test_rows_are_sorted_by_key() -> None:
    table = build_fact_table(corpus())
    keys = [tuple("" if pd.isna(v) else str(v) for v in row)
            for row in table[list(KEY_COLUMNS)].itertuples(index=False)]
    assert keys == sorted(keys)


def test_empty_table_has_the_fixed_columns_and_dtypes() -> None:
    empty = build_fact_table([])
    assert tuple(empty.columns) == TABLE_COLUMNS
    assert {name: str(dtype) for name, dtype in empty.dtypes.items()} == TABLE_SCHEMA
    assert build_fact_table(corpus()).dtypes.equals(empty.dtypes)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_write_read_round_trip_keeps_values_and_dtypes(tmp_path: Path, suffix: str) -> None:
    table = build_fact_table(corpus())
    path = tmp_path / f"table{suffix}"
    write_fact_table(table, path)
    back = read_fact_table(path)
    assert_frame_equal(back, table)
    assert not list(tmp_path.glob("*.tmp"))
    more = sony_facts("e", date(2015, 1, 5))
    assert_frame_equal(build_fact_table(more, existing=back),
                       build_fact_table(corpus() + more))


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_empty_table_round_trip(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    write_fact_table(build_fact_table([]), path)
    assert_frame_equal(read_fact_table(path), build_fact_table([]))


def test_unknown_table_format_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        write_fact_table(build_fact_table([]), tmp_path / "table.xlsx")


def test_every_mention_maps_to_exactly_one_row_that_lists_it() -> None:
    facts = corpus()
    table = build_fact_table(facts)
    index = fact_row_index(facts, table)
    assert len(index) == len(facts)
    assert set(index) == set(range(len(table)))
    for fact, position in zip(facts, index, strict=True):
        row = table.iloc[position]
        assert row["fact_id"] == fact_id(fact)
        assert (row["entity"], row["metric"], row["status"]) == (
            fact.entity, fact.metric, fact.status)
        spans = [(v["doc_id"], v["char_start"], v["char_end"]) for v in row["values"]]
        assert spans.count((fact.doc_id, fact.char_start, fact.char_end)) == 1
    assert table["fact_id"].is_unique
    assert sum(len(v) for v in table["values"]) == len(facts)


def test_fact_missing_from_table_is_an_error_not_a_silent_drop() -> None:
    facts = corpus()
    table = build_fact_table(facts[:2])
    with pytest.raises(KeyError, match="no row"):
        fact_row_index(facts, table)


def test_confidence_grows_with_agreeing_sources_and_drops_on_conflict() -> None:
    single = build_fact_table(sony_facts("a")[:1]).iloc[0]["confidence"]
    double = build_fact_table(sony_facts("a")[:1] + sony_facts("b")[:1]).iloc[0]["confidence"]
    other = mention(SONY_TEXT, "50 billion yen", doc_id="b", value=-9e10)
    clash = build_fact_table([*sony_facts("a")[:1], other]).iloc[0]["confidence"]
    assert 0.0 < clash < single < double <= 1.0
