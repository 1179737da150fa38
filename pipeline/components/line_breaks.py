"""`newsfacts_line_breaks`: a scraped page's line breaks end its sentences.

spaCy's parser reads "IST\\n0 Comments\\nAcme reported ..." or a press release's
"Fiscal 2019 Outlook\\nThe Company expects ..." as one sentence, so site furniture and
headings run into the sentence after them and take its figures with them. A page's lines
are its paragraphs, headings, bullets and chrome: each begins a sentence, unless it
continues a lower-case phrase. A wire story hard-wrapped at 60-80 characters is the
exception: there a line break is mostly a wrap, so only blank lines and bullets count.
Two lines neither of which is prose (a headline over "Ended Feb 28", a wire table's rows)
are left to the parser too. This component runs before the parser, which keeps the
sentence starts it finds.
"""

from __future__ import annotations

import re
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc

NAME = "newsfacts_line_breaks"

_WRAP_WIDTH = range(50, 81)  # a hard-wrapped line's length
_WRAPPED_SHARE = 0.4  # of the lines: a text wrapped at a fixed width
_FINISHED = re.compile(r"[.!?][\"'\u201d)]?$")
_PROSE_WORDS = 4
_OPEN_ENDINGS = frozenset({"the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or",
                           "by", "with", "from", "its", "their", "his", "her"})
_OPENING_QUOTES = "\"'\u201c\u2018"
_BULLET = re.compile(r"^(?:[-*\u2022\u2013\u2014]\s|\d+[.)]\s)")


@Language.factory(NAME, assigns=["token.is_sent_start"])
def make_line_breaks(nlp: Language, name: str) -> LineBreaks:
    return LineBreaks()


def hard_wrapped(lines: list[str]) -> bool:
    """Enough of the lines (the text's last aside) are of one wrapping width."""
    body = [len(line.strip()) for line in lines[:-1] if line.strip()]
    return len(body) >= 3 and sum(n in _WRAP_WIDTH for n in body) >= _WRAPPED_SHARE * len(body)


def finished(line: str) -> bool:
    """A line of prose: several words ending as a sentence ends."""
    line = line.strip()
    return bool(_FINISHED.search(line)) and len(line.split()) >= _PROSE_WORDS


def begins_sentence(before: str, after: str, wrapped: bool) -> bool:
    """Whether the line `after` begins a sentence, given the line `before` it. Between two
    lines neither of which is prose nor a bullet (a headline over "Ended Feb 28", the rows of
    a wire table) the parser decides, as it reads the lines together."""
    head = after.lstrip()
    if not head:
        return False
    if not before.strip() or _BULLET.match(head):  # a blank line: a paragraph break
        return True
    if not (head[0].isupper() or head[0] in _OPENING_QUOTES):
        return False  # "lower at\n154.6 mln guilders": a figure continues the sentence
    if wrapped:  # a wrap, or a wire table's rows: the parser reads them together
        return False
    if finished(before) or _BULLET.match(before.lstrip()):
        return True  # a finished sentence, or a bullet's item, ends at its line
    # a finished line after a short unfinished one (a heading, a timestamp, chrome); not
    # the rest of a sentence wrapped after "its partner in the" or "chief executive John"
    ending = before.rstrip()
    tail = ending.split()[-1].casefold() if ending.split() else ""
    return (
        finished(after)
        and len(ending) < _WRAP_WIDTH.start
        and not ending.endswith(",")
        and tail not in _OPEN_ENDINGS
    )


class LineBreaks:
    """Marks the first token after each line break that begins a sentence."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        if "\n" not in text:
            return doc
        lines = text.split("\n")
        wrapped = hard_wrapped(lines)
        starts: set[int] = set()
        offset = 0
        for before, after in pairwise(lines):
            offset += len(before) + 1
            if begins_sentence(before, after, wrapped):
                starts.add(offset + len(after) - len(after.lstrip()))
        for token in doc[1:]:
            if token.idx in starts and not token.is_space:
                token.is_sent_start = True
                following = token.i + 1
                if following < len(doc) and not doc[following].is_space:
                    # the parser keeps the start it is given but may add one a word later:
                    # "- Revenue of ...", "Adler Haustechnik AG's profit ..." are one sentence
                    doc[following].is_sent_start = False
        return doc
