"""Facts of a flattened comparison table: a cell's row names whose figure, its column which metric.

A stock site's "Gross Revenue - Net Income - Earnings Per Share" table gives one fact per
cell of a column whose header is a metric of the lexicon, for the organization the row
names; columns of ratios, ratings and margins give nothing, and neither does a peer-group
row ("Acme Competitors"), which is an average, not an organization. The table states no
period, so the facts have none.

An HTML table (`GridTable`) reads the other way round: a row label ("Net sales") or column
header names the metric, a column header ("Q4 2023") or row label the period, the corner
cell, the row label ("EPS, SEK") or the caption the currency and scale ("SEK bn"); the
organization is the one the article is about at the table (`decisions.owner`). A cell gives a fact
only when all of these are known, so a table it cannot read gives nothing, never a count.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from spacy.tokens import Doc

from .. import organizations as org_rules
from .. import periods as period_rules
from .. import quantities, value_grammar
from ..decisions.owner import owner_of
from ..facts import Fact
from ..tables import Cell, FlatTable, GridTable, is_negative
from . import metrics, span_index

_BARE_NUMBER = re.compile(r"[-\u2212]?\(?\d{1,3}(?:,\d{3})*(?:\.\d+)?\)?")
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


def table_facts(doc: Doc, table: FlatTable | GridTable, *, dollar: str = "USD") -> list[Fact]:
    """One fact per money cell under a metric header, for the organization of its row."""
    if isinstance(table, GridTable):
        return grid_facts(doc, table, dollar=dollar)
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
            bare = _BARE_NUMBER.search(cell.text)
            if not found and metric in PER_SHARE and bare and bare.group() == cell.text.strip():
                # an "Earnings Per Share" column prints "1.48": the site's own currency
                digits = bare.group().lstrip("-\u2212")
                offset = bare.end() - len(digits)
                found = [
                    replace(q, char_start=offset, char_end=bare.end())
                    for q in quantities.find_quantities("$" + digits, default_dollar=dollar)
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


PER_SHARE = {"eps", "dividend_per_share"}
# A plain figure of a report's table: "71.9", "1,204.5", "-3.4", "(3.4)", "−0.8".
_FIGURE = re.compile(r"^(?P<neg>[-−–(])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\)?$")


def _metric_of(cell: Cell) -> str | None:
    """The money metric a row label or column header names ("Net sales", "EPS, SEK")."""
    label = cell.text.split(",")[0] if "," in cell.text else cell.text
    label = re.sub(r"\s*\(.*\)\s*$", "", label)  # "Operating income (EBIT)"
    return _column_metrics().get(" ".join(label.casefold().split()))


def _money_unit(text: str, dollar: str) -> tuple[str, float] | None:
    """The currency and scale a unit label states ("SEK bn", "(EUR million)", "MSEK", "$m",
    "Amounts in SEK m"): found by reading its last words with a figure 1 put where a figure
    goes."""
    words = text.strip(" ()[]:,").split()
    scales = value_grammar.grammar().scales
    for start in range(len(words)):
        tail = words[start:]
        # a scale word before the currency: "in millions of euros"
        dropped = [scales[w.casefold()] for w in words[:start] if w.casefold() in scales]
        if len(dropped) > 1:
            return None
        joined = " ".join(tail)
        if len(joined) > 30 or any(ch.isdigit() for ch in joined):
            continue
        tries = [" ".join([*tail[:k], "1", *tail[k:]]) for k in range(len(tail) + 1)]
        tries += [joined[:i] + "1" + joined[i:] for i in range(len(joined) + 1)]
        for candidate in tries:
            found = quantities.find_quantities(candidate, default_dollar=dollar)
            if (len(found) == 1 and found[0].kind == "money" and found[0].char_start == 0
                    and found[0].char_end == len(candidate)):
                scale = found[0].value
                if dropped and scale != 1.0:
                    return None  # two scales: "millions of EUR m"
                return found[0].unit, scale * (dropped[0] if dropped else 1.0)
    return None


def _unit_part(text: str) -> str | None:
    """What follows a label's last comma or stands in its closing parentheses: "EPS, SEK",
    "Sales (EUR m)", "Key figures (EUR million)"."""
    inner = re.search(r"\(([^()]*)\)\s*$", text)
    if inner:
        return inner.group(1)
    return text.rsplit(",", 1)[1] if "," in text else None


def _label_unit(cell: Cell, dollar: str) -> tuple[str, float] | bool | None:
    """The money unit a row label or column header states; False when it states another
    unit ("Net sales, change %", "Employees, number"); None when it states none."""
    part = _unit_part(cell.text)
    if part is None or _metric_of(Cell(part, 0, 0)) is not None:
        return None  # "Operating income (EBIT)": a name, not a unit
    return _money_unit(part, dollar) or False


def _stated_unit(text: str, dollar: str) -> tuple[str, float] | None:
    """The unit of a corner cell or caption: all of it ("SEK bn") or its unit part."""
    part = _unit_part(text)
    return _money_unit(text, dollar) or (_money_unit(part, dollar) if part else None)


def _period_of(cell: Cell, calendar: period_rules.FiscalCalendar) -> period_rules.Period | None:
    """The period a header cell names when the cell is that period and nothing else."""
    found = period_rules.find_period_expressions(cell.text)
    if len(found) != 1 or found[0].char_end - found[0].char_start != len(cell.text):
        return None
    if found[0].year is None:
        return None  # "Q4" alone: which year is for the prose to say
    return period_rules.resolve(found[0], calendar=calendar, published=None)


def grid_facts(doc: Doc, table: GridTable, *, dollar: str = "USD") -> list[Fact]:
    """One fact per figure whose metric, period, unit and organization the table fixes."""
    corner = table.header[0]
    table_unit = _stated_unit(corner.text, dollar) if corner.text else None
    if table_unit is None and table.caption is not None:
        table_unit = _stated_unit(table.caption.text, dollar)
    span = doc.char_span(table.char_start, table.char_end, alignment_mode="expand")
    if span is None:
        return []
    org = owner_of(doc, span[:1])
    if org is None:
        return []
    calendar = (period_rules.stated_calendar(doc.text, published=doc._.newsfacts_published)
                or period_rules.calendar_for(org.name))
    header = " ".join(doc.text[table.char_start : table.header[-1].char_end].split())
    facts: list[Fact] = []
    for row in table.rows:
        label = row[0]
        row_unit = _label_unit(label, dollar)
        if row_unit is False:
            continue  # a row of another unit: percentages, headcount
        row_unit = row_unit or table_unit
        for column, cell in zip(table.header[1:], row[1:], strict=False):
            figure = _FIGURE.match(cell.text)
            metric = _metric_of(label) or _metric_of(column)
            period = _period_of(column, calendar) or _period_of(label, calendar)
            column_unit = _label_unit(column, dollar)
            unit = row_unit if column_unit is None else column_unit
            if figure is None or metric is None or period is None or not isinstance(unit, tuple):
                continue
            currency, scale = unit
            if metric in PER_SHARE:
                scale = 1.0  # "SEK m" heads the table; a per-share row is in SEK
            value = float(figure.group("num").replace(",", "")) * scale
            if figure.group("neg"):
                value = -value
            row_text = " ".join(doc.text[label.char_start : row[-1].char_end].split())
            facts.append(
                Fact(
                    doc_id=doc._.newsfacts_doc_id or "",
                    entity=org.name,
                    metric=metric,
                    item=None,
                    value=value,
                    unit=currency,
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    status="actual",
                    char_start=cell.char_start + figure.start("num"),
                    char_end=cell.char_start + figure.end("num"),
                    evidence=f"{header} | {row_text}",
                    confidence=0.8,
                    published=doc._.newsfacts_published,
                    source=doc._.newsfacts_source,
                )
            )
    return facts
