"""Which currency a money figure is in, when the figure does not say.

A bare "$" or "dlrs" is the article's dollar (the one it names, else its dateline's, main
company's or listing's country's); a shared word ("francs") is the family member the
article names in full; a figure with no currency written takes the nearest money figure's
beside it, else the article's most frequent currency.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from .. import quantities
from ..components import span_index, values
from ..organizations import ticker_pattern
from . import counts, segments, tokens
from . import metric as metric_rules

if TYPE_CHECKING:
    from .context import Context


def unit_of(doc: Doc, seg: Span, span: Span, ctx: Context) -> str:
    """The unit of the value at `span`: a bare dollar is the article's dollar, a shared
    word ("francs") the family member the article names, and money with no currency
    written ("a dividend of 0.104 per share", "(PKR: 27.06 a share)") the currency of the
    figures beside it, else the article's."""
    q = span._.newsfacts_quantity
    unit: str = ctx.dollar if q.bare_dollar else q.unit
    unit = ctx.bare_currencies.get(currency_word(q.text), unit)
    if q.kind == "money" and not q.currency_explicit and "$" not in q.text:
        unit = sibling_currency(doc, seg, span, ctx) or ctx.default_currency or unit
    return unit


def count_as_money(
    doc: Doc, seg: Span, span: Span, cue: Span, metric: str | None, ctx: Context
) -> str | None:
    """The currency of a bare number that is money by its metric, or None to leave it a
    count: "Revs 12.5 mln vs 9.8 mln", "pretax profits of 1.72 mln" beside "54.86 mln
    dlrs", a wire line "Turnover 9.42 billion, a 12 pct rise"; but prose "sales standing
    at 6.2 mln" with no money beside it may count bags, and "Sales of compact disc
    players rose to 450,000" counts units."""
    q = span._.newsfacts_quantity
    bare = q.kind == "count" and not q.currency_explicit and not tokens.count_noun_after(span)
    if bare and metric == "revenue" and counts.names_a_product(doc, cue):
        bare = False
    # "will post 2.35 EPS for the current year": a share figure its label follows
    share_label = metric == "eps" and cue.start == span.end  # not "3 Dividend Stocks"
    if not (
        bare
        and (metric in metric_rules.MONEY_ONLY or metric is None)
        and (q.scale >= 1000 or segments.TABLE_ROW.search(span_index.span_text(seg)) or share_label)
    ):
        return None
    sibling = sibling_currency(doc, seg, span, ctx)
    labelled = cue.end == span.start
    in_row = segments.TABLE_ROW.search(span_index.span_text(seg))
    if sibling is not None or labelled or share_label or in_row:
        return sibling or ctx.default_currency or "USD"
    return None


def sibling_currency(doc: Doc, seg: Span, span: Span, ctx: Context) -> str | None:
    """The currency of the money figure nearest the value in its segment, or None."""
    best: tuple[int, str] | None = None
    for other in span_index.starting_in(doc, values.SPANS_KEY, seg.start, seg.end):
        q = other._.newsfacts_quantity
        if q.kind != "money" or other.start == span.start:
            continue
        distance = abs(other.start - span.start)
        if best is None or distance < best[0]:
            unit = ctx.dollar if q.bare_dollar else q.unit
            best = (distance, ctx.bare_currencies.get(currency_word(q.text), unit))
    return best[1] if best else None


def dominant_currency(doc: Doc, dollar: str) -> str | None:
    """The article's most frequent currency, a bare "$" or "dlrs" counted as its dollar."""
    counts: dict[str, int] = {}
    for span in doc.spans[values.SPANS_KEY]:
        q = span._.newsfacts_quantity
        if q.kind == "money" and not q.is_conversion:
            unit = dollar if q.bare_dollar else q.unit
            counts[unit] = counts.get(unit, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def stated_dollar(doc: Doc, salient: str | None) -> str:
    """What a bare "$" or "dlrs" means in this article: a dollar currency the article
    names explicitly ("CA$139,000", "Canadian dlrs"); else the one a note states ("Figures
    are in Canadian dollars"); else the dollar of the dateline's or the main company's
    country ("SYDNEY, Aug 17 -", "Ford Motor Co of Canada"), even beside a "US$" figure;
    else, with US dollars named or no sign at all, the US dollar."""
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
    text = span_index.text(doc)
    stated = _FIGURES_IN.search(text)
    if stated is not None:  # "Figures for Acme are in Canadian dollars."
        return _dollar_named(stated.group(1)) or "USD"
    lead = text[:400]
    for code, in_name, dateline, gap in _dollar_places():
        if (salient and in_name.search(salient)) or dateline.search(lead) or gap.search(lead):
            return code  # "CALGARY -- ... $412 million ... US$2.7 billion": "$" is the local one
    if us_named:
        return "USD"
    listed = _listing_dollar(text[:1000])
    return listed or "USD"


# A note saying which dollar the figures are in ("Figures are in Canadian dollars", "All
# amounts in Australian dollars"): it outranks every other sign.
_FIGURES_IN = re.compile(
    r"\b(?:figures|amounts|results|numbers|all\s+figures)\b[^.\n]{0,40}?\bin\s+"
    r"((?:U\.?S\.?|Canadian|Australian|New\s+Zealand|Hong\s+Kong|Singapore)\s+dollars)\b",
    re.IGNORECASE,
)


def _dollar_named(phrase: str) -> str | None:
    """The code of "Canadian dollars" and its kin, by the value layer's own words."""
    found = quantities.find_quantities(f"1 {' '.join(phrase.split())}")
    return found[0].unit if found and found[0].kind == "money" else None


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
def _dollar_places() -> tuple[
    tuple[str, re.Pattern[str], re.Pattern[str], re.Pattern[str]], ...
]:
    """Per dollar: its places as a word of a company name, opening a dateline, and in
    capitals after a flattened page's gap."""
    patterns = []
    for code, places in quantities.currency_context().dollar_places.items():
        names = "|".join(re.escape(p) for p in places)
        in_name = re.compile(rf"\b(?:{names})\b")
        dateline = re.compile(
            rf"(?:^|\n)\s*(?:{names})\b[^\n]{{0,30}}?(?:\(Reuters\)\s*)?[-\u2013\u2014]",
            re.IGNORECASE,
        )
        # a flattened page's wide gap before the capitals of a wire dateline ("Share  SYDNEY
        # (Reuters) -"), not "  Toronto-based analysts"
        upper = "|".join(re.escape(p.upper()) for p in places)
        gap = re.compile(
            rf"\s\s(?:{upper})\b[^\n]{{0,30}}?"
            rf"(?:\(Reuters\)\s*[-\u2013\u2014]|\s[-\u2013\u2014]{{1,2}}\s)"
        )
        patterns.append((code, in_name, dateline, gap))
    return tuple(patterns)


def bare_currencies(doc: Doc) -> dict[str, str]:
    """The currency each shared word ("francs") stands for here: the family member the
    article names in full, when it names one."""
    shared = quantities.currency_context().bare_words
    votes: dict[str, dict[str, int]] = {}
    for span in doc.spans[values.SPANS_KEY]:
        q = span._.newsfacts_quantity
        if q.kind != "money":
            continue
        word = currency_word(q.text)
        for bare, codes in shared.items():
            if q.unit in codes and word != bare:
                votes.setdefault(bare, {}).setdefault(q.unit, 0)
                votes[bare][q.unit] += 1
    return {bare: max(v, key=lambda k: v[k]) for bare, v in votes.items()}


def currency_word(text: str) -> str:
    """The currency word of a money figure when nothing qualifies it: "3.3 billion francs"
    gives "francs", "239 mln Swiss francs" gives ""."""
    words = text.split()
    if not words or (len(words) > 1 and words[-2][:1].isupper() and not words[-2].isupper()):
        return ""
    return words[-1].casefold()
