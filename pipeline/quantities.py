"""Find and normalize money, percent and count quantities in plain text.

Pure functions, no spaCy: the values component calls them on the document text.
PLACEHOLDER: minimal first version, to be replaced by the values layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["money", "percent", "count"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A normalized figure with its span in the text (start inclusive, end exclusive)."""

    char_start: int
    char_end: int
    text: str
    value: float
    unit: str
    kind: Kind
    approximate: bool = False
    is_conversion: bool = False


_SCALES = {"million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "bln": 1e9}
_PATTERN = re.compile(
    r"(?P<cur>\$|EUR|USD|JPY)?\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>million|mln|mn|billion|bn|bln)?\s?(?P<tail>yen|euros?|dlrs|percent|pct|%)?",
    re.IGNORECASE,
)


def find_quantities(text: str) -> list[Quantity]:
    """Every money, percent and count quantity in `text`, in order."""
    found = []
    for match in _PATTERN.finditer(text):
        number = float(match["num"].replace(",", ""))
        if match["scale"]:
            number *= _SCALES[match["scale"].lower()]
        cur, tail = match["cur"], (match["tail"] or "").lower()
        if tail in {"percent", "pct", "%"}:
            unit, kind = "percent", "percent"
        elif cur or tail:
            code = {"$": "USD", "yen": "JPY", "dlrs": "USD", "euro": "EUR", "euros": "EUR"}
            unit, kind = code.get(cur or tail, (cur or "").upper()), "money"
        else:
            unit, kind = "count", "count"
        surface = match.group(0).strip()
        start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
        found.append(Quantity(start, start + len(surface), surface, number, unit, kind))  # type: ignore[arg-type]
    return found
