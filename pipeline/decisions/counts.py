"""What a count counts: units sold (and of what), head count or job cuts.

A count under a revenue cue is units sold ("sold 3.2 million phones"), but only with a
thing sold named ("16 were waiting to load" counts nothing sold), not a model number
("the 68000 microprocessor"), not shares or tonnes of a commodity, and not a price
("sold at 4,340"). A count of people is head count unless a cut verb acts on it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from ..components import metrics, periods, span_index
from ..facts import Fact
from . import owner, tokens, vocabulary

if TYPE_CHECKING:
    from .context import Candidate


def count_metric(cand: Candidate, metric: str, seg: Span) -> str | None:
    """The metric a bare count under `metric` is, or None when no count metric fits."""
    vocab = vocabulary.load()
    if metric == "revenue":
        metric = "units_sold"
    if metric in ("headcount", "job_cuts"):
        if _counts_another_noun(cand.span, vocab.headcount_nouns):
            return None  # "has 3,600 employees and operates 225 branches"
        metric = "job_cuts" if cut_governs(seg, cand.span) else "headcount"
        if metric == "headcount" and _at_a_site(seg, cand.span):
            return None  # "the plant employs 300 people": one site's workers
    if metric not in vocab.count_metrics:
        return None
    return metric


def no_units(cand: Candidate, seg: Span) -> bool:
    """Whether a units-sold reading counts nothing sold."""
    vocab = vocabulary.load()
    counted = (item(cand.span) or "").split(" ")[0].casefold()
    if cand.unit == "count" and counted in vocab.not_items:
        return True  # "1,200,000 of the shares", "300,000 tonnes of sorghum"
    if (
        not cand.comparative
        and not counted
        and not tokens.count_noun_after(cand.span)
        and not (cand.cue is not None and _names_what_sold(seg.doc, cand.cue))
    ):
        return True  # "16 were waiting to load", "took three months down to 730": no item
    if _names_a_model(cand.span):
        return True  # "the 68000 microprocessor", "a 747 jet": a model, not a count
    if tokens.previous_word(seg.doc, cand.span.start, seg.start) in ("at", "for"):
        return True  # "March/April sold at 4,340", "agreed to sell the rights for 34.4"
    # "sold 110,000 Acme common shares", "75,000 of his remaining shares"
    return any(
        (t.lower_ in vocab.not_items or t.lemma_.casefold() in vocab.not_items)
        for t in seg.doc[cand.span.end : min(cand.span.end + 5, seg.end)]
        if t.pos_ == "NOUN"
    )


def _at_a_site(seg: Span, span: Span) -> bool:
    """A count of workers that belongs to one site: the site is the clause's subject
    ("the plant employs 300 people"), the noun the count hangs from ("the smelter, with
    320 employees") or follows it ("the 9,000 workers at the Smalltown facility")."""
    vocab = vocabulary.load()
    subject = owner.governing_subject(span)
    if subject is not None and subject.lower_ in vocab.facility_nouns:
        return True
    token = span.root
    for _ in range(4):
        if token.head.i == token.i or token.head.pos_ in ("VERB", "AUX"):
            break
        token = token.head
        if token.pos_ == "NOUN" and token.lower_ in vocab.facility_nouns:
            return True
    after = seg.doc[span.end : min(span.end + 7, seg.end)]
    for t in after:
        if t.is_punct:
            return False
        if t.lower_ in vocab.facility_nouns and t.pos_ == "NOUN":
            return any(p.lower_ in ("at", "in") for p in after if p.i < t.i)
    return False


def item(span: Span) -> str | None:
    """What was counted: the noun phrase after the figure ("9.9 million handsets",
    "3.3 million units of the PlayStation 4"), stopping at a period ("last year")."""
    doc = span.doc
    i = span.end
    words: list[str] = []
    skip = {"units", "unit", "of", "the"}
    while i < len(doc) and len(words) < 4 and not _period_starts_at(doc, i):
        token = doc[i]
        if token.lower_ in skip and not words:
            i += 1
            continue
        adjective = token.pos_ == "ADJ" and (
            words or (i + 1 < len(doc) and doc[i + 1].pos_ in ("NOUN", "ADJ"))
        )  # "22,000 electric cars"
        if token.pos_ in ("NOUN", "PROPN", "NUM") or adjective:
            words.append(token.text)
            i += 1
            continue
        break
    return " ".join(words) or None


def _names_what_sold(doc: Doc, cue: Span) -> bool:
    """The cue says what was sold: "sales of compact disc players", "Walkman sales"."""
    if cue.root.lemma_.casefold() not in ("sale", "shipment", "delivery"):
        return False  # "grain ships were loading", "light trade selling": no sales noun
    before = doc[cue.start - 1] if cue.start > 0 else None
    named_before = before is not None and before.pos_ in ("NOUN", "PROPN") and (
        before.dep_ == "compound" or before.head.i in range(cue.start, cue.end)
    )
    return named_before or names_a_product(doc, cue)


def names_a_product(doc: Doc, cue: Span) -> bool:
    """ "Sales of compact disc players": the sales of a named thing, counted in units."""
    if cue.end + 1 >= len(doc) or doc[cue.end].lower_ != "of":
        return False
    following = doc[cue.end + 1]
    return not following.like_num and not tokens.value_at(doc, following.i, conversions=True)


def _names_a_model(span: Span) -> bool:
    """A number right before a singular noun names a model ("the 68000 microprocessor"),
    except one of something ("1 unit")."""
    doc = span.doc
    noun = doc[span.end] if span.end < len(doc) else None
    if noun is None or noun.tag_ != "NN" or not span.root.like_num:
        return False
    return abs(span._.newsfacts_quantity.value) > 1


def _counts_another_noun(span: Span, nouns: set[str]) -> bool:
    """A count right before a noun that is no head-count word counts that noun ("225
    branches", "cut 40 stores"), not people."""
    doc = span.doc
    noun = doc[span.end] if span.end < len(doc) else None
    if noun is None or noun.pos_ != "NOUN":
        return False
    for _ in range(3):  # "1,000 factory workers" counts workers
        if noun.dep_ != "compound" or noun.head.pos_ != "NOUN":
            break
        noun = noun.head
    return noun.lower_ not in nouns and noun.lemma_.casefold() not in nouns


def cut_governs(seg: Span, span: Span) -> bool:
    """A cut verb acts on this count: the nearest one before it with no other figure or
    head-count verb in between ("cut about 9% of its 5,300-strong workforce" cuts the 9%;
    "which employs 74,400 people, said it would cut" cuts nothing here), or one just after
    it ("2,000 jobs will be cut")."""
    doc = seg.doc
    cuts = [c for c in doc.spans[metrics.CUTS_KEY] if seg.start <= c.start < seg.end]
    before = [c for c in cuts if c.end <= span.start]
    if before:
        cut = max(before, key=lambda c: c.end)
        between = range(cut.end, span.start)
        heads = [
            c for c in doc.spans[metrics.SPANS_KEY]
            if c.start in between and c._.newsfacts_metric.metric == "headcount"
        ]
        if not heads and not any(tokens.value_at(doc, i) for i in between):
            return True
    after = [c for c in cuts if c.start >= span.end and c.start - span.end <= 5]
    passive = {"NOUN", "AUX", "PART", "ADV", "ADJ", "SPACE"}
    return bool(after) and all(t.pos_ in passive for t in doc[span.end : after[0].start])


def carry_items(facts: list[Fact]) -> list[Fact]:
    """ "sold 39 million smartphones, up from 33 million": the same item."""
    for index, fact in enumerate(facts):
        if fact.metric == "units_sold" and fact.item is None and index:
            earlier = facts[index - 1]
            if earlier.metric == "units_sold" and earlier.entity == fact.entity:
                facts[index] = replace(fact, item=earlier.item)
    return facts


def _period_starts_at(doc: Doc, i: int) -> bool:
    return bool(span_index.starting_in(doc, periods.SPANS_KEY, i, i + 1))
