"""Blank the sentences that cannot hold a figure, so the spaCy model reads less text.

Most of a news article states no figure, and the base model's cost is per token. With
`Settings.screen_sentences` on (the default; `--full` turns it off), a cheap split (line
breaks; sentence ends not after an abbreviation or an initial) finds the sentences; those
without a digit, a currency sign or a number, currency or percent word are replaced by
spaces (line breaks kept), unless they are the headline and lead, one of the few sentences
before a figure sentence, or name a capitalized word of the lead (the company the article is
about, which the entity decisions count). Offsets are unchanged, so facts point into the
original text; a run of spaces is a single token for spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from .language_data import load


class ScreeningRules(BaseModel):
    """configs/screening.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number_words: list[str]
    currency_words: list[str]
    abbreviations: list[str]
    lead_sentences: int = Field(ge=0)
    sentences_before: int = Field(ge=0)
    common_capitals: list[str]


@dataclass(frozen=True)
class _Compiled:
    figure: re.Pattern[str]
    sentence: re.Pattern[str]
    lead: int
    before: int
    common: frozenset[str]


def _words(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _rules() -> _Compiled:
    rules = load("screening.yaml", ScreeningRules)
    figure = re.compile(
        rf"\d|[$€£¥%]|\b(?:{_words(rules.number_words)}|{_words(rules.currency_words)})\b",
        re.IGNORECASE,
    )
    not_after = "".join(rf"(?<!\b{re.escape(a)})" for a in rules.abbreviations)
    sentence = re.compile(  # (?=[.!?]) first: the lookbehinds run only before a full stop
        rf".+?(?:(?=[.!?])(?<![A-Z])(?<!\b[A-Z][a-z]){not_after}[.!?]+(?=\s+[\"'A-Z(])|$)"
    )
    common = frozenset(w.casefold() for w in rules.common_capitals)
    return _Compiled(figure, sentence, rules.lead_sentences, rules.sentences_before, common)


def _sentences(text: str) -> list[tuple[int, int]]:
    rules = _rules()
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        for s in rules.sentence.finditer(line.group()):
            if s.group().strip():
                spans.append((line.start() + s.start(), line.start() + s.end()))
    return spans


def screen(text: str) -> str:
    """`text` with the sentences the model need not read blanked; same length and offsets."""
    rules = _rules()
    spans = _sentences(text)
    lead = " ".join(text[a:b] for a, b in spans[: rules.lead + 1])
    # the lead's capitalised words, headline-initial and non-ASCII ones too ("Ahlstrom-Munksjö's")
    names = {
        re.sub(r"['’]s$", "", word)
        for word in re.findall(r"(?<![\w-])[A-Z][\w&'’-]{2,}", lead)
        if word.casefold() not in rules.common and not word.isupper()
    }
    named = re.compile(rf"\b(?:{_words(list(names))})\b") if names else None
    keep = [False] * len(spans)
    for k, (a, b) in enumerate(spans):
        sentence = text[a:b]
        if k <= rules.lead or rules.figure.search(sentence) or (
            named is not None and named.search(sentence)
        ):
            for j in range(max(0, k - rules.before), k + 1):
                keep[j] = True
    if all(keep):
        return text
    out = list(text)
    for (a, b), kept in zip(spans, keep, strict=True):
        if not kept:
            out[a:b] = re.sub(r"[^\n]", " ", text[a:b])
    return "".join(out)
