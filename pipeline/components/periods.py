"""`newsfacts_periods`: mark period expressions as spans."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..periods import find_periods

NAME = "newsfacts_periods"
SPANS_KEY = "newsfacts_periods"

if not Span.has_extension("period"):
    Span.set_extension("period", default=None)


@Language.factory(NAME, assigns=["doc.spans", "span._.period"])
def make_periods(nlp: Language, name: str) -> PeriodAnnotator:
    return PeriodAnnotator()


class PeriodAnnotator:
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for mention in find_periods(doc.text, published=doc._.published):
            span = doc.char_span(mention.char_start, mention.char_end, alignment_mode="expand")
            if span is None:
                continue
            span._.period = mention
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc
