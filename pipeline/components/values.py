"""`newsfacts_values`: mark money, percent and count quantities as spans."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..quantities import find_quantities

NAME = "newsfacts_values"
SPANS_KEY = "newsfacts_values"

if not Span.has_extension("quantity"):
    Span.set_extension("quantity", default=None)


@Language.factory(NAME, assigns=["doc.spans", "span._.quantity"])
def make_values(nlp: Language, name: str) -> ValueAnnotator:
    return ValueAnnotator()


class ValueAnnotator:
    """Quantities found on the raw text, aligned to token boundaries."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for quantity in find_quantities(doc.text):
            span = doc.char_span(quantity.char_start, quantity.char_end, alignment_mode="expand")
            if span is None:
                continue
            span._.quantity = quantity
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc
