"""The deduplicated fact table of FACTS.md section 3: one row per key, provenance kept.

Columns, dtypes and the key are defined once here (`TABLE_SCHEMA`, `KEY_COLUMNS`):

- text columns (`fact_id`, `entity`, `metric`, `item`, `unit`, `period`, `status`) are
  pandas ``"string"`` with ``<NA>`` for missing;
- dates (`period_start`, `period_end`, `first_published`, `last_published`) are
  ``datetime64[ns]`` at midnight with ``NaT`` for missing, so they filter and compare
  natively in pandas;
- `doc_ids` is a list of str and `values` a list of mention records (`MentionRecord`), both
  object columns; `values` carries every mention, so a table can be merged again
  (`build_fact_table(new, existing=table)` equals a one-shot build over all facts).

Every aggregate is recomputed from the canonically ordered mention records, never folded
incrementally, so input order and batching cannot change a single bit of the result.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from pandas.api.types import pandas_dtype

from .errors import InputError
from .evaluate import PERCENT_TOLERANCE, VALUE_TOLERANCE
from .facts import DATE_FIELDS, FACT_COLUMNS, Fact, FactKey, key_id

TABLE_SCHEMA: dict[str, str] = {
    "fact_id": "string",
    "entity": "string",
    "metric": "string",
    "item": "string",
    "unit": "string",
    "period": "string",
    "period_start": "datetime64[ns]",
    "period_end": "datetime64[ns]",
    "status": "string",
    "value": "float64",
    "n_sources": "int64",
    "doc_ids": "object",
    "values": "object",
    "conflict": "bool",
    "first_published": "datetime64[ns]",
    "last_published": "datetime64[ns]",
    "confidence": "float64",
}
TABLE_COLUMNS: tuple[str, ...] = tuple(TABLE_SCHEMA)
KEY_COLUMNS: tuple[str, ...] = (
    "entity", "metric", "item", "unit", "period_start", "period_end", "status",
)
_LIST_COLUMNS = ("doc_ids", "values")
_DATE_COLUMNS = tuple(name for name, dtype in TABLE_SCHEMA.items() if dtype.startswith("datetime"))

Key = FactKey


class MentionRecord(TypedDict):
    """One mention inside a row's `values`; `published` is an ISO date string or None."""

    value: float
    doc_id: str
    published: str | None
    char_start: int
    char_end: int
    confidence: float
    superseded: bool


def values_agree(a: float, b: float, unit: str | None) -> bool:
    """Evaluation's tolerance made symmetric (no side is gold): 1% of the larger magnitude,
    0.05 points for percentages."""
    if unit == "percent":
        return abs(a - b) <= PERCENT_TOLERANCE + 1e-9
    return math.isclose(a, b, rel_tol=VALUE_TOLERANCE, abs_tol=0.0)


def fact_key(fact: Fact) -> Key:
    """The dedup key of a mention-level fact."""
    return fact.key


def fact_id(fact: Fact) -> str:
    """The `fact_id` of the table row that holds this mention (`Fact.fact_id`)."""
    return fact.fact_id


def build_fact_table(facts: Iterable[Fact], *,
                     existing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Merge mention-level facts (and optionally an earlier table) into one row per key.

    Two values for one key that disagree beyond tolerance are a conflict, whether they come
    from one document (a caption's rounded figure beside the body's, a prior-year figure
    given the current period) or from several. The one exception is a statement the
    article marks as replaced ("from its previous forecast of 42 million":
    `Fact.superseded`): it yields to the document's other statements and raises no conflict.
    `values` keeps every mention with its document and span, whatever the outcome.

    The row's `value` comes from the most recently published document (unknown dates are
    oldest; ties go to the greatest `doc_id`); inside that document, from the value most of
    its current statements agree with, then the most confident, then the latest in the
    text. `conflict` is true when any current statement of any document disagrees with it.
    Identical mentions (same document, span and value) count once, so feeding the same
    document twice changes nothing. `existing` may also be several tables concatenated
    (say, one per worker): rows sharing a key are merged.

    `period` is the alphabetically first label seen (labels are not part of the key, and an
    order-free choice keeps builds reproducible). `confidence` is the noisy-OR of the
    documents whose value is the row's value, times the mean share of each document's
    current statements that agree with it.

    >>> table = build_fact_table(facts)
    >>> table = build_fact_table(more_facts, existing=table)  # same as building from all
    """
    groups: dict[Key, list[MentionRecord]] = {}
    labels: dict[Key, set[str]] = {}
    for fact in facts:
        key = fact_key(fact)
        groups.setdefault(key, []).append(_record(fact))
        if fact.period is not None:
            labels.setdefault(key, set()).add(fact.period)
    rows: dict[Key, dict[str, Any]] = {}
    if existing is not None:
        for key, row in _existing_rows(existing):
            if key not in groups and key not in rows:
                rows[key] = row
                continue
            for merged in (rows.pop(key, None), row):
                if merged is not None:
                    groups.setdefault(key, []).extend(_records(merged["values"]))
                    if merged["period"] is not None:
                        labels.setdefault(key, set()).add(merged["period"])
    for key, records in groups.items():
        rows[key] = _row(key, records, labels.get(key, set()))
    return _frame([rows[key] for key in sorted(rows, key=_key_order)])


FACTS_SCHEMA: dict[str, str] = {
    name: ("float64" if name in {"value", "confidence"} else
           "int64" if name in {"char_start", "char_end"} else
           "bool" if name == "superseded" else
           "datetime64[ns]" if name in DATE_FIELDS else "string")
    for name in FACT_COLUMNS
}
"""The dtypes of `facts_frame`: dates like the table's, so mentions and rows compare."""


def facts_frame(facts: Iterable[Fact]) -> pd.DataFrame:
    """Mention-level facts as a typed DataFrame, one row per fact, `fact_id` first, so
    mentions join their table row: `facts_frame(facts).merge(table, on="fact_id")`.

    >>> facts_frame(facts).dtypes["period_end"]
    dtype('<M8[ns]')
    """
    rows = [fact.to_dict() for fact in facts]
    out = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    for name, dtype in FACTS_SCHEMA.items():
        column = pd.Series([row[name] for row in rows], dtype=object)
        if dtype.startswith("datetime"):
            out[name] = pd.to_datetime(column).astype(pandas_dtype(dtype))
        else:
            out[name] = column.astype(pandas_dtype(dtype))
    return out


def empty_fact_table() -> pd.DataFrame:
    """A table with no rows and the fixed columns and dtypes."""
    return _frame([])


def fact_row_index(facts: Iterable[Fact], table: pd.DataFrame) -> list[int]:
    """Position in `table` of the row holding each fact; raises if any fact has no row."""
    positions = {fid: i for i, fid in enumerate(table["fact_id"].tolist())}
    index = []
    for fact in facts:
        position = positions.get(fact_id(fact))
        if position is None:
            raise KeyError(f"{fact.doc_id}: fact at {fact.char_start}..{fact.char_end} "
                           f"({fact.entity} {fact.metric}) has no row in the fact table")
        index.append(position)
    return index


def write_fact_table(table: pd.DataFrame, path: str | Path) -> None:
    """Write `.parquet` (typed) or `.csv` (lists as JSON strings, dates ISO); atomic."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".parquet", ".csv"}:
        raise ValueError(f"unknown fact table format {path.suffix!r}: use .parquet or .csv")
    table = _conform(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, list[Any]] = {name: table[name].tolist() for name in TABLE_COLUMNS}
        for name, dtype in TABLE_SCHEMA.items():
            if name in _DATE_COLUMNS:  # Parquet `date32`: a calendar day, no time or zone
                columns[name] = [_optional_date(v) for v in columns[name]]
            elif dtype == "string":
                columns[name] = [_optional_str(v) for v in columns[name]]
        columns["values"] = [[{**r, "published": _optional_iso_date(r["published"])}
                              for r in records] for records in columns["values"]]
        pq.write_table(pa.Table.from_pydict(columns, schema=_arrow_schema()), tmp)
    else:
        flat = table.copy()
        for name in _LIST_COLUMNS:
            flat[name] = [json.dumps(v, ensure_ascii=False) for v in flat[name]]
        for name in _DATE_COLUMNS:
            flat[name] = flat[name].dt.strftime("%Y-%m-%d")
        flat.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)


def read_fact_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by `write_fact_table`, with the fixed dtypes restored."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            for name in _LIST_COLUMNS:
                frame[name] = [_plain(v) for v in frame[name]]
            frame["values"] = pd.Series(
                [[{**r, "published": _optional_published(r.get("published"))} for r in records]
                 for records in frame["values"]], dtype=object)
        elif suffix == ".csv":
            text_columns = [n for n, d in TABLE_SCHEMA.items() if d in {"string", "object"}]
            frame = pd.read_csv(path, dtype=dict.fromkeys(text_columns, "string"),
                                keep_default_na=False, na_values=[""], encoding="utf-8")
            for name in _LIST_COLUMNS:
                frame[name] = [json.loads(v) for v in frame[name]]
        else:
            raise InputError(str(path), "unknown fact table format: use .parquet or .csv")
        return _conform(frame)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(str(path), f"not a fact table ({exc})") from exc


def _record(fact: Fact) -> MentionRecord:
    return MentionRecord(
        value=float(fact.value),
        doc_id=fact.doc_id,
        published=fact.published.isoformat() if fact.published is not None else None,
        char_start=int(fact.char_start),
        char_end=int(fact.char_end),
        confidence=float(fact.confidence),
        superseded=bool(fact.superseded),
    )


def _record_order(record: MentionRecord) -> tuple[Any, ...]:
    published = record["published"]
    return (published is not None, published or "", record["doc_id"], record["char_start"],
            record["char_end"], record["value"], record["confidence"])


def _key_order(key: Key) -> tuple[Any, ...]:
    return tuple((v is not None, v.isoformat() if isinstance(v, date) else (v or ""))
                 for v in key)


def _row(key: Key, records: list[MentionRecord], labels: set[str]) -> dict[str, Any]:
    unique: dict[tuple[str, int, int, float], MentionRecord] = {}
    for record in sorted(records, key=_record_order):
        identity = (record["doc_id"], record["char_start"], record["char_end"], record["value"])
        unique.setdefault(identity, record)
    ordered = list(unique.values())
    unit = key[3]
    by_doc: dict[str, list[MentionRecord]] = {}
    for record in ordered:
        by_doc.setdefault(record["doc_id"], []).append(record)
    current = {doc_id: _current(records) for doc_id, records in by_doc.items()}
    chosen = {doc_id: _document_value(records, unit) for doc_id, records in current.items()}
    winner = max(chosen.values(), key=_recency)
    agreeing = {doc_id: [values_agree(r["value"], winner["value"], unit) for r in records]
                for doc_id, records in current.items()}
    conflict = not all(all(flags) for flags in agreeing.values())
    supporting = [chosen[d] for d in sorted(chosen)
                  if values_agree(chosen[d]["value"], winner["value"], unit)]
    miss = 1.0
    for record in sorted(supporting, key=_recency):
        miss *= 1.0 - min(max(record["confidence"], 0.0), 1.0)
    share = sum(sum(flags) / len(flags) for flags in agreeing.values()) / len(agreeing)
    confidence = (1.0 - miss) * share
    published = sorted(r["published"] for r in ordered if r["published"] is not None)
    entity, metric, item, unit, period_start, period_end, status = key
    return {
        "fact_id": key_id(key),
        "entity": entity,
        "metric": metric,
        "item": item,
        "unit": unit,
        "period": min(labels) if labels else None,
        "period_start": period_start,
        "period_end": period_end,
        "status": status,
        "value": winner["value"],
        "n_sources": len(by_doc),
        "doc_ids": sorted(by_doc),
        "values": ordered,
        "conflict": conflict,
        "first_published": date.fromisoformat(published[0]) if published else None,
        "last_published": date.fromisoformat(published[-1]) if published else None,
        "confidence": confidence,
    }


def _current(records: list[MentionRecord]) -> list[MentionRecord]:
    """A document's statements that stand: all but those it says were replaced (unless it
    says nothing else)."""
    standing = [r for r in records if not r["superseded"]]
    return standing or records


def _document_value(records: list[MentionRecord], unit: str) -> MentionRecord:
    """The statement that is a document's value: the one most of its statements agree
    with, then the most confident, then the latest in the text."""
    def rank(record: MentionRecord) -> tuple[int, float, int, int, float]:
        support = sum(values_agree(r["value"], record["value"], unit) for r in records)
        return (support, record["confidence"], record["char_start"], record["char_end"],
                record["value"])

    return max(records, key=rank)


def _recency(record: MentionRecord) -> tuple[bool, str, str]:
    published = record["published"]
    return (published is not None, published or "", record["doc_id"])


def _frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    columns = {name: [row[name] for row in rows] for name in TABLE_COLUMNS}
    return _conform(pd.DataFrame(columns, columns=list(TABLE_COLUMNS)))


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the schema's columns, in order, with the schema's dtypes."""
    missing = [name for name in TABLE_COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(f"fact table lacks columns {missing}")
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for name, dtype in TABLE_SCHEMA.items():
        column = frame[name].reset_index(drop=True)
        if dtype == "object":
            out[name] = pd.Series(list(column), dtype=object)
        elif name in _DATE_COLUMNS:
            out[name] = pd.to_datetime(column.astype(object)).astype(pandas_dtype(dtype))
        else:
            out[name] = column.astype(pandas_dtype(dtype))
    return out


def _existing_rows(table: pd.DataFrame) -> Iterable[tuple[Key, dict[str, Any]]]:
    """Rows of an earlier table with their keys; a row no new fact touches is kept as is,
    which equals recomputing it because rows are a pure function of their records."""
    table = _conform(table)
    columns = {name: table[name].tolist() for name in TABLE_COLUMNS}
    for position in range(len(table)):
        row = {name: values[position] for name, values in columns.items()}
        row["item"] = _optional_str(row["item"])
        row["period"] = _optional_str(row["period"])
        key: Key = (
            str(row["entity"]), str(row["metric"]), row["item"], str(row["unit"]),
            _optional_date(row["period_start"]), _optional_date(row["period_end"]),
            str(row["status"]),
        )
        yield key, row


def _records(values: Iterable[Mapping[str, Any]]) -> list[MentionRecord]:
    return [MentionRecord(
        value=float(r["value"]), doc_id=str(r["doc_id"]),
        published=_optional_published(r.get("published")), char_start=int(r["char_start"]),
        char_end=int(r["char_end"]), confidence=float(r.get("confidence") or 0.0),
        superseded=bool(r.get("superseded") or False),
    ) for r in values]


def _optional_published(value: Any) -> str | None:
    """A mention's `published` as an ISO day, whether read as a string or a date."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value.isoformat()[:10] if isinstance(value, date) else str(value)[:10]


def _optional_str(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _optional_date(value: Any) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _optional_iso_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _plain(value: Any) -> Any:
    """Arrow hands lists back as numpy arrays; the table holds plain Python lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _arrow_schema() -> Any:
    import pyarrow as pa

    record = pa.struct([
        ("value", pa.float64()), ("doc_id", pa.string()), ("published", pa.date32()),
        ("char_start", pa.int64()), ("char_end", pa.int64()), ("confidence", pa.float64()),
        ("superseded", pa.bool_()),
    ])
    types = {
        "string": pa.string(), "float64": pa.float64(), "int64": pa.int64(),
        "bool": pa.bool_(), "datetime64[ns]": pa.date32(),
    }
    special = {"doc_ids": pa.list_(pa.string()), "values": pa.list_(record)}
    return pa.schema([(name, special.get(name) or types[dtype])
                      for name, dtype in TABLE_SCHEMA.items()])
