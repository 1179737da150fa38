"""The language data of the value layer: configs/values.yaml, validated and compiled once.

`ValueData` is the file's schema (a surface form under two ids is rejected on load);
`grammar()` compiles it into the number pattern and the folded lookup tables that
`pipeline.quantities` reads figures with; `currency_context()` is the part the assembler
needs to re-resolve a bare "$" or "francs" from the article around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, model_validator

from .language_data import duplicates, load

Kind = Literal["money", "percent", "count", "rate"]

DOLLAR = "dollar"
"""Canonical id, in configs/values.yaml, of the story's own dollar ("$", "dlrs", "cts")."""


class Scale(BaseModel):
    factor: float
    forms: list[str]


class ValueData(BaseModel):
    """Schema of configs/values.yaml."""

    currency_before: dict[str, list[str]]
    any_case_before: list[str]
    words_before_dollar: list[str]
    scaled_codes: list[str]
    code_scale_prefixes: dict[str, str]
    code_scale_suffixes: dict[str, str]
    symbols_after: dict[str, list[str]]
    currency_after: dict[str, list[str]]
    dollar_before: list[str]
    dollar_after: list[str]
    subunits_after: dict[str, list[str]]
    subunits_before: dict[str, list[str]] = {}
    percent_after: list[str]
    scales: dict[str, Scale]
    glued_only: list[str]
    needs_currency: list[str]
    needs_scale: list[str] = []
    number_words: dict[str, float]
    fractions_before_scale: dict[str, float]
    fractions_after_by: dict[str, float]
    range_between: list[str]
    elliptic_after: list[str]
    approximate_before: list[str]
    rate_words: list[str]
    open_rate_words: list[str]
    rate_modifiers: list[str]
    not_rate_after: list[str]
    signed_labels: list[str]
    not_denominators: list[str]
    nouns_before_rate: list[str]
    denominators: dict[str, list[str]]
    time_denominators: list[str]
    conversion_cues: list[str]
    rank_before: list[str]
    months: list[str]
    durations_after: list[str]
    bare_currency_words: dict[str, list[str]]
    currency_places: dict[str, list[str]]
    dollar_places: dict[str, list[str]]
    dollar_exchanges: dict[str, list[str]]

    @model_validator(mode="after")
    def _forms_unique(self) -> ValueData:
        tables = {
            "before": {
                **self.currency_before,
                DOLLAR: self.dollar_before,
                **{f"hundredth of {k}": v for k, v in self.subunits_before.items()},
            },
            "after": {
                **self.currency_after,
                DOLLAR: self.dollar_after,
                "percent": self.percent_after,
                **{f"hundredth of {k}": v for k, v in self.subunits_after.items()},
                **{f"symbol of {k}": v for k, v in self.symbols_after.items()},
            },
            "scales": {name: scale.forms for name, scale in self.scales.items()},
            "denominators": self.denominators,
        }
        clashes = [f"{name}: {c}" for name, table in tables.items() for c in duplicates(table)]
        unknown = [
            f"code scale {name!r}"
            for name in (*self.code_scale_prefixes.values(), *self.code_scale_suffixes.values())
            if name not in self.scales
        ] + [
            f"time denominator {d!r}" for d in self.time_denominators if d not in self.denominators
        ]
        if clashes:
            raise ValueError("surface forms with two owners: " + "; ".join(clashes))
        if unknown:
            raise ValueError("not defined: " + "; ".join(unknown))
        return self


@dataclass(frozen=True, slots=True)
class Grammar:
    """configs/values.yaml compiled: the number pattern and lookup tables (folded keys)."""

    number: re.Pattern[str]
    before: dict[str, str]
    before_any_case: dict[str, str]
    before_subunits: frozenset[str]
    before_scales: dict[str, float]
    before_lengths: tuple[int, ...]
    words_before_dollar: frozenset[str]
    after: dict[str, tuple[Kind | Literal["subunit"], str]]
    after_words: int
    after_first: frozenset[str]
    after_symbols: frozenset[str]
    scaled_after: dict[str, tuple[str, float]]
    scales: dict[str, float]
    glued_only: frozenset[str]
    needs_currency: frozenset[str]
    needs_scale: frozenset[str]
    number_words: dict[str, float]
    fractions_before_scale: dict[str, float]
    first_words: frozenset[str]
    fraction: re.Pattern[str]
    fractions: dict[str, float]
    approximate: frozenset[str]
    rate: re.Pattern[str]
    noun_rate: re.Pattern[str]
    denominators: dict[str, str]
    not_denominators: frozenset[str]
    time_denominators: frozenset[str]
    not_rate_after: re.Pattern[str]
    signed_label: re.Pattern[str]
    conversion_cues: frozenset[str]
    range_between: frozenset[str]
    elliptic_after: frozenset[str]
    rank_before: frozenset[str]
    months: frozenset[str]
    month_after: re.Pattern[str]
    duration_after: re.Pattern[str]
    bare_words: dict[str, tuple[str, ...]]
    places: dict[str, re.Pattern[str]]


@dataclass(frozen=True, slots=True)
class CurrencyContext:
    """What an article's surroundings say about an unqualified currency word.

    `bare_words` maps a word that several currencies share ("francs") to those currencies,
    so the one the article names in full ("Swiss francs") can stand for it; `dollar_places`
    maps a dollar currency to the places whose dateline or company name makes a bare "$"
    that dollar ("SYDNEY, Aug 17", "Ford Motor Co of Canada"); `dollar_exchanges` to the
    exchanges whose ticker marks a company listed there ("<ABC.TO>", "(TSX: ABC)").
    """

    bare_words: dict[str, tuple[str, ...]]
    dollar_places: dict[str, tuple[str, ...]]
    dollar_exchanges: dict[str, tuple[str, ...]]


@cache
def currency_context() -> CurrencyContext:
    data = load("values.yaml", ValueData)
    return CurrencyContext(
        bare_words={fold(w): tuple(codes) for w, codes in data.bare_currency_words.items()},
        dollar_places={code: tuple(places) for code, places in data.dollar_places.items()},
        dollar_exchanges={code: tuple(xs) for code, xs in data.dollar_exchanges.items()},
    )


def alternation(forms: Iterable[str]) -> str:
    """Longest first, so "per cent" beats "cent"; inner spaces match any run of blanks."""
    unique = sorted({f for f in forms if f}, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in unique)


def fold(surface: str) -> str:
    return " ".join(surface.casefold().split())


@cache
def grammar() -> Grammar:
    data = load("values.yaml", ValueData)
    before = {form: code for code, forms in data.currency_before.items() for form in forms}
    before.update({form: DOLLAR for form in data.dollar_before})
    before.update({form: code for code, forms in data.subunits_before.items() for form in forms})
    any_case = {c.casefold() for c in data.any_case_before}
    before_any_case = {
        form.casefold(): code
        for form, code in before.items()
        if (not form.isalpha() or form.casefold() in any_case)
        and form.split(" ")[0].casefold() not in data.words_before_dollar  # "told us $5"
    }
    scale_factor = {name: scale.factor for name, scale in data.scales.items()}
    before_scales: dict[str, float] = {}
    scaled_after: dict[str, tuple[str, float]] = {}
    for code in data.scaled_codes:
        for prefix, name in data.code_scale_prefixes.items():
            before[prefix + code] = code
            before_scales[prefix + code] = scale_factor[name]
            scaled_after[prefix + code] = (code, scale_factor[name])
        for suffix, name in data.code_scale_suffixes.items():
            before[code + suffix] = code
            before_scales[code + suffix] = scale_factor[name]
            scaled_after[code + suffix] = (code, scale_factor[name])
    after: dict[str, tuple[Kind | Literal["subunit"], str]] = {}
    for code, forms in data.currency_after.items():
        after.update({fold(f): ("money", code) for f in forms})
    after.update({fold(f): ("money", DOLLAR) for f in data.dollar_after})
    for code, forms in data.subunits_after.items():
        after.update({fold(f): ("subunit", code) for f in forms})
    after.update({fold(f): ("percent", "percent") for f in data.percent_after})
    for code, forms in data.symbols_after.items():
        after.update({f: ("money", code if code != "dollar" else DOLLAR) for f in forms})
    words = {fold(w): v for w, v in data.number_words.items()}
    fractions_before = {
        fold(w.replace("-", " ")): v for w, v in data.fractions_before_scale.items()
    }
    word = alternation([*words, "hundred"])
    fraction_words = alternation(data.fractions_before_scale)  # whole phrases, never compounded
    number = (
        r"(?>\d{1,3}[\x20-]\d{1,2}/(?:16|32|2|3|4|8)(?![\d/])"  # "7 3/4", "6-1/2"
        r"|\d{1,3}(?:(?:,|\x20?,(?=\d{3}))\d{3})+(?:\x20?\.\d+)?"
        r"|\d+(?:\x20?\.\d+)?|\.\d+"
        rf"|(?i:{fraction_words})(?![^\W_])(?!\s+an?\s)"  # not "half a million": a number word
        rf"|(?i:(?:{word})(?:[\x20-](?:and\x20)?(?:{word}))*))"
    )
    fractions = {fold(f.replace("-", " ")): v for f, v in data.fractions_after_by.items()}
    approximate = alternation(data.approximate_before)
    months = alternation(data.months)
    denominators = {
        fold(form): name for name, forms in data.denominators.items() for form in forms
    }
    listed = alternation(form for forms in data.denominators.values() for form in forms)
    rate = (
        r"\s*(?:-[ \t]*)?"
        rf"(?:(?i:{alternation(data.rate_modifiers)})\s+)?"
        rf"(?:(?i:{alternation(data.rate_words)})(?:[ \t]*-[ \t]*|\s+)(?P<listed>(?i:{listed}))"
        rf"|(?:(?i:{alternation(w for w in data.open_rate_words if w.isalpha())})\s+"
        r"|[ \t]*/[ \t]*)"
        rf"(?P<open>(?i:{listed})|[^\W\d_]+))"
        r"(?![^\W_])"
    )
    times = alternation(
        form for name in data.time_denominators for form in data.denominators[name]
    )
    noun_rate = (
        rf"\s+(?i:{alternation(data.nouns_before_rate)})"
        rf"\s+(?i:{alternation(data.rate_words)}|per|every)\s+(?P<listed>(?i:{times}))(?![^\W_])"
    )
    return Grammar(
        number=re.compile(rf"(?P<num>{number})(?:[ \t]?[-–][ \t]?(?P<num2>{number}))?"),
        before=before,
        before_any_case=before_any_case,
        before_subunits=frozenset(f for forms in data.subunits_before.values() for f in forms),
        before_scales=before_scales,
        before_lengths=tuple(sorted({len(f) for f in before}, reverse=True)),
        words_before_dollar=frozenset(data.words_before_dollar),
        after=after,
        after_words=max(len(form.split()) for form in after),
        after_first=frozenset(form.split()[0] for form in after),
        after_symbols=frozenset(f for forms in data.symbols_after.values() for f in forms),
        scaled_after=scaled_after,
        scales={fold(f): s.factor for s in data.scales.values() for f in s.forms},
        glued_only=frozenset(fold(f) for f in data.glued_only),
        needs_currency=frozenset(fold(f) for f in data.needs_currency),
        needs_scale=frozenset(fold(f) for f in data.needs_scale),
        number_words=words,
        fractions_before_scale=fractions_before,
        first_words=frozenset(
            [*(w.split()[0] for w in [*words, *fractions_before]), "hundred"]
        ),
        fraction=re.compile(
            rf"(?i:by\s+(?:(?:{approximate})\s+)?"
            rf"(?P<fraction>{alternation(data.fractions_after_by).replace('-', '[- ]')}))"
            r"(?![^\W_])"
        ),
        fractions=fractions,
        approximate=frozenset(fold(f) for f in data.approximate_before),
        rate=re.compile(rate),
        noun_rate=re.compile(noun_rate),
        denominators=denominators,
        not_denominators=frozenset(fold(w) for w in data.not_denominators),
        time_denominators=frozenset(data.time_denominators),
        not_rate_after=re.compile(rf"[\s-]+(?i:{alternation(data.not_rate_after)})(?![^\W_])"),
        signed_label=re.compile(rf"\s+(?i:{alternation(data.signed_labels)})(?![^\W_])"),
        conversion_cues=frozenset(fold(f) for f in data.conversion_cues),
        range_between=frozenset(fold(f) for f in data.range_between),
        elliptic_after=frozenset(fold(f) for f in data.elliptic_after),
        rank_before=frozenset(fold(f) for f in data.rank_before),
        months=frozenset(fold(f) for f in data.months),
        month_after=re.compile(rf"\s+(?:of\s+)?(?i:{months})(?![^\W_])"),
        duration_after=re.compile(rf"[ \t]*-?(?i:{alternation(data.durations_after)})(?![^\W_])"),
        bare_words={fold(w): tuple(codes) for w, codes in data.bare_currency_words.items()},
        places={
            code: re.compile(rf"(?<![^\W_])(?:{alternation(names)})(?![^\W_])")
            for code, names in data.currency_places.items()
        },
    )
