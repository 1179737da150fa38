"""One self-contained HTML page to explore a run: fact table, charts, articles, quality.

The data goes into the page as one JSON block and a small hand-written script
(`report.js`, shipped beside this module with `report.css`) renders it in the browser, so
a corpus of 10,000 documents and 50,000 rows gives a page of the size of its text rather
than of its markup. Nothing is loaded from the network: no external script, style, font
or image. Strings repeated across rows (entities, metrics, units, evidence sentences) are
stored once and referred to by index. The JSON is made safe inside `<script>` by escaping
every `<`, `>` and `&`, and the script writes all text from documents, facts or gold as
text nodes, never as markup.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from .documents import Document, DocumentError
from .fact_table import fact_id
from .facts import Fact

_ASSETS = Path(__file__).resolve().parent
_TABS = (("table", "Fact table"), ("charts", "Charts"), ("articles", "Articles"),
         ("quality", "Quality"))


def write_report(
    path: str | Path,
    *,
    documents: Sequence[Document],
    facts: Sequence[Fact],
    table: pd.DataFrame,
    evaluation: Mapping[str, Any] | None = None,
    errors: Sequence[DocumentError] = (),
    summary: Mapping[str, Any] | None = None,
) -> None:
    """Write the HTML report to `path` (atomically: temporary sibling, then rename).

    Every document and every table row is in the page; the browser shows them a page at a
    time. The Quality tab is there only when `evaluation` is given.
    """
    data = report_data(documents=documents, facts=facts, table=table, evaluation=evaluation)
    tally = report_counts(documents=documents, facts=facts, table=table, errors=errors,
                          summary=summary)
    counts = (f"{tally['documents']} documents · {tally['facts']} facts (mentions) · "
              f"{tally['table_rows']} table rows · {tally['conflicts']} in conflict · "
              f"{tally['failed']} errors")
    tabs = [(key, title) for key, title in _TABS if key != "quality" or evaluation is not None]
    nav = "".join(f"<a id=\"nav-{key}\" href=\"#{key}\">{title}</a>" for key, title in tabs)
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>newsfacts report</title>\n<style>", _asset("report.css"), "</style>\n",
        "</head>\n<body>\n<header><h1>newsfacts report</h1>",
        f"<div class=\"counts\">{escape(counts)}</div><nav class=\"tabs\">{nav}</nav></header>\n",
        "<main>\n", _TABLE_TAB, _CHARTS_TAB, _ARTICLES_TAB,
    ]
    if evaluation is not None:
        positions = {doc[0]: n for n, doc in enumerate(data["docs"]) if doc[5] is not None}
        parts.append(_quality_tab(evaluation, positions))
    parts.append(_run_details(tally, errors, summary))
    parts += [
        "</main>\n<script type=\"application/json\" id=\"newsfacts-data\">",
        _script_safe_json(data), "</script>\n<script>", _asset("report.js"),
        "</script>\n</body>\n</html>\n",
    ]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(target)


def report_data(
    *,
    documents: Sequence[Document],
    facts: Sequence[Fact],
    table: pd.DataFrame,
    evaluation: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON the page renders: documents, rows by column, marks per document, gold.

    `docs` are `[doc_id, title, source, url, published, text]`; a document a row cites
    but the run did not read gets a `null` text. `rows` holds one list per column, with
    string columns as indexes into `strings` (-1 for none) and dates as ISO strings ("" for
    none); `rows.mentions[r]` lists `[doc, char_start, char_end, value, superseded]`.
    `marks[doc]` lists `[char_start, char_end, row, value, superseded]` for every fact of
    the document.
    """
    strings = _Strings()
    docs: list[list[Any]] = []
    doc_index: dict[str, int] = {}
    for doc in documents:
        if doc.doc_id in doc_index:
            continue
        doc_index[doc.doc_id] = len(docs)
        docs.append([doc.doc_id, doc.title, doc.source, doc.url,
                     doc.published.isoformat() if doc.published else None, doc.text])

    def doc_of(doc_id: str) -> int:
        if doc_id not in doc_index:
            doc_index[doc_id] = len(docs)
            docs.append([doc_id, None, None, None, None, None])
        return doc_index[doc_id]

    evidence: dict[str, str] = {}
    for fact in facts:
        evidence.setdefault(fact_id(fact), fact.evidence)
    rows: dict[str, list[Any]] = {name: [] for name in (
        "id", "entity", "metric", "item", "unit", "period", "start", "end", "status", "value",
        "sources", "conflict", "confidence", "evidence", "mentions")}
    row_of: dict[str, int] = {}
    for record in table.to_dict("records"):
        fid = str(record["fact_id"])
        row_of[fid] = len(rows["id"])
        rows["id"].append(fid)
        for column in ("entity", "metric", "item", "unit", "period", "status"):
            rows[column].append(strings.index(record[column]))
        rows["start"].append(_text(record["period_start"]))
        rows["end"].append(_text(record["period_end"]))
        rows["value"].append(_finite(record["value"]))
        rows["sources"].append(int(record["n_sources"]))
        rows["conflict"].append(int(bool(record["conflict"])))
        rows["confidence"].append(_finite(record["confidence"]) or 0.0)
        rows["evidence"].append(strings.index(evidence.get(fid)))
        rows["mentions"].append([
            [doc_of(str(m["doc_id"])), int(m["char_start"]), int(m["char_end"]),
             _finite(m["value"]), int(bool(m.get("superseded")))]
            for m in record["values"]
        ])
    marks: dict[int, list[list[Any]]] = {}
    for fact in facts:
        row = row_of.get(fact_id(fact))
        if row is None:
            continue
        marks.setdefault(doc_of(fact.doc_id), []).append(
            [fact.char_start, fact.char_end, row, _finite(fact.value), int(fact.superseded)])
    return {
        "strings": strings.values,
        "docs": docs,
        "rows": rows,
        "marks": {str(k): v for k, v in marks.items()},
        "evaluation": _evaluation_data(evaluation, doc_index) if evaluation is not None else None,
    }


class _Strings:
    """Each distinct string once; None and missing values are -1."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._seen: dict[str, int] = {}

    def index(self, value: Any) -> int:
        text = _text(value)
        if not text:
            return -1
        if text not in self._seen:
            self._seen[text] = len(self.values)
            self.values.append(text)
        return self._seen[text]


def _evaluation_data(evaluation: Mapping[str, Any], doc_index: dict[str, int]) -> dict[str, Any]:
    """Missed gold facts and false positives, each with the index of its document, and
    grouped by document for the article view (only documents that have gold)."""
    out: dict[str, Any] = {}
    by_doc: dict[str, dict[str, list[dict[str, Any]]]] = {}
    scored = evaluation.get("documents")
    for item in scored if isinstance(scored, list | tuple) else ():
        if isinstance(item, Mapping) and str(item.get("doc_id")) in doc_index:
            by_doc[str(doc_index[str(item["doc_id"])])] = {"missed": [], "false_positives": []}
    for name in ("missed", "false_positives"):
        rows = evaluation.get(name)
        items = []
        for row in rows if isinstance(rows, list | tuple) else ():
            if not isinstance(row, Mapping):
                continue
            item = {k: _jsonable(v) for k, v in row.items()}
            item["doc"] = doc_index.get(str(row.get("doc_id")), -1)
            items.append(item)
            if item["doc"] >= 0:
                by_doc.setdefault(str(item["doc"]), {"missed": [], "false_positives": []})
                by_doc[str(item["doc"])][name].append(item)
        out[name] = items
    out["by_doc"] = by_doc
    return out


_TABLE_TAB = """<section class="tab" id="tab-table"><h2>Fact table</h2>
<div class="filters" id="filters"></div>
<div class="toolbar"><span id="row-count"></span>
<button id="chart-these" disabled title="choose one entity and one metric first">
chart these</button>
<button id="download-csv">download filtered rows (CSV)</button></div>
<div class="pager" id="table-pager"></div>
<table class="facts" id="fact-table"></table>
</section>
"""

_CHARTS_TAB = """<section class="tab" id="tab-charts"><h2>Charts</h2>
<div class="charts-controls"><label>entity<input id="c-entity" list="entity-names" size="28">
</label><label>metric<select id="c-metric"></select></label></div>
<div id="chart"></div>
<h2>Overview</h2><div class="overviews" id="overviews"></div>
</section>
"""

_ARTICLES_TAB = """<section class="tab" id="tab-articles"><h2>Articles</h2>
<div class="articles"><div class="doclist">
<div class="filters"><label>find a document<input id="d-search" placeholder="id or title"></label>
<label><span><input type="checkbox" id="d-with"> with facts only</span></label></div>
<div id="doc-count" class="meta"></div><div class="pager" id="doc-pager"></div>
<div id="doc-list"></div></div>
<div class="article" id="article"><p class="note">Choose a document, or follow a link from a
table row or a chart point.</p></div></div>
</section>
"""


def _quality_tab(evaluation: Mapping[str, Any], positions: Mapping[str, int]) -> str:
    """Scores as tables; the missed and false facts are listed by the script, and beside
    each article's text."""
    parts = ["<section class=\"tab\" id=\"tab-quality\"><h2>Evaluation against the gold</h2>\n"]
    core = evaluation.get("core")
    if isinstance(core, Mapping):
        parts.append("<h3>Core score</h3>")
        parts.append(_score_table({"core": core}))
    status = evaluation.get("status_accuracy")
    if status is not None:
        parts.append(f"<p>Status accuracy over matched facts: <b>{escape(_number(status))}</b></p>")
    diagnostics = evaluation.get("diagnostics")
    if isinstance(diagnostics, Mapping) and diagnostics:
        parts.append("<h3>Diagnostics (fewer fields required)</h3>")
        parts.append(_score_table({str(k): v for k, v in diagnostics.items()
                                   if isinstance(v, Mapping)}))
    handled = {"core", "status_accuracy", "diagnostics", "documents", "missed", "false_positives"}
    extra = [(str(k), v) for k, v in evaluation.items()
             if k not in handled and not isinstance(v, Mapping | list | tuple)]
    if extra:
        parts.append("<dl class=\"summary\">" + "".join(
            f"<dt>{escape(k)}</dt><dd>{escape(_number(v))}</dd>" for k, v in extra) + "</dl>")
    documents = evaluation.get("documents")
    if isinstance(documents, list | tuple) and documents:
        rows = [d for d in documents if isinstance(d, Mapping)]
        parts.append(f"<h3>Per document ({len(rows)})</h3>")
        parts.append(_score_table({str(d.get("doc_id")): d for d in rows},
                                  columns=["predictions", "p", "r", "f1", "tp", "fp", "fn"],
                                  links=positions))
    parts.append("<div id=\"eval-items\"></div></section>\n")
    return "".join(parts)


def _score_table(scores: Mapping[str, Mapping[str, Any]],
                 columns: Sequence[str] | None = None,
                 links: Mapping[str, int] | None = None) -> str:
    if columns is None:
        preferred = ["p", "r", "f1", "tp", "fp", "fn"]
        seen = {k for score in scores.values() for k in score}
        columns = [c for c in preferred if c in seen] + sorted(seen - set(preferred))
    head = "".join(f"<th>{escape(c)}</th>" for c in ["", *columns])
    def name_cell(name: str) -> str:
        if links and name in links:
            return f"<a href=\"#doc={links[name]}\">{escape(name)}</a>"
        return escape(name)

    rows = "".join(
        "<tr><th>" + name_cell(name) + "</th>"
        + "".join(f"<td class=\"num\">{escape(_number(score.get(c)))}</td>" for c in columns)
        + "</tr>"
        for name, score in scores.items()
    )
    return f"<table><tr>{head}</tr>{rows}</table>\n"


COUNT_LABELS = {"documents": "documents", "facts": "facts (mentions)",
                "table_rows": "fact table rows", "conflicts": "rows in conflict",
                "failed": "errors"}


def report_counts(*, documents: Sequence[Document], facts: Sequence[Fact],
                  table: pd.DataFrame, errors: Sequence[DocumentError],
                  summary: Mapping[str, Any] | None = None) -> dict[str, int]:
    """The counts the page shows, under the keys of `summary.json`: the run's own counts when
    a summary is given (a document that failed is one of its documents), else those of the
    arguments. One source, so the page and `summary.json` never disagree."""
    counts = {
        "documents": len({d.doc_id for d in documents} | {e.doc_id for e in errors}),
        "facts": len(facts),
        "table_rows": len(table),
        "conflicts": int(table["conflict"].sum()) if len(table) else 0,
        "failed": len(errors),
    }
    for key in counts:
        value = (summary or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            counts[key] = value
    return counts


def _run_details(tally: Mapping[str, int], errors: Sequence[DocumentError],
                 summary: Mapping[str, Any] | None) -> str:
    """Counts, settings, versions and timings, folded away at the bottom."""
    items: list[tuple[str, Any]] = [(label, tally[key]) for key, label in COUNT_LABELS.items()]
    shown = {*COUNT_LABELS, "errors", "evaluation", "timings"}
    items.extend((str(k), v) for k, v in (summary or {}).items() if k not in shown)
    timings = (summary or {}).get("timings")
    if isinstance(timings, Mapping):
        items.extend((f"time: {stage}", float(t)) for stage, t in timings.items()
                     if isinstance(t, int | float))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(_summary_value(k, v))}</dd>"
                   for k, v in items)
    out = [f"<details class=\"run\" id=\"run-details\"><summary>Run details</summary>"
           f"<dl class=\"summary\">{body}</dl>"]
    if errors:
        out.append(_errors_section(errors))
    out.append("</details>\n")
    return "".join(out)


def _summary_value(key: str, value: Any) -> str:
    if isinstance(value, float) and ("second" in key or key.endswith("_s") or
                                     key.startswith("time: ")):
        return f"{value:.2f} s"
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return _text(value)


def _errors_section(errors: Sequence[DocumentError]) -> str:
    items = "".join(
        f"<li><b>{escape(e.doc_id)}</b>: {escape(e.reason)}"
        + (f" <span class=\"meta\">({escape(e.path)})</span>" if e.path else "") + "</li>"
        for e in errors
    )
    return (f"<section id=\"errors\"><h3>Errors ({len(errors)})</h3>"
            f"<ul class=\"errors\">{items}</ul></section>")


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _script_safe_json(data: Any) -> str:
    """JSON that cannot end its `<script>` element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, date | datetime | pd.Timestamp):
        return _text(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if math.isfinite(value) else "–"
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        return "" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, list | tuple | Mapping) and pd.isna(value):
        return ""
    return str(value)
