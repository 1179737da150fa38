"""The word lists the decisions read, built once from `configs/metrics.yaml`.

Language data stays in the configs; this module only casefolds it into sets and compiles
the phrase lists into patterns, once per process.
"""

from __future__ import annotations

import re
from functools import cache

from .. import periods as period_rules
from ..components import metrics
from ..organizations import word_set

_SEVERAL_YEARS = (
    r"\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty|several|few)"
    r"\s+years\b"
)


def any_of(phrases: list[str], *, before: str = r"\b", after: str = r"\b") -> re.Pattern[str]:
    """One case-blind pattern for a lexicon list, longest phrase first."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(
        before + "(?:" + "|".join(re.escape(p) for p in ordered) + ")" + after, re.IGNORECASE
    )


@cache
def event_verbs() -> frozenset[str]:
    """Verbs that date an event ("founded", "acquired"), not a figure's period."""
    return frozenset(w.casefold() for w in metrics.lexicon().event_verbs)


@cache
def speech_verbs() -> frozenset[str]:
    """Verbs of saying ("said", "told")."""
    return frozenset(w.casefold() for w in metrics.lexicon().speech_verbs)


class Vocabulary:
    """The casefolded word sets and compiled phrase patterns of the metric lexicon."""

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
        self.multi_year = any_of(lex.multi_year_spans, after=_SEVERAL_YEARS)
        self.thresholds = any_of(lex.threshold_words, after=r"\s*$")
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
        self.bases = any_of(lex.comparison_bases, after=r"(?!\w)")
        self.habitual = any_of(lex.habitual_markers)
        self.uninherited = set(lex.uninherited_metrics)
        self.balances = set(lex.balance_metrics)
        self.declarations = {w.casefold() for w in lex.declaration_words}
        self.period_dividends = any_of(lex.period_dividends)
        self.parties = any_of(lex.partial_parties, before=r"\s*(?:to|from)\s+(?:an?\s+|the\s+)?")
        self.hypothetical = any_of(lex.hypothetical_markers)
        self.schedule_cues = {w.casefold() for w in lex.dividend_schedule_cues}
        self.third_parties = {w.casefold() for w in lex.third_party_estimators}
        self.market_nouns = {w.casefold() for w in lex.market_move_nouns}


@cache
def load() -> Vocabulary:
    """Built on first use, not on import: importing a decision reads no config."""
    return Vocabulary()
