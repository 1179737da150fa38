"""Actual, forecast or target: the nearest status cue on a value's left ("expects",
"aims to"), unless a past-tense verb, a comparative or a clause boundary stands between;
job cuts are plans unless stated as done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from ..components import metrics, span_index
from ..facts import Status
from . import comparative, segments, tokens, vocabulary

if TYPE_CHECKING:
    from .context import Candidate, Context, Resolved


def assign_statuses(doc: Doc, seg: Span, resolved: list[Resolved]) -> None:
    """Status from cues; a revised estimate's new figure shares the estimate's status."""
    for r in resolved:
        r.status = status_of(doc, seg, r.cand, r.cand.metric or "")
    revised = [r.status for r in resolved if r.cand.revision and r.status != "actual"]
    for r in resolved:
        if revised and not r.cand.comparative and r.status == "actual":
            r.status = revised[0]

def note_list_opener(doc: Doc, seg: Span, ctx: Context) -> None:
    """A line ending in a colon opens a list: "For the fourth quarter of 2019, the Company
    expects:" gives its bullets its status; any other line that is no bullet closes it."""
    if span_index.span_text(seg).rstrip().endswith(":"):
        found = [
            c._.newsfacts_status
            for c in span_index.starting_in(doc, metrics.STATUS_KEY, seg.start, seg.end)
        ]
        ctx.list_status = found[-1] if found else None
    elif doc[seg.start].text not in segments.BULLETS:
        ctx.list_status = None


def list_statuses(doc: Doc, seg: Span, resolved: list[Resolved], ctx: Context) -> None:
    """A bullet's figures take the status of the line that opened its list ("the Company
    expects:\n- Revenue of $430 million" is a forecast)."""
    if ctx.list_status is None or doc[seg.start].text not in segments.BULLETS:
        return
    for r in resolved:
        if r.status == "actual":
            r.status = ctx.list_status


def status_of(doc: Doc, seg: Span, cand: Candidate, metric: str) -> Status:
    """The nearest status cue on the value's left, unless a past-tense verb or a
    comparative stands between them; job cuts are plans unless stated as done."""
    vocab = vocabulary.load()
    if comparative.foreseen_after(doc, seg, cand.span) and not metric.startswith("job_cuts"):
        return "forecast"  # "Revenue: $4.12 billion vs. $4.07 billion expected"
    if comparative.set_against_forecast(doc, seg, cand.span):
        return "actual"  # the "$4.12 billion" the expectation is set against
    statuses = {s.start: s._.newsfacts_status for s in doc.spans[metrics.STATUS_KEY]}
    found: Status = "actual"
    i = cand.span.start - 1
    while i >= seg.start and cand.span.start - i <= 18:
        token = doc[i]
        if i in statuses and tokens.previous_word(doc, i, seg.start) in {"than", "as"}:
            i -= 1  # "a lower-than-expected rise", "as expected": not an outlook
            continue
        if i in statuses:
            if cand.comparative and token.lower_ not in vocab.status_nouns:
                break
            if metric.startswith("dividend_per_share") and token.lower_ in vocab.schedule_cues:
                return "actual"  # "will be paid a dividend of 0.10": declared, not foreseen
            found = "target" if statuses[i] == "target" else "forecast"
            break
        if token.lower_ in vocab.comparative_markers and not cand.comparative:
            break
        if token.tag_ in ("VBD",) and token.lower_ not in {"said", "added", "told"}:
            break
        if token.text in (";", ":", ","):
            break
        if token.lower_ == "after" and token.dep_ in ("prep", "mark") and i + 1 < len(doc) and (
            doc[i + 1].tag_ in ("VBG", "VBD", "VBN") or doc[i + 1].pos_ == "PRON"
        ):
            return "actual"  # "should return to profit after reporting a loss in 1986"
        i -= 1
    if found == "actual" and not cand.comparative:
        found = _governing_status(cand.span, statuses) or found
    if metric.startswith("job_cuts"):
        past = any(t.tag_ == "VBD" and t.lower_ not in {"said", "added"} for t in seg)
        if found == "forecast" or not past:
            found = "target"
    return found


def _governing_status(span: Span, statuses: dict[int, str]) -> Status | None:
    """The status of a cue verb the value's clause depends on, however far: "expects
    revenues for the year ending June 30, 1988, to increase ... to 3.2 billion dlrs"."""
    token = span.root
    for _ in range(6):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.i in statuses and token.pos_ in ("VERB", "AUX"):
            return "target" if statuses[token.i] == "target" else "forecast"
        if token.tag_ == "VBD" and token.lower_ not in {"said", "added", "told"}:
            return None  # "reported", "rose": an actual result
    return None
