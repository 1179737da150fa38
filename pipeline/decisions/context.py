"""What the assembler knows beyond one value: the article's reporting context, and the
records a value passes through on its way to a fact.

`Context` carries the article's current period (from the headline and earlier sentences),
its currencies and main company to sentences that state none. A `Candidate` is a value the
result and metric decisions have read; a `Resolved` is one the owner decision has given an
organization, and the period and status decisions then fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span

from .. import periods as period_rules
from ..components import metrics, organizations, span_index
from ..facts import Status
from ..organizations import OrgMention
from ..quantities import Quantity
from . import currency


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

    def reference_for(self, entity: str, parent: str | None = None) -> period_rules.Period | None:
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
    owners: list[Any] = field(default_factory=list)  # decisions.owner's ranking, best first


@dataclass(slots=True)
class Resolved:
    """A candidate with its organization and, once resolved, its period."""

    cand: Candidate
    org: OrgMention
    period: period_rules.Period | None = None
    status: Status = "actual"


def dividend_headline(doc: Doc) -> bool:
    """A wire headline that announces a dividend and no results ("K MART SETS QTLY
    DIVIDEND"): its "Shr" line is the dividend per share."""
    end = span_index.text(doc).find("\n")
    if end <= 0:
        return False
    found = {
        c._.newsfacts_metric.metric for c in doc.spans[metrics.SPANS_KEY] if c.end_char <= end
    }
    return found == {"dividend_per_share"}


def salient_name(doc: Doc) -> str | None:
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


def article_context(doc: Doc) -> Context:
    """The context an article starts with: its date, stated fiscal calendar, currencies,
    main company and whether it is a dividend announcement."""
    text = span_index.text(doc)
    salient = salient_name(doc)
    dollar = currency.stated_dollar(doc, salient)
    return Context(
        published=doc._.newsfacts_published,
        stated_calendar=period_rules.stated_calendar(text, published=doc._.newsfacts_published),
        default_currency=currency.dominant_currency(doc, dollar),
        dollar=dollar,
        salient=salient,
        bare_currencies=currency.bare_currencies(doc),
        dividend_story=dividend_headline(doc),
    )
