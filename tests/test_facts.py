"""The facts file: typed columns in Parquet, and a `fact_id` that joins each fact to its row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_fact_table import corpus

from pipeline.fact_table import build_fact_table, read_fact_table, write_fact_table
from pipeline.facts import FACT_COLUMNS, Fact, read_facts, write_facts

DATES = ("period_start", "period_end", "published")


def test_parquet_facts_hold_dates_as_date32(tmp_path: Path) -> None:
    facts = corpus()
    write_facts(facts, tmp_path / "facts.parquet")
    schema = pq.read_schema(tmp_path / "facts.parquet")
    assert all(schema.field(name).type == pa.date32() for name in DATES)
    assert schema.field("value").type == pa.float64()
    assert list(read_facts(tmp_path / "facts.parquet")) == facts
    column = pq.read_table(tmp_path / "facts.parquet").column("published").to_pylist()
    assert column == [f.published for f in facts]


def test_parquet_fact_table_holds_dates_as_date32(tmp_path: Path) -> None:
    table = build_fact_table(corpus())
    write_fact_table(table, tmp_path / "table.parquet")
    schema = pq.read_schema(tmp_path / "table.parquet")
    for name in ("period_start", "period_end", "first_published", "last_published"):
        assert schema.field(name).type == pa.date32(), name
    assert schema.field("values").type.value_type.field("published").type == pa.date32()
    stored = pq.read_table(tmp_path / "table.parquet").column("last_published").to_pylist()
    assert date(2014, 11, 2) in stored
    back = read_fact_table(tmp_path / "table.parquet")
    assert back["values"].tolist() == table["values"].tolist()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_every_fact_in_a_file_carries_the_id_of_its_table_row(
        tmp_path: Path, suffix: str) -> None:
    import pandas as pd

    facts = corpus()
    path = tmp_path / f"facts{suffix}"
    write_facts(facts, path)
    if suffix == ".jsonl":
        frame = pd.read_json(path, lines=True, dtype={"fact_id": str})
    elif suffix == ".csv":
        frame = pd.read_csv(path, dtype={"fact_id": str})
    else:
        frame = pd.read_parquet(path)
    assert tuple(frame.columns) == FACT_COLUMNS
    table = build_fact_table(facts)
    joined = frame.merge(table[["fact_id", "value", "conflict"]], on="fact_id",
                         suffixes=("", "_row"), how="left", validate="many_to_one")
    assert joined["value_row"].notna().all()
    assert set(joined["fact_id"]) == set(table["fact_id"])
    assert list(read_facts(path)) == facts


def test_fact_id_depends_on_the_key_only() -> None:
    a, b, *_ = corpus()
    assert a.fact_id != b.fact_id
    same_key = Fact.from_dict({**a.to_dict(), "value": 1.0, "doc_id": "other",
                               "char_start": 0, "char_end": 1, "fact_id": "ignored"})
    assert same_key.fact_id == a.fact_id


def test_facts_frame_is_typed_and_joins_the_table() -> None:
    from pipeline import facts_frame

    facts = corpus()
    frame = facts_frame(facts)
    assert tuple(frame.columns) == FACT_COLUMNS
    assert str(frame["period_start"].dtype) == "datetime64[ns]"
    assert str(frame["entity"].dtype) == "string" and str(frame["value"].dtype) == "float64"
    assert frame.dtypes.equals(facts_frame([]).dtypes)
    assert frame["published"].isna().sum() == sum(f.published is None for f in facts)
    table = build_fact_table(facts)
    joined = frame.merge(table, on="fact_id", suffixes=("", "_row"), validate="many_to_one")
    assert len(joined) == len(facts)
    assert joined["period_end"].equals(joined["period_end_row"])
    assert joined["entity"].equals(joined["entity_row"])
