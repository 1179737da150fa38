"""`newsfacts_organizations`: organization mentions, resolved, and the subject of a figure.

Named mentions come from stock tickers, the alias list, the tagger's ORG entities and two
syntactic patterns (a proper name owning a figure noun, a described unit of a known company);
pronouns and descriptions ("its", "the Japanese tech giant", "the division") are added as
`via="coref"` spans that carry their antecedent's name. People (the tagger's PERSON names,
job titles), all-caps headline words that the article never repeats and site furniture are
not organizations. Which of them a figure is about is the owner decision's
(`decisions.owner`), which reads the mentions and the discourse this component records.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..organizations import (
    OrgMention,
    Via,
    canonical_name,
    fold,
    gazetteer,
    headline_case,
    is_news_outlet,
    is_not_organization,
    kind_of,
    lookup,
    match_key,
    ticker_pattern,
    unit_by_keyword,
    word_set,
)
from ..user_aliases import use_user_aliases
from . import span_index

NAME = "newsfacts_organizations"
SPANS_KEY = "newsfacts_orgs"

if not Span.has_extension("newsfacts_org"):
    Span.set_extension("newsfacts_org", default=None)

_CONNECTORS = {"&", "and", "of", "/", "-", "'n'", "de", "du", "van", "von"}
_NAME_DEPS = {"compound", "flat", "nmod", "appos"}
_MAX_NAME_TOKENS = 8
# Legal forms that also end ordinary phrases ("the Company", "a holding company", "the
# Group"): a name before them needs the tagger's word.
_LOOSE_SUFFIXES = frozenset({"company", "companies", "group", "holding", "holdings", "co",
                             "cos", "corporation", "limited"})
_LEAD_SENTENCES = 3
_LEAD_TOKENS = 80
_TICKER_WEIGHT = 3
_TITLED_PERSON_WEIGHT = 3
_WRAP_WORDS = 3
# A stock symbol after an exchange prefix: "(OTCQB:MRMD)" -> "MRMD".
_BARE_SYMBOL = re.compile(r"[A-Z]{2,5}")
_SYMBOL = re.compile(r":\s*([A-Z][A-Z0-9.\-]*)")
# Words that join a headline's phrase to a name the tagger runs together with it.
_TAIL_WORDS = {"for", "in", "to", "with", "on", "at", "as"}
_GLUED_AMOUNT = re.compile(r"[A-Z]{2,3}\d")
# A period label run into a name by a headline: "Infosys Q4", "Acme FY16", "Acme 1H".
_PERIOD_LABEL = re.compile(r"(?:FY|[QH][1-4]|[1-4][QH])(?:\d{2}|\d{4})?|FY", re.I)
_DASHES = {"-", "–", "—", "--"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_LOOKBACK_TOKENS = 120
# A round-up names this many companies; its main company must hold this share of the mentions.
_ROUNDUP_COMPANIES = 5
_DOMINANT_SHARE = 0.3
_DISCOURSE_KEY = "newsfacts_org_discourse"
# A paragraph break, an indented (wire table) line, or a section break of several spaces
# (not a dash set off by spaces: "tumbled by 50%  -  and the dividend").
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n[ \t]+(?=\S)|(?<=[^\s\-–—]) {2,}(?=[^\s\-–—])")
# A company named in full inside angle brackets by the wire: "<Koninklijke Hoogovens NV>".
_BRACKETED_NAME = re.compile(r"<([A-Z][^<>]*?\s[^<>]*?)>")


@Language.factory(NAME, assigns=["doc.spans", "span._.newsfacts_org"], requires=["doc.ents"],
                  default_config={"aliases": None})
def make_organizations(nlp: Language, name: str, aliases: str | None) -> OrganizationAnnotator:
    """`aliases`: a user alias file (see `pipeline.user_aliases`) merged over configs/."""
    use_user_aliases(aliases)
    return OrganizationAnnotator(nlp)


class OrganizationAnnotator:
    """Mark every organization mention in `doc.spans[SPANS_KEY]` with `span._.newsfacts_org`."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for surface, name in gazetteer().items():
            self.matcher.add(name, [nlp.make_doc(surface)])

    def __call__(self, doc: Doc) -> Doc:
        tickers = _ticker_tokens(doc)
        ticker_named = _ticker_mentions(doc)
        named = _resolve_overlaps(
            [
                *ticker_named,
                *_symbol_mentions(doc, ticker_named, tickers),
                *_bracketed_mentions(doc),
                *self._gazetteer_mentions(doc),
                *_entity_mentions(doc, tickers),
                *_registered_names(doc),
            ]
        )
        named = _resolve_overlaps([*_bracketed_symbols(doc, named), *named])
        named = _without_people(doc, named)
        named = _without_tails(doc, named)
        named = _resolve_overlaps([*named, *_possessor_mentions(doc, named, tickers)])
        named = _resolve_overlaps([*named, *_people_named_companies(doc, named)])
        named = _resolve_overlaps([*named, *_its_subjects(doc, named)])
        named = _confirmed_in_body(doc, named)
        named = _resolve_overlaps([*named, *_described_companies(doc, named, tickers)])
        named = _body_spelling(_short_forms(named))
        named = _resolve_overlaps([*named, *_repeated_names(doc, named)])
        named = _resolve_overlaps([*named, *_described_units(doc, named)])
        named = _with_named_units(doc, _without_brands(doc, named))
        named = _without_colon_datelines(doc, named)
        named = [c for c in named if not _held_by_described(doc, c)]
        coref, discourse = _coreferent_mentions(doc, named)
        found = sorted([*named, *coref], key=lambda c: c.start)
        spans = []
        for candidate in found:
            span = Span(doc, candidate.start, candidate.end, label="ORG")
            span._.newsfacts_org = candidate.org
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        index = {(c.start, c.end): i for i, c in enumerate(found)}
        salient = next(
            (i for i, c in enumerate(found) if c.org == discourse.salient and c.org.via != "coref"),
            None,
        )
        if not _dominant(named, discourse.salient):
            salient = None
        doc.user_data[_DISCOURSE_KEY] = {
            "blocks": discourse.blocks,
            "subjects": [(start, index[(c.start, c.end)]) for start, _, c in discourse.subjects],
            "salient": salient,
        }
        return doc

    def _gazetteer_mentions(self, doc: Doc) -> list[_Candidate]:
        found = []
        for match_id, start, end in self.matcher(doc):
            if doc[start:end].text.islower():
                continue
            name = doc.vocab.strings[match_id]
            kind, parent = kind_of(name)
            found.append(_Candidate(start, end, OrgMention(name, kind, parent, "gazetteer")))
        return found + _wrapped_listed_names(doc)


def _wrapped_listed_names(doc: Doc) -> list[_Candidate]:
    """A listed name that a line break splits ("Shell\nTransport per share")."""
    found = []
    n = len(doc)
    breaks = [
        i for i in numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist() if i and "\n" in doc[i].text
    ]
    read: dict[int, tuple[str, bool, bool]] = {}  # only the tokens around line breaks, once
    for i in breaks:
        for k in range(max(0, i - _WRAP_WORDS), min(n, i + _WRAP_WORDS + 1)):
            if k not in read:
                t = doc[k]
                read[k] = (t.text, t.is_space, t.is_punct)
    for i in breaks:
        for before in range(1, _WRAP_WORDS + 1):
            for after in range(_WRAP_WORDS, 0, -1):
                start, end = i - before, i + 1 + after
                if start < 0 or end > n:
                    continue
                words = [read[k] for k in range(start, i)] + [read[k] for k in range(i + 1, end)]
                if any(w[1] for w in words) or words[0][2] or words[-1][2]:
                    continue
                listed = lookup(" ".join(w[0] for w in words))
                if listed is not None:
                    mention = OrgMention(listed[0], listed[1], listed[2], "gazetteer")
                    found.append(_Candidate(start, end, mention))
    return found


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A mention before it becomes a span (span extensions are keyed by offsets, so the
    competing readings of one stretch of text must not be spans yet)."""

    start: int
    end: int
    org: OrgMention

    def __len__(self) -> int:
        return self.end - self.start


def _ticker_tokens(doc: Doc) -> set[int]:
    tokens: set[int] = set()
    for match in ticker_pattern().finditer(span_index.text(doc)):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None:
            tokens.update(range(span.start, span.end))
    return tokens


def _named(span: Span, via: Via) -> _Candidate | None:
    """`span` as a named mention, or None when it names no organization we keep."""
    span = _trimmed(span)
    if len(span) == 0 or "\n" in span.text:
        return None
    if fold(span[-1].text) in ("updated", "published"):
        return None  # a timestamp's "7:02 AM UTC Updated on ...": page furniture
    if any(
        (t.like_num and not (via == "ticker" and t.text.isdigit() and t.i < span.end - 1))
        or t.is_currency
        or _GLUED_AMOUNT.match(t.text)
        for t in span
    ):
        return None  # but a fund before its ticker may hold a number: "Acme S&P 100 ETF"
    if not any(t.text[:1].isupper() for t in span) or span.root.lower_ in word_set("metric_nouns"):
        return None
    if (
        _is_role(span)
        or _in_navigation(span)
        or _is_dateline(span)
        or _place_of_base(span)
        or _is_byline(span)
        or _industry_label(span)
    ):
        return None
    name = canonical_name(span.text)
    if len(name) < 2 or is_news_outlet(span.text) or is_news_outlet(name):
        return None
    registered = len(span) > 1 and fold(span[-1].text) in word_set("legal_suffixes")
    if (is_not_organization(name) and not registered) or fold(name) in _bare_words():
        return None  # "Rev" is a wire label, "Rev Group" a company
    if fold(name) in word_set("generic_words"):
        return None
    kind, parent = kind_of(name)
    return _Candidate(span.start, span.end, OrgMention(name, kind, parent, via))


def _industry_label(span: Span) -> bool:
    """ "which belongs to the Zacks Manufacturing - General Industrial industry": the name
    of an industry, run on to its head word."""
    doc = span.doc
    for token in doc[span.end : min(span.end + 6, len(doc))]:
        if token.lower_ in ("industry", "industries", "sector"):
            return True
        if not (token.text[:1].isupper() or token.text in ("-", "&", "and", ",")):
            return False
    return False


def _is_byline(span: Span) -> bool:
    """ "By Marcus Reyes" opening a line or, on a flattened page, after a wide gap: the
    writer, not a company (a mid-sentence "acquired by Acme Corp" is lower case)."""
    doc = span.doc
    i = span.start - 1
    if i < 0 or doc[i].text != "By":
        return False
    return i == 0 or doc[i - 1].is_space  # a space token: a line break or a wide gap


def _place_of_base(span: Span) -> bool:
    """ "the Stuttgart-based company": a place where a company is based."""
    doc = span.doc
    return (
        span.end + 1 < len(doc)
        and doc[span.end].text == "-"
        and doc[span.end + 1].lower_ in ("based", "headquartered")
    )


def _is_dateline(span: Span) -> bool:
    """A press release's or wire story's dateline: capitals opening a line, then a comma and
    a date ("SAN MATEO, Calif., Nov. 6, 2019 /PRNewswire/ --", "WICHITA, Kan., Oct. 24"), or
    capitals before a wire's name in brackets, wherever a flattened page puts them ("SEOUL
    (Reuters) -")."""
    doc = span.doc
    letters = [ch for ch in span.text if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return False
    bracket = doc[span.end : min(span.end + 5, len(doc))]
    if len(bracket) >= 4 and bracket[0].text == "(":
        close = next((t.i for t in bracket if t.text == ")"), None)
        if (
            close is not None
            and is_news_outlet(doc[span.end + 1 : close].text)
            and close + 1 < len(doc)
            and doc[close + 1].text in _DASHES
        ):
            return True
    if span.start > 0 and not (doc[span.start - 1].is_space and "\n" in doc[span.start - 1].text):
        return False
    if span.end >= len(doc) or doc[span.end].text != ",":
        return False
    after = doc[span.end : min(span.end + 8, len(doc))]
    return any(t.ent_type_ == "DATE" for t in after)


@cache
def _bare_words() -> frozenset[str]:
    """Words that are no name on their own: "Group Net 1.07 billion", "the Company"."""
    return word_set("company_heads") | word_set("legal_suffixes") | word_set("unit_words")


def _trimmed(span: Span) -> Span:
    """Without outer punctuation, "the", a possessive pronoun ("Its Data Center Group"), wire
    labels ("Shr", "Final"), a period label ("Infosys Q4"), a leading news outlet ("Bloomberg,
    Vexo Corp"), a dateline ("MUNICH - Siemens AG") and, when site furniture runs into the name
    ("Tech  MariMed Inc."), all but its longest part."""
    doc = span.doc
    parts: list[list[Token]] = [[]]
    for token in span:
        if token.is_space:
            parts.append([])
        else:
            parts[-1].append(token)
    longest = max(reversed(parts), key=len)
    if not longest:
        return doc[span.start : span.start]
    start, end = longest[0].i, longest[-1].i + 1
    comma = next((t.i for t in doc[start:end] if t.text == ","), None)
    if comma is not None and is_news_outlet(doc[start:comma].text):
        start = comma + 1
    dash = next((t.i for t in doc[start:end] if t.text in _DASHES and t.i > start), None)
    if dash is not None and doc[dash - 1].whitespace_ and (
        doc[start:dash].text.isupper()
        or any(t.ent_type_ == "DATE" for t in doc[start:dash])  # "May 21 - Acme Co Ltd"
    ):
        start = dash + 1
    reserved = next(  # "Bloomberg L.P. All Rights Reserved": a copyright line's tail
        (t.i for t in doc[start:end] if t.lower_ == "rights" and t.i > start
         and doc[t.i - 1].lower_ == "all"), None)
    if reserved is not None:
        end = reserved - 1
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].tag_ == "POS"
        or doc[end - 1].lower_ in _CONNECTORS
        or (end - start > 1 and _PERIOD_LABEL.fullmatch(doc[end - 1].text) is not None)
    ):
        end -= 1
    while end > start and (
        doc[start].is_punct
        or doc[start].lower_ == "the"
        or (doc[start].lower_ in word_set("company_pronouns") and doc[start].pos_ != "PROPN")
        or (is_not_organization(doc[start].text) and not _only_legal_form_after(doc, start, end))
        or _descriptor_first(doc[start], end)
    ):
        start += 1
    return doc[start:end]


def _only_legal_form_after(doc: Doc, start: int, end: int) -> bool:
    """Dropping the word at `start` would leave only legal forms: "Rev Group" is a name,
    not the wire label "Rev" before "Group"."""
    rest = [t for t in doc[start + 1 : end] if not t.is_punct]
    return bool(rest) and all(fold(t.text) in word_set("legal_suffixes") for t in rest)


def _descriptor_first(token: Token, end: int) -> bool:
    """A company noun run into a name: "Retailer Fenwick Stores" (not "Bank of Aland")."""
    nxt = token.i + 1
    return (
        nxt < end
        and token.lower_ in word_set("company_heads")
        and (token.is_sent_start or token.is_lower)
        and token.doc[nxt].pos_ == "PROPN"
        and token.doc[nxt].lower_ not in _CONNECTORS
    )


def _is_role(span: Span) -> bool:
    """A person's title or name: "Chief Investment Commentator", "Mr Donnelly"."""
    honorifics = word_set("honorifics")
    if len(span) > 1 and fold(span[-1].text) in word_set("legal_suffixes"):
        return False  # "Rev Group", "Dr Bolton Holdings": a registered name
    if any(t.lower_ in honorifics for t in span):
        return True
    if span[-1].lower_ in word_set("person_titles"):
        return True
    before = span.doc[span.start - 1] if span.start > 0 else None
    return before is not None and before.lower_ in honorifics


def _in_navigation(span: Span) -> bool:
    """Site navigation ("Long Ideas | Tech"): a name set off by a vertical bar."""
    doc = span.doc
    return (span.start > 0 and doc[span.start - 1].text == "|") or (
        span.end < len(doc) and doc[span.end].text == "|"
    )


def _bracketed_mentions(doc: Doc) -> list[_Candidate]:
    """A wire's unlisted company, named in full in angle brackets (the name may wrap lines)."""
    found = []
    for match in _BRACKETED_NAME.finditer(span_index.text(doc)):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is None or len(span) > _MAX_NAME_TOKENS + 2:
            continue
        name = canonical_name(" ".join(match.group(1).split()))
        if len(name) < 2 or is_not_organization(name) or is_news_outlet(name):
            continue
        kind, parent = kind_of(name)
        found.append(_Candidate(span.start, span.end, OrgMention(name, kind, parent, "ticker")))
    return found


def _confirmed_in_body(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """All-caps headline words the tagger takes for a name ("SONY FORESEES CONTINUED SLUMP",
    "HOOGOVENS EXPECTS CLEAR LOSS") count only as far as the body capitalizes them too:
    "HOOGOVENS EXPECTS" -> "Hoogovens", "SLUMP" -> nothing. Listed names and tickers stay."""
    headline_end = _headline_end(doc)
    if not headline_end:
        return named
    body = span_index.text(doc)[doc[headline_end - 1].idx + len(doc[headline_end - 1]) :]
    has_body_names = any(c.start >= headline_end for c in named)
    skip = _CONNECTORS | word_set("legal_suffixes")
    kept = []
    for cand in named:
        if cand.start >= headline_end or cand.org.via in {"ticker", "gazetteer"}:
            kept.append(cand)
            continue
        if lookup(cand.org.name) is not None:
            kept.append(cand)
            continue
        end = cand.end
        while end > cand.start and (
            doc[end - 1].lower_ in skip
            or not doc[end - 1].is_alpha
            or not _capitalized_in(body, doc[end - 1].text)
        ):
            end -= 1
        if end == cand.start:
            if not has_body_names:
                kept.append(cand)
            continue
        trimmed = _named(doc[cand.start : end], cand.org.via)
        if trimmed is None:
            continue
        spelled = _capitalized_in(body, doc[cand.start].text) if end - cand.start == 1 else ""
        name = canonical_name(spelled) if spelled else headline_case(trimmed.org.name)
        kind, parent = kind_of(name)
        kept.append(replace(trimmed, org=OrgMention(name, kind, parent, trimmed.org.via)))
    return kept


def _capitalized_in(body: str, word: str) -> str:
    """How the body spells `word` when it capitalizes it ("KAWADA" -> "Kawada"), else ""."""
    for match in re.finditer(rf"\b{re.escape(word)}\b", body, re.IGNORECASE):
        if match.group()[:1].isupper():
            return match.group()
    return ""


def _person_votes(doc: Doc) -> tuple[Counter[str], Counter[str]]:
    """How often each name (and each surname) is tagged PERSON, and how often ORG. A person
    introduced by a title ("Rep. Jane Doe-Smith") counts several times: the tagger's later ORG
    reading of the bare surname is a slip."""
    people: Counter[str] = Counter()
    orgs: Counter[str] = Counter()
    honorifics = word_set("honorifics")
    for ent in doc.ents:
        words = [t for t in ent if not t.is_space and t.tag_ != "POS"]
        if not words:
            continue
        full = "".join(t.text + t.whitespace_ for t in words).split()
        if ent.label_ == "PERSON":
            titled = ent.start > 0 and fold(doc[ent.start - 1].text) in honorifics
            weight = _TITLED_PERSON_WEIGHT if titled else 1
            people[fold(" ".join(full))] += weight
            if len(full) > 1:
                people[fold(full[-1])] += weight
        elif ent.label_ == "ORG":
            orgs[fold(" ".join(full))] += 1
    return people, orgs


def _without_people(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """Drop names the tagger reads as a person at least as often as an organization
    ("managing director Tsunao Hashimoto told ..." ... "Hashimoto said"): speakers, not subjects."""
    people, orgs = _person_votes(doc)
    kept = []
    for cand in named:
        if cand.org.via == "ner":
            key = fold(doc[cand.start : cand.end].text)
            if people[key] and people[key] >= orgs[key]:
                continue
        kept.append(cand)
    return kept


def _people_named_companies(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A company named after a person: a PERSON name that begins a longer company name of the
    article ("Thomas Cook" beside "Thomas Cook Airlines" or "Thomas Cook UK Plc")."""
    longer = [doc[c.start : c.end] for c in named if c.org.via != "coref" and len(c) > 1]
    found = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or len(ent) < 2 or "\n" in ent.text:
            continue
        words = [t.lower_ for t in ent]
        if not any(
            len(span) > len(words) and [t.lower_ for t in span[: len(words)]] == words
            for span in longer
        ):
            continue
        candidate = _named(ent, "pattern")
        if candidate is not None:
            found.append(candidate)
    return found


def _its_subjects(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A proper name the tagger missed or called a person is a company when its own clause
    says "its" of it: "Adler Haustechnik lifted its outlook", "Lindqvist Robotics said at its
    capital markets day". People say "his" or "her"."""
    its = [t.i for t in doc if t.lower_ == "its"]
    if not its:
        return []
    repeated = Counter(t.text for t in doc if not t.is_sent_start)
    titles = word_set("honorifics") | word_set("person_titles")
    titled = {t.text for t in doc[1:] if doc[t.i - 1].lower_ in titles}
    taken = {i for c in named for i in range(c.start, c.end)}
    bounds = {t.i: (sent.start, sent.end) for sent in doc.sents for t in sent}
    found = []
    for token in doc:
        if token.pos_ != "PROPN" or token.dep_ not in ("nsubj", "nsubjpass") or token.i in taken:
            continue
        floor, end = bounds[token.i]
        if not any(token.i < i < end for i in its):
            continue
        verb = token.head
        subject = {t.i for t in token.subtree}
        if not any(
            t.lower_ == "its"
            and t.dep_ == "poss"
            and t.i > token.i
            and t.i not in subject
            and _own_clause(t, verb)
            for t in verb.subtree
        ):
            continue
        if any(t.lower_ in ("his", "her") for t in verb.subtree):
            continue
        org = _proper_name(token)
        if org is None or org.kind != "company":
            continue
        first = min([token.i, *(c.i for c in token.lefts if c.dep_ in ("compound", "flat"))])
        while first < token.i and not doc[first].text[:1].isupper():
            first += 1  # "£15m. Managment": a figure's tail is no part of the name
        if not doc[first].text[:1].isupper():
            continue
        while (
            first > floor
            and doc[first - 1].text[:1].isupper()
            and first <= doc[first - 1].head.i <= token.i
        ):
            first -= 1  # "Thai Airways International": a nationality word may begin it
        if first == token.i and not _named_again(token, repeated):
            continue  # one capitalised word once, opening its sentence: a heading's word
        around = doc[max(first - 2, 0) : token.i + 1]  # "President Trump", "chief executive X"
        candidate = _named(doc[first : token.i + 1], "pattern")  # roles, places, outlets
        if (
            candidate is not None
            and not any(t.lower_ in titles for t in around)
            and token.text not in titled  # "... President Trump ... and Trump praised its"
        ):
            found.append(candidate)
    return found


def _named_again(token: Token, inside: Counter[str]) -> bool:
    """The word recurs, capitalised, inside a sentence elsewhere in the document
    (`inside` counts the words not opening a sentence)."""
    return inside[token.text] > (0 if token.is_sent_start else 1)


def _own_clause(token: Token, verb: Token) -> bool:
    """`token` hangs from `verb` without crossing into a clause of its own ("said its
    results were poor": the results are someone else's)."""
    node = token
    for _ in range(40):
        if node.i == verb.i:
            return True
        if node.dep_ in ("ccomp", "advcl", "relcl", "conj"):  # "wants to ... its" is its own
            return False
        node = node.head
    return False


def _modifies_metric(token: Token) -> bool:
    """The word opens a metric's noun phrase: "Total revenue", "Net sales"."""
    nxt = token.i + 1
    return nxt < len(token.doc) and token.doc[nxt].lower_ in word_set("metric_nouns")


def _short_forms(named: list[_Candidate]) -> list[_Candidate]:
    """A short form after the full name is the same company: "Manchester United ... United".
    Only a tagger's name that begins or ends exactly one longer company name named before it."""
    first: dict[str, int] = {}
    for cand in named:
        if cand.org.kind == "company":
            first.setdefault(cand.org.name, cand.start)
    result = []
    for cand in named:
        if cand.org.via not in {"ner", "pattern"} or cand.org.kind != "company":
            result.append(cand)
            continue
        words = cand.org.name.casefold().split()
        own_first = first.get(cand.org.name, cand.start)
        fuller = {
            name
            for name, start in first.items()
            if start < own_first and _begins_or_ends(name.casefold().split(), words)
        }
        if len(fuller) == 1:
            name = fuller.pop()
            kind, parent = kind_of(name)
            cand = replace(cand, org=replace(cand.org, name=name, kind=kind, parent=parent))
        result.append(cand)
    return result


def _repeated_names(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A company's name wherever the article repeats it, whatever the tagger made of that
    repeat: the headline's "ACME CORP <ACM>" makes the body's untagged "Acme Corp said" a
    mention too. Capitalised repeats only, so a name that is also a word stays a word."""
    names: dict[str, list[tuple[list[str], OrgMention]]] = {}
    for cand in named:
        if cand.org.kind == "company" and cand.org.via != "coref":
            words = cand.org.name.casefold().split()
            entry = (words, cand.org)
            if entry not in names.setdefault(words[0], []):
                names[words[0]].append(entry)
    if not names:
        return []
    taken = {i for cand in named for i in range(cand.start, cand.end)}
    plain = {t.lower_ for t in doc if t.text.islower()}
    found = []
    for token in doc:
        if token.i in taken or not token.text[:1].isupper():
            continue
        for words, org in names.get(token.text.casefold(), ()):
            if len(words) == 1 and (words[0] in plain or _modifies_metric(token)):
                continue  # "Total revenue rose" after "Total SA": a word, not the name
            end = token.i + len(words)
            if end <= len(doc) and all(
                doc[token.i + k].text.casefold() == w and token.i + k not in taken
                for k, w in enumerate(words)
            ):
                found.append(_Candidate(token.i, end, replace(org, via="pattern")))
                break
    return found


def _held_by_described(doc: Doc, cand: _Candidate) -> bool:
    """A company named as what another owns: "Acme Bancorp, the holding company for Acme
    Savings Bank, reported", "The owner of the Saltbush and Hearthwell chains reported".
    The figures are the owner's; the subsidiary is only its description."""
    node = doc[cand.end - 1]
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            return False
        if head.dep_ == "prep" or head.lower_ in ("of", "for"):
            owner = head.head
            modifiers = {c.lower_ for c in owner.children if c.dep_ in ("compound", "amod")}
            return head.lower_ in ("of", "for") and (
                owner.lower_ in ("owner", "parent")
                or (owner.lower_ == "company" and bool(modifiers & {"holding", "parent"}))
            )
        node = head
    return False


def _without_colon_datelines(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A place before a colon that opens a sentence, with a name just after it or tagged a
    place, is the story's dateline ("Bengaluru: Acme Ltd on Friday reported"), whatever the
    tagger called it; a headline's "Acme: profit rises" names no other company and stays."""
    starts = {c.start for c in named}
    kept = []
    for cand in named:
        colon = cand.end
        opens = (
            cand.start == 0 or bool(doc[cand.start].is_sent_start) or doc[cand.start - 1].is_space
        )
        if (
            opens
            and colon + 1 < len(doc)
            and doc[colon].text == ":"
            and (
                doc[cand.start].ent_type_ in ("GPE", "LOC", "NORP")
                or (  # "Chennai: Auto parts maker Acme Ltd", not "Tesla: Panasonic Corp cuts"
                    any(colon < start <= colon + 6 for start in starts)
                    and doc[cand.start].ent_type_ != "ORG"
                    and cand.org.via not in ("ticker", "gazetteer")
                )
            )
        ):
            continue
        kept.append(cand)
    return kept


def _body_spelling(named: list[_Candidate]) -> list[_Candidate]:
    """An all-caps name ("INTEL" as a section head) takes the spelling the article uses elsewhere
    ("Intel"), so one organization has one name."""
    spelled: dict[str, OrgMention] = {}
    for cand in named:
        letters = [ch for ch in cand.org.name if ch.isalpha()]
        if cand.org.via != "coref" and not all(ch.isupper() for ch in letters):
            spelled.setdefault(match_key(cand.org.name), cand.org)
    result = []
    for cand in named:
        letters = [ch for ch in cand.org.name if ch.isalpha()]
        other = spelled.get(match_key(cand.org.name))
        if len(letters) > 3 and all(ch.isupper() for ch in letters) and other is not None:
            cand = replace(cand, org=replace(other, via=cand.org.via))
        result.append(cand)
    return result


def _begins_or_ends(longer: list[str], words: list[str]) -> bool:
    n = len(words)
    return len(longer) > n and (longer[:n] == words or longer[-n:] == words)


@cache
def _speech() -> frozenset[str]:
    return word_set("speech_verbs")


def _resolve_overlaps(spans: Iterable[_Candidate]) -> list[_Candidate]:
    """Keep tickers first, then longer names; a token belongs to one named mention."""
    order = {"ticker": 0, "gazetteer": 1, "ner": 2, "pattern": 3}
    ranked = sorted(spans, key=lambda s: (order[s.org.via] > 0, -len(s), order[s.org.via]))
    taken: set[int] = set()
    kept = []
    for span in ranked:
        if taken.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


def _is_name_token(token: Token) -> bool:
    text = token.text
    return (
        bool(text[:1].isupper() or text[:1].isdigit())
        and not token.is_space
        and not is_not_organization(text)
    )


def _is_camel(text: str) -> bool:
    """A brand spelled with a lower-case first letter: "iShares", "eBay"."""
    return len(text) > 2 and text[0].islower() and text[1].isupper()


def _ticker_mentions(doc: Doc) -> list[_Candidate]:
    """The capitalized name just before a ticker: "Dutch insurer AEGON NV <AEGN.AS>"."""
    found = []
    for match in ticker_pattern().finditer(span_index.text(doc)):
        ticker = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if ticker is None:
            continue
        end = ticker.start
        while end > 0 and (doc[end - 1].is_space or doc[end - 1].text in {"(", "'s", "’s"}):
            if "\n" in doc[end - 1].text:
                break
            end -= 1
        start = end
        while start > 0 and sum(not t.is_punct for t in doc[start:end]) < _MAX_NAME_TOKENS:
            # words, not tokens: "Acme Tax-Managed Global Buy-Write (NYSE:ETW)" is 6 words
            token = doc[start - 1]
            if "\n" in token.text or token.is_space:
                break
            if not (
                _is_name_token(token)
                or token.lower_ in _CONNECTORS
                or token.text == "."
                or (  # "Harlan Outdoor, Inc. (NYSE: HRLN)"
                    token.text == ","
                    and fold(doc[token.i + 1].text) in word_set("legal_suffixes")
                )
                or token.text[:1].isdigit()  # "iShares S&P 100 ETF (NYSEARCA:OEF)"
                or _is_camel(token.text)  # "iShares", "eHealth"
                or token.text[:1].isupper()  # "... S&P 100 ETF", "... Hedged FTSE Europe ETF"
            ):
                break
            start -= 1
        while start < end and (
            doc[start].lower_ in _CONNECTORS or doc[start].is_punct or doc[start].like_num
        ):
            start += 1
        if start < end:
            span = _named(doc[start:end], "ticker")
            if span is not None:
                found.append(span)
    return found


def _symbol_mentions(
    doc: Doc, ticker_named: list[_Candidate], tickers: set[int]
) -> list[_Candidate]:
    """A stock symbol used on its own is the company it was given for: "Marimed Inc
    (OTCQB:MRMD)" ... "MRMD reported" -> Marimed."""
    names: dict[str, OrgMention] = {}
    for match in ticker_pattern().finditer(span_index.text(doc)):
        ticker = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if ticker is None:
            continue
        owner = next((c for c in ticker_named if 0 <= ticker.start - c.end <= 2), None)
        if owner is None:
            continue
        for symbol in _SYMBOL.findall(match.group()):
            names.setdefault(symbol, owner.org)
    if not names:  # most articles: no pass over the tokens
        return []
    return [
        _Candidate(t.i, t.i + 1, names[t.text])
        for t in doc
        if t.text in names and t.i not in tickers
    ]


def _bracketed_symbols(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A symbol in brackets right after a company's name is that company wherever it is
    used: "Kestrel Holdings plc (KHP) to pay dividend" ... "KHP traded down" -> Kestrel
    Holdings (stock sites give the symbol without its exchange)."""
    names: dict[str, OrgMention] = {}
    for cand in named:
        end = cand.end
        if cand.org.kind != "company" or end + 2 >= len(doc):
            continue
        if doc[end].text == "(" and doc[end + 2].text == ")":
            symbol = doc[end + 1].text
            if _BARE_SYMBOL.fullmatch(symbol) and fold(symbol) != fold(cand.org.name):
                names.setdefault(symbol, cand.org)
    if not names:
        return []
    return [_Candidate(t.i, t.i + 1, names[t.text]) for t in doc if t.text in names]


def _without_tails(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A name the tagger runs on into a headline's phrase ("Record Year Positions Acme for Bold
    Growth") is cut back to the name the article uses on its own, when the longer one is never
    repeated."""
    counts = Counter(match_key(c.org.name) for c in named)
    kept = []
    for cand in named:
        span = doc[cand.start : cand.end]
        cut = next((t.i for t in span[1:] if t.lower_ in _TAIL_WORDS), None)
        if cand.org.via == "ner" and cut is not None and counts[match_key(cand.org.name)] == 1:
            heads = (_named(doc[start:cut], "ner") for start in range(cand.start, cut))
            cand = next((h for h in heads if h is not None and counts[match_key(h.org.name)]), cand)
        kept.append(cand)
    return kept


def _entity_mentions(doc: Doc, tickers: set[int]) -> list[_Candidate]:
    found = []
    for ent in doc.ents:
        if not tickers.isdisjoint(range(ent.start, ent.end)):
            continue
        # a "person" or "place" with a legal form is a company: "Vaskiluoto Oyj proposes"
        registered = (
            ent.label_ in ("PERSON", "GPE", "NORP", "WORK_OF_ART", "PRODUCT")
            and len(ent) > 1
            and fold(ent[-1].text) in word_set("legal_suffixes")
            and ent[-1].text[:1].isupper()
        )
        if ent.label_ != "ORG" and not registered:
            continue
        start, end = ent.start, ent.end
        while end < len(doc) and not doc[end - 1].whitespace_ and doc[end].is_alpha:
            end += 1
        span = _named(doc[start:end], "ner" if ent.label_ == "ORG" else "pattern")
        if span is not None:
            found.append(span)
    return found


def _sentence_start(token: Token) -> int:
    """The index its sentence starts at, found by walking back (`token.sent` scans)."""
    i = token.i
    while i > 0 and not token.doc[i].is_sent_start:
        i -= 1
    return i


def _registered_names(doc: Doc) -> list[_Candidate]:
    """Capitalised words before a legal form are a company whatever the tagger made of
    them: "Ashdown Breweries Plc said", "Vaskiluoto Oyj proposes"."""
    suffixes = word_set("legal_suffixes") - _LOOSE_SUFFIXES
    found = []
    for token in doc:
        if fold(token.text) not in suffixes or not token.text[:1].isupper() or token.i == 0:
            continue
        start, floor = token.i, _sentence_start(token)
        while (
            start > floor
            and token.i - start < _MAX_NAME_TOKENS
            and not doc[start - 1].is_space
            and "\n" not in doc[start - 1].whitespace_
            and (_is_name_token(doc[start - 1]) or doc[start - 1].lower_ in ("&", "and", "of"))
        ):
            start -= 1
        while start < token.i and doc[start].lower_ in ("&", "and", "of"):
            start += 1
        if start == token.i:
            continue
        candidate = _named(doc[start : token.i + 1], "pattern")
        if candidate is not None:
            found.append(candidate)
    return found


def _name_chunk(token: Token) -> Span:
    """The proper-name chunk ending at `token`, or headed by it: "Bank of Aland", "KCI
    Konecranes", "Dalby & Finch"."""
    doc, start = token.doc, token.i
    while start > 0 and token.i - start < _MAX_NAME_TOKENS:
        prev = doc[start - 1]
        if (prev.pos_ == "PROPN" and _is_name_token(prev)) or (
            prev.lower_ in _CONNECTORS and start > 1 and doc[start - 2].pos_ == "PROPN"
        ):
            start -= 1
        else:
            break
    end = token.i + 1
    while (  # "Dalby & Finch": the tagger heads the name at its first word
        end + 1 < len(doc)
        and doc[end].text == "&"
        and doc[end + 1].pos_ == "PROPN"
        and _is_name_token(doc[end + 1])
    ):
        end += 2
        while end < len(doc) and doc[end].pos_ == "PROPN" and _is_name_token(doc[end]):
            end += 1
    return doc[start:end]


def _possessor_mentions(doc: Doc, named: list[_Candidate], tickers: set[int]) -> list[_Candidate]:
    """A proper name owning a figure noun is a company ("Seppala 's sales"), and so is a
    possessive name that is itself the subject of a verb: a brand called "Jimmy Joe's" ("Jimmy
    Joe's reported sales of ..."). A name that a figure modifies is a misparse of two sentences
    run together ("... to £20m. Management admitted"), not a name."""
    taken = {i for span in named for i in range(span.start, span.end)} | tickers
    metric_nouns, company_heads = word_set("metric_nouns"), word_set("company_heads")
    legal_suffixes = word_set("legal_suffixes") - {"group", "company", "companies"}
    people, orgs = _person_votes(doc)
    found = []
    for token in doc:
        if token.pos_ != "PROPN" or token.i in taken or _modified_by_figure(token):
            continue
        words_ok = described = False
        owns = token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "POS"
        if token.lower_ in legal_suffixes or any(
            c.dep_ == "appos" and c.lower_ in company_heads for c in token.children
        ):
            following = doc[token.i : token.i + 1]
            words_ok = described = True
        elif owns and _acts(token):
            brand = _possessive_brand(token, taken)
            if brand is not None:
                found.append(brand)
            continue
        elif token.ent_type_ in {"PERSON", "GPE"}:
            continue
        elif owns:
            following = doc[token.i + 2 : token.i + 8]
        elif (
            token.dep_ in {"nsubj", "nsubjpass"}
            and token.head.pos_ in {"VERB", "AUX"}
            and token.head.lemma_ not in _speech()
        ):
            following = doc[token.head.i : token.head.right_edge.i + 1]
            words_ok = bool(
                company_heads.intersection(
                    t.lower_ for t in following if t.dep_ in {"attr", "dobj", "pobj"}
                )
            )
        elif token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN":
            following = doc[token.head.head.i : token.head.head.i + 1]
        else:
            continue
        words = []
        for word in following:
            if owns and (word.pos_ in {"VERB", "AUX", "ADP"} or word.is_punct):
                break
            words.append(word.lower_)
        if not words_ok and not metric_nouns.intersection(words):
            continue
        chunk = _name_chunk(token)
        if not taken.isdisjoint(range(chunk.start, chunk.end)):
            continue
        key = fold(chunk.text)
        if not described and people[key] and people[key] >= orgs[key]:
            continue
        span = _named(chunk, "pattern")
        if span is not None:
            found.append(span)
    return found


def _modified_by_figure(token: Token) -> bool:
    return any(t.like_num or t.is_currency for child in token.lefts for t in child.subtree)


def _acts(token: Token) -> bool:
    """The subject of a verb other than one of speaking."""
    return (
        token.dep_ in _SUBJECT_DEPS
        and token.head.pos_ in {"VERB", "AUX"}
        and token.head.lemma_ not in _speech()
    )


def _possessive_brand(token: Token, taken: set[int]) -> _Candidate | None:
    """The name "X's" with its possessive ending kept: the brand is spelled so."""
    chunk = _name_chunk(token)
    if not taken.isdisjoint(range(chunk.start, chunk.end)):
        return None
    span = _named(chunk, "pattern")
    if span is None:
        return None
    name = span.org.name + token.doc[token.i + 1].text
    return _Candidate(span.start, token.i + 2, replace(span.org, name=name))


def _described_companies(doc: Doc, named: list[_Candidate], tickers: set[int]) -> list[_Candidate]:
    """A proper name after a company noun is a company: "German discounter Aldi plans ...",
    "Recruiter Staffline swung to a loss"."""
    taken = {i for span in named for i in range(span.start, span.end)} | tickers
    company_heads = word_set("company_heads")
    found = []
    for token in doc:
        if token.pos_ != "PROPN" or token.i in taken or token.ent_type_ == "GPE":
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN":
            continue
        chunk = _name_chunk(token)
        start = chunk.start
        while start < token.i and doc[start].lower_ in company_heads:
            start += 1
        described = start > chunk.start or (
            start > 0 and doc[start - 1].lower_ in company_heads and doc[start - 1].pos_ == "NOUN"
        )
        if not described or not taken.isdisjoint(range(start, token.i + 1)):
            continue
        span = _named(doc[start : token.i + 1], "pattern")
        if span is not None:
            found.append(span)
    return found


def _described_units(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A unit described by its business: "Sony's mobile phone and VAIO PC unit"."""
    taken = {i for span in named if span.org.via != "ner" for i in range(span.start, span.end)}
    unit_words = word_set("unit_words")
    found = []
    for token in doc:
        if token.lower_ not in unit_words or token.pos_ != "NOUN" or token.i in taken:
            continue
        modifiers = [t for t in token.subtree if t.i < token.i and t.i not in taken]
        owner = _owner_company(token, named)
        if owner is None or not modifiers:
            continue
        unit = unit_by_keyword(owner.name, [t.lower_ for t in modifiers])
        if unit is None:
            continue
        start = token.left_edge.i
        while start < token.i and (doc[start].dep_ in {"det", "poss", "case"} or start in taken):
            start += 1
        span = doc[start : token.i + 1]
        if taken.isdisjoint(range(span.start, span.end)):
            found.append(
                _Candidate(span.start, span.end, OrgMention(unit, "unit", owner.name, "pattern"))
            )
    return found


def _owner_company(token: Token, named: list[_Candidate]) -> OrgMention | None:
    """The company a unit word belongs to: its possessor, its "of" object, else the last named."""
    by_token = {i: span for span in named for i in range(span.start, span.end)}
    for child in token.children:
        if child.dep_ == "poss" and child.i in by_token:
            return _company_of(by_token[child.i].org)
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.i in by_token:
                    return _company_of(by_token[obj.i].org)
    before = [s for s in named if s.end <= token.i]
    if before:
        return _company_of(before[-1].org)
    return _salient(token.doc, named)


def _without_brands(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """A tagger's name said once, only as a modifier of plural goods that are an object, is a
    brand ("the maker of Dalesman bread and Moorland pies"), not an organization."""
    counts = Counter(match_key(c.org.name) for c in named)
    keep_heads = word_set("metric_nouns") | word_set("company_heads") | word_set("unit_words")
    kept = []
    for cand in named:
        root = doc[cand.start : cand.end].root
        head = root.head
        if (
            cand.org.via == "ner"
            and counts[match_key(cand.org.name)] == 1
            and root.dep_ == "compound"
            and head.is_lower
            and head.lower_.endswith("s")
            and head.dep_ in {"pobj", "dobj", "conj"}
            and head.lower_ not in keep_heads
        ):
            continue
        kept.append(cand)
    return kept


def _with_named_units(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """Business units the text names: a capitalized name before a unit word ("the Intelligent
    Cloud segment", "its Trailhead Kids unit"), a possessed name ending in a unit head ("Intel's
    Data Center Group"), or a name in apposition to a unit word ("Tesco Bank, the group's
    financial services arm"; "The chilled division, Harrowgate Fresh"). The unit is named as the
    text names it, with its company's name before it when the text puts it there ("Intel's") or
    the name is a place ("its UK arm" -> "Tesco UK"). Later mentions of the name are the unit."""
    units: list[tuple[int, int, OrgMention]] = []
    taken: set[int] = set()
    described = {i for c in named if c.org.kind == "unit" for i in range(c.start, c.end)}
    for token in doc:
        if token.i in taken or token.i in described:
            continue
        found = _unit_name(token, named)
        if found is None or not described.isdisjoint(range(*found)):
            continue
        start, end = found
        owner = _unit_owner(token, doc[start:end], named)
        if owner is None:
            continue
        name = _unit_label(doc[start:end], token, owner)
        if name is None:
            continue
        units.append((start, end, OrgMention(name, "unit", owner.name, "pattern")))
        taken.update(range(start, end))
    if not units:
        return named
    by_bare: dict[str, OrgMention] = {}
    for _, _, unit in units:
        by_bare.setdefault(match_key(unit.name), unit)
    for _, _, unit in units:
        if unit.parent is not None and unit.name.startswith(unit.parent + " "):
            by_bare[match_key(unit.name[len(unit.parent) + 1 :])] = unit
    result = [_Candidate(s, e, by_bare.get(match_key(u.name), u)) for s, e, u in units]
    for cand in named:
        if not taken.isdisjoint(range(cand.start, cand.end)) and cand.org.via in {"ner", "pattern"}:
            continue
        if not taken.isdisjoint(range(cand.start, cand.end)):
            result = [u for u in result if u.end <= cand.start or u.start >= cand.end]
        same = by_bare.get(match_key(cand.org.name)) if cand.org.via in {"ner", "pattern"} else None
        result.append(replace(cand, org=replace(same, via=cand.org.via)) if same else cand)
    return sorted(result, key=lambda c: c.start)


def _unit_name(token: Token, named: list[_Candidate]) -> tuple[int, int] | None:
    """The token range of the name a unit word gives to a unit, if any."""
    word = token.lower_
    if word not in word_set("unit_words") and word not in word_set("unit_name_heads"):
        return None  # every reading below needs one of the two (called for every token)
    doc = token.doc
    if word in word_set("unit_words") and token.pos_ == "NOUN" and token.is_lower:
        start, floor = token.i, _sentence_start(token)
        while start > floor and _unit_name_token(doc[start - 1], doc[start]):
            start -= 1
        while start < token.i and doc[start].lower_ in _CONNECTORS:
            start += 1
        if start < token.i:
            return start, token.i
    elif (
        word in word_set("unit_name_heads")
        and token.text[:1].isupper()
        and any(c.dep_ == "poss" for c in token.children)
    ):
        start, floor = token.i, _sentence_start(token)
        while start > floor and _unit_name_token(doc[start - 1], doc[start]):
            start -= 1
        if start < token.i:
            return start, token.i + 1
    if word not in word_set("unit_words") or token.pos_ != "NOUN":
        return None
    other = token.head if token.dep_ == "appos" else None
    other = other or next((c for c in token.children if c.dep_ == "appos"), None)
    if other is None or other.pos_ != "PROPN":
        return None
    mention = next((c for c in named if c.start <= other.i < c.end), None)
    if mention is not None:
        return (mention.start, mention.end) if mention.org.kind != "public" else None
    chunk = _name_chunk(other)
    return chunk.start, chunk.end


def _unit_name_token(token: Token, after: Token) -> bool:
    if token.pos_ in {"DET", "PRON", "PART", "PUNCT"} or token.tag_ == "POS" or token.is_space:
        return False
    if token.lower_ in _CONNECTORS:
        return after.text[:1].isupper()
    return (
        token.text[:1].isupper()
        and token.ent_type_ != "NORP"
        and not is_not_organization(token.text)
    )


def _unit_owner(token: Token, name: Span, named: list[_Candidate]) -> OrgMention | None:
    """The company a named unit belongs to: the company whose name begins the unit's ("Tesco
    Bank"), the possessor of its unit word or name when that is a named company, else the
    company named last before it, else the article's."""
    companies = [c.org for c in named if c.org.kind == "company" and c.org.via != "coref"]
    prefixed = [o for o in companies if name.text.startswith(o.name + " ")]
    if prefixed:
        return max(prefixed, key=lambda o: len(o.name))
    for node in (token, name.root):
        for child in node.children:
            if child.dep_ != "poss":
                continue
            owner = next((c for c in named if c.start <= child.i < c.end), None)
            if owner is not None and owner.org.kind != "public":
                return _company_of(owner.org)
    before = [
        c for c in named if c.end <= name.start and c.org.kind == "company" and c.org.via != "coref"
    ]
    if before:
        return before[-1].org
    return _salient(token.doc, [c for c in named if c.start >= name.end])


def _unit_label(name: Span, token: Token, owner: OrgMention) -> str | None:
    """The unit's name: as written, after its company's name when the text puts that name
    before it ("Siemens' Power and Gas division") or when it is a place ("its UK business")."""
    text = " ".join(t.text for t in name if t.tag_ != "POS").strip()
    if not text or fold(text) == fold(owner.name) or fold(text) in _bare_words():
        return None
    listed = lookup(text)
    if listed is not None:
        return listed[0] if listed[1] == "unit" else None
    first = owner.name.split()[0].casefold()
    if text.casefold().split()[0] == first:
        return text
    possessor = next((c for c in token.children if c.dep_ == "poss"), None)
    place = all(t.ent_type_ in {"GPE", "LOC"} for t in name)
    if place or (possessor is not None and possessor.pos_ == "PROPN"):
        return f"{owner.name} {text}"
    return text


def _company_of(mention: OrgMention) -> OrgMention:
    if mention.kind == "unit" and mention.parent:
        return OrgMention(mention.parent, "company", None, mention.via)
    return mention


def _salient(doc: Doc, named: Iterable[_Candidate]) -> OrgMention | None:
    """The article's main company: an all-caps headline's company, else the company named most
    often (a mention in the lead counts double; spellings that differ in case count together)."""
    companies = [s for s in named if s.org.kind == "company" and s.org.via != "coref"]
    if not companies:
        return None
    headline_end = _headline_end(doc)
    in_headline = [s for s in companies if s.end <= headline_end]
    if in_headline:
        return min(in_headline, key=lambda s: (s.org.via != "ticker", s.start)).org
    lead_end = _lead_end(doc)
    counts: Counter[str] = Counter()
    first: dict[str, _Candidate] = {}
    for span in companies:
        key = match_key(span.org.name)
        weight = _TICKER_WEIGHT if span.org.via == "ticker" else 1
        counts[key] += weight * (2 if span.start < lead_end else 1)
        first.setdefault(key, span)
    best = max(counts, key=lambda key: (counts[key], -first[key].start))
    return first[best].org


def _dominant(named: list[_Candidate], salient: OrgMention | None) -> bool:
    """Whether the article's main company is what the article is about, so that a figure with
    no named owner is its: not so in a round-up of many companies where it has a small share
    of the company mentions."""
    if salient is None:
        return False
    keys = [match_key(c.org.name) for c in named if c.org.kind == "company"]
    if len(set(keys)) < _ROUNDUP_COMPANIES:
        return True
    return keys.count(match_key(salient.name)) >= _DOMINANT_SHARE * len(keys)


def _lead_end(doc: Doc) -> int:
    """Token index where the headline/first paragraph ends."""
    if not doc.has_annotation("SENT_START"):
        return min(len(doc), _LEAD_TOKENS)
    sents = list(doc.sents)[:_LEAD_SENTENCES]
    return max(sents[-1].end if sents else 0, min(len(doc), _LEAD_TOKENS))


def _headline_end(doc: Doc) -> int:
    """Token index where an all-caps first line (a wire headline) ends, else 0."""
    cached = doc.user_data.get("newsfacts_headline_end")
    if isinstance(cached, int):
        return cached
    end = 0
    first_line = span_index.text(doc).split("\n", 1)
    if len(first_line) > 1:
        letters = [ch for ch in first_line[0] if ch.isalpha()]
        if len(letters) >= 4 and all(ch.isupper() for ch in letters):
            span = doc.char_span(0, len(first_line[0]), alignment_mode="expand")
            end = span.end if span is not None else 0
    doc.user_data["newsfacts_headline_end"] = end
    return end


def _block_starts(doc: Doc) -> list[int]:
    """Token indices where a block of text starts: a paragraph (a blank line, an indented line),
    a section after a run of spaces, a wire table row, or the body after a headline."""
    starts = {0}
    for match in _BLOCK_BREAK.finditer(span_index.text(doc)):
        span = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
        if span is not None:
            starts.add(span.start)
    headline_end = _headline_end(doc)
    if headline_end:
        starts.add(headline_end)
    return sorted(starts)


def _block_of(starts: list[int], i: int) -> int:
    return starts[bisect_right(starts, i) - 1]


def _is_expletive_it(token: Token) -> bool:
    """ "it" that stands for a clause ("it became official that ...")."""
    if token.dep_ == "expl":
        return True
    head = token.head
    if token.lower_ != "it" or token.dep_ != "nsubj":
        return False
    if head.lemma_ in {"seem", "appear", "look"}:
        return True
    if head.lemma_ not in {"be", "become"}:
        return False
    return any(c.dep_ in {"ccomp", "xcomp", "csubj"} for c in head.children) and any(
        c.dep_ in {"acomp", "attr"} for c in head.children
    )


@dataclass(slots=True)
class _Discourse:
    """What the article has been about so far: the organization that was the grammatical
    subject of each sentence, which a later pronoun or figure without a named owner refers to."""

    subjects: list[tuple[int, int, _Candidate]]
    salient: OrgMention | None
    topic: OrgMention | None
    blocks: list[int]

    def recent_subject(
        self, sent_start: int, *, kind: str | None = None, same_block: bool = False
    ) -> OrgMention | None:
        """The subject organization of the nearest earlier sentence that has one."""
        block = _block_of(self.blocks, sent_start)
        for start, _, candidate in reversed(self.subjects):
            if start >= sent_start:
                continue
            if same_block and start < block:
                return None
            if sent_start - start > _LOOKBACK_TOKENS and not same_block:
                return None
            if kind is None or candidate.org.kind == kind:
                return candidate.org
        return None

    def focus(self, org: OrgMention | None) -> OrgMention | None:
        """A reference to the parent of the business unit the article is about is the unit."""
        topic = self.topic
        if org is not None and topic is not None and topic.parent == org.name:
            return topic
        return org


def _topic(doc: Doc, named: list[_Candidate]) -> OrgMention | None:
    """The business unit an article is about: the subject of its opening sentence."""
    first = next(iter(doc.sents), None) if doc.has_annotation("SENT_START") else None
    if first is None:
        return None
    subject = _sentence_subject(first, named)
    return subject.org if subject is not None and subject.org.kind == "unit" else None


def _sentence_subject(sent: Span, mentions: list[_Candidate]) -> _Candidate | None:
    """The mention that is (or owns, or names) the subject of the sentence's main verb, else of
    the first clause that has one: "Wright Group, which counts Volvo among ..., has ..." ->
    Wright Group; "the Sony image sensors are used by Apple" -> Sony."""
    by_token = {i: m for m in mentions for i in range(m.start, m.end) if sent.start <= i < sent.end}
    if not by_token:
        return None
    subjects = [t for t in sent if t.dep_ in _SUBJECT_DEPS and t.head.lemma_ not in _speech()]
    subjects.sort(key=lambda t: (t.head.dep_ != "ROOT", t.i))
    for subject in subjects:
        found = _owner_near(subject, by_token)
        if found is not None:
            return found
    return None


def _owner_near(token: Token, by_token: dict[int, _Candidate]) -> _Candidate | None:
    """The mention at `token` or attached to it as a name part, possessor or "of" object."""
    frontier = [token]
    for _ in range(3):
        nxt = []
        for node in frontier:
            if node.i in by_token:
                return by_token[node.i]
            for child in node.children:
                if child.dep_ in {"poss", "compound", "appos", "nmod"}:
                    nxt.append(child)
                elif child.dep_ == "prep" and child.lower_ == "of":
                    nxt.extend(c for c in child.children if c.dep_ == "pobj")
        frontier = nxt
    return None


def _coreferent_mentions(doc: Doc, named: list[_Candidate]) -> tuple[list[_Candidate], _Discourse]:
    """Pronouns and definite descriptions, resolved sentence by sentence: to the subject of
    their own sentence when it comes first, else to the organization the preceding sentences
    were about, else to the last one named, else to the article's main company."""
    pronouns, company_heads, unit_heads = (
        word_set("company_pronouns"),
        word_set("company_heads"),
        word_set("unit_heads"),
    )
    taken = {i for span in named for i in range(span.start, span.end)}
    discourse = _Discourse([], _salient(doc, named), _topic(doc, named), _block_starts(doc))
    units = [s for s in named if s.org.kind == "unit"]
    main_unit = Counter(s.org for s in units).most_common(1)
    found: list[_Candidate] = []
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    for sent in sents:
        in_sent = [s for s in named if sent.start <= s.start < sent.end]
        subject = _sentence_subject(sent, in_sent)
        for token in sent:
            if token.i in taken:
                continue
            antecedent: OrgMention | None
            if token.lower_ in pronouns and token.pos_ == "PRON" and not _is_expletive_it(token):
                antecedent = _in_sentence(subject, in_sent, found, token)
                if antecedent is None and "Plur" not in token.morph.get("Number", []):
                    antecedent = (
                        discourse.recent_subject(sent.start, same_block=True)
                        or _recent(named, token)
                        or discourse.salient
                    )
                antecedent = discourse.focus(antecedent)
                span = doc[token.i : token.i + 1]
            elif (
                token.pos_ in {"NOUN", "PROPN"}
                and (token.lower_ in company_heads or token.lower_ in unit_heads)
                and _definite(token)
            ):  # (any other word ends in `continue` below: skip reading its children)
                if token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN":
                    continue
                if doc[token.i - 1].pos_ == "PROPN" and doc[token.i - 1].i in taken:
                    continue  # "the enlarged Acme U.S. Business": the name it carries
                named_unit = _recent(units, token) if token.lower_ in unit_heads else None
                if named_unit is not None:
                    antecedent = named_unit
                elif token.lower_ in unit_heads and token.lower_ not in company_heads and (
                    main_unit and any(s.start < token.i for s in units)
                ):
                    antecedent = main_unit[0][0]
                elif token.lower_ in company_heads or token.lower_ in unit_heads:
                    # "the business had revenue of ..." before any unit is named: the company
                    own = subject if subject is not None and subject.end <= token.i else None
                    antecedent = discourse.focus(
                        (own.org if own is not None and own.org.kind == "company" else None)
                        or discourse.recent_subject(sent.start, kind="company")
                        or _recent(named, token, kind="company")
                        or discourse.salient
                    )
                else:
                    continue
                span = doc[_det_index(token) : token.i + 1]
            else:
                continue
            if antecedent is None or not taken.isdisjoint(range(span.start, span.end)):
                continue
            mention = OrgMention(antecedent.name, antecedent.kind, antecedent.parent, "coref")
            found.append(_Candidate(span.start, span.end, mention))
            taken.update(range(span.start, span.end))
        resolved = [*in_sent, *(c for c in found if sent.start <= c.start < sent.end)]
        final = _sentence_subject(sent, resolved)
        if final is not None:
            discourse.subjects.append((sent.start, sent.end, final))
    return found, discourse


def _in_sentence(
    subject: _Candidate | None, in_sent: list[_Candidate], found: list[_Candidate], token: Token
) -> OrgMention | None:
    """A pronoun's antecedent in its own sentence: the subject if it comes first, else the
    last organization before it."""
    if subject is not None and subject.end <= token.i:
        return subject.org
    floor = _sentence_start(token)
    before = [c for c in [*in_sent, *found] if floor <= c.start and c.end <= token.i]
    return max(before, key=lambda c: c.start).org if before else None


def _definite(token: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in token.children)


def _det_index(token: Token) -> int:
    return min(c.i for c in token.children if c.dep_ == "det")


def _recent(spans: list[_Candidate], token: Token, *, kind: str | None = None) -> OrgMention | None:
    for span in reversed([s for s in spans if s.end <= token.i]):
        if kind is None or span.org.kind == kind:
            return span.org
    return None


def governing_verb(span: Span) -> Token | None:
    """The nearest verb above a figure, through a noun phrase or a comparative ("pay 90
    cents per share, up from 77 cents" -> pay for both)."""
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") and not span.start <= token.i < span.end:
            return token
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _unlabelled_subject(doc: Doc, start: int, end: int) -> OrgMention | None:
    """A proper name the tagger left unlabelled (or called a person) that is the subject of
    the verb governing a figure, or the possessor of that subject ("Brightwell Pumps had net
    sales of EUR 7.3 mn", "Zomato had laid off 541 employees", "Immutable's flagship game
    has made $4.5 million"). Not a speech verb's subject: "Smith said revenue rose" is no
    claim that Smith is a company."""
    token = governing_verb(doc[start:end])
    if token is None:
        return None
    for _ in range(3):
        if token.lemma_.casefold() in _speech():
            return None
        subjects = [
            c
            for c in token.children
            if c.dep_ in ("nsubj", "nsubjpass")
            and c.i < start
            and "\n" not in doc[c.i : start].text  # on the figure's own line, before it
        ]
        if subjects:
            person = subjects[0].ent_type_ == "PERSON"
            if person and token.lemma_.casefold() not in word_set("result_verbs"):
                return None  # "Chief executive Doug Marsh narrowed the forecast"
            owners = [c for c in subjects[0].children if c.dep_ == "poss"] + [
                g
                for c in subjects[0].children
                if c.dep_ == "prep" and c.lower_ in ("of", "for")
                for g in c.children
                if g.dep_ == "pobj"
            ]  # "Acme's revenue", "operating profit for Acme Grain Trading"
            return _proper_name(subjects[0]) or next(
                (name for c in owners if (name := _proper_name(c)) is not None), None
            )
        if token.dep_ not in ("conj", "xcomp") or token.head.i == token.i:
            return None
        token = token.head
    return None


def _proper_name(token: Token) -> OrgMention | None:
    """The proper-noun name headed by `token` as an organization, unless it names a place,
    a date, a person with a title, or a word that is no organization."""
    if token.pos_ != "PROPN" or token.ent_type_ in ("GPE", "LOC", "NORP", "DATE", "TIME"):
        return None
    parts = [c for c in token.lefts if c.dep_ in ("compound", "flat") and c.pos_ == "PROPN"]
    first = min([token.i, *(c.i for c in parts)])
    span = token.doc[first : token.i + 1]
    if "\n" in span.text or any(t.lower_ in word_set("honorifics") for t in span):
        return None
    candidate = _named(span, "structure")
    return candidate.org if candidate is not None else None


def _by_structure(
    token: Token, by_token: dict[int, Span], inside: set[int], region: tuple[int, int]
) -> OrgMention | None:
    lo, hi = region
    for _ in range(40):
        if not lo <= token.i < hi:
            return None
        if token.i in by_token and token.i not in inside:
            return by_token[token.i]._.newsfacts_org
        for child in token.children:
            if child.i in inside:
                continue
            if child.dep_ in {"poss", *_NAME_DEPS} or (
                child.dep_ == "prep" and child.lower_ in {"of", "at"} and token.pos_ == "NOUN"
            ):
                owner = _closest_in(child, by_token)
                if owner is not None:
                    return owner
        if token.pos_ in {"VERB", "AUX"} or token.dep_ == "ROOT":
            subjects = [c for c in token.children if c.dep_ in _CLAUSE_SUBJECT_DEPS]
            for child in subjects:  # a mention first: "CHICAGO, April 21 - Acme Corp said"
                subject = _closest_in(child, by_token)
                if subject is not None:
                    return subject
            for child in subjects:
                subject = _place_subject(child)
                if subject is not None:
                    return subject
            if token.dep_ == "relcl" and token.head.i in by_token:
                return by_token[token.head.i]._.newsfacts_org
        if token.head is token:
            return None
        token = token.head
    return None


_CLAUSE_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent", "csubj"})


def _place_subject(subject: Token) -> OrgMention | None:
    """A country or city as the subject, or its owner ("Singapore's exports fell", "Brazil cut
    rates to 5.5%"; not "Britain's biggest retailer"): a macro figure, nobody's; a "public"
    mention so that no fallback applies."""
    if subject.lower_ in word_set("company_heads") | word_set("unit_words"):
        return None
    if _opens_dateline(subject):
        return None
    owners = [subject, *(c for c in subject.children if c.dep_ == "poss")]
    place = next((t for t in owners if t.ent_type_ == "GPE"), None)
    if place is None:
        return None
    return OrgMention(place.text, "public", None, "pattern")


def _opens_dateline(token: Token) -> bool:
    """A place that opens its sentence before a comma and a date, a dash or a colon: the
    dateline of the story ("CHICAGO, April 21 -", "New Delhi:"), not its subject."""
    doc = token.doc
    start = _sentence_start(token)
    words = [t for t in doc[start : min(token.i + 7, len(doc))] if not t.is_space]
    i = next((k for k, t in enumerate(words) if t.i == token.i), None)
    if i is None or i > 3:
        return False
    after = words[i + 1 : i + 6]
    if not after:
        return False
    if after[0].text == ":" or after[0].text in _DASHES:
        return True
    return after[0].text == "," and any(t.ent_type_ == "DATE" for t in after[1:])


def _closest_in(root: Token, by_token: dict[int, Span]) -> OrgMention | None:
    """The mention in `root`'s subtree that is nearest to `root` in the tree."""
    best: tuple[int, bool, int] | None = None
    for token in root.subtree:
        if token.i not in by_token:
            continue
        depth, node = 0, token
        while node.i != root.i and depth < 40:
            node, depth = node.head, depth + 1
        key = (depth, by_token[token.i]._.newsfacts_org.via == "coref", token.i)
        if best is None or key < best:
            best = key
    return by_token[best[2]]._.newsfacts_org if best is not None else None
