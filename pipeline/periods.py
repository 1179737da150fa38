"""Find period expressions and resolve them to calendar ranges.

Pure functions, no spaCy. PLACEHOLDER: minimal first version, to be replaced by the
periods layer (fiscal calendars, relative periods).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Period:
    """A resolved period: label, calendar range and granularity."""

    label: str
    start: date
    end: date
    granularity: str


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A period expression in the text, with what it resolves to when context allows."""

    char_start: int
    char_end: int
    text: str
    period: Period | None


_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def find_periods(text: str, *, published: date | None = None) -> list[PeriodMention]:
    """Period expressions in `text`, resolved against `published`."""
    out = []
    for match in _YEAR.finditer(text):
        year = int(match[1])
        period = Period(str(year), date(year, 1, 1), date(year, 12, 31), "year")
        out.append(PeriodMention(match.start(), match.end(), match[0], period))
    return out
