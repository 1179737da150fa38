"""Find and normalize money, percent and count quantities in plain text.

Pure functions, no spaCy: the values component calls them on the document text. Plain string
scans find where a number starts (a run of digits, a spelled-out number word); an anchored
regular expression reads the number, and the words around it are looked up in the tables of
configs/values.yaml (currencies written before or after, scale words, percent words). Small
checks on the context decide the rest: a year, a date, a duration or a phone-model number is
not a count; a value in parentheses after another currency is a conversion. quantulum3 reads
only the spelled-out numbers that the table cannot ("five twenty"): its unit tables take
seconds to load and hold few currencies, so it stays off the fast path.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, model_validator

from .documents import Document
from .language_data import duplicates, load

Kind = Literal["money", "percent", "count"]

DOLLAR = "dollar"
"""Canonical id, in configs/values.yaml, of the story's own dollar ("$", "dlrs", "cts")."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A normalized figure with its span in the text (start inclusive, end exclusive).

    `value` is in base units ("34 cts" -> 0.34 USD). `currency_explicit` is False for a bare
    number ("807,000", "1.15 billion") that may take the currency of a sibling value;
    `bare_dollar` is True when the currency came from "$", "dlrs" or "cts" and was resolved
    with the caller's default dollar, so a stage that knows the story is Australian may
    re-resolve it. `scale` is the factor applied to the written number ("mln" 1e6, "cts"
    0.01). A range ("15-20 %") keeps its lower bound and is not scored.
    """

    char_start: int
    char_end: int
    text: str
    value: float
    unit: str
    kind: Kind
    approximate: bool = False
    is_conversion: bool = False
    is_range: bool = False
    currency_explicit: bool = False
    bare_dollar: bool = False
    per_share: bool = False
    scale: float = 1.0


class Scale(BaseModel):
    factor: float
    forms: list[str]


class ValueData(BaseModel):
    """Schema of configs/values.yaml."""

    currency_before: dict[str, list[str]]
    currency_after: dict[str, list[str]]
    dollar_before: list[str]
    dollar_after: list[str]
    subunits_after: dict[str, list[str]]
    subunits_before: dict[str, list[str]] = {}
    percent_after: list[str]
    scales: dict[str, Scale]
    glued_only: list[str]
    needs_currency: list[str]
    number_words: dict[str, float]
    fractions_after_by: dict[str, float]
    range_between: list[str]
    approximate_before: list[str]
    per_share_after: list[str]
    conversion_cues: list[str]
    months: list[str]
    durations_after: list[str]
    bare_currency_words: dict[str, list[str]]
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
            },
            "scales": {name: scale.forms for name, scale in self.scales.items()},
        }
        clashes = [f"{name}: {c}" for name, table in tables.items() for c in duplicates(table)]
        if clashes:
            raise ValueError("surface forms with two owners: " + "; ".join(clashes))
        return self


@dataclass(frozen=True, slots=True)
class _Grammar:
    """configs/values.yaml compiled: the number pattern and lookup tables (folded keys)."""

    number: re.Pattern[str]
    before: dict[str, str]
    before_subunits: frozenset[str]
    before_lengths: tuple[int, ...]
    after: dict[str, tuple[Kind | Literal["subunit"], str]]
    after_words: int
    after_first: frozenset[str]
    scales: dict[str, float]
    glued_only: frozenset[str]
    needs_currency: frozenset[str]
    number_words: dict[str, float]
    first_words: frozenset[str]
    fraction: re.Pattern[str]
    fractions: dict[str, float]
    approximate: frozenset[str]
    per_share: re.Pattern[str]
    conversion_cues: frozenset[str]
    range_between: frozenset[str]
    months: frozenset[str]
    month_after: re.Pattern[str]
    duration_after: re.Pattern[str]


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
        bare_words={_fold(w): tuple(codes) for w, codes in data.bare_currency_words.items()},
        dollar_places={code: tuple(places) for code, places in data.dollar_places.items()},
        dollar_exchanges={code: tuple(xs) for code, xs in data.dollar_exchanges.items()},
    )


def _alternation(forms: Iterable[str]) -> str:
    """Longest first, so "per cent" beats "cent"; inner spaces match any run of blanks."""
    unique = sorted({f for f in forms if f}, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in unique)


def _fold(surface: str) -> str:
    return " ".join(surface.casefold().split())


@cache
def _grammar() -> _Grammar:
    data = load("values.yaml", ValueData)
    before = {form: code for code, forms in data.currency_before.items() for form in forms}
    before.update({form: DOLLAR for form in data.dollar_before})
    before.update({form: code for code, forms in data.subunits_before.items() for form in forms})
    after: dict[str, tuple[Kind | Literal["subunit"], str]] = {}
    for code, forms in data.currency_after.items():
        after.update({_fold(f): ("money", code) for f in forms})
    after.update({_fold(f): ("money", DOLLAR) for f in data.dollar_after})
    for code, forms in data.subunits_after.items():
        after.update({_fold(f): ("subunit", code) for f in forms})
    after.update({_fold(f): ("percent", "percent") for f in data.percent_after})
    words = {_fold(w): v for w, v in data.number_words.items()}
    word = _alternation([*words, "hundred"])
    number = (
        r"(?>\d{1,3}(?:(?:,|\x20?,(?=\d{3}))\d{3})+(?:\x20?\.\d+)?"
        r"|\d+(?:\x20?\.\d+)?|\.\d+"
        rf"|(?i:(?:{word})(?:[\x20-](?:and\x20)?(?:{word}))*))"
    )
    fractions = {_fold(f.replace("-", " ")): v for f, v in data.fractions_after_by.items()}
    approximate = _alternation(data.approximate_before)
    months = _alternation(data.months)
    return _Grammar(
        number=re.compile(rf"(?P<num>{number})(?:[ \t]?[-–][ \t]?(?P<num2>{number}))?"),
        before=before,
        before_subunits=frozenset(f for forms in data.subunits_before.values() for f in forms),
        before_lengths=tuple(sorted({len(f) for f in before}, reverse=True)),
        after=after,
        after_words=max(len(form.split()) for form in after),
        after_first=frozenset(form.split()[0] for form in after),
        scales={_fold(f): s.factor for s in data.scales.values() for f in s.forms},
        glued_only=frozenset(_fold(f) for f in data.glued_only),
        needs_currency=frozenset(_fold(f) for f in data.needs_currency),
        number_words=words,
        first_words=frozenset([*(w.split()[0] for w in words), "hundred"]),
        fraction=re.compile(
            rf"(?i:by\s+(?:(?:{approximate})\s+)?"
            rf"(?P<fraction>{_alternation(data.fractions_after_by).replace('-', '[- ]')}))"
            r"(?![^\W_])"
        ),
        fractions=fractions,
        approximate=frozenset(_fold(f) for f in data.approximate_before),
        per_share=re.compile(rf"\s*(?i:{_alternation(data.per_share_after)})(?![^\W_])"),
        conversion_cues=frozenset(_fold(f) for f in data.conversion_cues),
        range_between=frozenset(_fold(f) for f in data.range_between),
        months=frozenset(_fold(f) for f in data.months),
        month_after=re.compile(rf"\s+(?:of\s+)?(?i:{months})(?![^\W_])"),
        duration_after=re.compile(rf"[ \t]*-?(?i:{_alternation(data.durations_after)})(?![^\W_])"),
    )


def _clean(value: float) -> float:
    """Drop binary noise from scaling ("4.1 mn" is 4100000.0, not 4099999.9999999995)."""
    return float(f"{value:.12g}")


def warm_up() -> None:
    """Load quantulum3's spelled-out number reader now (it takes seconds) rather than in
    the middle of a batch, at the first odd number word."""
    _spelled_out("five twenty")


@lru_cache(maxsize=4096)
def _spelled_out(phrase: str) -> float | None:
    """A spelled-out number the table cannot read, by quantulum3 (seconds to load, once)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        found = parser.extract_spellout_values(phrase)
    if len(found) != 1 or tuple(found[0]["old_span"]) != (0, len(phrase)):
        return None
    try:
        return float(found[0]["new_surface"])
    except ValueError:
        return None


def _number(surface: str, g: _Grammar) -> float | None:
    if surface[0].isdigit() or surface[0] == ".":
        return float(surface.replace(",", "").replace(" ", ""))
    folded = _fold(surface.replace("-", " "))
    if folded in g.number_words:
        return g.number_words[folded]
    return _compound(folded, g) or _spelled_out(folded)


def _compound(folded: str, g: _Grammar) -> float | None:
    """ "one hundred and twenty", "thirty six": tens before units, hundreds before both."""
    current = 0.0
    for word in folded.split():
        if word == "and":
            continue
        if word == "hundred":
            current = (current or 1) * 100
            continue
        value = g.number_words.get(word)
        if value is None or value >= 100:
            return None
        if current % 100 and (current % 10 or value >= 10):
            return None
        current += value
    return current or None


_WINDOW = 40
_DIGITS = re.compile(r"\d+")
_SCALE_AFTER = re.compile(r"[ \t]{0,2}\n?[ \t]*([^\W\d_]+)")
_WORDS_AFTER = re.compile(r"[ \t]{0,2}\n?[ \t]*(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?")
_TRAILING = ",.;:)]!?\"'"
_NOT_BEFORE_NUMBER = frozenset("_.,/:#$+@'-")


@dataclass(frozen=True, slots=True)
class _Word:
    """A scale or unit word after the number: its folded form, gap start, start and end."""

    form: str
    gap_start: int
    start: int
    end: int

    @property
    def glued(self) -> bool:
        return self.gap_start == self.start


def _scale_at(text: str, position: int, g: _Grammar) -> _Word | None:
    match = _SCALE_AFTER.match(text, position)
    if match is None or match[1].casefold() not in g.scales:
        return None
    return _Word(match[1].casefold(), position, match.start(1), match.end())


def _unit_at(text: str, position: int, g: _Grammar) -> _Word | None:
    """The longest unit phrase ("U.S. dlrs", "per cent", "%") starting after `position`."""
    match = _WORDS_AFTER.match(text, position)
    if match is None:
        return None
    first = match[1].casefold()
    if first not in g.after_first and first.rstrip(_TRAILING) not in g.after_first:
        return None
    for count in range(min(g.after_words, match.lastindex or 1), 0, -1):
        phrase = text[match.start(1) : match.end(count)]
        for surface in (phrase, phrase.rstrip(_TRAILING + " \t")):
            key = surface.casefold() if count == 1 else _fold(surface)
            if key in g.after:
                return _Word(key, position, match.start(1), match.start(1) + len(surface))
    return None


def _boundary_ok(text: str, end: int) -> bool:
    """The figure ends a token: not "2nd", "3D", "10-year", "3.5.2" or "10:30"."""
    if end >= len(text):
        return True
    char, following = text[end], text[end + 1 : end + 2]
    if char.isalnum() or char == "_":
        return False
    if char == "-" and following.isalnum():
        return False
    return not (char in ".,:/" and following.isdigit())


def _words_before(text: str, start: int) -> list[str]:
    """The last three words before `start`, folded, opening punctuation dropped."""
    words = text[max(0, start - _WINDOW) : start].rsplit(None, 3)[-3:]
    return [w.lstrip("([{\"'").casefold() for w in words]


def _is_approximate(text: str, start: int, g: _Grammar) -> bool:
    words = _words_before(text, start)
    return any(" ".join(words[-n:]) in g.approximate for n in range(1, len(words) + 1))


def _is_not_a_count(
    text: str, start: int, end: int, number: str, value: float, g: _Grammar
) -> bool:
    """A bare number that is a year, a day of a date, a duration, a time or a model number."""
    if number.isdigit() and (
        (len(number) == 4 and 1800 <= value <= 2099) or (len(number) > 1 and number[0] == "0")
    ):
        return True
    if g.month_after.match(text, end) or g.duration_after.match(text, end):
        return True
    if start == 0 or not text[start - 1].isspace():
        return False
    before = text[max(0, start - _WINDOW) : start].rstrip()
    word = before.rsplit(None, 1)[-1] if before else ""
    if word.rstrip(".").casefold() in g.months:
        return True
    head = before[: len(before) - len(word)].rstrip()
    return (
        number.isdigit()
        and value < 10000
        and word.isalnum()
        and not word[0].isdigit()
        and any(c.isupper() for c in word)
        and head != ""
        and head[-1] not in ".!?:;"
        and "\n" not in before[len(head) :]
    )


def _prefix_start(text: str, anchor: int, g: _Grammar) -> int | None:
    """Where a currency written before the number at `anchor` starts ("US$ 5", "EUR18")."""
    end = anchor
    while end > 0 and anchor - end < 2 and text[end - 1] in " \t":
        end -= 1
    for length in g.before_lengths:
        start = end - length
        if (
            start >= 0
            and text[start:end] in g.before
            and (start == 0 or not text[start - 1].isalnum())
        ):
            return start
    return None


def _own_words(
    text: str, scale: _Word | None, unit: _Word | None, pre_code: str | None, g: _Grammar
) -> tuple[_Word | None, _Word | None]:
    """The scale and unit words that belong to this number.

    Dropped: a glued-only form written apart ("5 p"); a capitalized word on the next line
    ("1987\nEuro Disney"); a currency other than the one written before the number, which
    starts the next figure ("EUR 5.9 million USD 8.4 m"). A one-letter scale written apart
    ("5 m") needs a currency ("EUR 5 m"), and so does "k" ("4K video").
    """
    entry = g.after[unit.form] if unit else None
    if (
        unit is not None
        and entry is not None
        and (
            (unit.form in g.glued_only and not unit.glued)
            or (
                scale is None
                and "\n" in text[unit.gap_start : unit.start]
                and text[unit.start].isupper()
            )
            or (pre_code is not None and entry[0] == "money" and entry[1] != pre_code)
        )
    ):
        unit = entry = None
    has_currency = pre_code is not None or (entry is not None and entry[0] == "money")
    if (
        scale is not None
        and not has_currency
        and (scale.form in g.needs_currency or (scale.form in g.glued_only and not scale.glued))
    ):
        return None, None
    return scale, unit


def _read(
    text: str, anchor: int, floor: int, g: _Grammar, default_dollar: str
) -> tuple[Quantity | None, int]:
    """The quantity whose number starts at `anchor` (None when there is none) and its end.

    A currency written before it counts from `floor` on (the end of the previous figure). A
    trailing word that belongs to the next figure ("EUR 5.9 million USD 8.4 m") or a
    glued-only form written apart ("5 p") is left out, for the next figure to take.
    """
    match = g.number.match(text, anchor)
    if match is None:
        return None, anchor + 1
    start = _prefix_start(text, anchor, g)
    if start is not None and start < floor:
        start = None
    if start is None:
        if anchor and (text[anchor - 1].isalnum() or text[anchor - 1] in _NOT_BEFORE_NUMBER):
            return None, match.end()
        start = anchor
    pre_code = g.before[text[start:anchor].strip()] if start < anchor else None
    number, end = match["num"], match.end()
    scale = _scale_at(text, end, g)
    unit = _unit_at(text, scale.end if scale else end, g)
    if match["num2"] is not None and scale is None and unit is None:
        end = match.end("num")
        scale, unit = _scale_at(text, end, g), _unit_at(text, end, g)
    is_range = end > match.end("num")
    scale, unit = _own_words(text, scale, unit, pre_code, g)
    entry = g.after[unit.form] if unit else None
    spelled = not (number[0].isdigit() or number[0] == ".")
    if spelled and scale is None and unit is None:
        return None, match.end("num")
    if " " in number and pre_code is None and scale is None and unit is None:
        number = number.split(" ")[0]
        end = anchor + len(number)
    else:
        end = unit.end if unit else scale.end if scale else end
    if not _boundary_ok(text, end):
        return None, end
    value = _number(number, g)
    if value is None:
        return None, end
    factor = g.scales[scale.form] if scale is not None else 1.0
    per_share = g.per_share.match(text, end) is not None
    kind: Kind
    if entry is not None and entry[0] == "percent":
        kind, code = "percent", "percent"
    elif entry is not None and entry[0] == "subunit":
        kind, code, factor = "money", entry[1], factor / 100
    elif pre_code is not None:
        kind, code = "money", pre_code
        if text[start:anchor].strip() in g.before_subunits:
            factor /= 100  # "GBX 2.40": pence
    elif entry is not None:
        kind, code = "money", entry[1]
    elif per_share:
        kind, code = "money", DOLLAR  # "a dividend of 0.104 per share": the story's dollar
    else:
        kind, code = "count", "count"
    if kind == "count" and scale is None and _is_not_a_count(text, start, end, number, value, g):
        return None, end
    quantity = Quantity(
        char_start=start,
        char_end=end,
        text=text[start:end],
        value=_clean(value * factor),
        unit=default_dollar if code == DOLLAR else code,
        kind=kind,
        approximate=_is_approximate(text, start, g),
        is_range=is_range,
        currency_explicit=kind == "money" and (pre_code is not None or entry is not None),
        bare_dollar=code == DOLLAR,
        per_share=kind == "money" and per_share,
        scale=factor,
    )
    return quantity, end


def _is_conversion(first: Quantity, second: Quantity, text: str, g: _Grammar) -> bool:
    """`second` restates `first` in another currency: in parentheses, adjacent, or cued."""
    if first.kind != "money" or second.kind != "money" or second.per_share:
        return False
    gap = text[first.char_end : second.char_start]
    if len(gap) > _WINDOW:
        return False
    stripped = gap.strip()
    if stripped.startswith("("):
        inside = _fold(stripped[1:])
        if inside and inside not in g.approximate:
            return False
        closes = text[second.char_end : second.char_end + 3].strip().startswith(")")
        return second.unit != first.unit or closes
    if second.unit == first.unit:
        return False
    if not stripped:
        return "\n" not in gap
    return _fold(stripped.removeprefix(",")) in g.conversion_cues


def _shares_unit(first: Quantity, second: Quantity, text: str, g: _Grammar) -> bool:
    """ "12 to 14 percent": a bare number joined to a figure with a unit or scale, when the
    two numbers are of one size (not "increased 16 to 693 mln dlrs", "114,887 or four cts")."""
    if first.kind != "count" or first.scale != 1.0 or first.is_range:
        return False
    if second.kind == "count" and second.scale == 1.0:
        return False
    gap = text[first.char_end : second.char_start]
    if len(gap) >= 12 or _fold(gap) not in g.range_between:
        return False
    low, high = abs(first.value), abs(second.value / second.scale) if second.scale else 0.0
    return low > 0 and high > 0 and max(low, high) <= 10 * min(low, high)


def _with_unit_of(first: Quantity, second: Quantity) -> Quantity:
    return replace(
        first,
        value=_clean(first.value * second.scale),
        unit=second.unit,
        kind=second.kind,
        currency_explicit=second.currency_explicit,
        bare_dollar=second.bare_dollar,
        per_share=second.per_share,
        scale=second.scale,
    )


def _anchors(text: str, lowered: str | None, g: _Grammar) -> list[int]:
    """Where a number may start: each run of digits and each spelled-out number word."""
    anchors = []
    for run in _DIGITS.finditer(text):
        start = run.start()
        if start and text[start - 1] == "." and not (start > 1 and text[start - 2].isdigit()):
            start -= 1
        anchors.append(start)
    if lowered is not None:
        for word in g.first_words:
            at = lowered.find(word)
            while at != -1:
                after = at + len(word)
                if (at == 0 or not lowered[at - 1].isalpha()) and (
                    after == len(lowered) or not lowered[after].isalpha()
                ):
                    anchors.append(at)
                at = lowered.find(word, after)
        anchors.sort()
    return anchors


def _fractions(text: str, lowered: str, g: _Grammar) -> list[Quantity]:
    """ "fell by a third" -> 33.3 percent."""
    found = []
    at = lowered.find("by ")
    while at != -1:
        match = g.fraction.match(text, at) if at == 0 or not lowered[at - 1].isalnum() else None
        if match is not None:
            start, end = match.span("fraction")
            found.append(
                Quantity(
                    char_start=start,
                    char_end=end,
                    text=text[start:end],
                    value=g.fractions[_fold(match["fraction"].replace("-", " "))],
                    unit="percent",
                    kind="percent",
                    approximate=_is_approximate(text, start, g),
                )
            )
        at = lowered.find("by ", at + 3)
    return found


def _accounting_negative(text: str, q: Quantity, previous: Quantity | None) -> bool:
    """A dollar figure written "($0.39)" or "-$15.08 million" is negative, as in accounts;
    "EUR 71.9 mn (EUR 86.0 mn)" right after a figure is its comparative, not a negative."""
    if q.kind != "money" or "$" not in q.text:
        return False
    before = text[q.char_start - 1] if q.char_start else ""
    if before in ("-", "−"):
        return q.char_start < 2 or text[q.char_start - 2] in " (\n"
    if before != "(" or text[q.char_end : q.char_end + 1] != ")":
        return False
    return previous is None or text[previous.char_end : q.char_start - 1].strip() != ""


def find_quantities(text: str, *, default_dollar: str = "USD") -> list[Quantity]:
    """Every money, percent and count quantity in `text`, in order.

    A 500-word article costs well under a millisecond: plain string scans find the anchors,
    and only the text around each is matched.

    >>> [(q.text, q.value, q.unit) for q in find_quantities("a loss of 50 billion yen")]
    [('50 billion yen', 50000000000.0, 'JPY')]
    """
    g = _grammar()
    lowered: str | None = text.lower()
    if lowered is not None and len(lowered) != len(text):
        lowered = None
    found: list[Quantity] = []
    position = 0
    for anchor in _anchors(text, lowered, g):
        if anchor < position:
            continue
        quantity, end = _read(text, anchor, position, g, default_dollar)
        if quantity is None:
            continue
        position = end
        if found and _shares_unit(found[-1], quantity, text, g):
            found[-1] = _with_unit_of(found[-1], quantity)
        if found and _is_conversion(found[-1], quantity, text, g):
            quantity = replace(quantity, is_conversion=True)
        elif _accounting_negative(text, quantity, found[-1] if found else None):
            quantity = replace(quantity, value=-quantity.value)
        found.append(quantity)
    if lowered is not None and "by " in lowered:
        fractions = _fractions(text, lowered, g)
        if fractions:
            found = sorted([*found, *fractions], key=lambda q: q.char_start)
    return found


def write_quantities(documents: Iterable[Document], path: Path) -> int:
    """Write every quantity of every document as JSON Lines, atomically; returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            for document in documents:
                for q in find_quantities(document.text):
                    row = {
                        "doc_id": document.doc_id,
                        "char_start": q.char_start,
                        "char_end": q.char_end,
                        "text": q.text,
                        "value": q.value,
                        "unit": q.unit,
                        "kind": q.kind,
                    }
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
