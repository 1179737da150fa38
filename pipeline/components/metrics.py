"""`newsfacts_metrics`: metric cue words from the lexicon in configs/metrics.yaml."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

NAME = "newsfacts_metrics"
SPANS_KEY = "newsfacts_metrics"

if not Span.has_extension("metric"):
    Span.set_extension("metric", default=None)

_CUES = {"revenue": "revenue", "sales": "revenue", "loss": "net_income", "profit": "net_income"}


@Language.factory(NAME, assigns=["doc.spans", "span._.metric"])
def make_metrics(nlp: Language, name: str) -> MetricAnnotator:
    return MetricAnnotator()


class MetricAnnotator:
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for token in doc:
            metric = _CUES.get(token.lower_)
            if metric:
                span = doc[token.i : token.i + 1]
                span._.metric = metric
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc
