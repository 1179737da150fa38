"""Whose is it: the organization a figure is about.

The parse-based reading lives with the organization annotator
(`components.organizations`); here its cascade is laid out as candidates, each with the
named features that found it (a clause subject, a possessor, the nearest mention before
the figure, the block's earlier subject, the article's main company), ranked by a sort
key that reproduces that cascade. `ranked_owners` shows the ranking, `owner_of` takes its
head. The subject readers (`clause_subject`, `governing_subject`) are here too: the result
decision asks them whose clause a value is in.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..components import organizations, span_index
from ..components.organizations import (
    _DISCOURSE_KEY,
    _LOOKBACK_TOKENS,
    _block_of,
    _by_structure,
    _Candidate,
    _salient,
    _unlabelled_subject,
)
from ..organizations import OrgMention

# How an owner was found, strongest first: the figure's own parse, the nearest mention
# before it in its sentence, a proper name the tagger left unlabelled, the subject of the
# block's preceding sentences, the article's main company.
SOURCES = ("structure", "before", "unlabelled", "block_subject", "salient")


@dataclass(frozen=True, slots=True)
class OwnerCandidate:
    """An organization a figure may be about, with the features that found it.

    `source` is one of `SOURCES`; `relation` says how a structural owner is tied to the
    figure in the parse ("clause_subject", "possessor", "of_object", "name_part",
    "hangs_from", "relative_clause", "place"); `distance` is the number of tokens between
    the mention and the figure (None when the owner is not a mention in the text near it).
    """

    org: OrgMention
    source: str
    relation: str | None = None
    distance: int | None = None

    @property
    def key(self) -> int:
        return SOURCES.index(self.source)


def owner_of(doc: Doc, span: Span) -> OrgMention | None:
    """The organization the figure at `span` is about: the best-ranked candidate, unless
    that is a public body or a place ("figures from the Office for National Statistics
    showed", "Brazil cut rates to 5.5%"), which makes the figure no company's."""
    return best_owner(ranked_owners(doc, span))


def best_owner(ranked: list[OwnerCandidate]) -> OrgMention | None:
    """The head of a ranking, unless it is a public body or a place."""
    if not ranked or ranked[0].org.kind == "public":
        return None
    return ranked[0].org


def ranked_owners(doc: Doc, span: Span) -> list[OwnerCandidate]:
    """Every owner candidate of the figure at `span`, best first.

    Only the figure's sentence within its block (a paragraph, or one row of a wire table)
    is read for mentions; each source gives at most one candidate.
    """
    start, end = span.start, span.end
    if not 0 <= start < end <= len(doc):
        return []
    mentions = span_index.spans(doc, organizations.SPANS_KEY)
    found: list[OwnerCandidate] = []
    unlabelled = _unlabelled_subject(doc, start, end)
    if not mentions:
        if unlabelled is not None:
            found.append(OwnerCandidate(unlabelled, "unlabelled"))
        return found
    info = doc.user_data.get(_DISCOURSE_KEY)
    blocks = info["blocks"] if info else [0]
    sent = doc[start].sent
    lo = max(sent.start, _block_of(blocks, start))
    nxt = bisect_right(blocks, start)
    hi = min(sent.end, blocks[nxt]) if nxt < len(blocks) else sent.end
    region = span_index.starting_in(doc, organizations.SPANS_KEY, lo, hi)
    by_token = {i: m for m in region for i in range(m.start, m.end) if not start <= i < end}
    structural = _by_structure(span.root, by_token, set(range(start, end)), (lo, hi))
    if structural is not None:
        mention = next((m for m in region if m._.newsfacts_org is structural), None)
        found.append(
            OwnerCandidate(
                structural,
                "structure",
                relation=_relation(span, mention) if mention is not None else "place",
                distance=_distance(span, mention) if mention is not None else None,
            )
        )
    before = [m for m in region if m.end <= start]
    if before:
        nearest = before[-1]
        found.append(
            OwnerCandidate(nearest._.newsfacts_org, "before", distance=_distance(span, nearest))
        )
    if unlabelled is not None:  # the article's own name for it, when it has one
        first = unlabelled.name.split()[0].casefold()
        known = [
            m._.newsfacts_org
            for m in mentions
            if m._.newsfacts_org.name.split()[0].casefold() == first
        ]
        found.append(OwnerCandidate(known[0] if known else unlabelled, "unlabelled"))
    if info:
        for sent_start, index in reversed(info["subjects"]):
            if sent_start >= lo:
                continue
            if sent_start < _block_of(blocks, start) or lo - sent_start > _LOOKBACK_TOKENS:
                break
            found.append(OwnerCandidate(mentions[index]._.newsfacts_org, "block_subject"))
            break
        if info["salient"] is not None:
            found.append(OwnerCandidate(mentions[info["salient"]]._.newsfacts_org, "salient"))
    else:
        main = _salient(doc, (_Candidate(m.start, m.end, m._.newsfacts_org) for m in mentions))
        if main is not None:
            found.append(OwnerCandidate(main, "salient"))
    return sorted(found, key=lambda c: c.key)


def _distance(span: Span, mention: Span) -> int:
    if mention.end <= span.start:
        return span.start - mention.end
    return max(mention.start - span.end, 0)


def _relation(span: Span, mention: Span) -> str:
    """How a mention is tied to the figure in the parse: the dependency of the branch it
    joins the figure's chain of heads by."""
    path = [span.root]
    while path[-1].head.i != path[-1].i:
        path.append(path[-1].head)
    on_path = {t.i for t in path}
    if any(mention.start <= t.i < mention.end for t in path):
        relative = any(
            t.dep_ == "relcl" and mention.start <= t.head.i < mention.end for t in path
        )
        return "relative_clause" if relative else "hangs_from"
    token = mention.root
    while token.head.i != token.i and token.head.i not in on_path:
        token = token.head
    if token.dep_ in ("nsubj", "nsubjpass", "agent", "csubj"):
        return "clause_subject"
    if token.dep_ == "poss":
        return "possessor"
    if token.dep_ == "prep":
        return "of_object"
    if token.dep_ in ("compound", "flat", "nmod", "appos"):
        return "name_part"
    return token.dep_ or "structure"


def clause_subject(span: Span) -> Token | None:
    """The subject of the clause a value is an argument of: of the nearest verb above it,
    or of the first of coordinated verbs ("the stock drifted 15% lower and traded at
    $3.15"); None for a value inside a noun phrase."""
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            break
        token = token.head
        if token.pos_ in ("NOUN", "PROPN") and not span.start <= token.i < span.end:
            return None  # inside a noun phrase ("the context of a $312 million loss")
    for _ in range(3):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0]
        if token.dep_ != "conj" or token.head.i == token.i:
            return None
        token = token.head
    return None


def antecedent(subject: Token, pronouns: set[str]) -> Token | None:
    """The noun a relative pronoun subject stands for ("a man who lost ...", "shares, which
    have fallen ..."), else None."""
    if subject.lower_ in pronouns and subject.head.dep_ == "relcl":
        return subject.head.head
    return None


def governing_subject(span: Span) -> Token | None:
    """The subject of the nearest verb above a value, through a noun phrase too ("the
    ministry is forecasting revenue of $185 million" -> ministry)."""
    token = organizations.governing_verb(span)
    if token is None:
        return None
    for _ in range(3):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0]
        if token.dep_ not in ("conj", "xcomp", "advcl") or token.head.i == token.i:
            return None
        token = token.head  # "tourists traveled ..., equating to a revenue of $29.5 bn"
    return None
