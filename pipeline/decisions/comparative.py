"""Current or comparative: whether a value is the figure of the news or the prior one it
is compared with ("up from $48 million", "vs 85.3p", "compared with"), and whether that
comparative revises the company's own forecast rather than citing a prior period."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..components import span_index, values
from . import tokens, vocabulary

_BOUNDS = {"more", "less", "fewer"}


def comparison(doc: Doc, seg: Span, span: Span) -> tuple[bool, bool]:
    """Whether a value opens a comparative ("from", "vs", "compared to/with",
    "against", "than"), and whether that comparative revises a forecast or target
    ("from its previous forecast of 42 million") rather than citing a prior period. A
    figure in parentheses right after another of its currency is the prior period's
    ("net sales were EUR 73.3 mn ( EUR 72.5 mn )"); the value layer has already told a
    conversion or a restatement apart."""
    vocab = vocabulary.load()
    before = tokens.index_before(doc, span.start)
    if before >= seg.start and doc[before].text == "(":
        prior = tokens.index_before(doc, before)
        if prior >= seg.start and tokens.value_at(doc, prior):
            return True, False
    steps = 0
    basis = tokens.basis_tokens(doc, max(seg.start, span.start - 12), span.start)
    for i in range(span.start - 1, seg.start - 1, -1):
        token = doc[i]
        if token.is_space or i in basis:
            continue  # "increased 49% year-over-year to": not a comparison
        word = token.lower_
        if word == "over" and steps == 0:
            continue  # "over 35 %": at least, not a comparison
        if word == "to" and steps == 0 and tokens.previous_word(doc, i, seg.start) not in (
            vocab.comparative_markers
        ):
            return False, False  # "over fiscal 1987 to 3.2 billion dlrs": the new level
        if word == "than" and steps == 0 and tokens.previous_word(doc, i, seg.start) in _BOUNDS:
            continue  # "more than 50%": a bound on the figure, not a comparison
        if word == "than" and i + 1 < len(doc) and doc[i + 1].pos_ in ("VERB", "AUX"):
            return False, False  # "net sales more than doubled to 154.1 billion yen"
        if word in vocab.comparative_markers:
            if foreseen_after(doc, seg, span):
                return False, False  # "EPS: $1.02 vs. 95 cents expected": the estimate
            window = doc[max(seg.start, i - 8) : span.start]
            # "from its previous forecast of 42 million" revises the company's own
            # outlook; "compared to the consensus estimate of" cites other people's
            estimate = any(t.lower_ in vocab.status_nouns for t in window)
            others = any(t.lower_.rstrip("'’") in vocab.third_parties for t in window)
            if estimate and others:
                return False, False  # the same period's figure as others foresaw it
            return True, estimate
        joined = token.text == "-" and not token.whitespace_ and not doc[i - 1].whitespace_
        if (token.is_punct and word not in {"(", ")"} and not joined) or tokens.value_at(doc, i):
            return False, False  # a clause boundary, but not the hyphen of "year-ago"
        steps += 1
        if steps >= 8:
            break
    return False, False


_FORESEEN = frozenset({"expected", "estimated", "forecast", "anticipated", "projected"})
_FILLER = frozenset({"per", "a", "share", "as", ")", "(", "adjusted"})


def foreseen_after(doc: Doc, seg: Span, span: Span) -> bool:
    """A figure followed by the word that makes it others' expectation: "95 cents
    expected", "$3.15 billion as expected by analysts" (a results scorecard's line)."""
    i = span.end
    while i < seg.end and i - span.end < 4 and (doc[i].is_space or doc[i].lower_ in _FILLER):
        i += 1
    return i < seg.end and doc[i].lower_ in _FORESEEN


def set_against_forecast(doc: Doc, seg: Span, span: Span) -> bool:
    """ "$1.02 vs. 95 cents expected": the figure before "vs." is the actual one."""
    i = span.end
    while i < seg.end and doc[i].is_space:
        i += 1
    if i >= seg.end or doc[i].lower_.rstrip(".") not in ("vs", "versus"):
        return False
    following = span_index.starting_in(doc, values.SPANS_KEY, i + 1, min(i + 4, seg.end))
    return bool(following) and foreseen_after(doc, seg, following[0])
