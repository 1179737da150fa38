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
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import periods as period_rules
from ..facts import Fact, Status
from ..quantities import Quantity
from . import hygiene, metrics, organizations, periods, values

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


@Language.factory(NAME, assigns=["doc._.facts"], requires=["doc.spans"])
def make_assembly(nlp: Language, name: str) -> FactAssembler:
    return FactAssembler()


@dataclass(slots=True)
class Context:
    """What the article has established so far: its current period and calendar."""

    published: date | None
    stated_calendar: period_rules.FiscalCalendar | None
    reference: period_rules.Period | None = None
    default_currency: str | None = None


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
    notes: list[str] = field(default_factory=list)


class FactAssembler:
    def __init__(self) -> None:
        lex = metrics.lexicon()
        self.comparative_markers = {w.casefold() for w in lex.comparative_markers}
        self.right_links = {w.casefold() for w in lex.right_cue_links}
        self.status_nouns = {w.casefold() for w in lex.status_nouns}
        self.count_metrics = set(lex.count_metrics)

    def __call__(self, doc: Doc) -> Doc:
        context = Context(
            published=doc._.published,
            stated_calendar=period_rules.stated_calendar(doc.text, published=doc._.published),
            default_currency=_dominant_currency(doc),
        )
        facts: list[Fact] = []
        for segment in _segments(doc):
            if hygiene.is_excluded(doc, segment.start_char) or hygiene.caption_sentence(
                segment.text
            ):
                continue
            facts.extend(self._segment_facts(doc, segment, context))
        doc._.facts = facts
        return doc

    # -- one segment -------------------------------------------------------------------

    def _segment_facts(self, doc: Doc, seg: Span, ctx: Context) -> list[Fact]:
        inside = _within(seg)
        cues = [s for s in doc.spans[metrics.SPANS_KEY] if inside(s)]
        period_spans = [
            s for s in doc.spans[periods.SPANS_KEY] if inside(s) and _is_figure_period(s)
        ]
        value_spans = [
            s
            for s in doc.spans[values.SPANS_KEY]
            if inside(s)
            and not s._.quantity.is_conversion
            and not getattr(s._.quantity, "is_range", False)
        ]
        if not value_spans:
            self._update_reference(doc, period_spans, ctx, seg)
            return []
        candidates = [
            c for c in (self._candidate(doc, seg, s, cues, ctx) for s in value_spans) if c
        ]
        self._assign_periods(candidates, period_spans)
        facts: list[Fact] = []
        current: period_rules.Period | None = None
        resolved: list[tuple[Candidate, period_rules.Period | None, organizations.OrgMention]] = []
        for cand in candidates:
            org = organizations.subject_of(doc, cand.span.start, cand.span.end)
            if org is None:
                continue
            metric = self._final_metric(cand, org, seg)
            if metric is None:
                continue
            cand.metric = metric
            resolved.append((cand, None, org))
        # Current periods first, so comparatives can step back from them.
        for index, (cand, _, org) in enumerate(resolved):
            if cand.comparative:
                continue
            period = self._resolve(cand, org, ctx, reference=ctx.reference, comparison=False)
            resolved[index] = (cand, period, org)
            if period is not None and cand.period_expr is not None and current is None:
                current = period
        for index, (cand, _, org) in enumerate(resolved):
            if not cand.comparative:
                continue
            anchor = _main_period_for(cand, resolved) or current or ctx.reference
            period = self._resolve(cand, org, ctx, reference=anchor, comparison=True)
            if period is None and cand.period_expr is None and anchor is not None:
                period = _shift_year(anchor, -1)
            resolved[index] = (cand, period, org)
        # A current figure with no period of its own, next to a dated comparative: the
        # year after the comparative's ("rose to EUR 31.1 mn from EUR 17.1 mn in 2004").
        for index, (cand, _period, org) in enumerate(resolved):
            if cand.comparative or cand.period_expr is not None:
                continue
            prior = _comparative_period_for(cand, resolved)
            if prior is not None:
                resolved[index] = (cand, _shift_year(prior, 1), org)
        for cand, period, org in resolved:
            facts.append(self._fact(doc, seg, cand, period, org))
        explicit = [p for c, p, _ in resolved if p is not None and not c.comparative]
        if current is not None:
            ctx.reference = current
        elif explicit and ctx.reference is None:
            ctx.reference = explicit[0]
        else:
            self._update_reference(doc, period_spans, ctx, seg)
        return facts

    def _update_reference(
        self, doc: Doc, period_spans: list[Span], ctx: Context, seg: Span
    ) -> None:
        """Headlines, wire section lines ("Six mths") and figure-free sentences set the
        article's current period; comparatives and "last year" style mentions do not."""
        for span in period_spans:
            expr = span._.period
            if expr.kind == "date" or expr.same_period or expr.anaphoric:
                continue
            if expr.offset is not None and expr.offset < 0:
                continue
            if periods_in_comparison(doc, span):
                continue
            calendar = ctx.stated_calendar or period_rules.calendar_for(_salient_name(doc))
            period = period_rules.resolve(
                expr, calendar=calendar, published=ctx.published, reference=ctx.reference
            )
            if period is not None:
                ctx.reference = period
                return

    # -- value -> candidate --------------------------------------------------------------

    def _candidate(
        self, doc: Doc, seg: Span, span: Span, cues: list[Span], ctx: Context
    ) -> Candidate | None:
        q: Quantity = span._.quantity
        cand = Candidate(span=span, quantity=q, value=q.value, unit=q.unit)
        cand.comparative = self._is_comparative(doc, seg, span)
        direction = _direction_near(doc, seg, span)
        if q.kind == "percent":
            cand.change = direction is not None
            if direction is not None:
                cand.value = abs(q.value) * direction
        elif q.kind == "money" and direction is not None and _is_absolute_change(doc, span):
            cand.change = True
            cand.value = abs(q.value) * direction
        cue = self._cue_for(doc, seg, span, cues, q)
        if cue is None:
            return None
        cand.cue = cue
        cand.metric = cue._.metric.metric
        bare = q.kind == "count" and not getattr(q, "currency_explicit", False)
        if bare and (
            cand.metric in MONEY_ONLY or (cand.metric is None and not _count_noun_after(span))
        ):
            currency = _sibling_currency(doc, seg, span) or ctx.default_currency or "USD"
            cand.unit = currency
            cand.notes.append("currency inherited")
        if cue._.metric.negative and not cand.change:
            cand.value = -abs(cand.value)
        return cand

    def _is_comparative(self, doc: Doc, seg: Span, span: Span) -> bool:
        """A value right after "from", "vs", "compared to/with", "against", "than"."""
        i = span.start - 1
        steps = 0
        while i >= seg.start and steps < 6:
            word = doc[i].lower_
            if word in self.comparative_markers:
                return not (word == "over" and steps > 0)
            if doc[i].is_punct and word not in {"(", ")"}:
                return False
            if _value_at(doc, i):
                return False
            i -= 1
            steps += 1
        return False

    def _cue_for(
        self, doc: Doc, seg: Span, span: Span, cues: list[Span], q: Quantity
    ) -> Span | None:
        usable = [c for c in cues if self._cue_fits(c, q)]
        if not usable:
            return None
        right = [
            c for c in usable if c.start >= span.end and self._links_to(doc, span.end, c.start)
        ]
        if right:
            return min(right, key=lambda c: c.start)
        left = [c for c in usable if c.end <= span.start]
        if left:
            return max(left, key=lambda c: c.end)
        following = [c for c in usable if c.start >= span.end and c.start - span.end <= 8]
        if following and q.kind != "money":
            return min(following, key=lambda c: c.start)
        return None

    def _cue_fits(self, cue: Span, q: Quantity) -> bool:
        metric = cue._.metric.metric
        if q.kind == "money":
            return metric is None or metric in MONEY_ONLY or metric == "units_sold"
        if q.kind == "percent":
            return True
        return True

    def _links_to(self, doc: Doc, start: int, end: int) -> bool:
        """Only linking words or conversions between a value and a cue on its right."""
        if end - start > 8:
            return False
        for i in range(start, end):
            token = doc[i]
            if token.lower_ in self.right_links or _value_at(doc, i, conversions=True):
                continue
            if token.pos_ == "ADJ" and i == end - 1:
                continue
            return False
        return True

    def _final_metric(
        self, cand: Candidate, org: organizations.OrgMention, seg: Span
    ) -> str | None:
        metric = cand.metric
        q = cand.quantity
        if metric is None:
            explicit = [
                c._.metric.metric
                for c in seg.doc.spans[metrics.SPANS_KEY]
                if seg.start <= c.start < seg.end and c._.metric.metric in PROFIT_METRICS
            ]
            if explicit:
                metric = explicit[0]
            else:
                metric = "operating_income" if org.kind == "unit" else "net_income"
        if q.kind == "count" and cand.unit == "count":
            if metric == "revenue":
                metric = "units_sold"
            if metric in ("headcount", "job_cuts"):
                metric = "job_cuts" if _has_cut_verb(seg) else "headcount"
            if metric not in self.count_metrics:
                return None
        if q.kind == "percent" and not cand.change:
            if metric == "headcount" and _has_cut_verb(seg):
                metric = "job_cuts"
            if metric not in PERCENT_LEVEL:
                return None
        if cand.unit not in ("count", "percent") and metric in self.count_metrics:
            if metric == "units_sold":
                metric = "revenue"
            else:
                return None
        if metric in PER_SHARE and q.kind != "money":
            return None
        if cand.change:
            metric = f"{metric}_change"
        return metric

    # -- periods -----------------------------------------------------------------------

    def _assign_periods(self, candidates: list[Candidate], period_spans: list[Span]) -> None:
        """Comparatives take the period right after them; current values the nearest free one."""
        if not period_spans:
            return
        taken: set[int] = set()
        ordered = sorted(candidates, key=lambda c: c.span.start)
        for index, cand in enumerate(ordered):
            if not cand.comparative:
                continue
            limit = ordered[index + 1].span.start if index + 1 < len(ordered) else 10**9
            after = [p for p in period_spans if cand.span.end <= p.start < limit]
            if after:
                cand.period_expr = after[0]
                taken.add(after[0].start)
        free = [p for p in period_spans if p.start not in taken]
        for cand in ordered:
            if cand.comparative or not free:
                continue
            cand.period_expr = min(free, key=lambda p: _gap(cand.span, p))

    def _resolve(
        self,
        cand: Candidate,
        org: organizations.OrgMention,
        ctx: Context,
        *,
        reference: period_rules.Period | None,
        comparison: bool,
    ) -> period_rules.Period | None:
        calendar = ctx.stated_calendar or period_rules.calendar_for(org.parent or org.name)
        if cand.period_expr is None:
            return None if comparison else reference
        return period_rules.resolve(
            cand.period_expr._.period,
            calendar=calendar,
            published=ctx.published,
            reference=reference,
            comparison=comparison,
        )

    # -- fact --------------------------------------------------------------------------

    def _fact(
        self,
        doc: Doc,
        seg: Span,
        cand: Candidate,
        period: period_rules.Period | None,
        org: organizations.OrgMention,
    ) -> Fact:
        q = cand.quantity
        metric = cand.metric or ""
        status = self._status(doc, seg, cand, metric)
        return Fact(
            doc_id=doc._.doc_id or "",
            entity=org.name,
            metric=metric,
            item=_item(cand.span) if metric.startswith("units_sold") else None,
            value=float(cand.value),
            unit=cand.unit,
            period=period.label if period else None,
            period_start=period.start if period else None,
            period_end=period.end if period else None,
            status=status,
            char_start=q.char_start,
            char_end=q.char_end,
            evidence=_evidence(doc, seg),
            confidence=_confidence(cand, period, org),
            published=doc._.published,
            source=doc._.source,
        )

    def _status(self, doc: Doc, seg: Span, cand: Candidate, metric: str) -> Status:
        """The nearest status cue on the value's left, unless a past-tense verb or a
        comparative stands between them; job cuts are plans unless stated as done."""
        statuses = {s.start: s._.status for s in doc.spans[metrics.STATUS_KEY]}
        found: Status = "actual"
        i = cand.span.start - 1
        while i >= seg.start and cand.span.start - i <= 18:
            token = doc[i]
            if i in statuses:
                if cand.comparative and token.lower_ not in self.status_nouns:
                    break
                found = "target" if statuses[i] == "target" else "forecast"
                break
            if token.lower_ in self.comparative_markers and not cand.comparative:
                break
            if token.tag_ in ("VBD",) and token.lower_ not in {"said", "added", "told"}:
                break
            if token.text in (";", ":"):
                break
            i -= 1
        if metric.startswith("job_cuts"):
            past = any(t.tag_ == "VBD" and t.lower_ not in {"said", "added"} for t in seg)
            if found == "forecast" or not past:
                found = "target"
        return found


# -- helpers on spans and segments ------------------------------------------------------


def periods_in_comparison(doc: Doc, span: Span) -> bool:
    return period_rules.comparison_context(doc.text, span.start_char)


def _within(seg: Span):  # type: ignore[no-untyped-def]
    return lambda s: seg.start <= s.start and s.end <= seg.end


def _segments(doc: Doc) -> list[Span]:
    """Sentences, with the headline, paragraphs and wire-table rows split off on their own.

    A line break ends a segment after the first line, after an all-capitals or a
    "... vs ..." line, before an indented line (wire paragraphs), and at a blank line.
    """
    out: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if not (token.is_space and "\n" in token.text) or token.i == start:
                continue
            line_before = doc.text[doc[start].idx : token.idx]
            if (
                "\n\n" in token.text
                or token.text.endswith("  ")
                or doc[start].idx == 0
                or _TABLE_ROW.search(line_before.rsplit("\n", 1)[-1])
                or line_before.strip().isupper()
            ):
                if token.i > start:
                    out.append(doc[start : token.i])
                start = token.i + 1
        if start < sent.end:
            out.append(doc[start : sent.end])
    return [seg for seg in out if seg.text.strip()]


def _value_at(doc: Doc, i: int, *, conversions: bool = False) -> bool:
    for span in doc.spans[values.SPANS_KEY]:
        if span.start <= i < span.end:
            return conversions or not span._.quantity.is_conversion
    return False


def _direction_near(doc: Doc, seg: Span, span: Span) -> int | None:
    """+1/-1 when a direction word governs a value: "rose 8 %", "a 6.4 pct increase",
    "down 65 pct", "eight pct lower", "increased by 24 percent"; not "rose to X"."""
    changes = [c for c in doc.spans[metrics.CHANGES_KEY] if seg.start <= c.start < seg.end]
    for change in changes:
        if change.end <= span.start:
            between = doc[change.end : span.start]
            words = [t.lower_ for t in between if not t.is_punct]
            if "to" in words or "at" in words:
                continue
            if len(between) <= 4 or (words[:1] == ["by"] and len(between) <= 8):
                return int(change._.direction)
            if _only_period_words(between):
                return int(change._.direction)
        elif change.start >= span.end and change.start - span.end <= 2:
            return int(change._.direction)
    return None


def _only_period_words(tokens: Span) -> bool:
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


def _is_absolute_change(doc: Doc, span: Span) -> bool:
    """A money amount that is a change: "by 40 billion yen", "2.9 billion yen lower than"."""
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = [t.lower_ for t in doc[span.end : span.end + 2]]
    return before == "by" or bool(set(after) & {"lower", "higher", "more", "less"})


def _count_noun_after(span: Span) -> bool:
    doc = span.doc
    return span.end < len(doc) and doc[span.end].pos_ == "NOUN"


def _sibling_currency(doc: Doc, seg: Span, span: Span) -> str | None:
    best: tuple[int, str] | None = None
    for other in doc.spans[values.SPANS_KEY]:
        q = other._.quantity
        if q.kind != "money" or other is span or not (seg.start <= other.start < seg.end):
            continue
        distance = abs(other.start - span.start)
        if best is None or distance < best[0]:
            best = (distance, q.unit)
    return best[1] if best else None


def _dominant_currency(doc: Doc) -> str | None:
    counts: dict[str, int] = {}
    for span in doc.spans[values.SPANS_KEY]:
        q = span._.quantity
        if q.kind == "money" and not q.is_conversion:
            counts[q.unit] = counts.get(q.unit, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _has_cut_verb(seg: Span) -> bool:
    doc = seg.doc
    return any(seg.start <= c.start < seg.end for c in doc.spans[metrics.CUTS_KEY])


def _is_figure_period(span: Span) -> bool:
    return getattr(span._.period, "kind", None) != "date" or _ends_period(span)


def _ends_period(span: Span) -> bool:
    doc = span.doc
    window = doc[max(span.start - 3, 0) : span.start]
    return any(t.lower_ in {"ended", "ending", "ends", "end"} for t in window)


def _gap(value: Span, period: Span) -> int:
    if period.start >= value.end:
        return period.start - value.end
    return (value.start - period.end) + 2


def _main_period_for(
    cand: Candidate,
    resolved: list[tuple[Candidate, period_rules.Period | None, organizations.OrgMention]],
) -> period_rules.Period | None:
    """The period of the current figure that this comparative is compared with."""
    best = None
    for other, period, _ in resolved:
        if other.comparative or period is None or other.span.start > cand.span.start:
            continue
        if best is None or other.span.start > best[0]:
            best = (other.span.start, period)
    return best[1] if best else None


def _comparative_period_for(
    cand: Candidate,
    resolved: list[tuple[Candidate, period_rules.Period | None, organizations.OrgMention]],
) -> period_rules.Period | None:
    for other, period, _ in resolved:
        if (
            other.comparative
            and other.period_expr is not None
            and period is not None
            and other.span.start > cand.span.start
            and other.metric is not None
            and cand.metric is not None
            and other.metric.removesuffix("_change") == cand.metric.removesuffix("_change")
        ):
            return period
    return None


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
    doc = span.doc
    i = span.end
    words: list[str] = []
    skip = {"units", "unit", "of", "the"}
    while i < len(doc) and len(words) < 4:
        token = doc[i]
        if token.lower_ in skip and not words:
            i += 1
            continue
        if token.pos_ in ("NOUN", "PROPN", "NUM") or (words and token.pos_ == "ADJ"):
            words.append(token.text)
            i += 1
            continue
        break
    return " ".join(words) or None


def _evidence(doc: Doc, seg: Span) -> str:
    return " ".join(seg.text.split())


def _confidence(
    cand: Candidate, period: period_rules.Period | None, org: organizations.OrgMention
) -> float:
    """A ranking score from how directly each field was read off the text."""
    score = 0.45
    if cand.cue is not None and cand.cue._.metric.metric is not None:
        score += 0.15
    if cand.period_expr is not None:
        score += 0.15
    elif period is not None:
        score += 0.05
    if org.via in ("ner", "gazetteer", "ticker"):
        score += 0.15
    if cand.notes:
        score -= 0.05
    if cand.quantity.approximate:
        score -= 0.05
    return round(max(0.05, min(score, 0.99)), 3)


def _salient_name(doc: Doc) -> str | None:
    org = organizations.subject_of(doc, 0, 0)
    return org.name if org else None
