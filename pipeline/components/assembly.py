"""`newsfacts_facts`: join values, periods, organizations and metric cues into facts."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..facts import Fact
from . import metrics, organizations, periods, values

NAME = "newsfacts_facts"


@Language.factory(
    NAME,
    assigns=["doc._.facts"],
    requires=["doc.spans"],
)
def make_assembly(nlp: Language, name: str) -> FactAssembler:
    return FactAssembler()


def _nearest(spans: list[Span], anchor: Span) -> Span | None:
    return min(spans, key=lambda s: abs(s.start - anchor.start), default=None)


class FactAssembler:
    def __call__(self, doc: Doc) -> Doc:
        facts = []
        for sent in doc.sents:
            inside = lambda key: [s for s in doc.spans[key] if sent.start <= s.start < sent.end]  # noqa: E731
            cues, orgs, spans_p = inside(metrics.SPANS_KEY), inside(organizations.SPANS_KEY), inside(periods.SPANS_KEY)
            for span in inside(values.SPANS_KEY):
                q = span._.quantity
                if q.kind == "count":
                    continue
                cue, org, per = _nearest(cues, span), _nearest(orgs, span), _nearest(spans_p, span)
                if cue is None or org is None:
                    continue
                period = per._.period.period if per is not None else None
                facts.append(
                    Fact(
                        doc_id=doc._.doc_id or "",
                        entity=org._.org,
                        metric=cue._.metric,
                        item=None,
                        value=q.value,
                        unit=q.unit,
                        period=period.label if period else None,
                        period_start=period.start if period else None,
                        period_end=period.end if period else None,
                        status="actual",
                        char_start=q.char_start,
                        char_end=q.char_end,
                        evidence=sent.text,
                        confidence=0.5,
                        published=doc._.published,
                        source=doc._.source,
                    )
                )
        doc._.facts = facts
        return doc
