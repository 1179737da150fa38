"""Which period a figure covers.

Candidates are the period mentions of the segment; a comparative takes a "year-ago"
modifier right before it or the period right after it, and a current figure ranks the
free ones by named features (`PeriodCandidate`: is it a comparison baseline, does it name
a kind of dividend, how far is it). The chosen mention is resolved against the fiscal
calendar of the figure's company and the article's reporting period, which this module
also keeps up to date from headlines, section lines and figure-free sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from .. import periods as period_rules
from ..components import metrics, organizations, periods, span_index
from . import segments, tokens, vocabulary

if TYPE_CHECKING:
    from .context import Candidate, Context, Resolved

_LEAD_CHARS = 400
# Week counts that make a retailer's fiscal quarter, half, nine months or year.
_FISCAL_WEEKS = frozenset({13, 14, 26, 27, 39, 40, 52, 53})


def figure_periods(doc: Doc, seg: Span) -> list[Span]:
    """The segment's period mentions that may be a figure's period (`is_figure_period`)."""
    return [s for s in segments.in_segment(doc, periods.SPANS_KEY, seg) if is_figure_period(s)]


@dataclass(frozen=True, slots=True)
class PeriodCandidate:
    """A period mention a current figure may cover, with the features that rank it: a
    comparison baseline ("than in the year before") only when nothing else is left, then
    a period that names a kind of dividend ("its annual dividend"), then the nearest."""

    span: Span
    baseline: bool
    dividend_kind: bool
    distance: int

    @property
    def key(self) -> tuple[bool, bool, int]:
        return (self.baseline, self.dividend_kind, self.distance)


def rank_periods(doc: Doc, value: Span, spans: list[Span]) -> list[PeriodCandidate]:
    """The period mentions `spans` as candidates for the figure at `value`, best first."""
    ranked = [
        PeriodCandidate(
            span=p,
            baseline=is_baseline(p),
            dividend_kind=_names_a_dividend_kind(p),
            distance=period_distance(doc, value, p),
        )
        for p in spans
    ]
    return sorted(ranked, key=lambda c: c.key)


def assign_periods(doc: Doc, candidates: list[Candidate], period_spans: list[Span]) -> None:
    """Comparatives take the period right after them; current figures share out the
    rest by proximity, one period each while there are enough to go round. A period
    after "from"/"compared with" that no comparative took is a baseline."""
    if not period_spans:
        return
    taken: set[int] = set()
    ordered = sorted(candidates, key=lambda c: c.span.start)
    labelled = _year_labels(doc, ordered, period_spans)
    taken.update(p.start for p in labelled.values())
    for index, cand in enumerate(ordered):
        if not cand.comparative or id(cand) in labelled:
            continue
        limit = ordered[index + 1].span.start if index + 1 < len(ordered) else 10**9
        after = [
            p for p in period_spans
            if cand.span.end <= p.start < limit
            # "up from $2.96, and management expects 2019 earnings of": another clause's
            and not (
                _labels_a_cue(doc, p)
                and any(t.text == "," for t in doc[cand.span.end : p.start])
            )
        ]
        # "from year-ago 199.0 mln", "vs year-earlier 29.2 pct": a period-of-comparison
        # modifier right before the comparative value
        before = [
            p for p in period_spans
            if p._.newsfacts_period.same_period
            and 0 <= cand.span.start - p.end <= 4
            and not any(tokens.value_at(doc, i) for i in range(p.end, cand.span.start))
            and (index == 0 or ordered[index - 1].span.end <= p.start)
        ]  # "compared to a year-earlier profit of 3.9 mln dlrs"
        chosen = before or after
        if chosen:
            cand.period_expr = chosen[0]
            taken.add(chosen[0].start)
    free = [p for p in period_spans if p.start not in taken]
    current = [c for c in ordered if not c.comparative and id(c) not in labelled]
    for cand in current:
        own = [
            p for p in free
            # "up 4.2 per cent on the same period last year": what a change is against
            if not (
                cand.change and p._.newsfacts_period.same_period and p.start >= cand.span.end
            )
        ]
        main = [  # "betting on a recovery in the second half": that clause's own period
            p for p in own
            if not (p.start >= cand.span.end and _in_other_clause(p.root, cand.span.root))
        ]
        cand.period_options = [c.span for c in rank_periods(doc, cand.span, main or own)]
        if cand.period_options:
            cand.period_expr = cand.period_options[0]


def _is_year_label(doc: Doc, span: Span) -> bool:
    """ "(2018: £571m)": a bracketed label opening a prior year's figure."""
    return (
        span.start > 0
        and span.end < len(doc)
        and doc[span.start - 1].text == "("
        and doc[span.end].text == ":"
    )


def _year_labels(
    doc: Doc, ordered: list[Candidate], period_spans: list[Span]
) -> dict[int, Span]:
    """A British results story's bracketed label, "revenue of £612m (2018: £571m)": the year
    before the colon is the bracketed figure's alone. Keyed by the candidate's id."""
    labelled: dict[int, Span] = {}
    for p in period_spans:
        if not _is_year_label(doc, p):
            continue
        following = next((c for c in ordered if c.span.start >= p.end), None)
        if following is not None and following.span.start - p.end <= 2:
            # the company's own year, and a comparative: it does not move the article's
            expr = p._.newsfacts_period
            if expr.kind == "year" and not expr.fiscal:
                p._.newsfacts_period = replace(expr, fiscal=True)
            following.period_expr = p
            following.comparative = True
            labelled[id(following)] = p
    return labelled


def date_by_events(doc: Doc, period_spans: list[Span], candidates: list[Candidate]) -> None:
    """An event in a figure's own clause dates it when nearer than its period: "had sales
    of 67 mln dlrs when it was acquired in 1971" covers 1971, not the story's year."""
    events = [s for s in period_spans if _dates_an_event(s)]
    for cand in candidates:
        dating = [e for e in events if _event_of_clause(cand.span, e)]
        if cand.comparative or not dating:
            continue
        event = min(dating, key=lambda e: period_distance(doc, cand.span, e))
        own = cand.period_expr
        if own is None or period_distance(doc, cand.span, event) < period_distance(
            doc, cand.span, own
        ):
            cand.period_expr, cand.period_options = event, [event]


def resolve_periods(
    resolved: list[Resolved], ctx: Context, period_spans: list[Span], *, inherit: bool = True
) -> None:
    """Current figures first, then comparatives stepping back from them.

    A current figure with no period of its own next to a dated comparative is the year
    after it ("rose to EUR 31.1 mn from EUR 17.1 mn in 2004" is 2005); a comparative
    that revises a forecast or target ("from its previous forecast of 42 million")
    covers the same period as the figure it revises. A typical rate ("each year")
    does not `inherit` the article's period.
    """
    vocab = vocabulary.load()
    # "a $312 million loss last trimester and $350 million in the same period last
    # year": a current figure set against a year-ago one puts the sentence in
    # comparison, so "last trimester" steps back from the reporting period.
    compared = any(
        not r.cand.comparative
        and r.cand.period_expr is not None
        and r.cand.period_expr._.newsfacts_period.same_period
        for r in resolved
    )
    for r in resolved:
        expr = r.cand.period_expr
        if r.cand.comparative or expr is None:
            continue
        for option in r.cand.period_options or [expr]:
            r.cand.period_expr = option
            reference = ctx.reference_for(r.org.name, r.org.parent)
            if option._.newsfacts_period.same_period and ctx.reference is not None:
                # "Rival Acme delivered 22,000 cars in the same quarter": the quarter
                # the text last named, whoever's it was
                named = next(
                    (g for g in ctx.latest if g in option.text.casefold()), None
                )
                reference = ctx.latest[named] if named else ctx.reference
            r.period = _resolve(r, ctx, reference=reference, comparison=compared)
            if r.period is not None:
                break
        else:
            r.cand.period_expr = option = expr
        r.cand.baseline = is_baseline(option)
        if r.period is not None and r.cand.baseline:
            r.period = shift_year(r.period, 1)
    for r in resolved:
        if r.cand.comparative and r.cand.period_expr is not None:
            anchor = _anchor_for(r, resolved) or ctx.reference_for(r.org.name, r.org.parent)
            r.period = _resolve(r, ctx, reference=anchor, comparison=True)
    for r in resolved:
        if r.cand.comparative or r.period is not None:
            continue
        prior = _dated_comparative(r, resolved)
        reference = ctx.reference_for(r.org.name, r.org.parent)
        if prior is not None and reference is not None and reference.end > prior.end and (
            reference.granularity == prior.granularity
        ):
            r.period = reference  # "down about 36% from $10.6 billion in 2016" in a 2018 story
        elif prior is not None:
            r.period = shift_year(prior, 1)
        elif (
            r.cand.period_expr is None
            and inherit
            and (r.cand.metric or "").removesuffix("_change") not in vocab.uninherited
        ):
            r.period = ctx.reference_for(r.org.name, r.org.parent)
    for r in resolved:
        if not r.cand.comparative or r.cand.period_expr is not None:
            continue
        anchor = _anchor_for(r, resolved) or ctx.reference_for(r.org.name, r.org.parent)
        if anchor is not None:
            r.period = anchor if r.cand.revision else shift_year(anchor, -1)


def _resolve(
    r: Resolved, ctx: Context, *, reference: period_rules.Period | None, comparison: bool
) -> period_rules.Period | None:
    expr = r.cand.period_expr
    if expr is None:
        return None
    calendar = calendar_of(ctx, r.org.parent or r.org.name)
    return period_rules.resolve(
        expr._.newsfacts_period,
        calendar=calendar,
        published=ctx.results_date or ctx.published,
        reference=reference,
        comparison=comparison,
    )


def date_balances(doc: Doc, seg: Span, resolved: list[Resolved], ctx: Context) -> None:
    """A balance with no period of its own is at the date next to it ("Backlog on
    September 30, 1987 was 9.3 billion dlrs"), not at a deadline ("by the end of 2018")."""
    vocab = vocabulary.load()
    dates = [
        s for s in segments.in_segment(doc, periods.SPANS_KEY, seg)
        if s._.newsfacts_period.kind == "date"
        and tokens.previous_word(doc, s.start, seg.start) not in {"by", "until", "before"}
    ]
    for r in resolved:
        if r.cand.period_expr is not None or r.cand.comparative:
            continue
        if (r.cand.metric or "").removesuffix("_change") not in vocab.balances:
            continue
        near = [d for d in dates if abs(d.start - r.cand.span.start) <= 10]
        if not near:
            continue
        nearest = min(near, key=lambda d: abs(d.start - r.cand.span.start))
        day = period_rules.resolve(
            nearest._.newsfacts_period,
            calendar=calendar_of(ctx, r.org.parent or r.org.name),
            published=ctx.published,
            reference=ctx.reference,
        )
        if day is not None:
            r.period = day


def habitual(seg: Span) -> bool:
    """A typical rate ("each year"): its figures do not inherit the article's period."""
    text = " ".join(span_index.span_text(seg).split())
    return bool(vocabulary.load().habitual.search(text))


_REPORTING_SPANS = frozenset({"quarter", "half", "nine_months", "year"})


def carry_reference(
    doc: Doc, seg: Span, resolved: list[Resolved], period_spans: list[Span], ctx: Context
) -> None:
    """The segment's first current figure with a period of its own (not one looking back,
    not a running total beside the news) sets the article's reporting period, as the
    reporting period of its company; a segment with none may set it from its mentions."""
    current = [
        r
        for r in resolved
        if r.period is not None
        and not r.cand.comparative
        and r.cand.period_expr is not None
        and not looks_back(r.cand.period_expr._.newsfacts_period)
        and r.cand.period_expr._.newsfacts_period.kind != "ytd"
    ]
    coarse = ctx.reference is not None and ctx.reference.granularity in _REPORTING_SPANS
    if coarse:  # a month beside a results story's quarter ("mall sales fell 11% in July")
        current = [r for r in current if r.period is not None and r.period.granularity != "month"]
    if current and current[0].period is not None:
        ctx.set_reference(current[0].period, current[0].org.parent or current[0].org.name)
    else:
        update_reference(doc, period_spans, ctx, seg)


def update_reference(doc: Doc, period_spans: list[Span], ctx: Context, seg: Span) -> None:
    """Headlines, wire section lines ("Six mths") and figure-free sentences set the
    article's current period; comparatives and "last year" style mentions do not."""
    named = [
        o._.newsfacts_org.parent or o._.newsfacts_org.name
        for o in span_index.starting_in(doc, organizations.SPANS_KEY, seg.start, seg.end)
        if o._.newsfacts_org is not None
    ]
    owner = named[0] if seg.start > 0 and named else None
    for span in period_spans:
        expr = span._.newsfacts_period
        if expr.kind == "date" or looks_back(expr) or _is_year_label(doc, span):
            continue  # "(2018: £571m)" labels a prior year's figure, not the article's year
        if expr.offset is not None or expr.upcoming:
            # "last year" looks back; "the new year", "estimates for the current fiscal
            # year", "shares are up 6.3% so far this year" speak of other periods than the
            # one the article reports
            continue
        if expr.kind in ("month", "ytd") or (
            expr.kind == "weeks" and expr.length not in _FISCAL_WEEKS
        ):  # but "the thirteen weeks ended November 2" is a retailer's quarter
            continue
        if periods_in_comparison(doc, span):
            continue
        calendar = calendar_of(ctx, owner or ctx.salient)
        period = period_rules.resolve(
            expr, calendar=calendar, published=ctx.published, reference=ctx.reference
        )
        if period is not None:
            ctx.set_reference(period, owner, lead=seg.start_char < _LEAD_CHARS)
            return


def note_release(doc: Doc, seg: Span, ctx: Context) -> None:
    """"Acme (NASDAQ:ACM) last released its earnings results on Thursday, July 25th":
    the day anchors the bare "the quarter" of the figures after it."""
    verbs, nouns = vocabulary.load().release_words
    for token in seg:
        if token.lower_ not in verbs:
            continue
        window = doc[token.i + 1 : min(token.i + 6, seg.end)]
        if not any(t.lower_ in nouns for t in window):
            continue
        for span in segments.in_segment(doc, periods.SPANS_KEY, seg):
            expr = span._.newsfacts_period
            if span.start <= token.i or expr.kind != "date":
                continue
            day = period_rules.resolve(
                expr, calendar=calendar_of(ctx, ctx.salient), published=ctx.published,
                reference=None,
            )
            if day is not None and (ctx.published is None or day.end <= ctx.published):
                ctx.results_date = day.end
            return


def drop_dividend_rate_periods(seg: Span, resolved: list[Resolved]) -> None:
    """A dividend rate covers no period: "pays an annual dividend of $0.20", "the
    annualized dividend rate of 2.12/share", and a declared dividend without a dated period
    of its own."""
    vocab = vocabulary.load()
    for r in resolved:
        expr = r.cand.period_expr
        cue = r.cand.cue
        if r.cand.metric == "dividend_per_share" and (
            (expr is not None and expr.text.casefold() in vocab.rate_adjectives)
            or (cue is not None and tokens.phrase(cue).endswith(" rate"))
            or (cue is not None and _rate_before(seg, cue))  # "a $0.36 annualized dividend"
        ):
            r.period = None
    if any(t.lower_ in vocab.declarations for t in seg) and not vocab.period_dividends.search(
        span_index.span_text(seg)
    ):
        for r in resolved:
            if r.cand.metric == "dividend_per_share" and not definite_period(r.cand):
                r.period = None


def _rate_before(seg: Span, cue: Span) -> bool:
    rates = vocabulary.load().rate_adjectives
    return any(t.lower_ in rates for t in seg.doc[max(cue.start - 2, seg.start) : cue.start])


def forecast_years(
    resolved: list[Resolved], published: date | None, reference: period_rules.Period | None
) -> None:
    """A forecast or target "for" a year that has ended by publication is for the year in
    progress, unless the article's reporting period (`reference`, as it stood before the
    segment) is itself a settled year."""
    settled = (
        reference is not None
        and reference.granularity in ("year", "range")
        and (published is None or reference.end < published)
    )
    for r in resolved:
        expr = r.cand.period_expr
        if (
            r.status != "actual"
            and r.period is not None
            and expr is not None
            and expr._.newsfacts_period.definite
            and r.period.granularity == "year"
            and published is not None
            and r.period.end < published
            and not settled
        ):
            r.period = shift_year(r.period, 1)


def is_baseline(period: Span) -> bool:
    """A period right after "from", "compared with", "than in": what a figure is
    compared against ("increased by 42.5 % from 2004"), so the figure is a year later."""
    vocab = vocabulary.load()
    doc = period.doc
    seen = 0
    for i in range(period.start - 1, max(period.start - 6, -1), -1):
        token = doc[i]
        if token.is_space:
            continue
        if tokens.value_at(doc, i) or token.text in {",", ";"}:
            return False
        if token.lower_ in vocab.comparative_markers:
            return True
        seen += 1
        if seen >= 3:
            break
    return False


def _names_a_dividend_kind(period: Span) -> bool:
    """ "its annual dividend": the kind of dividend (not the interim one), weakly a period."""
    doc = period.doc
    return period.text.casefold() == "annual" and any(
        c.start == period.end and c._.newsfacts_metric.metric == "dividend_per_share"
        for c in span_index.starting_in(doc, metrics.SPANS_KEY, period.end, period.end + 1)
    )


def period_distance(doc: Doc, value: Span, period: Span) -> int:
    """Tokens between a value and a period, a period before the value costing more, and
    one in another clause (across a comma or semicolon) much more."""
    if period.start >= value.end:
        gap, between = period.start - value.end, doc[value.end : period.start]
    else:
        gap, between = 2 * (value.start - period.end) + 3, doc[period.end : value.start]
    if any(t.text in {",", ";"} for t in between):
        gap += 6
    head = value.root.head if value.root.dep_ in ("nummod", "compound", "quantmod") else value.root
    if head.dep_ != "ROOT" and not period.root.is_ancestor(head) and head.is_ancestor(
        period.root
    ):
        gap -= 8  # "1.08 billion dlrs ... earned in 1986": the period hangs off the value
    if period.start >= value.end and _in_other_clause(period.root, value.root):
        gap += 12  # "forecast 45 billion yen, betting on a recovery in the second half"
    return gap


def _in_other_clause(token: Token, value: Token) -> bool:
    """`token` sits in an adverbial or relative clause that does not hold the value."""
    node = token
    for _ in range(12):
        if node.head.i == node.i:
            return False
        if (
            node.dep_ in ("advcl", "acl", "relcl")
            and not node.is_ancestor(value)
            and not value.is_ancestor(node)  # "the 238 mln dlrs it expects for the year"
            # but "had sales of 67 mln dlrs when it was acquired in 1971" dates the figure
            and not any(c.dep_ == "advmod" and c.lower_ == "when" for c in node.children)
            and not any(c.dep_ == "mark" for c in node.children)
        ):
            return True
        node = node.head
    return False


def is_figure_period(span: Span) -> bool:
    """Point dates are not figure periods unless they end one ("quarter ended March 31");
    neither is the "on the year" of "fell 45 % on the year" (year on year)."""
    expr = span._.newsfacts_period
    if expr.kind == "date":
        return _ends_period(span)
    doc = span.doc
    previous = tokens.previous_word(doc, span.start, 0)
    idiom = previous in {"on", "over", "per"}
    if expr.definite and expr.kind == "year" and idiom:
        return False
    back = (expr.offset is not None and expr.offset < 0) or expr.anaphoric or expr.same_period
    if previous == "on" and back:
        return False  # "up 4% on the previous year": the change's basis, not its period
    if _dates_an_event(span):
        return False  # "Founded in 1977"
    if previous in {"in", "on"} and expr.kind in ("month", "date"):
        before = tokens.index_before(doc, span.start)
        return tokens.previous_word(doc, before, 0) not in vocabulary.speech_verbs()
    return True


def _dates_an_event(span: Span) -> bool:
    """ "founded in 1977", "when it was acquired in 1971": when something happened."""
    doc = span.doc
    return tokens.previous_word(doc, span.start, 0) == "in" and tokens.previous_word(
        doc, tokens.index_before(doc, span.start), 0
    ) in vocabulary.event_verbs()


def _event_of_clause(value: Span, event: Span) -> bool:
    """Whether an event's date belongs to the value's own clause ("had sales of 67 mln
    dlrs when it was acquired in 1971"), not to a noun in it ("Converse, the label Nike
    bought in 2003, ...")."""
    clause = value.root
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    token = event.root
    for _ in range(4):
        if token.head.i == token.i:
            return False
        if token.head.i == clause.i:  # "... when it was acquired in 1971"
            return token.dep_ == "advcl" and any(
                c.lower_ in {"when", "after", "since", "before"} for c in token.children
            )
        token = token.head
        if token.pos_ in ("NOUN", "PROPN"):
            return False
    return False


def _ends_period(span: Span) -> bool:
    doc = span.doc
    window = doc[max(span.start - 3, 0) : span.start]
    return any(t.lower_ in {"ended", "ending", "ends", "end"} for t in window)


def periods_in_comparison(doc: Doc, span: Span) -> bool:
    """Whether a period mention sits in a comparison ("compared with the year before")."""
    window = doc[max(span.start - 16, 0) : span.start + 1]
    return period_rules.comparison_context(window.text, span.start_char - window.start_char)


def looks_back(expr: period_rules.PeriodExpr) -> bool:
    """ "the third quarter of last year", "a year earlier": a period named as the
    comparison for the news, so it does not become the article's reporting period."""
    return bool(
        expr.same_period
        or expr.anaphoric
        or (
            expr.year_offset is not None
            and expr.year_offset < 0
            and (expr.index is not None or expr.end_month is not None)
        )
    )


def definite_period(cand: Candidate) -> bool:
    """Whether the figure names a dated period of its own ("for 1986", "fiscal 2007")."""
    expr = cand.period_expr
    return expr is not None and expr._.newsfacts_period.year is not None


def calendar_of(ctx: Context, entity: str | None) -> period_rules.FiscalCalendar:
    """A calendar the article states is its main company's; others keep their own."""
    known = period_rules.calendar_for(entity)
    if known is period_rules.CALENDAR_YEAR:  # no calendar of its own: its country's
        known = period_rules.calendar_for_currency(ctx.default_currency) or known
    main = ctx.salient is None or entity is None or entity == ctx.salient
    stated = ctx.stated_calendar
    if stated is None or not main or (stated.start_month, stated.start_day) == (
        known.start_month,
        known.start_day,
    ):
        return known  # the same year boundary: keep the company's own naming (FY2014)
    return stated


def _labels_a_cue(doc: Doc, period: Span) -> bool:
    """A period right before a metric cue names that cue's figure ("2019 earnings of $3.20",
    "fiscal 1986 sales"), not a figure before it."""
    return bool(span_index.starting_in(doc, metrics.SPANS_KEY, period.end, period.end + 1))


def _anchor_for(r: Resolved, resolved: list[Resolved]) -> period_rules.Period | None:
    """The period of the current figure a comparative is compared with: the nearest one
    before it, else the first one in the segment."""
    before = [
        o for o in resolved
        if not o.cand.comparative and o.period is not None and o.cand.span.start < r.cand.span.start
    ]
    if before:
        return max(before, key=lambda o: o.cand.span.start).period
    after = [o for o in resolved if not o.cand.comparative and o.period is not None]
    return after[0].period if after else None


def _dated_comparative(r: Resolved, resolved: list[Resolved]) -> period_rules.Period | None:
    """The period of a dated comparative in the segment, the same metric's first."""
    dated = [
        o for o in resolved
        if o.cand.comparative and o.cand.period_expr is not None and o.period is not None
    ]
    base = (r.cand.metric or "").removesuffix("_change")
    same = [o for o in dated if (o.cand.metric or "").removesuffix("_change") == base]
    chosen = same or dated
    return chosen[0].period if chosen else None


def shift_year(period: period_rules.Period, years: int) -> period_rules.Period:
    """The same period `years` earlier or later ("the same period a year earlier")."""

    def move(day: date) -> date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    label = re.sub(r"\d{4}", lambda m: str(int(m.group()) + years), period.label)
    end = move(period.end)
    if period.end.month == 2 and period.end.day >= 28:
        end = date(end.year, 3, 1) - timedelta(days=1)
    return replace(period, label=label, start=move(period.start), end=end)
