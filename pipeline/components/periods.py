"""`newsfacts_periods`: mark period expressions as spans.

Only finds them: resolving needs the company's fiscal calendar, which the fact
assembler knows, so `span._.newsfacts_period` holds the unresolved `PeriodExpr`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..periods import find_period_expressions
from . import span_index

NAME = "newsfacts_periods"
SPANS_KEY = "newsfacts_periods"

if not Span.has_extension("newsfacts_period"):
    Span.set_extension("newsfacts_period", default=None)


@Language.factory(NAME, assigns=["doc.spans", "span._.newsfacts_period"])
def make_periods(nlp: Language, name: str) -> PeriodAnnotator:
    return PeriodAnnotator()


class PeriodAnnotator:
    """Adds one span per period expression to `doc.spans[SPANS_KEY]`."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for expr in find_period_expressions(span_index.text(doc)):
            span = doc.char_span(expr.char_start, expr.char_end, alignment_mode="expand")
            if span is None:
                continue
            span._.newsfacts_period = expr
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc
