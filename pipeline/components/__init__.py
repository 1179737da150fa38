"""The newsfacts spaCy components, registered with `@Language.factory` on import.

Order matters and reads top-down: context takes the document metadata of
`nlp.pipe(..., as_tuples=True)`, hygiene marks what is not article text, values,
periods, organizations and metric cues annotate spans, and `newsfacts_facts` joins them
into `doc._.newsfacts_facts`. Each component reads only the annotations of those before it.

Extension values are frozen records (`Quantity`, `PeriodExpr`, `OrgMention`, `MetricCue`,
`Fact`) and dates. spaCy serializes `doc.user_data` with srsly's msgpack (`Doc.to_bytes`,
`nlp.pipe(n_process=...)`), so importing this package registers a msgpack encoder and
decoder that carry them as tagged maps and give back the same types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from typing import Any

import srsly
from spacy.tokens import Doc

from ..facts import Fact
from ..organizations import OrgMention
from ..periods import PeriodExpr
from ..quantities import Quantity

for _name, _default in (
    ("newsfacts_doc_id", None),
    ("newsfacts_published", None),
    ("newsfacts_source", None),
    ("newsfacts_facts", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

from . import (  # noqa: E402
    assembly,
    context,
    hygiene,
    line_breaks,
    metrics,
    organizations,
    periods,
    values,
)

PIPE_NAMES: tuple[str, ...] = (
    context.NAME,
    hygiene.NAME,
    values.NAME,
    periods.NAME,
    organizations.NAME,
    metrics.NAME,
    assembly.NAME,
)

# Components that go before the model's parser: they fix sentence starts it keeps.
SENTENCE_NAMES: tuple[str, ...] = (line_breaks.NAME,)

_TAG = "__newsfacts__"
_RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (Fact, Quantity, PeriodExpr, OrgMention, metrics.MetricCue)
}


def _encode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """A record as `{_TAG: class name, field: value, ...}`; fields must be scalars or dates."""
    name = type(obj).__name__
    if _RECORDS.get(name) is type(obj):
        return {_TAG: name, **{f.name: getattr(obj, f.name) for f in fields(obj)}}
    if type(obj) is date:
        return {_TAG: "date", "iso": obj.isoformat()}
    return obj if chain is None else chain(obj)


def _decode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """Inverse of `_encode`; msgpack decodes inner maps first, so dates are already dates."""
    tag = obj.get(_TAG) if isinstance(obj, dict) else None
    if tag == "date":
        return date.fromisoformat(obj["iso"])
    if tag in _RECORDS:
        return _RECORDS[tag](**{k: v for k, v in obj.items() if k != _TAG})
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("newsfacts", func=_encode)
srsly.msgpack_decoders.register("newsfacts", func=_decode)

__all__ = ["PIPE_NAMES", "SENTENCE_NAMES"]
