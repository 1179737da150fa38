"""One self-contained HTML page to read a run: summary, evaluation, fact table, sources.

The page loads nothing from the network (inline CSS, no scripts, no fonts) so it opens
offline and can be mailed around. Every piece of text from documents, facts or gold is
HTML-escaped; value spans are wrapped in `<mark>` elements that stay well nested even when
spans overlap, and each table row links to the marked spans of its mentions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from .documents import Document, DocumentError
from .fact_table import fact_id
from .facts import Fact

MAX_DOCUMENTS = 200
MAX_TABLE_ROWS = 5000
MAX_EVALUATION_ITEMS = 500

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em;
color:#1d1d1f;background:#fff}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}
th,td{border:1px solid #d0d0d0;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.conflict td{background:#fff0f0}
.badge{display:inline-block;padding:0 .4em;border-radius:.6em;font-size:11px;font-weight:600}
.badge.conflict{background:#c62828;color:#fff}
.note{color:#666;font-style:italic}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}
dl.summary dt{font-weight:600}dl.summary dd{margin:0}
section.doc{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
section.doc h3{margin:.2em 0}
.meta{color:#555;font-size:12px}
.doc-body{display:flex;gap:1.5em;flex-wrap:wrap}
pre.doc-text{white-space:pre-wrap;word-wrap:break-word;font:13px/1.5 Georgia,serif;
flex:3 1 30em;margin:0;max-height:40em;overflow:auto}
ol.facts{flex:2 1 20em;font-size:12px;margin:0;padding-left:1.5em}
mark{background:#ffe58a;border-bottom:2px solid #e0a800;padding:0 1px}
mark mark{background:#ffc04d}
mark.conflict{background:#ffb3b3;border-bottom-color:#c62828}
:target{outline:3px solid #1a73e8}
ul.errors li{margin:.2em 0}
"""


def write_report(
    path: str | Path,
    *,
    documents: Sequence[Document],
    facts: Sequence[Fact],
    table: pd.DataFrame,
    evaluation: Mapping[str, Any] | None = None,
    errors: Sequence[DocumentError] = (),
    summary: Mapping[str, Any] | None = None,
    max_documents: int = MAX_DOCUMENTS,
    max_rows: int = MAX_TABLE_ROWS,
) -> None:
    """Write the HTML report to `path` (atomically: temporary sibling, then rename).

    Only the first `max_documents` documents and `max_rows` table rows are rendered, and
    the page says so, so that a large corpus still gives a page a browser can open.
    """
    shown = list(documents[:max_documents])
    shown_ids = {doc.doc_id for doc in shown}
    conflicted = {str(fid) for fid, flag in zip(table["fact_id"], table["conflict"], strict=True)
                  if bool(flag)}
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>newsfacts report</title>\n<style>", _STYLE, "</style>\n</head>\n<body>\n",
        "<h1>newsfacts report</h1>\n",
        _summary_section(documents, facts, table, errors, summary),
    ]
    if evaluation is not None:
        parts.append(_evaluation_section(evaluation, shown_ids))
    parts.append(_table_section(table, shown_ids, max_rows))
    parts.append(_documents_section(shown, len(documents), facts, conflicted))
    if errors:
        parts.append(_errors_section(errors))
    parts.append("</body>\n</html>\n")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(target)


def span_anchor(doc_id: str, char_start: int) -> str:
    """The element id of a value span: ``doc-<id>-<char_start>``, id made URL-fragment safe."""
    return f"doc-{_id_part(doc_id)}-{int(char_start)}"


def _id_part(text: str) -> str:
    """Injective and safe in ids and fragments: [A-Za-z0-9._-] kept, anything else `~xx`."""
    out = []
    for char in str(text):
        if char.isascii() and (char.isalnum() or char in "._-"):
            out.append(char)
        else:
            out.append("".join(f"~{byte:02x}" for byte in char.encode("utf-8")))
    return "".join(out)


def _summary_section(documents: Sequence[Document], facts: Sequence[Fact],
                     table: pd.DataFrame, errors: Sequence[DocumentError],
                     summary: Mapping[str, Any] | None) -> str:
    conflicts = int(table["conflict"].sum()) if len(table) else 0
    items: list[tuple[str, Any]] = [
        ("documents", len(documents)),
        ("facts (mentions)", len(facts)),
        ("fact table rows", len(table)),
        ("rows in conflict", conflicts),
        ("errors", len(errors)),
    ]
    shown = {"errors", "documents", "facts", "table_rows", "conflicts", "evaluation", "timings"}
    items.extend((str(k), v) for k, v in (summary or {}).items() if k not in shown)
    timings = (summary or {}).get("timings")
    if isinstance(timings, Mapping):
        items.extend((f"time: {stage}", float(t)) for stage, t in timings.items()
                     if isinstance(t, int | float))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(_summary_value(k, v))}</dd>"
                   for k, v in items)
    return f"<section id=\"summary\"><h2>Summary</h2><dl class=\"summary\">{body}</dl></section>\n"


def _summary_value(key: str, value: Any) -> str:
    if isinstance(value, float) and ("second" in key or key.endswith("_s") or
                                     key.startswith("time: ")):
        return f"{value:.2f} s"
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return _text(value)


def _evaluation_section(evaluation: Mapping[str, Any], shown_ids: set[str]) -> str:
    parts = ["<section id=\"evaluation\"><h2>Evaluation</h2>\n"]
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
        parts.append(_item_list("Per document", [d for d in documents if isinstance(d, Mapping)],
                                shown_ids, columns=["doc_id", "predictions", "p", "r", "f1",
                                                    "tp", "fp", "fn"]))
    for name, title in (("missed", "Missed gold facts"),
                        ("false_positives", "False positives")):
        rows = evaluation.get(name)
        if isinstance(rows, list | tuple):
            parts.append(_item_list(title, [r for r in rows if isinstance(r, Mapping)],
                                    shown_ids))
    parts.append("</section>\n")
    return "".join(parts)


def _score_table(scores: Mapping[str, Mapping[str, Any]]) -> str:
    preferred = ["p", "r", "f1", "tp", "fp", "fn"]
    seen = {k for score in scores.values() for k in score}
    columns = [c for c in preferred if c in seen] + sorted(seen - set(preferred))
    head = "".join(f"<th>{escape(c)}</th>" for c in ["", *columns])
    rows = "".join(
        "<tr><th>" + escape(name) + "</th>"
        + "".join(f"<td class=\"num\">{escape(_number(score.get(c)))}</td>" for c in columns)
        + "</tr>"
        for name, score in scores.items()
    )
    return f"<table><tr>{head}</tr>{rows}</table>\n"


def _item_list(title: str, rows: list[Mapping[str, Any]], shown_ids: set[str], *,
               columns: Sequence[str] = ("doc_id", "entity", "metric", "item", "value", "unit",
                                         "period", "period_start", "period_end", "status",
                                         "evidence")) -> str:
    seen = {k for row in rows for k in row}
    columns = [c for c in columns if c in seen]
    shown = rows[:MAX_EVALUATION_ITEMS]
    out = [f"<h3>{escape(title)} ({len(rows)})</h3>"]
    if len(rows) > len(shown):
        out.append(f"<p class=\"note\">First {len(shown)} of {len(rows)} shown.</p>")
    if not shown:
        return "".join(out) + "<p class=\"note\">none</p>\n"
    out.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>")
    for row in shown:
        cells = []
        for column in columns:
            value = row.get(column)
            text = escape(_fmt_value(value) if column == "value" else _number(value))
            doc_id, start = row.get("doc_id"), row.get("char_start")
            linkable = doc_id is not None and str(doc_id) in shown_ids
            if column == "value" and isinstance(start, int) and linkable:
                text = f"<a href=\"#{span_anchor(str(doc_id), start)}\">{text}</a>"
            elif column == "doc_id" and linkable:
                text = f"<a href=\"#document-{_id_part(str(doc_id))}\">{text}</a>"
            cells.append(f"<td>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>\n")
    return "".join(out)


def _table_section(table: pd.DataFrame, shown_ids: set[str], max_rows: int) -> str:
    out = ["<section id=\"fact-table\"><h2>Fact table</h2>\n"]
    if len(table) > max_rows:
        out.append(f"<p class=\"note\">First {max_rows} of {len(table)} rows shown.</p>")
    if not len(table):
        out.append("<p class=\"note\">No facts.</p></section>\n")
        return "".join(out)
    columns = ["entity", "metric", "item", "value", "unit", "period", "period range", "status",
               "sources", "confidence", "mentions"]
    out.append("<table><tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>\n")
    for row in table.head(max_rows).to_dict("records"):
        conflict = bool(row["conflict"])
        badge = " <span class=\"badge conflict\">conflict</span>" if conflict else ""
        period_range = " – ".join(_text(row[c]) for c in ("period_start", "period_end")
                                  if not pd.isna(row[c]))
        cells = [
            escape(_text(row["entity"])), escape(_text(row["metric"])),
            escape(_text(row["item"])),
            f"{escape(_fmt_value(row['value']))}{badge}",
            escape(_text(row["unit"])), escape(_text(row["period"])), escape(period_range),
            escape(_text(row["status"])), str(int(row["n_sources"])),
            escape(_number(row["confidence"])), _mention_links(row["values"], shown_ids),
        ]
        classes = [None, None, None, "num", None, None, None, None, "num", "num", None]
        row_class = " class=\"conflict\"" if conflict else ""
        out.append(
            f"<tr id=\"row-{escape(_text(row['fact_id']))}\"{row_class}>"
            + "".join(f"<td class=\"{cls}\">{cell}</td>" if cls else f"<td>{cell}</td>"
                      for cls, cell in zip(classes, cells, strict=True))
            + "</tr>\n"
        )
    out.append("</table></section>\n")
    return "".join(out)


def _mention_links(records: Iterable[Mapping[str, Any]], shown_ids: set[str]) -> str:
    links = []
    for record in records:
        doc_id = str(record.get("doc_id"))
        start = int(record.get("char_start") or 0)
        label = escape(f"{_fmt_value(record.get('value'))} @ {doc_id}:{start}")
        published = record.get("published")
        title = escape(f"published {published}" if published else "publication date unknown")
        if doc_id in shown_ids:
            links.append(f"<a href=\"#{span_anchor(doc_id, start)}\" title=\"{title}\">"
                         f"{label}</a>")
        else:
            links.append(f"<span title=\"{title} (document not rendered)\">{label}</span>")
    return "<br>".join(links)


def _documents_section(shown: Sequence[Document], total: int, facts: Sequence[Fact],
                       conflicted: set[str]) -> str:
    by_doc: dict[str, list[Fact]] = {}
    for fact in facts:
        by_doc.setdefault(fact.doc_id, []).append(fact)
    out = ["<section id=\"documents\"><h2>Documents</h2>\n"]
    if total > len(shown):
        out.append(f"<p class=\"note\">First {len(shown)} of {total} documents shown.</p>\n")
    for doc in shown:
        out.append(_document(doc, by_doc.get(doc.doc_id, []), conflicted))
    out.append("</section>\n")
    return "".join(out)


def _document(doc: Document, facts: list[Fact], conflicted: set[str]) -> str:
    meta = [f"published {doc.published.isoformat()}" if doc.published else "published unknown"]
    meta += [v for v in (doc.title, doc.source) if v]
    url = ""
    if doc.url and doc.url.startswith(("http://", "https://")):
        url = (f" · <a href=\"{escape(doc.url)}\" rel=\"noopener noreferrer nofollow\">"
               f"{escape(doc.url)}</a>")
    text = doc.text
    placed = [f for f in facts if 0 <= f.char_start < f.char_end <= len(text)]
    placed_ids = {id(f) for f in placed}
    items = []
    for fact in sorted(facts, key=lambda f: (f.char_start, f.char_end)):
        inside = id(fact) in placed_ids
        where = (f"<a href=\"#{span_anchor(doc.doc_id, fact.char_start)}\">"
                 f"“{escape(text[fact.char_start:fact.char_end])}”</a>"
                 if inside else "<span class=\"note\">(span not in text)</span>")
        badge = (" <span class=\"badge conflict\">conflict</span>"
                 if fact_id(fact) in conflicted else "")
        items.append(f"<li>{where} {escape(_fact_label(fact))}{badge} "
                     f"<a href=\"#row-{fact_id(fact)}\">row</a></li>")
    fact_list = ("<ol class=\"facts\">" + "".join(items) + "</ol>" if items
                 else "<p class=\"note\">No facts.</p>")
    return (
        f"<section class=\"doc\" id=\"document-{_id_part(doc.doc_id)}\">"
        f"<h3>{escape(doc.doc_id)}</h3><div class=\"meta\">{escape(' · '.join(meta))}{url}</div>"
        f"<div class=\"doc-body\"><pre class=\"doc-text\">"
        f"{_marked_text(doc.doc_id, text, placed, conflicted)}</pre>{fact_list}</div>"
        "</section>\n"
    )


def _marked_text(doc_id: str, text: str, facts: list[Fact], conflicted: set[str]) -> str:
    """The text with one `<mark>` per distinct span, nested; crossing spans are split.

    Marks open outermost-first at each offset. When a span ends while marks opened inside
    it are still open, those are closed and reopened after it as continuations (no id), so
    the markup is always well formed.
    """
    spans: dict[tuple[int, int], list[Fact]] = {}
    for fact in facts:
        spans.setdefault((fact.char_start, fact.char_end), []).append(fact)
    starts: dict[int, list[tuple[int, int]]] = {}
    for span in spans:
        starts.setdefault(span[0], []).append(span)
    boundaries = sorted({0, len(text), *(s for s, _ in spans), *(e for _, e in spans)})
    used_ids: set[str] = set()
    stack: list[tuple[int, int]] = []
    out: list[str] = []

    def open_tag(span: tuple[int, int], first: bool) -> str:
        group = spans[span]
        title = "\n".join(_fact_label(f) for f in group)
        classes = ["conflict"] if any(fact_id(f) in conflicted for f in group) else []
        anchor = span_anchor(doc_id, span[0])
        attributes = ""
        if first and anchor not in used_ids:
            used_ids.add(anchor)
            attributes = f" id=\"{anchor}\""
        if not first:
            classes.append("cont")
        if classes:
            attributes += f" class=\"{' '.join(classes)}\""
        return f"<mark{attributes} title=\"{escape(title)}\">"

    for position, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        ending = [span for span in stack if span[1] == position]
        if ending:
            deepest = min(stack.index(span) for span in ending)
            reopen = [span for span in stack[deepest:] if span[1] != position]
            out.append("</mark>" * (len(stack) - deepest))
            del stack[deepest:]
            for span in reopen:
                out.append(open_tag(span, first=False))
                stack.append(span)
        for span in sorted(starts.get(position, []), key=lambda s: -s[1]):
            out.append(open_tag(span, first=True))
            stack.append(span)
        if following is not None:
            out.append(escape(text[position:following], quote=False))
    out.append("</mark>" * len(stack))
    return "".join(out)


def _errors_section(errors: Sequence[DocumentError]) -> str:
    items = "".join(
        f"<li><b>{escape(e.doc_id)}</b>: {escape(e.reason)}"
        + (f" <span class=\"meta\">({escape(e.path)})</span>" if e.path else "") + "</li>"
        for e in errors
    )
    return (f"<section id=\"errors\"><h2>Errors ({len(errors)})</h2>"
            f"<ul class=\"errors\">{items}</ul></section>\n")


def _fact_label(fact: Fact) -> str:
    what = fact.metric + (f" ({fact.item})" if fact.item else "")
    period = fact.period or (f"{fact.period_start}..{fact.period_end}"
                             if fact.period_start or fact.period_end else "no period")
    return (f"{fact.entity} · {what} · {_fmt_value(fact.value)} {fact.unit} · {period} · "
            f"{fact.status} · {fact.confidence:.2f}")


def _fmt_value(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        text = f"{float(value):,}"
        return text[:-2] if text.endswith(".0") else text
    return _text(value)


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
