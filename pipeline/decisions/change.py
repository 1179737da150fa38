"""Level or change: whether a direction word governs a value ("rose 8 %", "a 6.4 pct
increase", "down 65 pct"), and in which direction; "rose to X" is a level."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from ..components import metrics, span_index
from . import tokens


def change_reading(doc: Doc, seg: Span, span: Span, cue: Span) -> tuple[bool, int | None]:
    """Whether the value is a change, and the direction word's sign (+1/-1, None for none):
    a percent with a direction is a change, a money amount only when stated as one ("by 40
    billion yen", "2.9 billion yen lower")."""
    q = span._.newsfacts_quantity
    direction = direction_near(doc, seg, span)
    changed = False
    if q.kind == "percent":
        if direction is None:
            direction = direction_after_cue(doc, cue)
        changed = direction is not None
    elif q.kind == "money" and direction is not None:
        changed = is_absolute_change(doc, span)
    elif q.kind == "count" and added_count(doc, seg, span):
        changed, direction = True, 1
    return changed, direction


def added_count(doc: Doc, seg: Span, span: Span) -> bool:
    """ "an additional 500 staff", "adding 300 jobs": a count added, not the count."""
    i = tokens.index_before(doc, span.start, seg.start)
    while i >= seg.start and doc[i].lower_ in ("an", "a", "about", "around", "some", "nearly"):
        i = tokens.index_before(doc, i, seg.start)
    return i >= seg.start and doc[i].lower_ in _ADDING


_ADDING = frozenset({"additional", "extra", "add", "adds", "added", "adding"})


def direction_after_cue(doc: Doc, cue: Span) -> int | None:
    """"net sales growth estimate", "sales decline", "Revenue Year-Over-Year Growth": a
    direction noun right after the cue."""
    for change in span_index.starting_in(doc, metrics.CHANGES_KEY, cue.end, len(doc)):
        if doc[change.start].pos_ not in ("NOUN", "PROPN"):
            continue
        if change.start == cue.end or tokens.basis_tokens(doc, cue.end, change.start) == set(
            range(cue.end, change.start)
        ):
            return int(change._.newsfacts_direction)
    return None


def direction_near(doc: Doc, seg: Span, span: Span) -> int | None:
    """+1/-1 when a direction word governs a value: "rose 8 %", "a 6.4 pct increase",
    "down 65 pct", "eight pct lower", "increased by 24 percent", and the elided "and
    total revenue by 3 percent"; not "rose to X" or "grew from X" (levels)."""
    changes = [c for c in doc.spans[metrics.CHANGES_KEY] if seg.start <= c.start < seg.end]
    i = span.start - 1
    while i > seg.start and (doc[i].is_space or doc[i].lower_ in {"than", "more", "less", "about"}):
        i -= 1
    previous = doc[i].lower_ if i >= seg.start else ""
    for change in changes:
        if change.end < len(doc) and doc[change.end].lower_ == "than" and change.end <= span.start:
            continue  # "a lower-than-expected 3.7 per cent rise"
        if change.end <= span.start:
            between = [t for t in doc[change.end : span.start] if not t.is_space]
            words = [t.lower_ for t in between if not t.is_punct]
            if {"to", "at", "from"} & set(words):
                continue  # "rose to X", "grew from 51% to 58%": levels
            if len(between) <= 4 or (words[:1] == ["by"] and len(between) <= 8):
                return int(change._.newsfacts_direction)
            if _only_period_words(between):
                return int(change._.newsfacts_direction)
        elif change.start >= span.end and change.start - span.end <= 2:
            return int(change._.newsfacts_direction)
    if previous == "by":
        before = [c for c in changes if c.end <= span.start]
        if before:
            return int(before[-1]._.newsfacts_direction)
    return None


def _only_period_words(tokens: list[Token]) -> bool:
    return (
        all(
            t.is_punct
            or t.like_num
            or t.lower_ in {"in", "by", "on", "the", "year", "of", "for"}
            or t.ent_type_ == "DATE"
            for t in tokens
        )
        and len(tokens) <= 8
    )


def is_absolute_change(doc: Doc, span: Span) -> bool:
    """A money amount that is a change: "by 40 billion yen", "2.9 billion yen lower than"."""
    before = tokens.previous_word(doc, span.start, 0)
    after = [t.lower_ for t in doc[span.end : span.end + 3] if not t.is_space]
    return before == "by" or bool(after and after[0] in {"lower", "higher", "more", "less"})
