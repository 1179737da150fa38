"""The `Fact` record and the one place that turns facts into rows and back.

Spans follow one convention: `char_start` inclusive, `char_end` exclusive, offsets into
the document text exactly as read, so `text[char_start:char_end]` is the value's surface.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Literal

from .errors import InputError

Status = Literal["actual", "forecast", "target"]
STATUSES: tuple[Status, ...] = ("actual", "forecast", "target")


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure an article states about an organization (FACTS.md section 2).

    `published`, `source`, `title` and `url` are the document's provenance; `superseded`
    marks a figure the article itself says was replaced (a previous forecast or target it
    revises). `fact_id` names the fact-table row the fact merges into.
    """

    doc_id: str
    entity: str
    metric: str
    item: str | None
    value: float
    unit: str
    period: str | None
    period_start: date | None
    period_end: date | None
    status: Status
    char_start: int
    char_end: int
    evidence: str
    confidence: float
    published: date | None = None
    source: str | None = None
    superseded: bool = False
    title: str | None = None
    url: str | None = None

    @property
    def key(self) -> FactKey:
        """The dedup key of FACTS.md section 3: facts with equal keys share a table row."""
        return (self.entity, self.metric, self.item, self.unit,
                self.period_start, self.period_end, self.status)

    @property
    def fact_id(self) -> str:
        """The `fact_id` of the fact-table row holding this fact; stable across runs."""
        return key_id(self.key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping, `fact_id` first: dates as ISO strings."""
        row: dict[str, Any] = {"fact_id": self.fact_id, **asdict(self)}
        for key in DATE_FIELDS:
            row[key] = _iso(row[key])
        return row

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Fact:
        """Inverse of `to_dict`; accepts rows read back from JSONL, CSV or Parquet."""
        known = {f.name for f in fields(cls)}
        data = {k: _none_if_missing(v) for k, v in row.items() if k in known}
        for key in DATE_FIELDS:
            data[key] = _date(data.get(key))
        data["value"] = float(data["value"])
        data["char_start"] = int(data["char_start"])
        data["char_end"] = int(data["char_end"])
        data["confidence"] = float(data.get("confidence") or 0.0)
        data["superseded"] = str(data.get("superseded")).casefold() in {"true", "1"}
        return cls(**data)


FACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Fact))
FACT_COLUMNS: tuple[str, ...] = ("fact_id", *FACT_FIELDS)
"""The columns of a facts file: the fields plus the row id, derived, never read back."""
DATE_FIELDS: tuple[str, ...] = ("period_start", "period_end", "published")

FactKey = tuple[str, str, str | None, str, date | None, date | None, str]


def key_id(key: FactKey) -> str:
    """A stable id for a key: the same key gives the same id in every run and process."""
    payload = json.dumps([v.isoformat() if isinstance(v, date) else v for v in key],
                         ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _none_if_missing(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and value == "":
        return None
    return value


def write_facts(facts: Iterable[Fact], path: str | Path) -> int:
    """Write facts in the format named by the file's extension; returns the count.

    The file appears atomically: written to a temporary sibling, then renamed.
    """
    path = Path(path)
    rows = [fact.to_dict() for fact in facts]
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with tmp.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif suffix == ".csv":
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FACT_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(arrow_table(rows), tmp)
    else:
        raise ValueError(f"unknown output format {path.suffix!r}: use .jsonl, .csv or .parquet")
    tmp.replace(path)
    return len(rows)


def read_facts(path: str | Path) -> Iterator[Fact]:
    """Read facts written by `write_facts` (any of its formats); a file that is not one
    raises `InputError` naming the file and the record."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".jsonl", ".csv", ".parquet"}:
        raise InputError(str(path), "unknown facts format: use .jsonl, .csv or .parquet")
    number = 0
    try:
        for row in _fact_rows(path, suffix):
            number += 1
            yield Fact.from_dict(row)
    except (ValueError, KeyError, TypeError) as exc:
        where = f"{path}:{number}" if number else str(path)
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(where, f"not a facts file written by newsfacts ({detail})") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read facts: {exc.strerror or exc}") from exc


def _fact_rows(path: Path, suffix: str) -> Iterator[Mapping[str, Any]]:
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("a line is not a JSON object")
                    yield row
    elif suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            yield from pq.read_table(path).to_pylist()
        except pa.ArrowException as exc:
            raise ValueError(str(exc)) from exc


def arrow_schema() -> Any:
    """The Parquet/Arrow types of a facts file: dates are `date32`, numbers typed."""
    import pyarrow as pa

    types = {
        "value": pa.float64(),
        "confidence": pa.float64(),
        "char_start": pa.int64(),
        "char_end": pa.int64(),
        "superseded": pa.bool_(),
        **dict.fromkeys(DATE_FIELDS, pa.date32()),
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in FACT_COLUMNS])


def arrow_table(rows: Iterable[Mapping[str, Any]]) -> Any:
    """Rows of `Fact.to_dict` (ISO date strings) as an Arrow table of `arrow_schema`."""
    import pyarrow as pa

    typed = [{**row, **{key: _date(row.get(key)) for key in DATE_FIELDS}} for row in rows]
    return pa.Table.from_pylist(typed, schema=arrow_schema())
