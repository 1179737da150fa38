"""Parsed sentences for the decision tests (tests/test_decision_*.py): a Doc through the
whole pipeline, the value span a surface names, and the segment, cues and periods around
it, as the assembler gives them to each decision."""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components import metrics, periods, values
from pipeline.decisions import context, segments
from pipeline.decisions import period as period_decision


def parse(nlp: Language, text: str, published: str | None = None) -> Doc:
    """`text` through the whole pipeline, published on `published` (ISO date)."""
    ((doc, _),) = nlp.pipe([(text, {"doc_id": "t", "published": published})], as_tuples=True)
    return doc


def value(doc: Doc, surface: str, nth: int = 0) -> Span:
    """The `nth` value span whose text is `surface`."""
    found = [s for s in doc.spans[values.SPANS_KEY] if s.text == surface]
    assert len(found) > nth, (surface, [s.text for s in doc.spans[values.SPANS_KEY]])
    return found[nth]


def segment(doc: Doc, span: Span) -> Span:
    """The segment the assembler reads `span` in."""
    found = [s for s in segments.segments(doc) if s.start <= span.start and span.end <= s.end]
    assert found, span
    return found[0]


def cues(doc: Doc, seg: Span) -> list[Span]:
    return segments.metric_cues(doc, seg)


def cue(doc: Doc, text: str) -> Span:
    found = [c for c in doc.spans[metrics.SPANS_KEY] if c.text == text]
    assert found, (text, [c.text for c in doc.spans[metrics.SPANS_KEY]])
    return found[0]


def period_mention(doc: Doc, text: str) -> Span:
    found = [p for p in doc.spans[periods.SPANS_KEY] if p.text == text]
    assert found, (text, [p.text for p in doc.spans[periods.SPANS_KEY]])
    return found[0]


def figure_periods(doc: Doc, seg: Span) -> list[Span]:
    return period_decision.figure_periods(doc, seg)


def article(doc: Doc) -> context.Context:
    return context.article_context(doc)


def published(iso: str) -> date:
    return date.fromisoformat(iso)
