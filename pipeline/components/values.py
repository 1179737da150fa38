"""`newsfacts_values`: mark money, percent and count quantities as spans.

One pass of `find_quantities` over `doc.text`; each amount becomes a span in
`doc.spans["newsfacts_values"]` with the normalized `Quantity` in
`span._.newsfacts_quantity`. A span is widened to whole tokens ("EUR18" is one token of
"EUR18 .9 m"); the quantity keeps its own character offsets, which are the grounding of a fact.

A money rate per share ("62 cents a share") is what EPS and dividends are, so it is marked
among the values as the money amount it is per share (`as_amount`: kind money, denominator
"share"); every other rate ("$58.24 per barrel", "$3,500 a month") is no amount of the
company's and goes to `doc.spans["newsfacts_rates"]` instead.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..quantities import find_quantities, warm_up
from . import span_index

NAME = "newsfacts_values"
SPANS_KEY = "newsfacts_values"
RATES_KEY = "newsfacts_rates"

if not Span.has_extension("newsfacts_quantity"):
    Span.set_extension("newsfacts_quantity", default=None)


@Language.factory(
    NAME,
    assigns=["doc.spans", "span._.newsfacts_quantity"],
    default_config={"default_dollar": "USD"},
)
def make_values(nlp: Language, name: str, default_dollar: str) -> ValueAnnotator:
    return ValueAnnotator(default_dollar=default_dollar)


class ValueAnnotator:
    """Quantities found on the raw text, aligned to token boundaries.

    `default_dollar` is what a bare "$", "dlrs" or "cts" means; the quantity says so with
    `bare_dollar`, so a later stage that knows the story's country may re-resolve it.
    """

    def __init__(self, *, default_dollar: str = "USD") -> None:
        self.default_dollar = default_dollar
        warm_up()

    def __call__(self, doc: Doc) -> Doc:
        amounts, rates = [], []
        for quantity in find_quantities(span_index.text(doc), default_dollar=self.default_dollar):
            span = doc.char_span(quantity.char_start, quantity.char_end, alignment_mode="expand")
            if span is None:
                continue
            if quantity.kind == "rate" and not quantity.per_share:
                span._.newsfacts_quantity = quantity
                rates.append(span)
            else:
                span._.newsfacts_quantity = quantity.as_amount()
                amounts.append(span)
        doc.spans[SPANS_KEY] = amounts
        doc.spans[RATES_KEY] = rates
        return doc
