"""Facts of a flattened comparison table: a cell's row names whose figure, its column which metric.

A stock site's "Gross Revenue - Net Income - Earnings Per Share" table gives one fact per
cell of a column whose header is a metric of the lexicon, for the organization the row
names; columns of ratios, ratings and margins give nothing, and neither does a peer-group
row ("Acme Competitors"), which is an average, not an organization. The table states no
period, so the facts have none.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Doc

from .. import organizations as org_rules
from .. import quantities
from ..facts import Fact
from ..tables import FlatTable, is_negative
from . import metrics, span_index

MONEY_COLUMNS = {"revenue", "net_income", "eps", "operating_income", "ebitda", "gross_profit",
                 "pretax_income", "dividend_per_share", "cash"}


@cache
def _column_metrics() -> dict[str, str]:
    lex = metrics.lexicon()
    return {
        phrase.casefold(): metric
        for metric, phrases in lex.metrics.items()
        if metric in MONEY_COLUMNS
        for phrase in phrases
    }


@cache
def _peer_words() -> frozenset[str]:
    return frozenset(w.casefold() for w in metrics.lexicon().table_peer_rows)


def _peer_row(name: str) -> bool:
    words = name.split()
    return bool(words) and words[-1].casefold() in _peer_words()


def table_facts(doc: Doc, table: FlatTable, *, dollar: str = "USD") -> list[Fact]:
    """One fact per money cell under a metric header, for the organization of its row."""
    columns = [_column_metrics().get(" ".join(h.text.casefold().split())) for h in table.headers]
    facts: list[Fact] = []
    for row in table.rows:
        name = row[0].text
        if _peer_row(name) or org_rules.is_not_organization(name):
            continue
        entity = org_rules.canonical_name(name)
        evidence = " ".join(span_index.text(doc)[row[0].char_start : row[-1].char_end].split())
        for metric, cell in zip(columns, row[1:], strict=True):
            if metric is None:
                continue
            found = [
                q for q in quantities.find_quantities(cell.text, default_dollar=dollar)
                if q.kind == "money"
            ]
            if len(found) != 1:
                continue
            q = found[0]
            value = -abs(q.value) if is_negative(cell) else q.value
            facts.append(
                Fact(
                    doc_id=doc._.newsfacts_doc_id or "",
                    entity=entity,
                    metric=metric,
                    item=None,
                    value=float(value),
                    unit=q.unit,
                    period=None,
                    period_start=None,
                    period_end=None,
                    status="actual",
                    char_start=cell.char_start + q.char_start,
                    char_end=cell.char_start + q.char_end,
                    evidence=evidence,
                    confidence=0.8,
                    published=doc._.newsfacts_published,
                    source=doc._.newsfacts_source,
                )
            )
    return facts
