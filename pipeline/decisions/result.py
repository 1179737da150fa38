"""Is it a result at all? The first decision a value goes through.

Most numbers in a news story are not a company's results: ages, share-price moves, the
margin by which a figure beat the consensus, thresholds ("up to Rs. 2 crore"), levels a
rate may not cross, the bounds of a range, components an earnings line includes, figures of
people, public bodies or whole sectors. `rejection` names the reason a value is no result,
so a lost fact can be traced to it; the reasons are checked in a fixed order and the first
that holds wins.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from ..components import metrics, span_index, values
from ..facts import Fact
from . import metric, owner, segments, tokens, vocabulary

if TYPE_CHECKING:
    from .context import Candidate, Context, Resolved

_RANGE_OPENER = re.compile(
    r"\brang(?:e|es|ed|ing)\s+(?:from|between)\b|\b(?:a|the)\s+range\s+of\b|\bbetween\b",
    re.IGNORECASE,
)


def rejection(doc: Doc, seg: Span, span: Span, cues: list[Span]) -> str | None:
    """Why the value at `span` is no company's result, or None when it may be one."""
    vocab = vocabulary.load()
    q = span._.newsfacts_quantity
    if margin_over_figure(doc, span):
        return "margin"  # "topping the consensus estimate of $0.06 by $0.05": a difference
    if q.kind == "percent" and market_move(doc, seg, span, cues):
        return "market move"  # "sending its shares up 6%", "shares have fallen 51%"
    if q.kind == "count" and after_a_name(doc, span):
        return "age"  # "chief executive Mark Ellery, 58, told analysts"
    if q.kind == "count" and not q.currency_explicit and before_to_money(doc, span):
        return "change of unstated unit"  # "revenues increased 16 to 693 mln dlrs"
    subject = owner.clause_subject(span)
    if (
        subject is not None
        and subject.lower_ in vocab.not_company_subjects
        and not any(c.start <= subject.i < c.end for c in cues)  # "market share rose"
    ):
        return "market or person subject"  # "the stock drifted 15% lower", "when he was 23"
    governing = owner.governing_subject(span)
    if governing is not None and tokens.noun_phrase(governing) in vocab.not_metrics:
        return "not-metric subject"  # "the price target would be $200 a share"
    if nobodys_company(governing):
        return "nobody's company"  # "a man who lost EUR 60,000", "producers will generate"
    if q.kind == "percent" and antecedent_in(governing, vocab.market_nouns):
        return "market move"  # "leaders' shares, which have now fallen 51%"
    if q.kind == "money" and vocab.thresholds.search(
        " ".join(doc[max(seg.start, span.start - 3) : span.start].text.split())
    ):
        return "threshold"  # "aggregate turnover up to Rs. 2 crore"
    if q.kind == "percent" and crossed_level(doc, seg, span):
        return "level crossed"  # "won't be allowed to fall below 25%": a level, not a change
    tail = doc[span.end : min(span.end + 4, seg.end)]
    if (
        q.kind == "money"
        and any(t.lower_ == "price" for t in tail)
        and tokens.phrase(tail).startswith(("/", "a share", "per"))
    ):
        return "price"  # "the original $16.76/share purchase price"
    if in_component_clause(doc, seg, span, cues):
        return "component"  # "Net includes FIFO inventory gain 217 mln dlrs vs loss 80 mln"
    if part_of_total(doc, seg, span):
        return "part of a total"  # "22,000 jobs are affected, including 9,000 in the UK"
    noun = metric.of_owner(doc, span)
    if noun is not None and doc[noun].lower_ in vocab.price_nouns:
        return "price"  # "an estimated price of 26 to 29 dlrs per share"
    if q.per_share and _after_price_noun(doc, seg, span, cues):
        return "price"  # "bought 498,800 shares at prices ranging from 18.92 dlrs a share"
    return None


def _after_price_noun(doc: Doc, seg: Span, span: Span, cues: list[Span]) -> bool:
    """A price noun shortly before a per-share figure, with no metric word between."""
    vocab = vocabulary.load()
    window = range(max(seg.start, span.start - 6), span.start)
    prices = [i for i in window if doc[i].lower_ in vocab.price_nouns]
    if not prices:
        return False
    return not any(prices[-1] < c.start < span.start for c in cues)


def public_cue(doc: Doc, cue: Span) -> bool:
    """A cue a public modifier qualifies: "federal revenues", "government revenue"."""
    vocab = vocabulary.load()
    return any(
        t.dep_ in ("amod", "compound")
        and t.lower_ in vocab.public_modifiers
        and not cue.start <= t.i < cue.end  # "pre-tax profit" is one cue
        for c in cue
        for t in c.children
    ) or (cue.start > 0 and doc[cue.start - 1].lower_ in vocab.public_modifiers)


def hypothetical(seg: Span) -> bool:
    """A segment that states what would have been, or an impact ("would have risen",
    "impact on"): its figures are no period's results."""
    return bool(vocabulary.load().hypothetical.search(" ".join(span_index.span_text(seg).split())))


def sums_over_years(seg: Span) -> bool:
    """ "has paid $9.04 a share in dividends over the past 20 years": sums over several
    years, no period's figures."""
    return bool(vocabulary.load().multi_year.search(" ".join(span_index.span_text(seg).split())))


def range_members(doc: Doc, seg: Span, value_spans: list[Span]) -> set[int]:
    """Start tokens of values that bound a range: "estimates ranging from a 2.8% decrease to
    a 0.9% increase", "a range of $5 million to $6 million" (FACTS.md: a range is not scored,
    and neither end is the figure)."""
    members: set[int] = set()
    for m in _RANGE_OPENER.finditer(span_index.span_text(seg)):
        opener = doc.char_span(seg.start_char + m.start(), seg.start_char + m.end(),
                               alignment_mode="expand")
        if opener is None:
            continue
        after = [v for v in value_spans if opener.end <= v.start <= opener.end + 3]
        if not after:
            continue
        first = after[0]
        linked = [v for v in value_spans if first.end < v.start <= first.end + 5]
        if linked and any(t.lower_ in ("to", "and") for t in doc[first.end : linked[0].start]):
            members.update((first.start, linked[0].start))
    return members


def without_headline_repeats(text: str, facts: list[Fact]) -> list[Fact]:
    """A headline restates the article's figures, loosely ("PROFIT 11.7 PCT" for a pretax
    rise): keep a headline fact only when the body does not state the same amount, so the
    body's fuller reading wins. A scraped page's headline ends at its first line break or,
    run together with the body, at its first wide gap ("... Dividend of $0.07  Acme ...")."""
    end = segments.headline_end(text)
    if end < 0 or not text[end:].strip():
        return facts
    body = [f for f in facts if f.char_start > end]

    def restated(fact: Fact) -> bool:
        if any(f.unit == fact.unit and round(abs(f.value) - abs(fact.value), 6) == 0 for f in body):
            return True
        # "profit falls by a third" over "net profit fell 32.4 per cent": rounded
        return any(
            f.unit == fact.unit
            and f.metric == fact.metric
            and abs(abs(f.value) - abs(fact.value)) <= 0.05 * abs(f.value)
            for f in body
        )

    return [f for f in facts if f.char_start > end or not restated(f)]


def follows_public_figure(seg: Span, cand: Candidate, ctx: Context) -> bool:
    """A figure of the metric a public body's figure before it in the segment had is the
    public body's too: "government revenue would be 6.7 billion, down 30 pct on 9.7
    billion"."""
    return any(
        seg.start <= start < cand.span.start and metric == cand.metric
        for start, metric in ctx.public_figures.items()
    )


def without_unframed_losses(resolved: list[Resolved]) -> list[Resolved]:
    """A bare loss that no period frames and no cue names is an event's, no period's
    result: "the loss of a bill for three mln dlrs", "the region lost 700 mln dlrs"."""
    return [
        r for r in resolved
        if r.period is not None
        or r.cand.value >= 0
        or "metric by default" not in r.cand.notes
    ]


_SURPRISE_VERBS = frozenset({"beats", "beat", "misses", "missed", "miss", "tops", "topped",
                             "exceeds", "exceeded", "trails", "trailed", "lags", "lagged"})


def margin_over_figure(doc: Doc, span: Span) -> bool:
    """ "beat the estimate of $1.05 by $0.15", "missed it by ($0.42)", "50 cents a share,
    7 cents a share above estimates": the gap between two figures, not a result."""
    i = span.start - 1
    while i >= 0 and doc[i].text in ("(", "-"):
        i -= 1
    if i >= 1 and doc[i].lower_ == "by":
        j = i - 1
        while j >= 0 and doc[j].text in (")", "per", "a", "share"):
            j -= 1
        # "Q3 EPS of $0.12 misses by $0.03", "Revenue of $688.4M beats by $12.1M"
        return j >= 0 and (tokens.value_at(doc, j) or doc[j].lower_ in _SURPRISE_VERBS)
    after = [t.lower_ for t in doc[span.end : span.end + 4]]
    while after and after[0] in ("per", "a", "share", ")"):
        after = after[1:]
    return len(after) >= 2 and after[0] in ("above", "below", "ahead") and after[1] in (
        "estimates", "expectations", "consensus", "forecasts", "the", "analysts", "of"
    )


def market_move(doc: Doc, seg: Span, span: Span, cues: list[Span]) -> bool:
    """A percent a few words after "shares" or "stock", with no metric cue between, is
    the market's move, whatever the clause's subject."""
    vocab = vocabulary.load()
    floor = max(seg.start, span.start - 5)
    nouns = [i for i in range(floor, span.start) if doc[i].lower_ in vocab.market_nouns]
    if not nouns:
        return False  # the common case: no value scan at all
    between = range(nouns[-1], span.start)  # the noun itself may be inside a cue
    return not any(
        doc[i].is_punct or any(c.start <= i < c.end for c in cues) or tokens.value_at(doc, i)
        for i in between
    )


def after_a_name(doc: Doc, span: Span) -> bool:
    """A bare number set off by commas right after a person's name."""
    comma = tokens.index_before(doc, span.start)
    name = tokens.index_before(doc, comma)
    return (
        name >= 0
        and doc[comma].text == ","
        and doc[name].ent_type_ == "PERSON"
        and span.end < len(doc)
        and doc[span.end].text == ","
    )


def before_to_money(doc: Doc, span: Span) -> bool:
    """"revenues increased 16 to 693 mln dlrs": a bare number right before "to" and money."""
    following = [t for t in doc[span.end : span.end + 3] if not t.is_space]
    if not following or following[0].lower_ != "to" or len(following) < 2:
        return False
    return any(
        v._.newsfacts_quantity.kind == "money"
        for v in span_index.starting_in(doc, values.SPANS_KEY, following[1].i, following[1].i + 1)
    )


def antecedent_in(subject: Token | None, nouns: set[str]) -> bool:
    """The value's clause is a relative clause on one of `nouns` ("shares, which have now
    fallen 51%")."""
    antecedent = owner.antecedent(subject, {"which", "that"}) if subject is not None else None
    return antecedent is not None and antecedent.lower_ in nouns


def nobodys_company(subject: Token | None) -> bool:
    """The clause is about a person, a public body or a whole sector: its subject (the
    antecedent of "who"/"which") is such a noun, a plural company noun ("producers"),
    or a noun compounded with one ("producer sales")."""
    vocab = vocabulary.load()
    if subject is None:
        return False
    subject = owner.antecedent(subject, {"who", "which", "that"}) or subject
    if subject.ent_type_ in ("ORG", "PRODUCT") or subject.pos_ == "PROPN":
        return False
    if subject.lower_ in vocab.third_parties_subjects:
        return True
    if subject.lower_ in vocab.third_parties:
        return False  # "brokers expect revenue of £26 million": a forecast of the company's
    if subject.tag_ == "NNS" and subject.lemma_.casefold() in vocab.company_nouns:
        return not any(c.dep_ == "poss" for c in subject.children)  # not "its retailers"
    return any(
        c.dep_ == "compound"
        and c.lemma_.casefold() in vocab.sector_nouns
        and c.ent_type_ != "ORG"
        for c in subject.children
    ) and not any(c.dep_ == "poss" for c in subject.children)


def crossed_level(doc: Doc, seg: Span, span: Span) -> bool:
    """"fall below 25%", "rise above 10%": the preposition before the figure follows a
    verb of change."""
    vocab = vocabulary.load()
    i = span.start - 1
    if i <= seg.start or doc[i].lower_ not in vocab.level_prepositions:
        return False
    return bool(span_index.covering(doc, metrics.CHANGES_KEY, i - 1))


_APPROXIMATORS = frozenset({"about", "around", "some", "approximately", "nearly", "almost",
                            "roughly", "over", "more", "than", "up", "to"})


def part_of_total(doc: Doc, seg: Span, span: Span) -> bool:
    """A figure the segment introduces as part of a figure of its kind before it ("22,000
    jobs worldwide, including 9,000 in the UK", "a fleet of 34 aircraft, which consists of
    27 A321s"): a share of the total, no result of its own."""
    i = tokens.index_before(doc, span.start, seg.start)
    while i >= seg.start and doc[i].lower_ in _APPROXIMATORS:
        i = tokens.index_before(doc, i, seg.start)
    if i < seg.start:
        return False
    word, before = doc[i].lower_, tokens.previous_word(doc, i, seg.start)
    if not (
        word in ("including", "comprising")
        or (word == "of" and before in ("consists", "consisting", "comprised"))
    ):
        return False
    kind = span._.newsfacts_quantity.kind
    return any(
        other._.newsfacts_quantity.kind == kind
        for other in span_index.starting_in(doc, values.SPANS_KEY, seg.start, i)
    )


def in_component_clause(doc: Doc, seg: Span, span: Span, cues: list[Span]) -> bool:
    """A value after "<metric> includes/excludes" in its segment is a component, and so
    is one after an "includes" with a metric or no subject at all ("Net in nine mths
    1986 includes income of ...", a wire note "NOTE: Includes loss of ...")."""
    vocab = vocabulary.load()
    for token in doc[seg.start : span.start]:
        if token.lower_ not in vocab.component_words:
            continue
        j = tokens.index_before(doc, token.i)
        if any(c.start <= j < c.end for c in cues):
            return True
        finite = token.lower_ in ("include", "includes", "included")
        if token.dep_ == "relcl" or not (finite or token.pos_ in ("VERB", "AUX")):
            continue
        if tokens.previous_word(doc, token.i, seg.start) in {"which", "that", "who"}:
            continue
        subjects = [
            c
            for c in token.children
            if c.dep_ in ("nsubj", "nsubjpass")
            and c.pos_ != "NUM"
            and c.i >= seg.start
            and c.lower_ not in ("note", "notes")  # a wire note's label, no subject
        ]
        if finite and not subjects:
            return True  # "NOTE: Includes loss of 89.6 mln dlrs"
        if any(
            c.start <= s.i < c.end or s.lower_ in ("net", "earnings", "results")
            for s in subjects
            for c in cues
        ):
            return True  # "net in nine mths 1986 includes income of ..."
    return False
