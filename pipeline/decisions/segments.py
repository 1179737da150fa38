"""Segmentation: the units the assembler reads one at a time.

A segment is a sentence, or one row of a wire table ("Shr 97.0p vs 85.3p"), or the
headline; every decision reads only inside a value's segment, so where a segment ends is
the first decision taken, and a wrong split shows up as a figure joined to another row's cue.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy
from spacy.attrs import IS_SPACE
from spacy.tokens import Doc, Span

from ..components import metrics, organizations, span_index, values

TABLE_ROW = re.compile(r"\bvs\.?\s", re.IGNORECASE)
# the marks that open a press release's list items ("- Revenue of $412.5 million")
BULLETS = frozenset({"-", "•", "*", "–", "·", "▪"})

_SECTION_LINE = re.compile(r"year|qtr|quarter|(?:six|nine|three|12) mths", re.IGNORECASE)


_WIDE_GAP = re.compile(r"\n|  +(?![-–|]\s)(?<![-–|]  )")

_SENTENCE_END = re.compile(r"\S\s?[.!?]\s+(?=[A-Z])")


def headline_end(text: str) -> int:
    """Where a headline ends: at its first line break or wide gap (but "Acme to Issue  -
    Dividend of $0.29" keeps its dash separator), after its second copy when the page
    prints it twice, else, run into the body, at the end of a title-cased first sentence
    ("Acme Plc to Issue Dividend of $0.29 on October 30th .")."""
    gap = _WIDE_GAP.search(text, 0, 250)
    if gap is not None:
        headline = text[: gap.start()].strip()
        if headline and text[gap.end() :].startswith(headline):  # a page that prints it twice
            return gap.end() + len(headline)
        return gap.start()
    stop = _SENTENCE_END.search(text, 0, 250)
    if stop is None:
        return -1
    words = [w for w in re.findall(r"[A-Za-z][\w'&]*", text[: stop.end()]) if len(w) > 3]
    titled = sum(w[0].isupper() for w in words)
    return stop.end() if words and titled >= 0.75 * len(words) else -1


def in_segment(doc: Doc, key: str, seg: Span) -> list[Span]:
    """The spans of group `key` inside the segment, through the document's span index."""
    return span_index.within(doc, key, seg.start, seg.end)


def segments(doc: Doc) -> list[Span]:
    """Sentences, with the headline, paragraphs and wire-table rows split off on their own.

    A line break ends a segment after the first line, after an all-capitals or a
    "... vs ..." line, before an indented line (wire paragraphs), and at a blank line; a
    wide gap before a capital ends one too (list items of scraped pages run together).
    """
    out: list[Span] = []
    text = span_index.text(doc)
    inside_values = {i for v in doc.spans[values.SPANS_KEY] for i in range(v.start, v.end)}
    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist()  # only space tokens cut
    for sent in doc.sents:
        start = sent.start
        for i in spaces[bisect_left(spaces, sent.start) : bisect_left(spaces, sent.end)]:
            if i == start or i in inside_values:
                continue
            token = doc[i]
            if "\n" not in token.text:
                # scraped lists run together with wide gaps: "as follows:  Fourth Quarter
                # 2018: 118% growth  Fiscal 2018: 95% ..."
                nxt = doc[token.i + 1] if token.i + 1 < sent.end else None
                gap = doc[token.i - 1].whitespace_ + token.text_with_ws
                if "  " in gap and nxt is not None and nxt.text[:1].isupper():
                    out.append(doc[start : token.i])
                    start = token.i + 1
                continue
            line_before = text[doc[start].idx : token.idx]
            following = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
            continued = following[:1].islower()  # "Shr 20.9p,\n    a 22.3 pct rise"
            if continued and TABLE_ROW.search(line_before.rsplit("\n", 1)[-1]):
                # but a lower-cased wire table ("net 65 mln vs 57 mln\n    year\n    shr
                # 1.10 dlrs vs ...") still has a row a line
                next_start = doc[token.i + 1].idx if token.i + 1 < len(doc) else len(text)
                next_end = text.find("\n", next_start)
                next_line = text[next_start : next_end if next_end >= 0 else len(text)]
                continued = not (
                    TABLE_ROW.search(next_line) or _SECTION_LINE.fullmatch(next_line.strip())
                )
            if "\n\n" in token.text or (
                not continued
                and (
                    token.text.endswith("  ")
                    or doc[start].idx == 0
                    or TABLE_ROW.search(line_before.rsplit("\n", 1)[-1])
                    or line_before.strip().isupper()
                    # a press release's bullet list: "Highlights:\n- Revenue of $412.5 million"
                    or following in BULLETS
                    or line_before.rstrip().endswith(":")
                )
            ):
                if token.i > start:
                    out.append(doc[start : token.i])
                start = token.i + 1
        if start < sent.end:
            out.append(doc[start : sent.end])
    merged: list[Span] = []
    for seg in out:
        if not span_index.span_text(seg).strip():
            continue
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.end == seg.start
            and span_index.span_text(seg)[:1].islower()
            and previous.text.rstrip()[-1:] in {",", ";"}
        ):  # the parser ended a sentence at a comma: "Shr 20.9p, | a 22.3 pct rise"
            merged[-1] = doc[previous.start : seg.end]
        else:
            merged.append(seg)
    return merged


def metric_cues(doc: Doc, seg: Span) -> list[Span]:
    """The segment's metric cues, but not a word of an organization's name ("Workers" in
    "United Food and Commercial Workers")."""
    named = [
        o
        for o in in_segment(doc, organizations.SPANS_KEY, seg)
        if o._.newsfacts_org.via != "coref"
    ]
    return [
        s for s in in_segment(doc, metrics.SPANS_KEY, seg)
        if not any(o.start <= s.start and s.end <= o.end for o in named)
    ]


def figure_values(doc: Doc, seg: Span) -> list[Span]:
    """The segment's values that may be figures: not a conversion ("($4.2 million)" after
    "EUR 3.8 mn") and not a range as a whole."""
    return [
        s
        for s in in_segment(doc, values.SPANS_KEY, seg)
        if not s._.newsfacts_quantity.is_conversion
        and not getattr(s._.newsfacts_quantity, "is_range", False)
    ]
