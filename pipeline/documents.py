"""Read documents from every container of FACTS.md section 1.

Readers yield `Document` or `DocumentError`, never raise for one bad document, so a batch
always goes on and the caller decides what to do with the errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """An article as read: the text is never altered, so spans index into it."""

    doc_id: str
    text: str
    published: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    gold: tuple[Mapping[str, Any], ...] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class DocumentError:
    """A document that could not be read or processed, and why."""

    doc_id: str
    reason: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "reason": self.reason, "path": self.path}


def parse_published(value: Any) -> date | None:
    """An ISO date (or datetime) string to a date; anything else is None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def document_from_mapping(row: Mapping[str, Any], *, default_id: str) -> Document:
    """Build a Document from a JSON object or table row; raises ValueError when unusable."""
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError("no 'text' string")
    if not text.strip():
        raise ValueError("empty text")
    doc_id = str(row.get("doc_id") or row.get("id") or default_id)
    gold = row.get("facts")
    return Document(
        doc_id=doc_id,
        text=text,
        published=parse_published(row.get("published")),
        title=_optional_str(row.get("title")),
        source=_optional_str(row.get("source")),
        url=_optional_str(row.get("url")),
        gold=tuple(gold) if isinstance(gold, list) else None,
    )


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def read_jsonl(path: Path) -> Iterator[Document | DocumentError]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            default_id = f"{path.name}:{number}"
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("line is not a JSON object")
                yield document_from_mapping(row, default_id=default_id)
            except ValueError as exc:
                yield DocumentError(default_id, f"broken JSON line: {exc}", str(path))


def read_documents(inputs: Iterable[str | Path]) -> Iterator[Document | DocumentError]:
    """Every document of every input, in input order."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() == ".jsonl":
                    yield from read_jsonl(child)
        elif path.suffix.lower() == ".jsonl":
            yield from read_jsonl(path)
        elif not path.exists():
            yield DocumentError(str(path), "input does not exist", str(path))
        else:
            yield DocumentError(str(path), f"unsupported input format {path.suffix!r}", str(path))
