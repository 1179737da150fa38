"""`newsfacts_hygiene`: mark text that is not article prose, so no fact is mined there.

The text itself is never altered (spans must index into it): captions, credit lines,
link lists, "Related Articles" and reader comments become spans in
`doc.spans["newsfacts_excluded"]`, and `is_excluded` tells later components to skip them.
Patterns are language data in configs/hygiene.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..language_data import load
from . import span_index

NAME = "newsfacts_hygiene"
SPANS_KEY = "newsfacts_excluded"
_CAPTION_MAX_CHARS = 600
_PROSE_WORDS = 6

if not Doc.has_extension("newsfacts_excluded_chars"):
    Doc.set_extension("newsfacts_excluded_chars", default=())


class HygieneRules(BaseModel):
    """configs/hygiene.yaml: what each pattern list means is written there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tail_starts: list[str]
    comment_markers: list[str]
    comment_run_window: int = Field(ge=1)
    list_starts: list[str]
    list_items: list[str]
    lines: list[str]
    sentences: list[str]

    @field_validator(
        "tail_starts", "comment_markers", "list_starts", "list_items", "lines", "sentences"
    )
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns


@dataclass(frozen=True)
class _Rules:
    """The pattern lists compiled once, each joined into one case-insensitive regex."""

    tail: re.Pattern[str]
    comment: re.Pattern[str]
    comment_run_window: int
    list_start: re.Pattern[str]
    list_item: re.Pattern[str]
    line: re.Pattern[str]
    sentence: re.Pattern[str]


@cache
def _compiled() -> _Rules:
    rules = load("hygiene.yaml", HygieneRules)

    def join(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)

    return _Rules(
        tail=join(rules.tail_starts),
        comment=join(rules.comment_markers),
        comment_run_window=rules.comment_run_window,
        list_start=join(rules.list_starts),
        list_item=join(rules.list_items),
        line=join(rules.lines),
        sentence=join(rules.sentences),
    )


def _prose(line: str) -> bool:
    """A line of the article's prose: several words, ending as a sentence ends."""
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    return len(words) >= _PROSE_WORDS and line.rstrip().endswith((".", "!", "?", '"', "\u201d"))


def _tail_start(bodies: list[str], rules: _Rules) -> tuple[int, set[int]]:
    """Index of the first line of the below-the-article block (len(bodies) if none), and the
    header lines met before the article began.

    A header ("Comments (3)") starts it at once, once the article has begun: above the first
    line of prose, "0 Comments" is the page's counter, a junk line of its own. Comment markers
    ("Name · 2 hours ago") start it only as a run, since a single one may be the article's
    own byline or timestamp.
    """
    last_marker: int | None = None  # position among non-blank lines
    marker_line = 0
    seen = 0
    begun = False
    counters: set[int] = set()
    for index, body in enumerate(bodies):
        if not body.strip():
            continue
        if rules.tail.search(body):
            if begun:
                return index, counters
            counters.add(index)
            continue
        if rules.comment.search(body):
            if last_marker is not None and seen - last_marker <= rules.comment_run_window:
                return marker_line, counters
            last_marker, marker_line = seen, index
        seen += 1
        begun = begun or _prose(body)
    return len(bodies), counters


def excluded_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of non-article lines: tails, link lists and single junk lines."""
    rules = _compiled()
    lines = text.splitlines(keepends=True)
    bodies = [line.rstrip("\r\n") for line in lines]
    tail, counters = _tail_start(bodies, rules)
    ranges: list[tuple[int, int]] = []
    offset = 0
    in_list = False
    for index, (line, body) in enumerate(zip(lines, bodies, strict=True)):
        start, end = offset, offset + len(line)
        offset = end
        if index == tail:
            ranges.append((start, len(text)))
            break
        if not body.strip():
            continue
        if rules.list_start.search(body):
            in_list = True
        elif in_list and not rules.list_item.search(body):
            in_list = False
        if in_list or index in counters or rules.line.search(body):
            ranges.append((start, end))
    return ranges


def caption_sentence(text: str) -> bool:
    """Whether a sentence is a photo caption or credit. Captions are short, and a long run
    of text (an inlined image blob) would make the credit patterns backtrack for minutes."""
    return len(text) <= _CAPTION_MAX_CHARS and bool(_compiled().sentence.search(text))


@Language.factory(NAME, assigns=["doc.spans"])
def make_hygiene(nlp: Language, name: str) -> HygieneAnnotator:
    return HygieneAnnotator()


class HygieneAnnotator:
    def __call__(self, doc: Doc) -> Doc:
        ranges = excluded_ranges(span_index.text(doc))
        spans: list[Span] = []
        for start, end in ranges:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        doc._.newsfacts_excluded_chars = tuple(ranges)
        doc.spans[SPANS_KEY] = spans
        return doc


def is_excluded(doc: Doc, char: int) -> bool:
    return any(start <= char < end for start, end in doc._.newsfacts_excluded_chars)
