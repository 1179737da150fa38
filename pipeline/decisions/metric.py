"""Which metric a value is: the cue that governs it, and the metric that cue finally gives.

A cue on the right that links directly to the value wins ("a 12% drop in operating
income"), else the nearest whole cue on the left in the value's own clause, else one
shortly after. The final metric then follows the value's kind: a small money total is
per-share, cents of profit are EPS, a count is what `counts` says it counts, a percent
without a change is only a level metric (margin, market share). Neighbouring figures share a
metric: the ends of a per-share range, a comparative after its figure, figures before
"respectively".
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from ..components import metrics, organizations, periods, span_index
from ..organizations import OrgMention
from ..quantities import Quantity
from . import change, counts, owner, segments, tokens, vocabulary

if TYPE_CHECKING:
    from .context import Candidate, Context, Resolved

PROFIT_METRICS = ("operating_income", "net_income", "pretax_income", "ebitda", "gross_profit")

MONEY_ONLY = {
    "revenue",
    "gross_profit",
    "operating_income",
    "ebitda",
    "pretax_income",
    "net_income",
    "eps",
    "dividend_per_share",
    "order_intake",
    "order_backlog",
    "cash",
    "capex",
}


PERCENT_LEVEL = {"operating_margin", "market_share", "job_cuts"}

PER_SHARE = {"eps", "dividend_per_share"}


_ANAPHORS = {"it", "that", "this"}

_TOTALS = {
    "revenue", "net_income", "operating_income", "pretax_income", "ebitda", "gross_profit",
}


_PERIOD_NOUNS = {"quarter", "qtr", "year", "half", "months", "mths", "period"}


def cue_for(doc: Doc, seg: Span, span: Span, cues: list[Span], q: Quantity) -> Span | None:
    """The metric cue that governs the value: a linked cue on its right, else the nearest
    whole cue on its left in its own clause, else (not for money) one shortly after it."""
    vocab = vocabulary.load()
    usable = [c for c in cues if _cue_fits(c, q) and _cue_is_whole(doc, c)]
    if not usable or _glosses_a_noun(doc, span, cues) or _modifies_a_noun(doc, span, cues):
        return None
    right = [
        c
        for c in usable
        if c.start >= span.end
        and _links_to(doc, span.end, c.start)
        and not (c.end < len(doc) and doc[c.end].text == ":")  # "(EPS: 11.91)" labels 11.91
    ]
    if right:
        return min(right, key=lambda c: c.start)
    owner = of_owner(doc, span)
    floor = _own_subject_start(doc, span, usable)
    left = [
        c
        for c in usable
        if floor <= c.start
        and tokens.phrase(c) not in vocab.per_share  # "a share" names the value before it
        and c.end <= span.start
        and not _component_between(doc, c.end, span.start)
        and (owner is None or c.start <= owner < c.end)
    ]
    if left:
        levels = [c for c in left if c._.newsfacts_metric.metric in PERCENT_LEVEL]
        if q.kind == "percent" and levels and change.direction_near(doc, seg, span) is None:
            # "market share of car sales rose to 17.2 pct": a percent level is a share
            # or a margin, not the sales named inside it
            return max(levels, key=lambda c: c.end)
        return max(left, key=lambda c: c.end)
    following = [
        c
        for c in usable
        if c.start >= span.end
        and c.start - span.end <= 8
        and not any(
            t.lower_ in vocab.clause_openers or t.text == "," for t in doc[span.end : c.start]
        )
    ]  # not "shares gained 4% after announcing results", "5.3 per cent, with most jobs"
    if following and q.kind != "money":
        return min(following, key=lambda c: c.start)
    return None


def cue_reading(
    doc: Doc, seg: Span, span: Span, cue: Span, cues: list[Span]
) -> tuple[str | None, bool] | None:
    """The metric `cue` gives the value and whether it reads as a loss, or None when the
    cue shows a price, not a result. "75 cts a share" says per share, not of what: the cue
    before it does."""
    vocab = vocabulary.load()
    metric = cue._.newsfacts_metric.metric
    negative = cue._.newsfacts_metric.negative
    if tokens.phrase(cue) in vocab.per_share:
        left = [
            c
            for c in cues
            if c.end <= span.start
            and c is not cue
            and tokens.phrase(c) not in vocab.per_share
            # "selling 500,000 shares at 10.50 dlrs per share": a sale of shares is no
            # result a share figure divides
            and c._.newsfacts_metric.metric not in vocab.count_metrics
        ]
        after = [c for c in cues if c.start >= cue.end and c.start - cue.end <= 1]
        forecast = any(
            c._.newsfacts_status == "forecast"
            for c in span_index.starting_in(doc, metrics.STATUS_KEY, seg.start, span.start)
        )
        if not left and not after and not forecast:
            return None  # "priced at $15 per share": a price, not a result
        if not left and tokens.previous_word(doc, span.start, seg.start) in ("at", "for"):
            return None  # "convertible at 1.35 dlrs a share", "buy it for 26 dlrs a share"
        if any(t.lower_ in vocab.offer_words for t in doc[cue.end : cue.end + 3]):
            return None  # "the 27 dlrs per share offered by Acme", "a share tender offer"
        # but "analysts had expected 98 cents a share" is earnings per share
        verb = organizations.governing_verb(span)
        if (left and left[-1]._.newsfacts_metric.metric == "dividend_per_share") or (
            verb is not None and verb.lemma_.casefold() in vocab.dividend_verbs
        ):
            metric = "dividend_per_share"  # "will now pay 90 cents per share"
        negative = (
            negative
            or bool(left and left[-1]._.newsfacts_metric.negative)
            or bool(after and after[0]._.newsfacts_metric.negative)
        )
    elif cue.start >= span.end:
        left = [c for c in cues if c.end <= span.start and span.start - c.end <= 3]
        negative = negative or bool(left and left[-1]._.newsfacts_metric.negative)
    return metric, negative


def anaphoric(doc: Doc, seg: Span, span: Span, cand: Candidate, ctx: Context) -> Candidate | None:
    """A figure whose subject is a pronoun for the previous sentence's figure: "its $6.7
    billion operating income ... But it's down about 36% from $10.6 billion in 2016"."""
    subject = owner.clause_subject(span)
    if (
        ctx.last_metric is not None
        and subject is not None
        and subject.lower_ in vocabulary.load().third_parties
        and cand.quantity.kind == "money"
    ):  # "EBIT climbed to 218 million euros. Analysts had expected 204 million euros."
        cand.metric = ctx.last_metric
        cand.notes.append("the previous sentence's metric, as others foresaw it")
        return cand
    if ctx.last_metric is None or subject is None or subject.lower_ not in _ANAPHORS:
        return None
    direction = change.direction_near(doc, seg, span)
    if cand.quantity.kind == "percent":
        if direction is None:
            return None
        cand.change = True
        cand.value = abs(cand.value) * direction
    elif cand.quantity.kind != "money" or not cand.comparative:
        return None  # "it has written off 657 mln guilders": the company, not the figure
    cand.metric = ctx.last_metric
    cand.notes.append("metric of the previous sentence")
    return cand


def paired(doc: Doc, spans: list[Span], read: list[Candidate | None]) -> list[Candidate]:
    """Neighbouring figures that belong together: the ends of a per-share range share its
    metric ("$4.40 to $4.50 a share"), and a per-share restatement follows its figure: a
    comparative's is comparative ("compared with $18.0 billion, or $3.06 a share"), a
    dropped component's is dropped ("a loss it excludes of 319,055 dlrs, or 16 cts a share")."""
    read = list(read)
    for index in range(1, len(read)):
        figure, restated = read[index - 1], read[index]
        if (
            figure is not None
            and restated is not None
            and restated.metric in PER_SHARE
            and figure.metric != restated.metric
            and _range_partners(doc, figure, restated)
        ):
            figure.metric = restated.metric
        if restated is None or not _restates(doc, spans[index - 1], restated.span):
            continue
        if figure is None:
            read[index] = None
        else:
            restated.comparative = figure.comparative
    return [c for c in read if c is not None]


def respectively(
    doc: Doc, seg: Span, candidates: list[Candidate], cues: list[Span]
) -> list[Candidate]:
    """"sales and net profit were 67 mln and four mln dlrs respectively": the figures before
    "respectively" take the coordinated cues before them in order."""
    marks = [t.i for t in seg if t.lower_ == "respectively"]
    if not marks or len(candidates) < 2:
        return candidates
    for mark in marks:
        run = [c for c in candidates if c.span.end <= mark and not c.comparative]
        run = [c for c in run if doc[c.span.start].sent.start == doc[mark].sent.start]
        if len(run) < 2:
            continue
        first = run[0].span.start
        named = [
            c for c in cues
            if c.end <= first and c.start >= doc[mark].sent.start  # "profit" too: net income
        ][-len(run):]
        if len(named) != len(run) or len({c._.newsfacts_metric.metric for c in named}) < 2:
            continue
        if any(
            {t.lower_ for t in doc[a.end : b.start] if not t.is_space} - {"and", ","}
            for a, b in pairwise(named)
        ):
            continue  # not coordinated: "net reflects dividend requirements of ..."
        for cand, cue in zip(run, named, strict=True):
            cand.cue, cand.metric = cue, cue._.newsfacts_metric.metric
            if cue._.newsfacts_metric.negative and not cand.change:
                cand.value = -abs(cand.value)
    return candidates


def inherit_metric(cand: Candidate, resolved: list[Resolved], ctx: Context) -> None:
    """A comparative with no cue of its own is the figure it compares with ("hitting $246
    million ..., up from $48 million"), not a per-share figure restating it ("$6.5 billion,
    or 83 cents a share"), and of that figure's size; a dividend announcement's "Shr" line
    is the dividend per share."""
    if cand.comparative and cand.metric is None and resolved:
        whole = [
            r for r in resolved
            if r.cand.unit == cand.unit
            and (r.cand.metric or "").removesuffix("_change") not in PER_SHARE
        ]
        pool = whole or resolved
        # "net income of 448.8 mln in 1985 on sales of 10.99 billion against 422.3 mln
        # in 1984": a prior figure is of the size of its own period's figure
        near = [r for r in pool if _of_a_size(r.cand.value, cand.value)]
        cand.metric = (near or pool)[-1].cand.metric
        cand.change = cand.change and cand.metric is not None
        if cand.metric is not None:
            cand.metric = cand.metric.removesuffix("_change")
    if cand.comparative and cand.cue is not None and cand.metric is not None:
        # "net income of 448.8 mln in 1985 on net sales of 10.99 billion against
        # 422.3 mln in 1984": a prior figure of another size than the current one
        # its cue already governs compares with the current figure of its size
        sharing = [r for r in resolved if r.cand.cue is cand.cue or (
            r.cand.cue is not None and r.cand.cue.start == cand.cue.start)]
        if sharing and not _of_a_size(sharing[-1].cand.value, cand.value):
            sized = [
                r for r in resolved
                if not r.cand.comparative and r.cand.unit == cand.unit
                and _of_a_size(r.cand.value, cand.value)
            ]
            if sized and sized[-1].cand.metric is not None:
                cand.metric = sized[-1].cand.metric.removesuffix("_change")
                cand.cue = sized[-1].cand.cue
    if ctx.dividend_story and cand.metric == "eps" and (
        cand.cue is None or tokens.phrase(cand.cue) in vocabulary.load().share_labels
    ):
        # "QTLY DIVIDEND / Shr 32 cts vs 32 cts prior", but "the bank reported $0.66
        # EPS" in a dividend story is its earnings
        cand.metric = "dividend_per_share"


def final_metric(cand: Candidate, org: OrgMention, seg: Span) -> str | None:
    """The metric the value is a fact of, or None when none fits its kind: a cue-less
    figure is a profit (a unit's operating income), counts and percents keep only the
    metrics they can be, small money totals are per share, a change gets `_change`."""
    vocab = vocabulary.load()
    metric = cand.metric
    q = cand.quantity
    if metric is None and cand.comparative:
        earlier = [
            c._.newsfacts_metric.metric
            for c in span_index.within(seg.doc, metrics.SPANS_KEY, seg.start, cand.span.start)
            if c._.newsfacts_metric.metric
        ]
        metric = earlier[0] if earlier else None
    if metric is None:
        cue_start = cand.cue.start if cand.cue is not None else cand.span.start
        explicit = [
            c._.newsfacts_metric.metric
            for c in span_index.starting_in(seg.doc, metrics.SPANS_KEY, seg.start, cue_start)
            if c._.newsfacts_metric.metric in PROFIT_METRICS
        ]
        if explicit:
            metric = explicit[0]
        else:
            metric = "operating_income" if org.kind == "unit" else "net_income"
            cand.notes.append("metric by default")
    if q.kind == "count" and cand.unit == "count":
        counted_metric = counts.count_metric(cand, metric, seg)
        if counted_metric is None:
            return None
        metric = counted_metric
    if q.kind == "percent" and not cand.change:
        if metric == "headcount" and counts.cut_governs(seg, cand.span):
            metric = "job_cuts"
        if metric not in PERCENT_LEVEL:
            return None
    if cand.unit not in ("count", "percent") and metric in vocab.count_metrics:
        return None  # "sold $40bn of assets": a deal, not units
    if metric == "units_sold" and counts.no_units(cand, seg):
        return None
    if (
        metric in _TOTALS
        and q.kind == "money"
        and q.scale == 1
        and abs(cand.value) < 100_000
        and _priced_at(seg.doc, cand.span.start, seg.start)
        and not segments.TABLE_ROW.search(span_index.span_text(seg))
    ):
        return None  # "sales were light, with June/July going at 1,850 dlrs": a price
    if (
        metric in _TOTALS
        and not cand.change
        and q.kind == "money"
        and q.scale == 1
        and abs(cand.value) < 1000
    ):
        following = " ".join(t.lower_ for t in seg.doc[cand.span.end : cand.span.end + 6])
        own_cue = cand.cue is not None and cand.cue.end <= cand.span.start
        # the text before the value's own cue: "expected earnings of $0.39 per share when it
        # actually produced earnings of $0.40"; not "earned 1.19 dlrs per share for the year,
        # and 2.58 dlrs in the fourth quarter", whose second figure has no cue of its own
        before_cue = seg.doc[seg.start : cand.cue.start] if own_cue and cand.cue else seg[:0]
        preceding = " ".join(t.lower_ for t in before_cue)
        eps_before = any(  # a named EPS, not a bare "per share"
            c._.newsfacts_metric.metric == "eps" and tokens.phrase(c) not in vocab.per_share
            for c in span_index.starting_in(seg.doc, metrics.SPANS_KEY, seg.start, cand.span.start)
        )
        if not any(p in following for p in vocab.per_share) and not (
            eps_before  # "EPS estimate is $0.47 on $221 million ... and $1.78 on $852 million"
            or (metric in PROFIT_METRICS and any(p in preceding for p in vocab.per_share))
        ):
            return None  # "2.58 dlrs in the fourth quarter": no company's total is that small
        # "earnings of $4.40 to $4.50 a share"; "expected earnings of $0.39 per share when it
        # actually produced earnings of $0.40": the sentence's earnings are per share
        metric = "eps"
    if metric in PROFIT_METRICS and q.kind == "money" and q.scale == 0.01:
        if not any(t.lower_ in vocab.share_words for t in seg):
            return None  # "futures posted gains of 0.25 cent": no company earns cents
        metric = "eps"  # "an estimate of 67 cents a share", "or 52 cents a year earlier"
    if metric in PER_SHARE and not cand.change and (  # "shr 33.98 yen vs 39.10" is money
        cand.unit in ("count", "percent") or abs(cand.value) >= 1000
    ):
        return None
    if metric == "headcount" and cand.value > 5_000_000:
        return None
    if cand.change:
        metric = f"{metric}_change"
    return metric


def _cue_fits(cue: Span, q: Quantity) -> bool:
    metric = cue._.newsfacts_metric.metric
    if q.kind == "money":
        return metric is None or metric in MONEY_ONLY or metric == "units_sold"
    if q.kind == "percent":
        return True
    return True


def _cue_is_whole(doc: Doc, cue: Span) -> bool:
    """Not a part of the figure ("domestic sales", "share of profits", "sales to related
    parties"), and a bare "net"
    only as a wire label right before its value ("Net 17.3 mln", not "net equity")."""
    vocab = vocabulary.load()
    before = tuple(t.lower_ for t in doc[max(cue.start - 2, 0) : cue.start] if not t.is_space)
    for phrase in vocab.partitive:
        if before[-len(phrase) :] == phrase:
            return False
    if before and before[-1] in vocab.component_words:
        return False  # "earnings exclude loss from discontinued operations of ..."
    if vocab.parties.match(doc[cue.end : cue.end + 8].text):
        return False  # "sales to non-related parties": a part of the revenue
    place = doc[cue.end : cue.end + 4]
    counted = cue._.newsfacts_metric.metric in vocab.count_metrics  # "6,350 employees in Norway"
    if not counted and place and place[0].lower_ in {"in", "from"} and any(
        t.ent_type_ in ("GPE", "LOC") for t in place[1:]
    ):
        return False  # "revenue from Greater China": one region's part
    if len(place) > 1 and place[0].lower_ == "from" and place[1].lower_ in {"its", "their"}:
        source = next((t for t in place[2:] if t.pos_ == "NOUN" and t.dep_ != "compound"), None)
        if source is not None and source.tag_ == "NN":
            return False  # "sales from its digital platform": one source's part
            # (but "sales from its 2,802 locations" are all its sales)
    if cue.text.casefold() == "net":
        following = [t for t in doc[cue.end : cue.end + 4] if not t.is_space]
        if not following:
            return False
        if before and (before[-1] in _PERIOD_NOUNS or before[-1].isdigit()):
            # "third quarter net rose to 40 mln dlrs", "its 1986 net fell"
            return following[0].pos_ in ("VERB", "AUX")
        return (
            following[0].like_num or tokens.value_at(doc, following[0].i, conversions=True)
            or following[0].is_upper
        )
    return True


def _glosses_a_noun(doc: Doc, span: Span, cues: list[Span]) -> bool:
    """A value in parentheses right after a noun that is no metric is that noun's amount
    ("restructuring charges (CA$612,000)"), not the figure of a cue further left."""
    i = span.start - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 1 or doc[i].text != "(":
        return False
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    noun = doc[j]
    if noun.pos_ not in ("NOUN", "PROPN") or noun.ent_type_:
        return False
    return not any(c.start <= noun.i < c.end for c in cues)


_SURPRISE_WORDS = frozenset({"beats", "misses", "tops", "trails", "lags", "exceeds"})


def _modifies_a_noun(doc: Doc, span: Span, cues: list[Span]) -> bool:
    """An amount that modifies a noun that is no metric is that noun's amount: "a 55 mln dlr
    charge", "a $40bn buyback"; not "a 12% drop" (a change) or "9.9 million handsets"."""
    if span._.newsfacts_quantity.kind not in ("money", "percent"):
        return False
    root = span.root
    head = root.head
    if root.dep_ not in ("nummod", "compound", "amod") or not 0 <= head.i - span.end <= 2:
        return False
    if head.pos_ != "NOUN" or head.ent_type_ or "\n" in doc[span.end - 1 : head.i].text:
        return False
    if span._.newsfacts_quantity.per_share and head.lower_ in ("share", "shr"):
        return False  # "a dividend rate of 2.12/share": the denominator, not a noun
    if tokens.value_at(doc, head.i, conversions=True):
        return False
    if head.lower_ in _SURPRISE_WORDS:
        return False  # "EPS of $0.12 misses by $0.03": a verb the tagger took for a noun
    covered = [*cues, *span_index.covering(doc, metrics.CHANGES_KEY, head.i),
               *span_index.covering(doc, periods.SPANS_KEY, head.i)]
    if head.i in tokens.basis_tokens(doc, span.end, min(head.i + 8, len(doc))):
        return False  # "by 18 percent year-on-year"
    return not any(c.start <= head.i < c.end for c in covered)


def _links_to(doc: Doc, start: int, end: int) -> bool:
    """Only linking words, conversions, a comparison basis ("118% Year-Over-Year
    Revenue Growth") or a change noun ("a 12% drop in operating income") between a value
    and a cue on its right."""
    vocab = vocabulary.load()
    if end - start > 8:
        return False
    basis = tokens.basis_tokens(doc, start, end)
    changes = {
        i for c in span_index.starting_in(doc, metrics.CHANGES_KEY, start, end)
        for i in range(c.start, c.end)
    }
    for i in range(start, end):
        token = doc[i]
        if (
            token.lower_ in vocab.right_links
            or i in basis
            or (i in changes and token.pos_ == "NOUN")  # "a 12% drop in operating income"
            or tokens.value_at(doc, i, conversions=True)
        ):
            continue
        if (token.pos_ == "ADJ" or token.dep_ == "amod") and i == end - 1:
            continue  # "a $0.72 annualized dividend"
        return False
    return True


def _own_subject_start(doc: Doc, span: Span, cues: list[Span]) -> int:
    """Where a value's own clause begins when that clause names another subject than a
    metric, an organization or a stand-in ("retail revenue rose 11.4%, and the average
    order size is down 0.8%"): a cue before it belongs to another figure."""
    vocab = vocabulary.load()
    subject = owner.clause_subject(span)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return 0
    if subject.lower_ in vocab.stand_ins or subject.ent_type_:
        return 0
    if any(c.start <= subject.i < c.end for c in cues):
        return 0
    if span_index.covering(doc, organizations.SPANS_KEY, subject.i):
        return 0
    if span_index.starting_in(doc, metrics.STATUS_KEY, subject.head.i, subject.head.i + 1):
        return 0  # "short of the $34.0 billion analysts had expected": the same metric
    return subject.left_edge.i


def of_owner(doc: Doc, span: Span) -> int | None:
    """The noun that owns a value through "of" ("a capital injection of at least
    £30m"), unless it is a status noun ("last year's goal of 40 million")."""
    vocab = vocabulary.load()
    i = span.start - 1
    while i >= 0 and (doc[i].is_space or doc[i].lower_ in vocab.approximators):
        i -= 1
    if i < 1 or doc[i].lower_ != "of":
        return None
    head = doc[i - 1]
    if head.pos_ not in ("NOUN", "PROPN") or head.lower_ in vocab.status_nouns:
        return None
    if span_index.covering(doc, periods.SPANS_KEY, head.i):
        return None  # "earnings in the second quarter of last year of 36.3 mln dlrs"
    return head.i


def _component_between(doc: Doc, start: int, end: int) -> bool:
    """A component verb between a cue and its value, outside a relative clause
    ("revenue in the segment, which includes Windows, slipped 2 percent")."""
    vocab = vocabulary.load()
    return any(
        t.lower_ in vocab.component_words
        and tokens.previous_word(doc, t.i, start) not in {"which", "that", "who"}
        for t in doc[start:end]
    )


def _range_partners(doc: Doc, low: Candidate, high: Candidate) -> bool:
    """ "$4.40 to $4.50 a share": two ends of one range, the second naming what both are."""
    between = [t.lower_ for t in doc[low.span.end : high.span.start] if not t.is_space]
    small, large = sorted((abs(low.value), abs(high.value)))
    return between in (["to"], ["-"], ["and"]) and small > 0 and large <= 10 * small


def _restates(doc: Doc, first: Span, second: Span) -> bool:
    """ "X, or Y a share": the second value restates the first per share."""
    between = [t.lower_ for t in doc[first.end : second.start] if not t.is_space]
    return between in (["or"], [",", "or"])


def _of_a_size(a: float, b: float) -> bool:
    """Two figures within a factor of five of each other, as one metric's figures of two
    periods are."""
    return a != 0 and b != 0 and 0.2 <= abs(a) / abs(b) <= 5


def _priced_at(doc: Doc, i: int, floor: int) -> bool:
    """"at" before the figure, or before the figures it is listed with ("going at 1,850
    and 1,880 dlrs")."""
    j = i - 1
    while j >= floor and (
        doc[j].like_num or doc[j].lower_ in ("and", "to", ",", "-", "dlrs", "dollars", "$")
    ):
        j -= 1
    return j >= floor and doc[j].lower_ == "at"
