"""Find and normalize money, percent, count and rate quantities in plain text.

Pure functions, no spaCy: the values component calls them on the document text. Plain string
scans find where a number starts (a run of digits, a spelled-out number word); an anchored
regular expression reads the number, and the words around it are looked up in the tables of
configs/values.yaml, compiled by `pipeline.value_grammar` (currencies written before or
after, scale words, percent words, denominators). Small checks on the context decide the
rest: a year, a date, a duration, a rank or a model number is not a count; "per barrel"
makes a money figure a rate. Each figure is then read against its neighbour (a shared unit
or denominator, cents after dollars, a conversion). quantulum3 reads only the spelled-out
compounds that the table cannot ("a hundred and five"); its unit tables are not used.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .documents import Document
from .value_grammar import DOLLAR, Grammar, Kind, grammar
from .value_grammar import currency_context as currency_context
from .value_grammar import fold as _fold


@dataclass(frozen=True, slots=True)
class Quantity:
    """A normalized figure with its span in the text (start inclusive, end exclusive).

    `value` is in base units ("34 cts" -> 0.34 USD). `currency_explicit` is False for a bare
    number ("807,000", "1.15 billion") that may take the currency of a sibling value;
    `bare_dollar` is True when the currency came from "$", "dlrs" or "cts" and was resolved
    with the caller's default dollar, so a stage that knows the story is Australian may
    re-resolve it. `scale` is the factor applied to the written number ("mln" 1e6, "cts"
    0.01). A range ("15-20 %") keeps its lower bound and is not scored.

    A money figure per something ("$58.24 per barrel", "62 cents a share") is of kind
    `rate`, with `unit` its currency and `denominator` what it is per ("barrel", "share");
    the span is the figure alone. `per_share` says the denominator is a share: EPS and
    dividends are such rates, and `as_amount` gives them back as money for the assembler.
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
    denominator: str | None = None

    def as_amount(self) -> Quantity:
        """A rate as the money figure it is per its denominator ("62 cents a share" as 0.62
        USD); an amount as itself."""
        return replace(self, kind="money") if self.kind == "rate" else self


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


def _number(surface: str, g: Grammar) -> float | None:
    if surface[0].isdigit() or surface[0] == ".":
        if "/" in surface:  # "7 3/4", "6-1/2"
            whole, fraction = re.split(r"\x20?[-\x20]", surface, maxsplit=1)
            numerator, denominator = fraction.split("/")
            return int(whole) + int(numerator) / int(denominator)
        return float(surface.replace(",", "").replace(" ", ""))
    folded = _fold(surface.replace("-", " "))
    if folded in g.number_words:
        return g.number_words[folded]
    if folded in g.fractions_before_scale:
        return g.fractions_before_scale[folded]
    return _compound(folded, g) or _spelled_out(folded)


def _compound(folded: str, g: Grammar) -> float | None:
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
_SIGNS = frozenset("+-−")
_BEFORE_SIGN = frozenset(" \t\n([")
_HYPHENED = re.compile(r"-([^\W\d_]+)")
_CODE_AFTER = re.compile(r"[ \t]?([A-Za-z]{4,6})(?![^\W_])")
_LETTERS_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,4}?)[ \t]?$")
_NUMBER_AFTER = re.compile(r"[ \t]?\d[\d,.]*")
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?)]|$)|\s+(?:and|but|while|whereas)\b")
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]|;")


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


def _scale_at(text: str, position: int, g: Grammar) -> _Word | None:
    """A scale word after `position`: written apart, glued ("5mn") or hyphened ("$5-million")."""
    match = (_HYPHENED if text.startswith("-", position) else _SCALE_AFTER).match(text, position)
    if match is None or match[1].casefold() not in g.scales:
        return None
    return _Word(match[1].casefold(), position, match.start(1), match.end())


def _unit_at(text: str, position: int, g: Grammar) -> _Word | None:
    """The longest unit phrase ("U.S. dlrs", "per cent", "%") starting after `position`;
    one word only after a hyphen ("one-yen", "12-cent")."""
    if text.startswith("-", position):
        hyphened = _HYPHENED.match(text, position)
        if hyphened is None or hyphened[1].casefold() not in g.after:
            return None
        return _Word(hyphened[1].casefold(), position, hyphened.start(1), hyphened.end())
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


def _scaled_code_at(text: str, position: int, g: Grammar) -> tuple[_Word, str, float] | None:
    """A currency code with its scale letter after the number: "120 MEUR", "30 MUSD"."""
    match = _CODE_AFTER.match(text, position)
    if match is None or match[1] not in g.scaled_after:
        return None
    code, factor = g.scaled_after[match[1]]
    return _Word(match[1], position, match.start(1), match.end(1)), code, factor


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


def _is_approximate(text: str, start: int, g: Grammar) -> bool:
    words = _words_before(text, start)
    return any(" ".join(words[-n:]) in g.approximate for n in range(1, len(words) + 1))


def _is_not_a_count(
    text: str, start: int, end: int, number: str, value: float, g: Grammar
) -> bool:
    """A bare number that is a year, a day of a date, a duration, a time, a rank ("No. 2")
    or a model number."""
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
    if (
        word.rstrip(".").rsplit("-", 1)[-1].casefold() in g.months  # "October 15-December 7"
        or word.casefold() in g.rank_before
    ):
        return True
    head = before[: len(before) - len(word)].rstrip()
    return (
        word not in g.before  # "17 USD 25" is no model number
        and number.isdigit()
        and value < 10000
        and word.replace("&", "").isalnum()  # "S&P 500", "Nikkei 225"
        and not word[0].isdigit()
        and any(c.isupper() for c in word)
        and head != ""
        and head[-1] not in ".!?:;"
        and "\n" not in before[len(head) :]
    )


@dataclass(frozen=True, slots=True)
class _Prefix:
    """A currency written before the number: where it starts, its code, the scale it carries
    ("MEUR" 1e6), whether it names hundredths ("GBX"), whether it is a word ("Euro") and
    whether the number sits in parentheses after it ("$(273) million", a negative)."""

    start: int
    code: str
    factor: float = 1.0
    subunit: bool = False
    word: bool = False
    parenthesized: bool = False


def _prefix_at(text: str, anchor: int, g: Grammar) -> _Prefix | None:
    """The currency written before the number at `anchor`: "US$ 5", "EUR18", "HK $216,925",
    "usd$ 15", "c $ 1.34", "MEUR 307.8", "$(273)"."""
    end = anchor
    parenthesized = end > 0 and text[end - 1] == "("
    if parenthesized:
        end -= 1
    while end > 0 and anchor - end < 2 + parenthesized and text[end - 1] in " \t":
        end -= 1
    for length in g.before_lengths:
        start = end - length
        if start < 0:
            continue
        form = text[start:end]
        code = g.before.get(form) or g.before_any_case.get(form.casefold())
        if code is None:
            continue
        if form == "$":  # "HK $216,925", "usd$ 15": a dollar named by the letters before it
            start, code = _dollar_named_before(text, start, code, g)
        if start > 0 and text[start - 1].isalnum():
            continue
        return _Prefix(
            start=start,
            code=code,
            factor=g.before_scales.get(form, 1.0),
            subunit=form in g.before_subunits,
            word=form.isalpha(),
            parenthesized=parenthesized,
        )
    return None


def _dollar_named_before(text: str, dollar: int, code: str, g: Grammar) -> tuple[int, str]:
    match = _LETTERS_BEFORE.search(text, max(0, dollar - 6), dollar)
    if match is None or (match.start() > 0 and text[match.start() - 1] not in " \t\n(["):
        return dollar, code  # "music's $500 million" is no Singapore dollar
    letters = match[1]
    glued = match.end(1) == dollar
    if not glued and letters in g.words_before_dollar:
        return dollar, code  # "A $5 million loss", "told us $5"
    named = g.before_any_case.get(f"{letters}$".casefold())
    if named is None and glued:
        named = g.before.get(letters.upper())  # "usd$", "NZD$15"
    return (match.start(), named) if named is not None else (dollar, code)


def _own_words(
    text: str, scale: _Word | None, unit: _Word | None, pre_code: str | None, g: Grammar
) -> tuple[_Word | None, _Word | None]:
    """The scale and unit words that belong to this number.

    Dropped: a glued-only form written apart ("5 p"); a capitalized word on the next line
    ("1987\nEuro Disney"); a currency other than the one written before the number, which
    starts the next figure ("EUR 5.9 million USD 8.4 m"); a symbol that starts the next
    figure ("10 $30"). A one-letter scale written apart ("5 m") needs a currency ("EUR 5
    m"), and so does "k" ("4K video"); a currency that is also a verb needs a scale ("426
    billion won", not "in 2018 won").
    """
    entry = g.after[unit.form] if unit else None
    if (
        unit is not None
        and entry is not None
        and (
            (unit.form in g.glued_only and not unit.glued)
            or (unit.form in g.needs_scale and scale is None)  # "in 2018 won the award"
            or (
                scale is None
                and "\n" in text[unit.gap_start : unit.start]
                and text[unit.start].isupper()
            )
            or (pre_code is not None and entry[0] == "money" and entry[1] != pre_code)
            or (unit.form in g.after_symbols and _starts_next_figure(text, unit.end, g))
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


def _starts_next_figure(text: str, symbol_end: int, g: Grammar) -> bool:
    """A symbol after a number is the next number's when a number follows it that has no
    symbol after it: "10 $30" ($30), but "10 $ 30 $" (10 $ and 30 $)."""
    match = _NUMBER_AFTER.match(text, symbol_end)
    if match is None:
        return False
    after = _WORDS_AFTER.match(text, match.end())
    return after is None or after[1].rstrip(_TRAILING) not in g.after_symbols


def _rate_at(text: str, end: int, g: Grammar) -> tuple[str, int] | None:
    """What the figure ending at `end` is per ("a barrel", "per share", "-a-share", "/oz"),
    and where that phrase ends; None when it is an amount ("a year earlier")."""
    match = g.rate.match(text, end) or g.noun_rate.match(text, end)  # "£1,971 profit a year"
    if match is None:
        return None
    surface = match["listed"] or match["open"]
    folded = _fold(surface)
    if folded in g.not_denominators:
        return None
    denominator = g.denominators.get(folded, folded)
    if denominator in g.time_denominators and g.not_rate_after.match(text, match.end()):
        return None
    return denominator, match.end()


def _read(
    text: str, anchor: int, floor: int, g: Grammar, default_dollar: str
) -> tuple[Quantity | None, int, bool]:
    """The quantity whose number starts at `anchor` (None when there is none), its end, and
    whether it is a spelled-out number without a unit kept only for the figure after it to
    give it one ("eight or nine euros").

    A currency written before it counts from `floor` on (the end of the previous figure). A
    trailing word that belongs to the next figure ("EUR 5.9 million USD 8.4 m") or a
    glued-only form written apart ("5 p") is left out, for the next figure to take.
    """
    match = g.number.match(text, anchor)
    if match is None:
        return None, anchor + 1, False
    prefix = _prefix_at(text, anchor, g)
    if prefix is not None and prefix.start < floor:
        prefix = None
    sign = 0
    if prefix is not None:
        start = prefix.start
    else:
        before = text[anchor - 1] if anchor else ""
        if before in _SIGNS and (anchor < 2 or text[anchor - 2] in _BEFORE_SIGN):
            sign = -1 if before != "+" else 1  # "+0.2%", "-1.5 percent": signed, if a unit follows
        elif anchor and (before.isalnum() or before in _NOT_BEFORE_NUMBER):
            return None, match.end(), False
        start = anchor
    pre_code = prefix.code if prefix is not None else None
    number, end = match["num"], match.end()
    closing = prefix is not None and prefix.parenthesized and text.startswith(")", end)
    words_at = end + 1 if closing else end
    scale = _scale_at(text, words_at, g)
    unit = _unit_at(text, scale.end if scale else words_at, g)
    if match["num2"] is not None and scale is None and unit is None:
        end = words_at = match.end("num")
        scale, unit = _scale_at(text, end, g), _unit_at(text, end, g)
    is_range = end > match.end("num")
    scale, unit = _own_words(text, scale, unit, pre_code, g)
    if unit is not None and scale is None and g.after[unit.form][0] == "money":
        late = _scale_at(text, unit.end, g)  # "75 USD million"
        if late is not None and late.form not in g.glued_only and not late.glued:
            scale = late
    code_factor = prefix.factor if prefix is not None else 1.0
    coded = None
    if unit is None and scale is None and pre_code is None:
        coded = _scaled_code_at(text, words_at, g)  # "120 MEUR"
    entry = g.after[unit.form] if unit else None
    if coded is not None:
        unit, entry, code_factor = coded[0], ("money", coded[1]), coded[2]
    spelled = not (number[0].isdigit() or number[0] == ".")
    if spelled and scale is None and _fold(number.replace("-", " ")) in g.fractions_before_scale:
        return None, match.end("num"), False  # "a quarter", "half": a number only before "million"
    provisional = spelled and scale is None and unit is None
    if (
        not spelled
        and (" " in number or "/" in number or "-" in number)
        and pre_code is None
        and scale is None
        and unit is None
    ):
        number = re.split(r"[\x20-]", number)[0]
        end = anchor + len(number)
    else:
        last = max(w.end for w in (unit, scale) if w is not None) if unit or scale else None
        end = last if last is not None else end + closing
    rate = _rate_at(text, end, g)
    if not _boundary_ok(text, end) and not (rate is not None and text.startswith("-", end)):
        return None, end, False
    value = _number(number, g)
    if value is None and spelled and pre_code is None and re.search(r"[\x20-]", number):
        # "between eight and nine percent": no one number; the first word waits for the unit
        # of the figure after it
        number = re.split(r"[\x20-]", number)[0]
        value, scale, unit, entry, code_factor = _number(number, g), None, None, None, 1.0
        end, provisional = anchor + len(number), True
    if value is None:
        return None, end, False
    factor = (g.scales[scale.form] if scale is not None else 1.0) * code_factor
    kind: Kind
    if entry is not None and entry[0] == "percent":
        kind, code = "percent", "percent"
        start = anchor if prefix is not None else start  # "the euro 2 percent higher"
    elif entry is not None and entry[0] == "subunit":
        kind, code, factor = "money", entry[1], factor / 100
    elif pre_code is not None:
        kind, code = "money", pre_code
        if prefix is not None and prefix.subunit:
            factor /= 100  # "GBX 2.40": pence
    elif entry is not None:
        kind, code = "money", entry[1]
    elif rate is not None and rate[0] == "share" and not spelled:
        kind, code = "money", DOLLAR  # "a dividend of 0.104 per share": the story's dollar
    else:
        kind, code = "count", "count"
    if kind == "count" and (sign or closing) and not g.signed_label.match(text, end):
        return None, end, False
    if (
        prefix is not None
        and prefix.word
        and scale is None
        and unit is None
        and number.isdigit()
        and len(number) == 4
        and 1800 <= value <= 2099
    ):
        return None, end, False  # "Euro 2020": a tournament, not an amount
    if (
        kind == "count"
        and scale is None
        and not provisional
        and _is_not_a_count(text, start, end, number, value, g)
    ):
        return None, end, False
    if sign:
        start -= 1
    denominator = rate[0] if rate is not None and kind == "money" else None
    quantity = Quantity(
        char_start=start,
        char_end=end,
        text=text[start:end],
        value=_clean(value * factor) * (-1 if sign < 0 or closing else 1),
        unit=default_dollar if code == DOLLAR else code,
        kind="rate" if denominator is not None else kind,
        approximate=_is_approximate(text, start, g),
        is_range=is_range,
        currency_explicit=kind == "money" and (pre_code is not None or entry is not None),
        bare_dollar=code == DOLLAR,
        per_share=denominator == "share",
        scale=factor,
        denominator=denominator,
    )
    return quantity, end, provisional


def _is_conversion(first: Quantity, second: Quantity, text: str, g: Grammar) -> bool:
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
        return second.unit != first.unit or (closes and _about_equal(first, second))
    if second.unit == first.unit:
        return False
    if not stripped:
        return "\n" not in gap
    return _fold(stripped.removeprefix(",")) in g.conversion_cues


def _shares_unit(first: Quantity, second: Quantity, text: str, g: Grammar) -> bool:
    """ "12 to 14 percent": a bare number joined to a figure with a unit or scale, when the
    two numbers are of one size (not "increased 16 to 693 mln dlrs", "114,887 or four cts")."""
    if first.kind != "count" or first.scale != 1.0 or first.is_range:
        return False
    if second.kind == "count" and second.scale == 1.0:
        return False
    return _joined(first.value, second, text[first.char_end : second.char_start], g)


def _shares_denominator(first: Quantity, second: Quantity, text: str, g: Grammar) -> bool:
    """ "$62 to $68 per share", "$12 billion to $14 billion a year": the first figure of a
    range is per what the second is."""
    if first.kind != "money" or second.kind != "rate" or first.unit != second.unit:
        return False
    gap = text[first.char_end : second.char_start]
    return _joined(first.value / first.scale, second, gap, g)


def _joined(low: float, second: Quantity, gap: str, g: Grammar) -> bool:
    if len(gap) >= 12 or _fold(gap) not in g.range_between:
        return False
    low, high = abs(low), abs(second.value / second.scale) if second.scale else 0.0
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
        denominator=second.denominator,
    )


def _with_cents(first: Quantity, second: Quantity, text: str, g: Grammar) -> Quantity | None:
    """ "3 dollars 50 cents", "thirteen dollars and forty-five cents", "15 dollars and 50.":
    whole units written with their word, then hundredths, are one amount."""
    if (
        first.kind != "money"
        or first.scale != 1.0
        or first.value != int(first.value)
        or not first.text[-1].isalpha()
        or _fold(text[first.char_end : second.char_start]) not in ("", "and")
    ):
        return None
    if second.kind == "money" and second.unit == first.unit and second.scale == 0.01:
        cents = second.value
    elif (
        second.kind == "count"
        and second.scale == 1.0
        and 1 <= second.value < 100
        and second.value == int(second.value)
        and (not second.text[0].isdigit() or len(second.text) == 2)
        and _CLAUSE_END.match(text, second.char_end)
    ):
        cents = second.value / 100
    else:
        return None
    return replace(
        first,
        char_end=second.char_end,
        text=text[first.char_start : second.char_end],
        value=_clean(first.value + cents),
    )


def _elliptic(previous: Quantity, q: Quantity, text: str, g: Grammar) -> bool:
    """ "up 2 percent, but the Nasdaq fell 1.": a bare number that ends its clause after
    the same kind of word as a percent or a plain money figure earlier in the sentence has
    that figure's unit ("the highest is 84.75 cents, while the lowest is 74.07")."""
    if (
        q.kind != "count"
        or q.scale != 1.0
        or q.is_range
        or previous.kind not in ("percent", "money")
        or previous.is_conversion
        or previous.scale not in (1.0, 0.01)
        or not _CLAUSE_END.match(text, q.char_end)
    ):
        return False
    between = text[previous.char_end : q.char_start]
    if len(between) > 120 or "\n" in between or _SENTENCE_END.search(between):
        return False
    words = (_words_before(text, q.char_start), _words_before(text, previous.char_start))
    if not all(w and w[-1] in g.elliptic_after for w in words):
        return False
    low, high = sorted((abs(q.value), abs(previous.value / previous.scale)))
    return low > 0 and high <= 10 * low


def _with_elliptic_unit(q: Quantity, previous: Quantity) -> Quantity:
    return replace(_with_unit_of(q, previous), denominator=None, per_share=False)


def _anchors(text: str, lowered: str | None, g: Grammar) -> list[int]:
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


def _fractions(text: str, lowered: str, g: Grammar) -> list[Quantity]:
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


_LEADING_WORD = re.compile(r"[^\W\d_]+\.?")


def _by_place(found: list[Quantity], text: str, g: Grammar) -> list[Quantity]:
    """A currency word several currencies share ("francs", "crowns", a leading "Rs") is the one
    of the country the text names most ("PARIS ... 3.3 billion francs" is FRF); with no country
    named, or a tie, it keeps the form's own currency. "Swiss francs" is not re-read."""
    resolved: dict[str, str] = {}
    for i, q in enumerate(found):
        if q.kind not in ("money", "rate"):
            continue
        words = _fold(q.text).split()
        lead = _LEADING_WORD.match(words[0]) if words else None
        if len(words) >= 2 and words[-1] in g.bare_words and " ".join(words[-2:]) not in g.after:
            key = words[-1]  # "3.3 billion francs"
        elif lead is not None and lead.group(0) in g.bare_words:
            key = lead.group(0)  # "Rs2.08 billion": rupees of India or Pakistan
        else:
            continue
        if key not in resolved:
            codes = g.bare_words[key]
            counts = {c: len(g.places[c].findall(text)) for c in codes if c in g.places}
            ranked = sorted(counts.values(), reverse=True)
            best = max(counts, key=lambda c: counts[c]) if counts else q.unit
            tied = len(ranked) > 1 and ranked[0] == ranked[1]
            resolved[key] = best if ranked and ranked[0] and not tied else q.unit
        found[i] = replace(q, unit=resolved[key])
    return found


def find_quantities(text: str, *, default_dollar: str = "USD") -> list[Quantity]:
    """Every money, percent, count and rate quantity in `text`, in order.

    A 500-word article costs well under a millisecond: plain string scans find the anchors,
    and only the text around each is matched. A figure is then read against its neighbour:
    a bare number takes the unit of the figure it is joined to ("12 to 14 percent"), cents
    join the dollars before them, a range shares its denominator, a second figure in another
    currency is a conversion.

    >>> [(q.text, q.value, q.unit) for q in find_quantities("a loss of 50 billion yen")]
    [('50 billion yen', 50000000000.0, 'JPY')]
    """
    g = grammar()
    lowered: str | None = text.lower()
    if lowered is not None and len(lowered) != len(text):
        lowered = None
    found: list[Quantity] = []
    pending: list[bool] = []  # a spelled-out number waiting for the unit of the next figure
    position = 0
    for anchor in _anchors(text, lowered, g):
        if anchor < position:
            continue
        quantity, end, provisional = _read(text, anchor, position, g, default_dollar)
        if quantity is None:
            continue
        position = end
        if found:
            joined = _with_cents(found[-1], quantity, text, g)
            if joined is not None:
                found[-1] = joined
                continue
            if _shares_unit(found[-1], quantity, text, g):
                found[-1], pending[-1] = _with_unit_of(found[-1], quantity), False
            elif _shares_denominator(found[-1], quantity, text, g):
                found[-1] = replace(
                    found[-1], kind="rate", denominator=quantity.denominator,
                    per_share=quantity.per_share,
                )
        if found and _is_conversion(found[-1], quantity, text, g):
            quantity = replace(quantity, is_conversion=True)
        elif _accounting_negative(text, quantity, found[-1] if found else None):
            quantity = replace(quantity, value=-quantity.value)
        if not provisional:
            previous = next((q for q in reversed(found) if q.kind != "count"), None)
            if previous is not None and _elliptic(previous, quantity, text, g):
                quantity = _with_elliptic_unit(quantity, previous)
        found.append(quantity)
        pending.append(provisional)
    found = [q for q, waiting in zip(found, pending, strict=True) if not waiting]
    found = _by_place(found, text, g)
    if lowered is not None and "by " in lowered:
        fractions = _fractions(text, lowered, g)
        if fractions:
            found = sorted([*found, *fractions], key=lambda q: q.char_start)
    return found


QUANTITY_FIELDS = (
    "doc_id", "char_start", "char_end", "text", "value", "unit", "kind", "denominator",
)
"""Columns of `write_quantities`, in order; `denominator` is empty unless `kind` is rate."""

OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")


def quantity_rows(documents: Iterable[Document]) -> Iterator[dict[str, object]]:
    """One row of `QUANTITY_FIELDS` per quantity of each document, in document order."""
    for document in documents:
        for q in find_quantities(document.text):
            yield {
                "doc_id": document.doc_id,
                "char_start": q.char_start,
                "char_end": q.char_end,
                "text": q.text,
                "value": q.value,
                "unit": q.unit,
                "kind": q.kind,
                "denominator": q.denominator,
            }


def write_quantities(documents: Iterable[Document], path: Path) -> int:
    """Write every quantity of every document in the format the suffix names (.jsonl, .csv
    or .parquet), atomically: a failed run leaves no partial file. Returns the count."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"unknown output format {path.suffix!r}: use .jsonl, .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(descriptor)
    try:
        rows = quantity_rows(documents)
        if suffix == ".jsonl":
            count = _write_jsonl(rows, Path(temporary))
        elif suffix == ".csv":
            count = _write_csv(rows, Path(temporary))
        else:
            count = _write_parquet(rows, Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _write_jsonl(rows: Iterable[dict[str, object]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_csv(rows: Iterable[dict[str, object]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=QUANTITY_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _write_parquet(rows: Iterable[dict[str, object]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        ("doc_id", pa.string()), ("char_start", pa.int64()), ("char_end", pa.int64()),
        ("text", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
        ("kind", pa.string()), ("denominator", pa.string()),
    ])
    table = pa.Table.from_pylist(list(rows), schema=schema)
    pq.write_table(table, path)
    return table.num_rows


def _about_equal(first: Quantity, second: Quantity) -> bool:
    """A same-currency figure in parentheses restates the first only when it is the same
    amount ("$1.2 billion ($1,200 million)"); a different one is the comparative of a
    results release ("EUR 73,297 thousand ( EUR 72,473 thousand )": the prior year's)."""
    return abs(abs(second.value) - abs(first.value)) <= 0.01 * abs(first.value)
