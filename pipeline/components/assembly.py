"""`newsfacts_facts`: join values, metric cues, organizations and periods into facts.

The assembler works segment by segment (a sentence, or one row of a wire table such as
"Shr 97.0p vs 85.3p"). For every value it picks the metric cue that governs it, decides
whether it is a level or a change and whether it is the current or the comparative
(prior-period) figure, finds the organization it is about and the period it covers, and
reads its status from the cues on its left. An article-level reporting context carries
the current period from the headline and earlier sentences to sentences that state none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import periods as period_rules
from .. import quantities
from ..facts import Fact, Status
from ..organizations import ticker_pattern, word_set
from ..quantities import Quantity
from ..tables import find_flat_tables
from . import hygiene, metrics, organizations, periods, span_index, values
from .table_facts import table_facts

NAME = "newsfacts_facts"

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

_TABLE_ROW = re.compile(r"\bvs\.?\s", re.IGNORECASE)
_SECTION_LINE = re.compile(r"year|qtr|quarter|(?:six|nine|three|12) mths", re.IGNORECASE)
_BOUNDS = {"more", "less", "fewer"}
_ANAPHORS = {"it", "that", "this"}
_LEAD_CHARS = 400
_TOTALS = {
    "revenue", "net_income", "operating_income", "pretax_income", "ebitda", "gross_profit",
}
_SEVERAL_YEARS = (
    r"\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty|several|few)"
    r"\s+years\b"
)
_PERIOD_NOUNS = {"quarter", "qtr", "year", "half", "months", "mths", "period"}


@Language.factory(NAME, assigns=["doc._.newsfacts_facts"], requires=["doc.spans"])
def make_assembly(nlp: Language, name: str) -> FactAssembler:
    """Refuses a pipeline without the annotators whose spans it joins: it would give no
    facts at all, which looks like a text without figures."""
    from ..errors import ConfigError  # here: the factory is the only part this check touches

    needed = [m.NAME for m in (hygiene, values, periods, organizations, metrics)]
    missing = [n for n in needed if n not in nlp.pipe_names]
    if missing:
        raise ConfigError(
            f"{name} needs the components {', '.join(needed)} before it in the pipeline; "
            f"missing: {', '.join(missing)}. Add them in that order (nlp.add_pipe(...) each), "
            "or use pipeline.load_pipeline() or pipeline.extract.add_components(nlp)")
    return FactAssembler()


@dataclass(slots=True)
class Context:
    """What the article has established so far: its current period and calendar."""

    published: date | None
    stated_calendar: period_rules.FiscalCalendar | None
    reference: period_rules.Period | None = None
    default_currency: str | None = None
    dollar: str = "USD"
    salient: str | None = None
    dividend_story: bool = False
    last_metric: str | None = None
    bare_currencies: dict[str, str] = field(default_factory=dict)
    # the status a list's opening line gives its bullets ("the Company expects:")
    list_status: Status | None = None
    # the day the article says the results were released, the anchor of "the quarter"
    results_date: date | None = None
    # figures read as a public body's ("government revenue of ..."), start and metric: a
    # later figure of that metric in the sentence, the prior one they compare with, is too
    public_figures: dict[int, str | None] = field(default_factory=dict)

    reference_entity: str | None = None
    # the latest reference of each granularity: "the same quarter" after "this year"
    latest: dict[str, period_rules.Period] = field(default_factory=dict)

    article_reference: period_rules.Period | None = None

    def set_reference(
        self, period: period_rules.Period, entity: str | None = None, *, lead: bool = False
    ) -> None:
        """The latest reporting period, and whose it is (None: the whole article's, which
        the lead's statement makes the round-up's default)."""
        self.reference, self.reference_entity = period, entity
        self.latest[period.granularity] = period
        if entity is None and lead:
            self.article_reference = period

    def reference_for(
        self, entity: str, parent: str | None = None
    ) -> period_rules.Period | None:
        """The reporting period a figure of `entity` (or of a unit of `parent`) inherits:
        not another company's, as in a round-up of several companies' results, where a
        company with no period of its own takes the one the article set for all ("a flood
        of third-quarter numbers")."""
        owner = self.reference_entity
        if owner is None or any(
            name == owner or owner.startswith(name) or name.startswith(owner)
            for name in (entity, parent)
            if name
        ):
            return self.reference
        return self.article_reference


@dataclass(slots=True)
class Candidate:
    """A value on its way to becoming a fact."""

    span: Span
    quantity: Quantity
    value: float
    unit: str
    metric: str | None = None
    cue: Span | None = None
    change: bool = False
    comparative: bool = False
    period_expr: Span | None = None
    period_options: list[Span] = field(default_factory=list)
    baseline: bool = False
    revision: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Resolved:
    """A candidate with its organization and, once resolved, its period."""

    cand: Candidate
    org: organizations.OrgMention
    period: period_rules.Period | None = None
    status: Status = "actual"


class FactAssembler:
    def __init__(self) -> None:
        lex = metrics.lexicon()
        self.comparative_markers = {w.casefold() for w in lex.comparative_markers}
        self.right_links = {w.casefold() for w in lex.right_cue_links}
        self.status_nouns = {w.casefold() for w in lex.status_nouns}
        self.count_metrics = set(lex.count_metrics)
        self.partitive = [tuple(p.casefold().split()) for p in lex.partitive_modifiers]
        self.component_words = {w.casefold() for w in lex.component_words}
        self.per_share = {w.casefold() for w in lex.per_share_phrases}
        self.not_metrics = {" ".join(w.casefold().split()) for w in lex.not_metrics}
        self.not_items = {w.casefold() for w in lex.not_items}
        self.approximators = {w.casefold() for w in lex.approximators}
        self.not_company_subjects = {
            w.casefold() for w in (*lex.market_subjects, *lex.person_subjects)
        }
        self.stand_ins = {w.casefold() for w in lex.stand_in_subjects}
        self.third_parties_subjects = {w.casefold() for w in lex.third_party_subjects}
        self.company_nouns = word_set("company_heads") | {"industry", "sector"}
        self.sector_nouns = self.company_nouns - {w.casefold() for w in lex.own_company_nouns}
        self.dividend_verbs = {w.casefold() for w in lex.dividend_verbs}
        self.public_modifiers = {w.casefold() for w in lex.public_modifiers}
        self.rate_adjectives = {w.casefold() for w in lex.rate_adjectives}
        self.clause_openers = {w.casefold() for w in lex.clause_openers}
        self.offer_words = {w.casefold() for w in lex.offer_words}
        self.multi_year = _any_of(lex.multi_year_spans, after=_SEVERAL_YEARS)
        self.thresholds = _any_of(lex.threshold_words, after=r"\s*$")
        self.level_prepositions = {w.casefold() for w in lex.level_prepositions}
        self.share_words = {w.casefold() for w in lex.share_words}
        self.share_labels = {"shr", "shrs", *self.per_share}
        self.release_words = period_rules.release_words()
        self.facility_nouns = {w.casefold() for w in lex.facility_nouns}
        self.headcount_nouns = {
            w.casefold()
            for w in (*lex.metrics["headcount"], *lex.metrics["job_cuts"], *lex.people_nouns)
        }
        self.price_nouns = {w.casefold() for w in lex.price_nouns}
        self.bases = _any_of(lex.comparison_bases, after=r"(?!\w)")
        self.habitual = _any_of(lex.habitual_markers)
        self.uninherited = set(lex.uninherited_metrics)
        self.balances = set(lex.balance_metrics)
        self.declarations = {w.casefold() for w in lex.declaration_words}
        self.period_dividends = _any_of(lex.period_dividends)
        self.parties = _any_of(lex.partial_parties, before=r"\s*(?:to|from)\s+(?:an?\s+|the\s+)?")
        self.hypothetical = _any_of(lex.hypothetical_markers)
        self.schedule_cues = {w.casefold() for w in lex.dividend_schedule_cues}
        self.third_parties = {w.casefold() for w in lex.third_party_estimators}
        self.market_nouns = {w.casefold() for w in lex.market_move_nouns}

    def __call__(self, doc: Doc) -> Doc:
        text = span_index.text(doc)
        salient = _salient_name(doc)
        dollar = _stated_dollar(doc, salient)
        context = Context(
            published=doc._.newsfacts_published,
            stated_calendar=period_rules.stated_calendar(text, published=doc._.newsfacts_published),
            default_currency=_dominant_currency(doc, dollar),
            dollar=dollar,
            salient=salient,
            bare_currencies=_bare_currencies(doc),
            dividend_story=_dividend_headline(doc),
        )
        tables = find_flat_tables(text)
        facts: list[Fact] = []
        for table in tables:
            facts.extend(table_facts(doc, table, dollar=context.dollar))
        for segment in _segments(doc):
            if (
                any(t.char_start < segment.end_char and segment.start_char < t.char_end
                    for t in tables)  # read cell by cell above
                or hygiene.is_excluded(doc, segment.start_char)
                or hygiene.caption_sentence(segment.text)
                or self.hypothetical.search(" ".join(segment.text.split()))
            ):
                continue
            facts.extend(self._segment_facts(doc, segment, context))
        doc._.newsfacts_facts = _without_headline_repeats(text, facts)
        span_index.release(doc)
        return doc

    # -- one segment -------------------------------------------------------------------

    def _segment_facts(self, doc: Doc, seg: Span, ctx: Context) -> list[Fact]:
        named = [
            o
            for o in _in_seg(doc, organizations.SPANS_KEY, seg)
            if o._.newsfacts_org.via != "coref"
        ]
        cues = [  # not "Workers" in "United Food and Commercial Workers"
            s for s in _in_seg(doc, metrics.SPANS_KEY, seg)
            if not any(o.start <= s.start and s.end <= o.end for o in named)
        ]
        period_spans = [
            s for s in _in_seg(doc, periods.SPANS_KEY, seg) if _is_figure_period(s)
        ]
        value_spans = [
            s
            for s in _in_seg(doc, values.SPANS_KEY, seg)
            if not s._.newsfacts_quantity.is_conversion
            and not getattr(s._.newsfacts_quantity, "is_range", False)
        ]
        self._note_release(doc, seg, ctx)
        self._note_list_opener(doc, seg, ctx)
        if not value_spans:
            self._update_reference(doc, period_spans, ctx, seg)
            return []
        ranged = _range_members(doc, seg, value_spans)
        value_spans = [s for s in value_spans if s.start not in ranged]
        if self.multi_year.search(" ".join(seg.text.split())):
            read: list[Candidate | None] = [None] * len(value_spans)  # "has paid $9.04 a
            # share in dividends over the past 20 years": sums, no period's figures
        else:
            read = [self._candidate(doc, seg, s, cues, ctx) for s in value_spans]
            read = [
                None  # "government revenue would be 6.7 billion, down 30 pct on 9.7 billion"
                if c is not None
                and any(
                    seg.start <= start < c.span.start and metric == c.metric
                    for start, metric in ctx.public_figures.items()
                )
                else c
                for c in read
            ]
        candidates = _respectively(doc, seg, _paired(doc, value_spans, read), cues)
        self._assign_periods(doc, candidates, period_spans)
        _date_by_events(doc, _in_seg(doc, periods.SPANS_KEY, seg), candidates)
        resolved: list[Resolved] = []
        for cand in candidates:
            org = organizations.subject_of(doc, cand.span.start, cand.span.end)
            if org is None:
                continue
            if cand.comparative and cand.metric is None and resolved:
                # "hitting $246 million ..., up from $48 million": the figure it compares with,
                # not a per-share figure restating it ("$6.5 billion, or 83 cents a share")
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
                cand.cue is None or _phrase(cand.cue) in self.share_labels
            ):
                # "QTLY DIVIDEND / Shr 32 cts vs 32 cts prior", but "the bank reported $0.66
                # EPS" in a dividend story is its earnings
                cand.metric = "dividend_per_share"
            metric = self._final_metric(cand, org, seg)
            if metric is None:
                continue
            cand.metric = metric
            resolved.append(Resolved(cand, org))
        before = ctx.reference
        habitual = bool(self.habitual.search(" ".join(seg.text.split())))
        self._resolve_periods(resolved, ctx, period_spans, inherit=not habitual)
        self._date_balances(doc, seg, resolved, ctx)
        if ctx.published is not None:
            # "the loss of a bill for three mln dlrs", "the region lost 700 mln dlrs": a bare
            # loss no period frames is an event's, no period's result
            resolved = [
                r for r in resolved
                if r.period is not None
                or r.cand.value >= 0
                or "metric by default" not in r.cand.notes
            ]
        current = [
            r
            for r in resolved
            if r.period is not None
            and not r.cand.comparative
            and r.cand.period_expr is not None
            and not _looks_back(r.cand.period_expr._.newsfacts_period)
            # not a running total beside the news
            and r.cand.period_expr._.newsfacts_period.kind != "ytd"
        ]
        if current and current[0].period is not None:
            ctx.set_reference(current[0].period, current[0].org.parent or current[0].org.name)
        else:
            self._update_reference(doc, period_spans, ctx, seg)
        for r in resolved:
            expr = r.cand.period_expr
            cue = r.cand.cue
            if r.cand.metric == "dividend_per_share" and (
                (expr is not None and expr.text.casefold() in self.rate_adjectives)
                or (cue is not None and _phrase(cue).endswith(" rate"))
            ):
                # "pays an annual dividend of $0.20", "the annualized dividend rate of
                # 2.12/share": a rate, not a year's
                r.period = None
        if any(t.lower_ in self.declarations for t in seg) and not self.period_dividends.search(
            seg.text
        ):
            for r in resolved:
                if r.cand.metric == "dividend_per_share" and not _definite_period(r.cand):
                    r.period = None  # a declared dividend rate
        self._assign_statuses(doc, seg, resolved, ctx.published, before)
        if ctx.list_status is not None and doc[seg.start].text in _BULLETS:
            for r in resolved:  # "the Company expects:\n- Revenue of $430 million"
                if r.status == "actual":
                    r.status = ctx.list_status
        facts = [self._fact(doc, seg, r) for r in resolved]
        wholes = [f.metric.removesuffix("_change") for f in facts if f.metric not in PER_SHARE]
        ctx.last_metric = wholes[-1] if wholes else None
        for index, fact in enumerate(facts):
            # "sold 39 million smartphones, up from 33 million": the same item
            if fact.metric == "units_sold" and fact.item is None and index:
                earlier = facts[index - 1]
                if earlier.metric == "units_sold" and earlier.entity == fact.entity:
                    facts[index] = replace(fact, item=earlier.item)
        return facts

    def _date_balances(
        self, doc: Doc, seg: Span, resolved: list[Resolved], ctx: Context
    ) -> None:
        """A balance with no period of its own is at the date next to it ("Backlog on
        September 30, 1987 was 9.3 billion dlrs"), not at a deadline ("by the end of 2018")."""
        dates = [
            s for s in _in_seg(doc, periods.SPANS_KEY, seg)
            if s._.newsfacts_period.kind == "date"
            and _previous_word(doc, s.start, seg.start) not in {"by", "until", "before"}
        ]
        for r in resolved:
            if r.cand.period_expr is not None or r.cand.comparative:
                continue
            if (r.cand.metric or "").removesuffix("_change") not in self.balances:
                continue
            near = [d for d in dates if abs(d.start - r.cand.span.start) <= 10]
            if not near:
                continue
            nearest = min(near, key=lambda d: abs(d.start - r.cand.span.start))
            day = period_rules.resolve(
                nearest._.newsfacts_period,
                calendar=_calendar(ctx, r.org.parent or r.org.name),
                published=ctx.published,
                reference=ctx.reference,
            )
            if day is not None:
                r.period = day

    def _assign_statuses(
        self,
        doc: Doc,
        seg: Span,
        resolved: list[Resolved],
        published: date | None,
        reference: period_rules.Period | None,
    ) -> None:
        """Status from cues; a revised estimate's new figure shares the estimate's status;
        a forecast "for the year" is for the year in progress, not the one just ended."""
        for r in resolved:
            r.status = self._status(doc, seg, r.cand, r.cand.metric or "")
        revised = [r.status for r in resolved if r.cand.revision and r.status != "actual"]
        settled = (
            reference is not None
            and reference.granularity in ("year", "range")
            and (published is None or reference.end < published)
        )
        for r in resolved:
            if revised and not r.cand.comparative and r.status == "actual":
                r.status = revised[0]
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
                r.period = _shift_year(r.period, 1)

    def _resolve_periods(
        self,
        resolved: list[Resolved],
        ctx: Context,
        period_spans: list[Span],
        *,
        inherit: bool = True,
    ) -> None:
        """Current figures first, then comparatives stepping back from them.

        A current figure with no period of its own next to a dated comparative is the year
        after it ("rose to EUR 31.1 mn from EUR 17.1 mn in 2004" is 2005); a comparative
        that revises a forecast or target ("from its previous forecast of 42 million")
        covers the same period as the figure it revises. A typical rate ("each year")
        does not `inherit` the article's period.
        """
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
                r.period = self._resolve(r, ctx, reference=reference, comparison=compared)
                if r.period is not None:
                    break
            else:
                r.cand.period_expr = option = expr
            r.cand.baseline = self._is_baseline(option)
            if r.period is not None and r.cand.baseline:
                r.period = _shift_year(r.period, 1)
        for r in resolved:
            if r.cand.comparative and r.cand.period_expr is not None:
                anchor = _anchor_for(r, resolved) or ctx.reference_for(r.org.name, r.org.parent)
                r.period = self._resolve(r, ctx, reference=anchor, comparison=True)
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
                r.period = _shift_year(prior, 1)
            elif (
                r.cand.period_expr is None
                and inherit
                and (r.cand.metric or "").removesuffix("_change") not in self.uninherited
            ):
                r.period = ctx.reference_for(r.org.name, r.org.parent)
        for r in resolved:
            if not r.cand.comparative or r.cand.period_expr is not None:
                continue
            anchor = _anchor_for(r, resolved) or ctx.reference_for(r.org.name, r.org.parent)
            if anchor is not None:
                r.period = anchor if r.cand.revision else _shift_year(anchor, -1)

    def _note_list_opener(self, doc: Doc, seg: Span, ctx: Context) -> None:
        """A line ending in a colon opens a list: "For the fourth quarter of 2019, the Company
        expects:" gives its bullets its status; any other line that is no bullet closes it."""
        if seg.text.rstrip().endswith(":"):
            found = [
                c._.newsfacts_status
                for c in span_index.starting_in(doc, metrics.STATUS_KEY, seg.start, seg.end)
            ]
            ctx.list_status = found[-1] if found else None
        elif doc[seg.start].text not in _BULLETS:
            ctx.list_status = None

    def _note_release(self, doc: Doc, seg: Span, ctx: Context) -> None:
        """"Acme (NASDAQ:ACM) last released its earnings results on Thursday, July 25th":
        the day anchors the bare "the quarter" of the figures after it."""
        verbs, nouns = self.release_words
        for token in seg:
            if token.lower_ not in verbs:
                continue
            window = doc[token.i + 1 : min(token.i + 6, seg.end)]
            if not any(t.lower_ in nouns for t in window):
                continue
            for span in _in_seg(doc, periods.SPANS_KEY, seg):
                expr = span._.newsfacts_period
                if span.start <= token.i or expr.kind != "date":
                    continue
                day = period_rules.resolve(
                    expr, calendar=_calendar(ctx, ctx.salient), published=ctx.published,
                    reference=None,
                )
                if day is not None and (ctx.published is None or day.end <= ctx.published):
                    ctx.results_date = day.end
                return

    def _update_reference(
        self, doc: Doc, period_spans: list[Span], ctx: Context, seg: Span
    ) -> None:
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
            if expr.kind == "date" or _looks_back(expr):
                continue
            if (expr.offset is not None and expr.offset != 0) or expr.upcoming:
                continue  # "last year" looks back; "the new year" is the outlook's period
            if expr.kind in ("month", "weeks", "ytd"):
                continue
            if periods_in_comparison(doc, span):
                continue
            calendar = _calendar(ctx, owner or ctx.salient)
            period = period_rules.resolve(
                expr, calendar=calendar, published=ctx.published, reference=ctx.reference
            )
            if period is not None:
                ctx.set_reference(period, owner, lead=seg.start_char < _LEAD_CHARS)
                return

    # -- value -> candidate --------------------------------------------------------------

    def _candidate(
        self, doc: Doc, seg: Span, span: Span, cues: list[Span], ctx: Context
    ) -> Candidate | None:
        q: Quantity = span._.newsfacts_quantity
        if _margin_over_figure(doc, span):
            return None  # "topping the consensus estimate of $0.06 by $0.05": a difference
        if q.kind == "percent" and self._market_move(doc, seg, span, cues):
            return None  # "sending its shares up 6%", "shares have fallen 51%"
        if q.kind == "count" and _after_a_name(doc, span):
            return None  # "chief executive Mark Ellery, 58, told analysts": an age
        if q.kind == "count" and not q.currency_explicit and _before_to_money(doc, span):
            return None  # "revenues increased 16 to 693 mln dlrs": a change of unstated unit
        subject = _clause_subject(span)
        if (
            subject is not None
            and subject.lower_ in self.not_company_subjects
            and not any(c.start <= subject.i < c.end for c in cues)  # "market share rose"
        ):
            return None  # "the stock drifted 15% lower", "when he was 23"
        governing = _governing_subject(span)
        if governing is not None and _noun_phrase(governing) in self.not_metrics:
            return None  # "the price target would be $200 a share", "the jobless rate rose"
        if self._nobodys_company(governing):
            return None  # "a man who lost EUR 60,000", "producers will generate $550 million"
        if q.kind == "percent" and _antecedent_in(governing, self.market_nouns):
            return None  # "leaders' shares, which have now fallen 51%"
        if q.kind == "money" and self.thresholds.search(
            " ".join(doc[max(seg.start, span.start - 3) : span.start].text.split())
        ):
            return None  # "aggregate turnover up to Rs. 2 crore": a threshold
        if q.kind == "percent" and self._crossed_level(doc, seg, span):
            return None  # "won't be allowed to fall below 25%": a level, not a change
        tail = doc[span.end : min(span.end + 4, seg.end)]
        if (
            q.kind == "money"
            and any(t.lower_ == "price" for t in tail)
            and _phrase(tail).startswith(("/", "a share", "per"))
        ):
            return None  # "the original $16.76/share purchase price"
        unit = ctx.dollar if q.bare_dollar else q.unit
        unit = ctx.bare_currencies.get(_currency_word(q.text), unit)
        if q.kind == "money" and not q.currency_explicit and "$" not in q.text:
            # "a dividend of 0.104 per share", "(PKR: 27.06 a share)": no currency written,
            # so the one of the figures beside it, else the article's
            unit = _sibling_currency(doc, seg, span, ctx) or ctx.default_currency or unit
        if self._in_component_clause(doc, seg, span, cues):
            return None  # "Net includes FIFO inventory gain 217 mln dlrs vs loss 80 mln dlrs"
        cand = Candidate(span=span, quantity=q, value=q.value, unit=unit)
        cand.comparative, cand.revision = self._comparative(doc, seg, span)
        owner = self._of_owner(doc, span)
        if owner is not None and doc[owner].lower_ in self.price_nouns:
            return None  # "an estimated price of 26 to 29 dlrs per share"
        cue = self._cue_for(doc, seg, span, cues, q)
        if cue is None:
            return self._anaphoric(doc, seg, span, cand, subject, ctx)
        if any(
            t.dep_ in ("amod", "compound")
            and t.lower_ in self.public_modifiers
            and not cue.start <= t.i < cue.end  # "pre-tax profit" is one cue
            for c in cue
            for t in c.children
        ) or (cue.start > 0 and doc[cue.start - 1].lower_ in self.public_modifiers):
            ctx.public_figures[span.start] = cue._.newsfacts_metric.metric
            return None  # "federal revenues of 6.7 billion dlrs", "government revenue"
        cand.cue = cue
        cand.metric = cue._.newsfacts_metric.metric
        negative = cue._.newsfacts_metric.negative
        if _phrase(cue) in self.per_share:
            # "75 cts a share" says per share, not of what: the cue before it does
            left = [
                c
                for c in cues
                if c.end <= span.start
                and c is not cue
                and _phrase(c) not in self.per_share
                # "selling 500,000 shares at 10.50 dlrs per share": a sale of shares is no
                # result a share figure divides
                and c._.newsfacts_metric.metric not in self.count_metrics
            ]
            after = [c for c in cues if c.start >= cue.end and c.start - cue.end <= 1]
            forecast = any(
                c._.newsfacts_status == "forecast"
                for c in span_index.starting_in(doc, metrics.STATUS_KEY, seg.start, span.start)
            )
            if not left and not after and not forecast:
                return None  # "priced at $15 per share": a price, not a result
            if not left and _previous_word(doc, span.start, seg.start) in ("at", "for"):
                return None  # "convertible at 1.35 dlrs a share", "buy it for 26 dlrs a share"
            if any(t.lower_ in self.offer_words for t in doc[cue.end : cue.end + 3]):
                return None  # "the 27 dlrs per share offered by Acme", "a share tender offer"
            # but "analysts had expected 98 cents a share" is earnings per share
            verb = organizations.governing_verb(span)
            if (left and left[-1]._.newsfacts_metric.metric == "dividend_per_share") or (
                verb is not None and verb.lemma_.casefold() in self.dividend_verbs
            ):
                cand.metric = "dividend_per_share"  # "will now pay 90 cents per share"
            negative = (
                negative
                or bool(left and left[-1]._.newsfacts_metric.negative)
                or bool(after and after[0]._.newsfacts_metric.negative)
            )
        elif cue.start >= span.end:
            left = [c for c in cues if c.end <= span.start and span.start - c.end <= 3]
            negative = negative or bool(left and left[-1]._.newsfacts_metric.negative)
        direction = _direction_near(doc, seg, span)
        if q.kind == "percent":
            if direction is None:
                direction = self._direction_after_cue(doc, cue)
            cand.change = direction is not None
        elif q.kind == "money" and direction is not None:
            cand.change = _is_absolute_change(doc, span)
        if cand.change and direction is not None:
            cand.value = abs(q.value) * direction
        bare = q.kind == "count" and not q.currency_explicit and not _count_noun_after(span)
        if bare and cand.metric == "revenue" and _names_a_product(doc, cue):
            bare = False  # "Sales of compact disc players rose to 450,000": units
        # "will post 2.35 EPS for the current year": a share figure its label follows
        share_label = cand.metric == "eps" and cue.start == span.end  # not "3 Dividend Stocks"
        if bare and (cand.metric in MONEY_ONLY or cand.metric is None) and (
            q.scale >= 1000 or _TABLE_ROW.search(seg.text) or share_label
        ):
            sibling = _sibling_currency(doc, seg, span, ctx)
            labelled = cue.end == span.start  # a wire line "Turnover 9.42 billion, a 12 pct rise"
            if sibling is not None or labelled or share_label or _TABLE_ROW.search(seg.text):
                # "Revs 12.5 mln vs 9.8 mln", "pretax profits of 1.72 mln" beside "54.86 mln
                # dlrs"; but prose "sales standing at 6.2 mln" with no money beside it may
                # count bags
                cand.unit = sibling or ctx.default_currency or "USD"
                cand.notes.append("currency inherited")
        if negative and not cand.change and cand.metric != "job_cuts":
            cand.value = -abs(cand.value)  # but "with the loss of 350 jobs" counts 350 jobs
        return cand

    def _crossed_level(self, doc: Doc, seg: Span, span: Span) -> bool:
        """"fall below 25%", "rise above 10%": the preposition before the figure follows a
        verb of change."""
        i = span.start - 1
        if i <= seg.start or doc[i].lower_ not in self.level_prepositions:
            return False
        return bool(span_index.covering(doc, metrics.CHANGES_KEY, i - 1))

    def _nobodys_company(self, subject: Token | None) -> bool:
        """The clause is about a person, a public body or a whole sector: its subject (the
        antecedent of "who"/"which") is such a noun, a plural company noun ("producers"),
        or a noun compounded with one ("producer sales")."""
        if subject is None:
            return False
        subject = _antecedent(subject, {"who", "which", "that"}) or subject
        if subject.ent_type_ in ("ORG", "PRODUCT") or subject.pos_ == "PROPN":
            return False
        if subject.lower_ in self.third_parties_subjects:
            return True
        if subject.lower_ in self.third_parties:
            return False  # "brokers expect revenue of £26 million": a forecast of the company's
        if subject.tag_ == "NNS" and subject.lemma_.casefold() in self.company_nouns:
            return not any(c.dep_ == "poss" for c in subject.children)  # not "its retailers"
        return any(
            c.dep_ == "compound"
            and c.lemma_.casefold() in self.sector_nouns
            and c.ent_type_ != "ORG"
            for c in subject.children
        ) and not any(c.dep_ == "poss" for c in subject.children)

    def _anaphoric(
        self,
        doc: Doc,
        seg: Span,
        span: Span,
        cand: Candidate,
        subject: Token | None,
        ctx: Context,
    ) -> Candidate | None:
        """A figure whose subject is a pronoun for the previous sentence's figure: "its $6.7
        billion operating income ... But it's down about 36% from $10.6 billion in 2016"."""
        if ctx.last_metric is None or subject is None or subject.lower_ not in _ANAPHORS:
            return None
        direction = _direction_near(doc, seg, span)
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

    def _market_move(self, doc: Doc, seg: Span, span: Span, cues: list[Span]) -> bool:
        """A percent a few words after "shares" or "stock", with no metric cue between, is
        the market's move, whatever the clause's subject."""
        floor = max(seg.start, span.start - 5)
        nouns = [i for i in range(floor, span.start) if doc[i].lower_ in self.market_nouns]
        if not nouns:
            return False  # the common case: no value scan at all
        between = range(nouns[-1], span.start)  # the noun itself may be inside a cue
        return not any(
            doc[i].is_punct or any(c.start <= i < c.end for c in cues) or _value_at(doc, i)
            for i in between
        )

    def _comparative(self, doc: Doc, seg: Span, span: Span) -> tuple[bool, bool]:
        """Whether a value opens a comparative ("from", "vs", "compared to/with",
        "against", "than"), and whether that comparative revises a forecast or target
        ("from its previous forecast of 42 million") rather than citing a prior period. A
        figure in parentheses right after another of its currency is the prior period's
        ("net sales were EUR 73.3 mn ( EUR 72.5 mn )"); the value layer has already told a
        conversion or a restatement apart."""
        before = _index_before(doc, span.start)
        if before >= seg.start and doc[before].text == "(":
            prior = _index_before(doc, before)
            if prior >= seg.start and _value_at(doc, prior):
                return True, False
        steps = 0
        basis = self._basis_tokens(doc, max(seg.start, span.start - 12), span.start)
        for i in range(span.start - 1, seg.start - 1, -1):
            token = doc[i]
            if token.is_space or i in basis:
                continue  # "increased 49% year-over-year to": not a comparison
            word = token.lower_
            if word == "over" and steps == 0:
                continue  # "over 35 %": at least, not a comparison
            if word == "to" and steps == 0 and _previous_word(doc, i, seg.start) not in (
                self.comparative_markers
            ):
                return False, False  # "over fiscal 1987 to 3.2 billion dlrs": the new level
            if word == "than" and steps == 0 and _previous_word(doc, i, seg.start) in _BOUNDS:
                continue  # "more than 50%": a bound on the figure, not a comparison
            if word == "than" and i + 1 < len(doc) and doc[i + 1].pos_ in ("VERB", "AUX"):
                return False, False  # "net sales more than doubled to 154.1 billion yen"
            if word in self.comparative_markers:
                window = doc[max(seg.start, i - 8) : span.start]
                # "from its previous forecast of 42 million" revises the company's own
                # outlook; "compared to the consensus estimate of" cites other people's
                estimate = any(t.lower_ in self.status_nouns for t in window)
                others = any(t.lower_.rstrip("'’") in self.third_parties for t in window)
                if estimate and others:
                    return False, False  # the same period's figure as others foresaw it
                return True, estimate
            joined = token.text == "-" and not token.whitespace_ and not doc[i - 1].whitespace_
            if (token.is_punct and word not in {"(", ")"} and not joined) or _value_at(doc, i):
                return False, False  # a clause boundary, but not the hyphen of "year-ago"
            steps += 1
            if steps >= 8:
                break
        return False, False

    def _cue_for(
        self, doc: Doc, seg: Span, span: Span, cues: list[Span], q: Quantity
    ) -> Span | None:
        usable = [c for c in cues if self._cue_fits(c, q) and self._cue_is_whole(doc, c)]
        if not usable or _glosses_a_noun(doc, span, cues) or self._modifies_a_noun(doc, span, cues):
            return None
        right = [
            c
            for c in usable
            if c.start >= span.end
            and self._links_to(doc, span.end, c.start)
            and not (c.end < len(doc) and doc[c.end].text == ":")  # "(EPS: 11.91)" labels 11.91
        ]
        if right:
            return min(right, key=lambda c: c.start)
        owner = self._of_owner(doc, span)
        floor = self._own_subject_start(doc, span, usable)
        left = [
            c
            for c in usable
            if floor <= c.start
            and _phrase(c) not in self.per_share  # "a share" names the value before it
            and c.end <= span.start
            and not self._component_between(doc, c.end, span.start)
            and (owner is None or c.start <= owner < c.end)
        ]
        if left:
            levels = [c for c in left if c._.newsfacts_metric.metric in PERCENT_LEVEL]
            if q.kind == "percent" and levels and _direction_near(doc, seg, span) is None:
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
                t.lower_ in self.clause_openers or t.text == "," for t in doc[span.end : c.start]
            )
        ]  # not "shares gained 4% after announcing results", "5.3 per cent, with most jobs"
        if following and q.kind != "money":
            return min(following, key=lambda c: c.start)
        return None

    def _own_subject_start(self, doc: Doc, span: Span, cues: list[Span]) -> int:
        """Where a value's own clause begins when that clause names another subject than a
        metric, an organization or a stand-in ("retail revenue rose 11.4%, and the average
        order size is down 0.8%"): a cue before it belongs to another figure."""
        subject = _clause_subject(span)
        if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
            return 0
        if subject.lower_ in self.stand_ins or subject.ent_type_:
            return 0
        if any(c.start <= subject.i < c.end for c in cues):
            return 0
        if span_index.covering(doc, organizations.SPANS_KEY, subject.i):
            return 0
        if span_index.starting_in(doc, metrics.STATUS_KEY, subject.head.i, subject.head.i + 1):
            return 0  # "short of the $34.0 billion analysts had expected": the same metric
        return subject.left_edge.i

    def _modifies_a_noun(self, doc: Doc, span: Span, cues: list[Span]) -> bool:
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
        if _value_at(doc, head.i, conversions=True):
            return False
        covered = [*cues, *span_index.covering(doc, metrics.CHANGES_KEY, head.i),
                   *span_index.covering(doc, periods.SPANS_KEY, head.i)]
        if head.i in self._basis_tokens(doc, span.end, min(head.i + 8, len(doc))):
            return False  # "by 18 percent year-on-year"
        return not any(c.start <= head.i < c.end for c in covered)

    def _cue_is_whole(self, doc: Doc, cue: Span) -> bool:
        """Not a part of the figure ("domestic sales", "share of profits", "sales to related
        parties"), and a bare "net"
        only as a wire label right before its value ("Net 17.3 mln", not "net equity")."""
        before = tuple(t.lower_ for t in doc[max(cue.start - 2, 0) : cue.start] if not t.is_space)
        for phrase in self.partitive:
            if before[-len(phrase) :] == phrase:
                return False
        if before and before[-1] in self.component_words:
            return False  # "earnings exclude loss from discontinued operations of ..."
        if self.parties.match(doc[cue.end : cue.end + 8].text):
            return False  # "sales to non-related parties": a part of the revenue
        place = doc[cue.end : cue.end + 4]
        counted = cue._.newsfacts_metric.metric in self.count_metrics  # "6,350 employees in Norway"
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
                following[0].like_num or _value_at(doc, following[0].i, conversions=True)
                or following[0].is_upper
            )
        return True

    def _is_baseline(self, period: Span) -> bool:
        """A period right after "from", "compared with", "than in": what a figure is
        compared against ("increased by 42.5 % from 2004"), so the figure is a year later."""
        doc = period.doc
        seen = 0
        for i in range(period.start - 1, max(period.start - 6, -1), -1):
            token = doc[i]
            if token.is_space:
                continue
            if _value_at(doc, i) or token.text in {",", ";"}:
                return False
            if token.lower_ in self.comparative_markers:
                return True
            seen += 1
            if seen >= 3:
                break
        return False

    def _of_owner(self, doc: Doc, span: Span) -> int | None:
        """The noun that owns a value through "of" ("a capital injection of at least
        £30m"), unless it is a status noun ("last year's goal of 40 million")."""
        i = span.start - 1
        while i >= 0 and (doc[i].is_space or doc[i].lower_ in self.approximators):
            i -= 1
        if i < 1 or doc[i].lower_ != "of":
            return None
        head = doc[i - 1]
        if head.pos_ not in ("NOUN", "PROPN") or head.lower_ in self.status_nouns:
            return None
        if span_index.covering(doc, periods.SPANS_KEY, head.i):
            return None  # "earnings in the second quarter of last year of 36.3 mln dlrs"
        return head.i

    def _in_component_clause(self, doc: Doc, seg: Span, span: Span, cues: list[Span]) -> bool:
        """A value after "<metric> includes/excludes" in its segment is a component, and so
        is one after an "includes" with a metric or no subject at all ("Net in nine mths
        1986 includes income of ...", a wire note "NOTE: Includes loss of ...")."""
        for token in doc[seg.start : span.start]:
            if token.lower_ not in self.component_words:
                continue
            j = _index_before(doc, token.i)
            if any(c.start <= j < c.end for c in cues):
                return True
            finite = token.lower_ in ("include", "includes", "included")
            if token.dep_ == "relcl" or not (finite or token.pos_ in ("VERB", "AUX")):
                continue
            if _previous_word(doc, token.i, seg.start) in {"which", "that", "who"}:
                continue
            subjects = [
                c
                for c in token.children
                if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "NUM" and c.i >= seg.start
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

    def _component_between(self, doc: Doc, start: int, end: int) -> bool:
        """A component verb between a cue and its value, outside a relative clause
        ("revenue in the segment, which includes Windows, slipped 2 percent")."""
        return any(
            t.lower_ in self.component_words
            and _previous_word(doc, t.i, start) not in {"which", "that", "who"}
            for t in doc[start:end]
        )

    def _cue_fits(self, cue: Span, q: Quantity) -> bool:
        metric = cue._.newsfacts_metric.metric
        if q.kind == "money":
            return metric is None or metric in MONEY_ONLY or metric == "units_sold"
        if q.kind == "percent":
            return True
        return True

    def _links_to(self, doc: Doc, start: int, end: int) -> bool:
        """Only linking words, conversions, a comparison basis ("118% Year-Over-Year
        Revenue Growth") or a change noun ("a 12% drop in operating income") between a value
        and a cue on its right."""
        if end - start > 8:
            return False
        basis = self._basis_tokens(doc, start, end)
        changes = {
            i for c in span_index.starting_in(doc, metrics.CHANGES_KEY, start, end)
            for i in range(c.start, c.end)
        }
        for i in range(start, end):
            token = doc[i]
            if (
                token.lower_ in self.right_links
                or i in basis
                or (i in changes and token.pos_ == "NOUN")  # "a 12% drop in operating income"
                or _value_at(doc, i, conversions=True)
            ):
                continue
            if (token.pos_ == "ADJ" or token.dep_ == "amod") and i == end - 1:
                continue  # "a $0.72 annualized dividend"
            return False
        return True

    def _basis_tokens(self, doc: Doc, start: int, end: int) -> set[int]:
        if start >= end:
            return set()
        span = doc[start:end]
        inside: set[int] = set()
        for match in self.bases.finditer(span.text):
            words = span.char_span(match.start(), match.end(), alignment_mode="expand")
            if words is not None:
                inside.update(range(words.start, words.end))
        return inside

    def _direction_after_cue(self, doc: Doc, cue: Span) -> int | None:
        """"net sales growth estimate", "sales decline", "Revenue Year-Over-Year Growth": a
        direction noun right after the cue."""
        for change in span_index.starting_in(doc, metrics.CHANGES_KEY, cue.end, len(doc)):
            if doc[change.start].pos_ not in ("NOUN", "PROPN"):
                continue
            if change.start == cue.end or self._basis_tokens(doc, cue.end, change.start) == set(
                range(cue.end, change.start)
            ):
                return int(change._.newsfacts_direction)
        return None

    def _final_metric(
        self, cand: Candidate, org: organizations.OrgMention, seg: Span
    ) -> str | None:
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
            if metric == "revenue":
                metric = "units_sold"
            if metric in ("headcount", "job_cuts"):
                if _counts_another_noun(cand.span, self.headcount_nouns):
                    return None  # "has 3,600 employees and operates 225 branches"
                metric = "job_cuts" if _cut_governs(seg, cand.span) else "headcount"
                if metric == "headcount" and self._at_a_site(seg, cand.span):
                    return None  # "the plant employs 300 people": one site's workers
            if metric not in self.count_metrics:
                return None
        if q.kind == "percent" and not cand.change:
            if metric == "headcount" and _cut_governs(seg, cand.span):
                metric = "job_cuts"
            if metric not in PERCENT_LEVEL:
                return None
        if cand.unit not in ("count", "percent") and metric in self.count_metrics:
            return None  # "sold $40bn of assets": a deal, not units
        counted = (_item(cand.span) or "").split(" ")[0].casefold()
        if metric == "units_sold" and cand.unit == "count" and counted in self.not_items:
            return None  # "1,200,000 of the shares", "300,000 tonnes of sorghum"
        if (
            metric == "units_sold"
            and not cand.comparative
            and not counted
            and not _count_noun_after(cand.span)
            and not (cand.cue is not None and _names_what_sold(seg.doc, cand.cue))
        ):
            return None  # "16 were waiting to load", "took three months down to 730": no item
        if metric == "units_sold" and _names_a_model(cand.span):
            return None  # "the 68000 microprocessor", "a 747 jet": a model, not a count
        if metric == "units_sold" and _previous_word(seg.doc, cand.span.start, seg.start) in (
            "at",
            "for",
        ):
            return None  # "March/April sold at 4,340", "agreed to sell the rights for 34.4"
        if (
            metric in _TOTALS
            and q.kind == "money"
            and q.scale == 1
            and abs(cand.value) < 100_000
            and _priced_at(seg.doc, cand.span.start, seg.start)
            and not _TABLE_ROW.search(seg.text)
        ):
            return None  # "sales were light, with June/July going at 1,850 dlrs": a price
        if metric == "units_sold" and any(
            (t.lower_ in self.not_items or t.lemma_.casefold() in self.not_items)
            for t in seg.doc[cand.span.end : min(cand.span.end + 5, seg.end)]
            if t.pos_ == "NOUN"
        ):
            return None  # "sold 110,000 Acme common shares", "75,000 of his remaining shares"
        if (
            metric in _TOTALS
            and not cand.change
            and q.kind == "money"
            and q.scale == 1
            and abs(cand.value) < 1000
        ):
            following = " ".join(t.lower_ for t in seg.doc[cand.span.end : cand.span.end + 6])
            if not any(p in following for p in self.per_share):
                return None  # "2.58 dlrs in the fourth quarter": no company's total is that small
            metric = "eps"  # "earnings of $4.40 to $4.50 a share"
        if metric in PROFIT_METRICS and q.kind == "money" and q.scale == 0.01:
            if not any(t.lower_ in self.share_words for t in seg):
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

    def _at_a_site(self, seg: Span, span: Span) -> bool:
        """A count of workers that belongs to one site: the site is the clause's subject
        ("the plant employs 300 people"), the noun the count hangs from ("the smelter, with
        320 employees") or follows it ("the 9,000 workers at the Smalltown facility")."""
        subject = _governing_subject(span)
        if subject is not None and subject.lower_ in self.facility_nouns:
            return True
        token = span.root
        for _ in range(4):
            if token.head.i == token.i or token.head.pos_ in ("VERB", "AUX"):
                break
            token = token.head
            if token.pos_ == "NOUN" and token.lower_ in self.facility_nouns:
                return True
        after = seg.doc[span.end : min(span.end + 7, seg.end)]
        for t in after:
            if t.is_punct:
                return False
            if t.lower_ in self.facility_nouns and t.pos_ == "NOUN":
                return any(p.lower_ in ("at", "in") for p in after if p.i < t.i)
        return False

    # -- periods -----------------------------------------------------------------------

    def _assign_periods(
        self, doc: Doc, candidates: list[Candidate], period_spans: list[Span]
    ) -> None:
        """Comparatives take the period right after them; current figures share out the
        rest by proximity, one period each while there are enough to go round. A period
        after "from"/"compared with" that no comparative took is a baseline."""
        if not period_spans:
            return
        taken: set[int] = set()
        ordered = sorted(candidates, key=lambda c: c.span.start)
        for index, cand in enumerate(ordered):
            if not cand.comparative:
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
                and not any(_value_at(doc, i) for i in range(p.end, cand.span.start))
                and (index == 0 or ordered[index - 1].span.end <= p.start)
            ]  # "compared to a year-earlier profit of 3.9 mln dlrs"
            chosen = before or after
            if chosen:
                cand.period_expr = chosen[0]
                taken.add(chosen[0].start)
        free = [p for p in period_spans if p.start not in taken]
        current = [c for c in ordered if not c.comparative]
        for cand in current:
            own = [
                p for p in free
                # "up 4.2 per cent on the same period last year": what a change is against
                if not (
                    cand.change and p._.newsfacts_period.same_period and p.start >= cand.span.end
                )
            ]
            cand.period_options = sorted(
                own,  # a baseline ("than in the year before") only when nothing else is left
                key=lambda p: (
                    self._is_baseline(p),
                    _names_a_dividend_kind(p),
                    _period_distance(doc, cand.span, p),
                ),
            )
            if cand.period_options:
                cand.period_expr = cand.period_options[0]

    def _resolve(
        self,
        r: Resolved,
        ctx: Context,
        *,
        reference: period_rules.Period | None,
        comparison: bool,
    ) -> period_rules.Period | None:
        expr = r.cand.period_expr
        if expr is None:
            return None
        calendar = _calendar(ctx, r.org.parent or r.org.name)
        return period_rules.resolve(
            expr._.newsfacts_period,
            calendar=calendar,
            published=ctx.results_date or ctx.published,
            reference=reference,
            comparison=comparison,
        )

    # -- fact --------------------------------------------------------------------------

    def _fact(self, doc: Doc, seg: Span, r: Resolved) -> Fact:
        cand, period, org = r.cand, r.period, r.org
        q = cand.quantity
        metric = cand.metric or ""
        return Fact(
            doc_id=doc._.newsfacts_doc_id or "",
            entity=org.name,
            metric=metric,
            item=_item(cand.span) if metric.startswith("units_sold") else None,
            value=float(cand.value),
            unit=cand.unit,
            period=period.label if period else None,
            period_start=period.start if period else None,
            period_end=period.end if period else None,
            status=r.status,
            char_start=q.char_start,
            char_end=q.char_end,
            evidence=_evidence(doc, seg),
            confidence=_confidence(cand, org, seg, r.status),
            published=doc._.newsfacts_published,
            source=doc._.newsfacts_source,
            superseded=cand.revision,
        )

    def _status(self, doc: Doc, seg: Span, cand: Candidate, metric: str) -> Status:
        """The nearest status cue on the value's left, unless a past-tense verb or a
        comparative stands between them; job cuts are plans unless stated as done."""
        statuses = {s.start: s._.newsfacts_status for s in doc.spans[metrics.STATUS_KEY]}
        found: Status = "actual"
        i = cand.span.start - 1
        while i >= seg.start and cand.span.start - i <= 18:
            token = doc[i]
            if i in statuses and _previous_word(doc, i, seg.start) in {"than", "as"}:
                i -= 1  # "a lower-than-expected rise", "as expected": not an outlook
                continue
            if i in statuses:
                if cand.comparative and token.lower_ not in self.status_nouns:
                    break
                if metric.startswith("dividend_per_share") and token.lower_ in self.schedule_cues:
                    return "actual"  # "will be paid a dividend of 0.10": declared, not foreseen
                found = "target" if statuses[i] == "target" else "forecast"
                break
            if token.lower_ in self.comparative_markers and not cand.comparative:
                break
            if token.tag_ in ("VBD",) and token.lower_ not in {"said", "added", "told"}:
                break
            if token.text in (";", ":", ","):
                break
            if token.lower_ == "after" and token.dep_ in ("prep", "mark") and i + 1 < len(doc) and (
                doc[i + 1].tag_ in ("VBG", "VBD", "VBN") or doc[i + 1].pos_ == "PRON"
            ):
                return "actual"  # "should return to profit after reporting a loss in 1986"
            i -= 1
        if found == "actual" and not cand.comparative:
            found = _governing_status(cand.span, statuses) or found
        if metric.startswith("job_cuts"):
            past = any(t.tag_ == "VBD" and t.lower_ not in {"said", "added"} for t in seg)
            if found == "forecast" or not past:
                found = "target"
        return found


# -- helpers on spans and segments ------------------------------------------------------


def _any_of(phrases: list[str], *, before: str = r"\b", after: str = r"\b") -> re.Pattern[str]:
    """One case-blind pattern for a lexicon list, longest phrase first."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(
        before + "(?:" + "|".join(re.escape(p) for p in ordered) + ")" + after, re.IGNORECASE
    )


def _without_headline_repeats(text: str, facts: list[Fact]) -> list[Fact]:
    """A headline restates the article's figures, loosely ("PROFIT 11.7 PCT" for a pretax
    rise): keep a headline fact only when the body does not state the same amount, so the
    body's fuller reading wins. A scraped page's headline ends at its first line break or,
    run together with the body, at its first wide gap ("... Dividend of $0.07  Acme ...")."""
    end = _headline_end(text)
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


_WIDE_GAP = re.compile(r"\n|  +(?![-–|]\s)(?<![-–|]  )")
_SENTENCE_END = re.compile(r"\S\s?[.!?]\s+(?=[A-Z])")


def _headline_end(text: str) -> int:
    """Where a headline ends: at its first line break or wide gap (but "Acme to Issue  -
    Dividend of $0.29" keeps its dash separator), else, run into the body, at the end of a
    title-cased first sentence ("Acme Plc to Issue Dividend of $0.29 on October 30th .")."""
    gap = _WIDE_GAP.search(text, 0, 250)
    if gap is not None:
        return gap.start()
    stop = _SENTENCE_END.search(text, 0, 250)
    if stop is None:
        return -1
    words = [w for w in re.findall(r"[A-Za-z][\w'&]*", text[: stop.end()]) if len(w) > 3]
    titled = sum(w[0].isupper() for w in words)
    return stop.end() if words and titled >= 0.75 * len(words) else -1


def periods_in_comparison(doc: Doc, span: Span) -> bool:
    window = doc[max(span.start - 16, 0) : span.start + 1]
    return period_rules.comparison_context(window.text, span.start_char - window.start_char)


def _within(seg: Span) -> Callable[[Span], bool]:
    return lambda s: seg.start <= s.start and s.end <= seg.end


def _in_seg(doc: Doc, key: str, seg: Span) -> list[Span]:
    return span_index.within(doc, key, seg.start, seg.end)


def _segments(doc: Doc) -> list[Span]:
    """Sentences, with the headline, paragraphs and wire-table rows split off on their own.

    A line break ends a segment after the first line, after an all-capitals or a
    "... vs ..." line, before an indented line (wire paragraphs), and at a blank line; a
    wide gap before a capital ends one too (list items of scraped pages run together).
    """
    out: list[Span] = []
    text = span_index.text(doc)
    inside_values = {i for v in doc.spans[values.SPANS_KEY] for i in range(v.start, v.end)}
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if token.i == start or not token.is_space or token.i in inside_values:
                continue
            if "\n" not in token.text:
                # scraped lists run together with wide gaps: "as follows:  Fourth Quarter
                # 2018: 118% growth  Fiscal 2018: 95% ..."
                nxt = doc[token.i + 1] if token.i + 1 < sent.end else None
                gap = doc[token.i - 1].whitespace_ + token.text_with_ws
                if "  " in gap and nxt is not None and nxt.text[:1].isupper():
                    out.append(doc[start : token.i])
                    start = token.i + 1
                continue
            line_before = text[doc[start].idx : token.idx]
            following = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
            continued = following[:1].islower()  # "Shr 20.9p,\n    a 22.3 pct rise"
            if continued and _TABLE_ROW.search(line_before.rsplit("\n", 1)[-1]):
                # but a lower-cased wire table ("net 65 mln vs 57 mln\n    year\n    shr
                # 1.10 dlrs vs ...") still has a row a line
                next_start = doc[token.i + 1].idx if token.i + 1 < len(doc) else len(text)
                next_end = text.find("\n", next_start)
                next_line = text[next_start : next_end if next_end >= 0 else len(text)]
                continued = not (
                    _TABLE_ROW.search(next_line) or _SECTION_LINE.fullmatch(next_line.strip())
                )
            if "\n\n" in token.text or (
                not continued
                and (
                    token.text.endswith("  ")
                    or doc[start].idx == 0
                    or _TABLE_ROW.search(line_before.rsplit("\n", 1)[-1])
                    or line_before.strip().isupper()
                    # a press release's bullet list: "Highlights:\n- Revenue of $412.5 million"
                    or following in _BULLETS
                    or line_before.rstrip().endswith(":")
                )
            ):
                if token.i > start:
                    out.append(doc[start : token.i])
                start = token.i + 1
        if start < sent.end:
            out.append(doc[start : sent.end])
    merged: list[Span] = []
    for seg in out:
        if not seg.text.strip():
            continue
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.end == seg.start
            and seg.text[:1].islower()
            and previous.text.rstrip()[-1:] in {",", ";"}
        ):  # the parser ended a sentence at a comma: "Shr 20.9p, | a 22.3 pct rise"
            merged[-1] = doc[previous.start : seg.end]
        else:
            merged.append(seg)
    return merged


def _value_at(doc: Doc, i: int, *, conversions: bool = False) -> bool:
    found = span_index.covering(doc, values.SPANS_KEY, i)
    return bool(found) and (conversions or not found[0]._.newsfacts_quantity.is_conversion)


def _margin_over_figure(doc: Doc, span: Span) -> bool:
    """ "beat the estimate of $1.05 by $0.15", "missed it by ($0.42)", "50 cents a share,
    7 cents a share above estimates": the gap between two figures, not a result."""
    i = span.start - 1
    while i >= 0 and doc[i].text in ("(", "-"):
        i -= 1
    if i >= 1 and doc[i].lower_ == "by":
        j = i - 1
        while j >= 0 and doc[j].text in (")", "per", "a", "share"):
            j -= 1
        return j >= 0 and _value_at(doc, j)
    after = [t.lower_ for t in doc[span.end : span.end + 4]]
    while after and after[0] in ("per", "a", "share", ")"):
        after = after[1:]
    return len(after) >= 2 and after[0] in ("above", "below", "ahead") and after[1] in (
        "estimates", "expectations", "consensus", "forecasts", "the", "analysts", "of"
    )


def _paired(doc: Doc, spans: list[Span], read: list[Candidate | None]) -> list[Candidate]:
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


def _respectively(
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


def _date_by_events(doc: Doc, period_spans: list[Span], candidates: list[Candidate]) -> None:
    """An event in a figure's own clause dates it when nearer than its period: "had sales
    of 67 mln dlrs when it was acquired in 1971" covers 1971, not the story's year."""
    events = [s for s in period_spans if _dates_an_event(s)]
    for cand in candidates:
        dating = [e for e in events if _event_of_clause(cand.span, e)]
        if cand.comparative or not dating:
            continue
        event = min(dating, key=lambda e: _period_distance(doc, cand.span, e))
        own = cand.period_expr
        if own is None or _period_distance(doc, cand.span, event) < _period_distance(
            doc, cand.span, own
        ):
            cand.period_expr, cand.period_options = event, [event]


def _dividend_headline(doc: Doc) -> bool:
    """A wire headline that announces a dividend and no results ("K MART SETS QTLY
    DIVIDEND"): its "Shr" line is the dividend per share."""
    end = span_index.text(doc).find("\n")
    if end <= 0:
        return False
    found = {
        c._.newsfacts_metric.metric for c in doc.spans[metrics.SPANS_KEY] if c.end_char <= end
    }
    return found == {"dividend_per_share"}


def _definite_period(cand: Candidate) -> bool:
    """Whether the figure names a dated period of its own ("for 1986", "fiscal 2007")."""
    expr = cand.period_expr
    return expr is not None and expr._.newsfacts_period.year is not None


def _names_a_dividend_kind(period: Span) -> bool:
    """ "its annual dividend": the kind of dividend (not the interim one), weakly a period."""
    doc = period.doc
    return period.text.casefold() == "annual" and any(
        c.start == period.end and c._.newsfacts_metric.metric == "dividend_per_share"
        for c in span_index.starting_in(doc, metrics.SPANS_KEY, period.end, period.end + 1)
    )


def _governing_status(span: Span, statuses: dict[int, str]) -> Status | None:
    """The status of a cue verb the value's clause depends on, however far: "expects
    revenues for the year ending June 30, 1988, to increase ... to 3.2 billion dlrs"."""
    token = span.root
    for _ in range(6):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.i in statuses and token.pos_ in ("VERB", "AUX"):
            return "target" if statuses[token.i] == "target" else "forecast"
        if token.tag_ == "VBD" and token.lower_ not in {"said", "added", "told"}:
            return None  # "reported", "rose": an actual result
    return None


def _before_to_money(doc: Doc, span: Span) -> bool:
    following = [t for t in doc[span.end : span.end + 3] if not t.is_space]
    if not following or following[0].lower_ != "to" or len(following) < 2:
        return False
    return any(
        v._.newsfacts_quantity.kind == "money"
        for v in span_index.starting_in(doc, values.SPANS_KEY, following[1].i, following[1].i + 1)
    )


def _after_a_name(doc: Doc, span: Span) -> bool:
    """A bare number set off by commas right after a person's name."""
    comma = _index_before(doc, span.start)
    name = _index_before(doc, comma)
    return (
        name >= 0
        and doc[comma].text == ","
        and doc[name].ent_type_ == "PERSON"
        and span.end < len(doc)
        and doc[span.end].text == ","
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


def _clause_subject(span: Span) -> Token | None:
    """The subject of the clause a value is an argument of: of the nearest verb above it,
    or of the first of coordinated verbs ("the stock drifted 15% lower and traded at
    $3.15"); None for a value inside a noun phrase."""
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            break
        token = token.head
        if token.pos_ in ("NOUN", "PROPN") and not span.start <= token.i < span.end:
            return None  # inside a noun phrase ("the context of a $312 million loss")
    for _ in range(3):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0]
        if token.dep_ != "conj" or token.head.i == token.i:
            return None
        token = token.head
    return None


def _range_members(doc: Doc, seg: Span, value_spans: list[Span]) -> set[int]:
    """Start tokens of values that bound a range: "estimates ranging from a 2.8% decrease to
    a 0.9% increase", "a range of $5 million to $6 million" (FACTS.md: a range is not scored,
    and neither end is the figure)."""
    members: set[int] = set()
    for m in _RANGE_OPENER.finditer(seg.text):
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


_BULLETS = frozenset({"-", "•", "*", "–", "·", "▪"})

_RANGE_OPENER = re.compile(
    r"\brang(?:e|es|ed|ing)\s+(?:from|between)\b|\b(?:a|the)\s+range\s+of\b|\bbetween\b",
    re.IGNORECASE,
)


def _antecedent(subject: Token, pronouns: set[str]) -> Token | None:
    """The noun a relative pronoun subject stands for ("a man who lost ...", "shares, which
    have fallen ..."), else None."""
    if subject.lower_ in pronouns and subject.head.dep_ == "relcl":
        return subject.head.head
    return None


def _antecedent_in(subject: Token | None, nouns: set[str]) -> bool:
    """The value's clause is a relative clause on one of `nouns` ("shares, which have now
    fallen 51%")."""
    antecedent = _antecedent(subject, {"which", "that"}) if subject is not None else None
    return antecedent is not None and antecedent.lower_ in nouns


def _governing_subject(span: Span) -> Token | None:
    """The subject of the nearest verb above a value, through a noun phrase too ("the
    ministry is forecasting revenue of $185 million" -> ministry)."""
    token = organizations.governing_verb(span)
    if token is None:
        return None
    for _ in range(3):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0]
        if token.dep_ not in ("conj", "xcomp", "advcl") or token.head.i == token.i:
            return None
        token = token.head  # "tourists traveled ..., equating to a revenue of $29.5 bn"
    return None


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


def _direction_near(doc: Doc, seg: Span, span: Span) -> int | None:
    """+1/-1 when a direction word governs a value: "rose 8 %", "a 6.4 pct increase",
    "down 65 pct", "eight pct lower", "increased by 24 percent", and the elided "and
    total revenue by 3 percent"; not "rose to X" or "grew from X" (levels)."""
    changes = [c for c in doc.spans[metrics.CHANGES_KEY] if seg.start <= c.start < seg.end]
    i = span.start - 1
    while i > seg.start and (doc[i].is_space or doc[i].lower_ in {"than", "more", "less", "about"}):
        i -= 1
    previous = doc[i].lower_ if i >= seg.start else ""
    for change in changes:
        if change.end < len(doc) and doc[change.end].lower_ == "than" and change.end <= span.start:
            continue  # "a lower-than-expected 3.7 per cent rise"
        if change.end <= span.start:
            between = [t for t in doc[change.end : span.start] if not t.is_space]
            words = [t.lower_ for t in between if not t.is_punct]
            if {"to", "at", "from"} & set(words):
                continue  # "rose to X", "grew from 51% to 58%": levels
            if len(between) <= 4 or (words[:1] == ["by"] and len(between) <= 8):
                return int(change._.newsfacts_direction)
            if _only_period_words(between):
                return int(change._.newsfacts_direction)
        elif change.start >= span.end and change.start - span.end <= 2:
            return int(change._.newsfacts_direction)
    if previous == "by":
        before = [c for c in changes if c.end <= span.start]
        if before:
            return int(before[-1]._.newsfacts_direction)
    return None


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


def _previous_word(doc: Doc, i: int, floor: int) -> str:
    j = _index_before(doc, i, floor)
    return doc[j].lower_ if j >= floor else ""


def _only_period_words(tokens: list[Token]) -> bool:
    return (
        all(
            t.is_punct
            or t.like_num
            or t.lower_ in {"in", "by", "on", "the", "year", "of", "for"}
            or t.ent_type_ == "DATE"
            for t in tokens
        )
        and len(tokens) <= 8
    )


def _noun_phrase(head: Token) -> str:
    """A noun with the compounds before it, lower-cased ("price target")."""
    words = [c.lower_ for c in head.lefts if c.dep_ == "compound"]
    return " ".join([*words, head.lower_])


def _phrase(span: Span) -> str:
    """A cue's words as the lexicon spells them: a wrapped "per\nshare" is "per share"."""
    return " ".join(span.text.casefold().split())


def _is_absolute_change(doc: Doc, span: Span) -> bool:
    """A money amount that is a change: "by 40 billion yen", "2.9 billion yen lower than"."""
    before = _previous_word(doc, span.start, 0)
    after = [t.lower_ for t in doc[span.end : span.end + 3] if not t.is_space]
    return before == "by" or bool(after and after[0] in {"lower", "higher", "more", "less"})


def _names_a_product(doc: Doc, cue: Span) -> bool:
    """ "Sales of compact disc players": the sales of a named thing, counted in units."""
    if cue.end + 1 >= len(doc) or doc[cue.end].lower_ != "of":
        return False
    following = doc[cue.end + 1]
    return not following.like_num and not _value_at(doc, following.i, conversions=True)


def _names_what_sold(doc: Doc, cue: Span) -> bool:
    """The cue says what was sold: "sales of compact disc players", "Walkman sales"."""
    if cue.root.lemma_.casefold() not in ("sale", "shipment", "delivery"):
        return False  # "grain ships were loading", "light trade selling": no sales noun
    before = doc[cue.start - 1] if cue.start > 0 else None
    named_before = before is not None and before.pos_ in ("NOUN", "PROPN") and (
        before.dep_ == "compound" or before.head.i in range(cue.start, cue.end)
    )
    return named_before or _names_a_product(doc, cue)


def _count_noun_after(span: Span) -> bool:
    """A noun counted right after the figure, adjectives allowed ("22,000 electric cars")."""
    doc = span.doc
    i = span.end
    while i < min(span.end + 2, len(doc) - 1) and doc[i].pos_ == "ADJ":
        i += 1
    return i < len(doc) and doc[i].pos_ == "NOUN"


def _sibling_currency(doc: Doc, seg: Span, span: Span, ctx: Context) -> str | None:
    best: tuple[int, str] | None = None
    for other in span_index.starting_in(doc, values.SPANS_KEY, seg.start, seg.end):
        q = other._.newsfacts_quantity
        if q.kind != "money" or other.start == span.start:
            continue
        distance = abs(other.start - span.start)
        if best is None or distance < best[0]:
            unit = ctx.dollar if q.bare_dollar else q.unit
            best = (distance, ctx.bare_currencies.get(_currency_word(q.text), unit))
    return best[1] if best else None


def _dominant_currency(doc: Doc, dollar: str) -> str | None:
    """The article's most frequent currency, a bare "$" or "dlrs" counted as its dollar."""
    counts: dict[str, int] = {}
    for span in doc.spans[values.SPANS_KEY]:
        q = span._.newsfacts_quantity
        if q.kind == "money" and not q.is_conversion:
            unit = dollar if q.bare_dollar else q.unit
            counts[unit] = counts.get(unit, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _calendar(ctx: Context, entity: str | None) -> period_rules.FiscalCalendar:
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


def _looks_back(expr: period_rules.PeriodExpr) -> bool:
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


def _stated_dollar(doc: Doc, salient: str | None) -> str:
    """What a bare "$" or "dlrs" means in this article: a dollar currency the article
    names explicitly ("CA$139,000", "Canadian dlrs"); else, unless US dollars are named, the
    dollar of the dateline's or the main company's country ("SYDNEY, Aug 17 -", "Ford Motor
    Co of Canada"); else the US dollar."""
    counts: dict[str, int] = {}
    us_named = False
    for span in doc.spans[values.SPANS_KEY]:
        q = span._.newsfacts_quantity
        if q.kind != "money" or q.bare_dollar or not q.unit.endswith("D"):
            continue
        if q.unit == "USD":
            us_named = True
        else:
            counts[q.unit] = counts.get(q.unit, 0) + 1
    if counts:
        return max(counts, key=lambda k: counts[k])
    if us_named:
        return "USD"
    lead = span_index.text(doc)[:300]
    for code, in_name, dateline in _dollar_places():
        if (salient and in_name.search(salient)) or dateline.search(lead):
            return code
    listed = _listing_dollar(span_index.text(doc)[:1000])
    return listed or "USD"


def _listing_dollar(text: str) -> str | None:
    """The dollar of the exchange the article's first ticker is on: "<ABC.TO>" or
    "(TSX: ABC)" is a Toronto listing, which reports in Canadian dollars."""
    for m in ticker_pattern().finditer(text):
        ticker = m.group()
        if ticker.startswith("<"):  # a wire symbol: the exchange is its suffix
            symbol = ticker[1:-1]
            exchange = symbol.rpartition(".")[2] if "." in symbol else ""
        else:  # "(TSX: ABC)", "TSX: ABC": the exchange comes first
            exchange = " ".join(ticker.strip("( )").split(":")[0].split())
        for code, exchanges in quantities.currency_context().dollar_exchanges.items():
            if exchange.upper() in exchanges:
                return code
        return None
    return None


@cache
def _dollar_places() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    """Per dollar: its places as a word of a company name, and opening a dateline."""
    patterns = []
    for code, places in quantities.currency_context().dollar_places.items():
        names = "|".join(re.escape(p) for p in places)
        in_name = re.compile(rf"\b(?:{names})\b")
        dateline = re.compile(
            rf"(?:^|\n)\s*(?:{names})\b[^\n]{{0,30}}?(?:\(Reuters\)\s*)?[-\u2013\u2014]",
            re.IGNORECASE,
        )
        patterns.append((code, in_name, dateline))
    return tuple(patterns)


def _bare_currencies(doc: Doc) -> dict[str, str]:
    """The currency each shared word ("francs") stands for here: the family member the
    article names in full, when it names one."""
    shared = quantities.currency_context().bare_words
    votes: dict[str, dict[str, int]] = {}
    for span in doc.spans[values.SPANS_KEY]:
        q = span._.newsfacts_quantity
        if q.kind != "money":
            continue
        word = _currency_word(q.text)
        for bare, codes in shared.items():
            if q.unit in codes and word != bare:
                votes.setdefault(bare, {}).setdefault(q.unit, 0)
                votes[bare][q.unit] += 1
    return {bare: max(v, key=lambda k: v[k]) for bare, v in votes.items()}


def _currency_word(text: str) -> str:
    """The currency word of a money figure when nothing qualifies it: "3.3 billion francs"
    gives "francs", "239 mln Swiss francs" gives ""."""
    words = text.split()
    if not words or (len(words) > 1 and words[-2][:1].isupper() and not words[-2].isupper()):
        return ""
    return words[-1].casefold()


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


def _cut_governs(seg: Span, span: Span) -> bool:
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
        if not heads and not any(_value_at(doc, i) for i in between):
            return True
    after = [c for c in cuts if c.start >= span.end and c.start - span.end <= 5]
    passive = {"NOUN", "AUX", "PART", "ADV", "ADJ", "SPACE"}
    return bool(after) and all(t.pos_ in passive for t in doc[span.end : after[0].start])


def _is_figure_period(span: Span) -> bool:
    """Point dates are not figure periods unless they end one ("quarter ended March 31");
    neither is the "on the year" of "fell 45 % on the year" (year on year)."""
    expr = span._.newsfacts_period
    if expr.kind == "date":
        return _ends_period(span)
    doc = span.doc
    previous = _previous_word(doc, span.start, 0)
    idiom = previous in {"on", "over", "per"}
    if expr.definite and expr.kind == "year" and idiom:
        return False
    back = (expr.offset is not None and expr.offset < 0) or expr.anaphoric or expr.same_period
    if previous == "on" and back:
        return False  # "up 4% on the previous year": the change's basis, not its period
    if _dates_an_event(span):
        return False  # "Founded in 1977"
    if previous in {"in", "on"} and expr.kind in ("month", "date"):
        return _previous_word(doc, _index_before(doc, span.start), 0) not in _speech_verbs()
    return True


def _dates_an_event(span: Span) -> bool:
    """ "founded in 1977", "when it was acquired in 1971": when something happened."""
    doc = span.doc
    return _previous_word(doc, span.start, 0) == "in" and _previous_word(
        doc, _index_before(doc, span.start), 0
    ) in _event_verbs()


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


def _index_before(doc: Doc, i: int, floor: int = 0) -> int:
    """The index of the first non-space token before token `i`, not before `floor`
    (`floor - 1` when there is none)."""
    j = i - 1
    while j >= floor and doc[j].is_space:
        j -= 1
    return j


@cache
def _event_verbs() -> frozenset[str]:
    return frozenset(w.casefold() for w in metrics.lexicon().event_verbs)


@cache
def _speech_verbs() -> frozenset[str]:
    return frozenset(w.casefold() for w in metrics.lexicon().speech_verbs)


def _ends_period(span: Span) -> bool:
    doc = span.doc
    window = doc[max(span.start - 3, 0) : span.start]
    return any(t.lower_ in {"ended", "ending", "ends", "end"} for t in window)


def _period_distance(doc: Doc, value: Span, period: Span) -> int:
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
    return gap


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


def _shift_year(period: period_rules.Period, years: int) -> period_rules.Period:
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


def _item(span: Span) -> str | None:
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


def _period_starts_at(doc: Doc, i: int) -> bool:
    return bool(span_index.starting_in(doc, periods.SPANS_KEY, i, i + 1))


def _evidence(doc: Doc, seg: Span) -> str:
    return " ".join(seg.text.split())


def _confidence(
    cand: Candidate, org: organizations.OrgMention, seg: Span, status: str
) -> float:
    """A ranking score from signs that a reading is direct (they separate right facts from
    false positives on the development gold): a metric named by a cue, the organization
    named in the same segment rather than carried over, a wire table row, a stock ticker,
    a comparative ("from X") lower the risk; a hedged amount ("about"), a change figure and
    a forecast or target raise it. The period's presence does not: stated periods are as
    often wrong as inherited ones."""
    doc = seg.doc
    named_here = any(
        o._.newsfacts_org is not None
        and o._.newsfacts_org.via != "coref"
        and o._.newsfacts_org.name == org.name
        for o in span_index.starting_in(doc, organizations.SPANS_KEY, seg.start, seg.end)
    )
    score = 0.5
    named_cue = cand.cue is not None and cand.cue._.newsfacts_metric.metric is not None
    score += 0.12 if named_cue else 0.0
    score += 0.08 if named_here else 0.0
    score += 0.08 if _TABLE_ROW.search(seg.text) else 0.0
    score += 0.05 if cand.comparative else 0.0
    score -= 0.15 if cand.quantity.approximate else 0.0
    score -= 0.10 if cand.change else 0.0
    score -= 0.08 if status != "actual" else 0.0
    score += {"ticker": 0.05, "ner": -0.03}.get(org.via, 0.0)
    return round(max(0.05, min(score, 0.99)), 3)


def _salient_name(doc: Doc) -> str | None:
    """The company the article is most about: its most often named (not by pronoun)."""
    cached = doc.user_data.get("newsfacts_salient")
    if cached is not None:
        return str(cached) or None
    counts: dict[str, int] = {}
    for span in doc.spans[organizations.SPANS_KEY]:
        org = span._.newsfacts_org
        if org is not None and org.via != "coref" and org.kind == "company":
            counts[org.name] = counts.get(org.name, 0) + 1
    name = max(counts, key=lambda k: counts[k]) if counts else ""
    doc.user_data["newsfacts_salient"] = name
    return name or None
