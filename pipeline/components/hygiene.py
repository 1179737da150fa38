"""`newsfacts_hygiene`: mark text that is not article prose, so no fact is mined there.

The text itself is never altered (spans must index into it): captions, credit lines,
link lists, "Related Articles" and reader comments become spans in
`doc.spans["newsfacts_excluded"]`, and `is_excluded` tells later components to skip them.
Patterns are language data in configs/hygiene.yaml.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, field_validator
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..language_data import load

NAME = "newsfacts_hygiene"
SPANS_KEY = "newsfacts_excluded"

if not Doc.has_extension("excluded_chars"):
    Doc.set_extension("excluded_chars", default=())


class HygieneRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tail_starts: list[str]
    list_starts: list[str]
    lines: list[str]
    sentences: list[str]

    @field_validator("tail_starts", "list_starts", "lines", "sentences")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns


@cache
def _compiled() -> tuple[re.Pattern[str], ...]:
    rules = load("hygiene.yaml", HygieneRules)

    def join(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)

    return join(rules.tail_starts), join(rules.list_starts), join(rules.lines), join(
        rules.sentences
    )


def excluded_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of non-article lines: tails, link lists and single junk lines."""
    tail, list_start, single, _ = _compiled()
    ranges: list[tuple[int, int]] = []
    offset = 0
    in_list = False
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line)
        offset = end
        body = line.rstrip("\r\n")
        if tail.search(body):
            ranges.append((start, len(text)))
            break
        if in_list and not body.strip():
            in_list = False
        if list_start.search(body):
            in_list = True
        if in_list or (body.strip() and single.search(body)):
            ranges.append((start, end))
    return ranges


def caption_sentence(text: str) -> bool:
    return bool(_compiled()[3].search(text))


@Language.factory(NAME, assigns=["doc.spans"])
def make_hygiene(nlp: Language, name: str) -> HygieneAnnotator:
    return HygieneAnnotator()


class HygieneAnnotator:
    def __call__(self, doc: Doc) -> Doc:
        ranges = excluded_ranges(doc.text)
        spans: list[Span] = []
        for start, end in ranges:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        doc._.excluded_chars = tuple(ranges)
        doc.spans[SPANS_KEY] = spans
        return doc


def is_excluded(doc: Doc, char: int) -> bool:
    return any(start <= char < end for start, end in doc._.excluded_chars)
