"""Span groups indexed by token position, so a decision about one value looks only near it.

Iterating `doc.spans[key]` builds a new `Span` object per member, and doing so for every
value made the assembler quadratic in document length (a 100k-character report spent most
of its time there). `spans(doc, key)` is the group as a plain list, built once;
`within`, `starting_in` and `covering` find members by bisection over their starts. Results
keep the group's own order, so callers see what a scan of the group would have given.

`text(doc)` is `doc.text` built once: spaCy joins every token's text on each access, and
the components read it about fifteen times per document; `span_text(span)` slices it.

The index is a cache, not an annotation: it lives in `doc.user_hooks` (never serialized),
is rebuilt when the group is replaced or grows, and is dropped by `release` when the last
component is done (spaCy warns when a Doc with user hooks is serialized).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, cast

from spacy.tokens import Doc, Span, SpanGroup

_HOOK = "newsfacts_span_index"
_TEXT = "newsfacts_text"


class _Index:
    __slots__ = ("group", "longest", "members", "order", "size", "starts")

    def __init__(self, group: SpanGroup, members: list[Span]) -> None:
        self.group = group
        self.size = len(members)
        self.members = members
        self.order = sorted(range(len(members)), key=lambda k: (members[k].start, k))
        self.starts = [members[k].start for k in self.order]
        self.longest = max((s.end - s.start for s in members), default=0)

    def _pick(self, lo: int, hi: int) -> list[Span]:
        return [self.members[k] for k in sorted(self.order[lo:hi])]


def _index(doc: Doc, key: str) -> _Index | None:
    if key not in doc.spans:
        return None
    group = doc.spans[key]
    hooks = cast(dict[str, Any], doc.user_hooks)
    cache: dict[str, _Index] = hooks.setdefault(_HOOK, {})
    found = cache.get(key)
    if found is None or found.group is not group or found.size != len(group):
        found = cache[key] = _Index(group, list(group))
    return found


def spans(doc: Doc, key: str) -> list[Span]:
    """The members of `doc.spans[key]` in the group's order (empty when there is no group)."""
    index = _index(doc, key)
    return index.members if index is not None else []


def starting_in(doc: Doc, key: str, start: int, end: int) -> list[Span]:
    """Members whose first token lies in `[start, end)`."""
    index = _index(doc, key)
    if index is None:
        return []
    return index._pick(bisect_left(index.starts, start), bisect_left(index.starts, end))


def within(doc: Doc, key: str, start: int, end: int) -> list[Span]:
    """Members wholly inside tokens `[start, end)`."""
    return [s for s in starting_in(doc, key, start, end) if s.end <= end]


def covering(doc: Doc, key: str, i: int) -> list[Span]:
    """Members that contain token `i`."""
    index = _index(doc, key)
    if index is None:
        return []
    lo = bisect_left(index.starts, i - index.longest + 1)
    hi = bisect_right(index.starts, i)
    return [s for s in index._pick(lo, hi) if s.end > i]


def text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc (its tokens never change after the tokenizer)."""
    hooks = cast(dict[str, Any], doc.user_hooks)
    cached = hooks.get(_TEXT)
    if cached is None or cached[0] != len(doc):
        cached = hooks[_TEXT] = (len(doc), doc.text)
    return str(cached[1])


def span_text(span: Span) -> str:
    """`span.text`, sliced from `text(span.doc)` (spaCy joins the span's tokens on each
    access; the assembler reads each segment's text about ten times)."""
    return text(span.doc)[span.start_char : span.end_char]


def release(doc: Doc) -> None:
    """Drop the caches of `doc` (they hold Spans and the text; the Doc no longer needs them)."""
    doc.user_hooks.pop(_HOOK, None)
    doc.user_hooks.pop(_TEXT, None)
