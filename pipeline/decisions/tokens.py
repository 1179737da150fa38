"""Readings of single tokens that several decisions share: is there a value at this token,
which word comes before it, which tokens are a comparison basis ("year-over-year")."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from ..components import span_index, values
from . import vocabulary


def basis_tokens(doc: Doc, start: int, end: int) -> set[int]:
    """Tokens of [start, end) inside a comparison basis ("year-over-year", "y/y")."""
    vocab = vocabulary.load()
    if start >= end:
        return set()
    span = doc[start:end]
    inside: set[int] = set()
    for match in vocab.bases.finditer(span_index.span_text(span)):
        words = span.char_span(match.start(), match.end(), alignment_mode="expand")
        if words is not None:
            inside.update(range(words.start, words.end))
    return inside


def value_at(doc: Doc, i: int, *, conversions: bool = False) -> bool:
    """Whether a value covers token `i` (a conversion only when `conversions`)."""
    found = span_index.covering(doc, values.SPANS_KEY, i)
    return bool(found) and (conversions or not found[0]._.newsfacts_quantity.is_conversion)


def previous_word(doc: Doc, i: int, floor: int) -> str:
    """The lower-cased word before token `i`, not before `floor` ("" when none)."""
    j = index_before(doc, i, floor)
    return doc[j].lower_ if j >= floor else ""


def noun_phrase(head: Token) -> str:
    """A noun with the compounds before it, lower-cased ("price target")."""
    words = [c.lower_ for c in head.lefts if c.dep_ == "compound"]
    return " ".join([*words, head.lower_])


def phrase(span: Span) -> str:
    """A cue's words as the lexicon spells them: a wrapped "per\nshare" is "per share"."""
    return " ".join(span_index.span_text(span).casefold().split())


def count_noun_after(span: Span) -> bool:
    """A noun counted right after the figure, adjectives allowed ("22,000 electric cars")."""
    doc = span.doc
    i = span.end
    while i < min(span.end + 2, len(doc) - 1) and doc[i].pos_ == "ADJ":
        i += 1
    return i < len(doc) and doc[i].pos_ == "NOUN"


def index_before(doc: Doc, i: int, floor: int = 0) -> int:
    """The index of the first non-space token before token `i`, not before `floor`
    (`floor - 1` when there is none)."""
    j = i - 1
    while j >= floor and doc[j].is_space:
        j -= 1
    return j
