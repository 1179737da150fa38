"""`newsfacts_organizations`: organization mentions, resolved, and the subject of a figure.

Named mentions come from stock tickers, the alias list, the tagger's ORG entities and two
syntactic patterns (a proper name owning a figure noun, a described unit of a known company);
pronouns and descriptions ("its", "the Japanese tech giant", "the division") are added as
`via="coref"` spans that carry their antecedent's name. `subject_of` picks the organization a
figure is about from the sentence structure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..organizations import (
    OrgMention,
    Via,
    canonical_name,
    gazetteer,
    is_news_outlet,
    is_not_organization,
    kind_of,
    ticker_pattern,
    unit_by_keyword,
    word_set,
)

NAME = "newsfacts_organizations"
SPANS_KEY = "newsfacts_orgs"

if not Span.has_extension("org"):
    Span.set_extension("org", default=None)

_CONNECTORS = {"&", "and", "of", "/", "-", "'n'", "de", "du", "van", "von"}
_NAME_DEPS = {"compound", "flat", "nmod", "appos"}
_MAX_NAME_TOKENS = 8
_LEAD_SENTENCES = 3
_LEAD_TOKENS = 80
_TICKER_WEIGHT = 3
_GLUED_AMOUNT = re.compile(r"[A-Z]{2,3}\d")


@Language.factory(NAME, assigns=["doc.spans", "span._.org"], requires=["doc.ents"])
def make_organizations(nlp: Language, name: str) -> OrganizationAnnotator:
    return OrganizationAnnotator(nlp)


class OrganizationAnnotator:
    """Mark every organization mention in `doc.spans[SPANS_KEY]` with `span._.org`."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for surface, name in gazetteer().items():
            self.matcher.add(name, [nlp.make_doc(surface)])

    def __call__(self, doc: Doc) -> Doc:
        tickers = _ticker_tokens(doc)
        named = _resolve_overlaps(
            [
                *_ticker_mentions(doc),
                *self._gazetteer_mentions(doc),
                *_entity_mentions(doc, tickers),
            ]
        )
        named = _resolve_overlaps([*named, *_possessor_mentions(doc, named, tickers)])
        named = _resolve_overlaps([*named, *_described_units(doc, named)])
        found = sorted([*named, *_coreferent_mentions(doc, named)], key=lambda c: c.start)
        spans = []
        for candidate in found:
            span = Span(doc, candidate.start, candidate.end, label="ORG")
            span._.org = candidate.org
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc

    def _gazetteer_mentions(self, doc: Doc) -> list[_Candidate]:
        found = []
        for match_id, start, end in self.matcher(doc):
            name = doc.vocab.strings[match_id]
            kind, parent = kind_of(name)
            found.append(_Candidate(start, end, OrgMention(name, kind, parent, "gazetteer")))
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
    for match in ticker_pattern().finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None:
            tokens.update(range(span.start, span.end))
    return tokens


def _named(span: Span, via: Via) -> _Candidate | None:
    """`span` as a named mention, or None when it names no organization we keep."""
    while span.end > span.start and (
        span[-1].is_punct or span[-1].tag_ == "POS" or span[-1].lower_ in _CONNECTORS
    ):
        span = span.doc[span.start : span.end - 1]
    while span.end > span.start and (span[0].is_punct or span[0].lower_ == "the"):
        span = span.doc[span.start + 1 : span.end]
    if len(span) == 0 or "\n" in span.text:
        return None
    if any(t.like_num or t.is_currency or _GLUED_AMOUNT.match(t.text) for t in span):
        return None
    if is_not_organization(span[0].text):
        return None
    if not any(t.text[:1].isupper() for t in span) or span.root.lower_ in word_set("metric_nouns"):
        return None
    name = canonical_name(span.text)
    if len(name) < 2 or is_news_outlet(span.text) or is_news_outlet(name):
        return None
    if is_not_organization(name):
        return None
    kind, parent = kind_of(name)
    return _Candidate(span.start, span.end, OrgMention(name, kind, parent, via))


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


def _ticker_mentions(doc: Doc) -> list[_Candidate]:
    """The capitalized name just before a ticker: "Dutch insurer AEGON NV <AEGN.AS>"."""
    found = []
    for match in ticker_pattern().finditer(doc.text):
        ticker = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if ticker is None:
            continue
        end = ticker.start
        while end > 0 and (doc[end - 1].is_space or doc[end - 1].text in {"(", "'s", "’s"}):
            if "\n" in doc[end - 1].text:
                break
            end -= 1
        start = end
        while start > 0 and end - start < _MAX_NAME_TOKENS:
            token = doc[start - 1]
            if "\n" in token.text or token.is_space:
                break
            if not (_is_name_token(token) or token.lower_ in _CONNECTORS or token.text == "."):
                break
            start -= 1
        while start < end and (doc[start].lower_ in _CONNECTORS or doc[start].is_punct):
            start += 1
        if start < end:
            span = _named(doc[start:end], "ticker")
            if span is not None:
                found.append(span)
    return found


def _entity_mentions(doc: Doc, tickers: set[int]) -> list[_Candidate]:
    found = []
    for ent in doc.ents:
        if ent.label_ != "ORG" or not tickers.isdisjoint(range(ent.start, ent.end)):
            continue
        start, end = ent.start, ent.end
        while end < len(doc) and not doc[end - 1].whitespace_ and doc[end].is_alpha:
            end += 1
        span = _named(doc[start:end], "ner")
        if span is not None:
            found.append(span)
    return found


def _name_chunk(token: Token) -> Span:
    """The proper-name chunk ending at `token`: "Bank of Aland", "KCI Konecranes"."""
    doc, start = token.doc, token.i
    while start > 0 and token.i - start < _MAX_NAME_TOKENS:
        prev = doc[start - 1]
        if (prev.pos_ == "PROPN" and _is_name_token(prev)) or (
            prev.lower_ in _CONNECTORS and start > 1 and doc[start - 2].pos_ == "PROPN"
        ):
            start -= 1
        else:
            break
    return doc[start : token.i + 1]


def _possessor_mentions(doc: Doc, named: list[_Candidate], tickers: set[int]) -> list[_Candidate]:
    """A proper name owning a figure noun is a company ("Seppala 's sales")."""
    taken = {i for span in named for i in range(span.start, span.end)} | tickers
    metric_nouns, company_heads = word_set("metric_nouns"), word_set("company_heads")
    legal_suffixes = word_set("legal_suffixes") - {"group", "company", "companies"}
    found = []
    for token in doc:
        if token.pos_ != "PROPN" or token.i in taken:
            continue
        words_ok = False
        owns = token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "POS"
        if token.lower_ in legal_suffixes or any(
            c.dep_ == "appos" and c.lower_ in company_heads for c in token.children
        ):
            following = doc[token.i : token.i + 1]
            words_ok = True
        elif token.ent_type_ in {"PERSON", "GPE"}:
            continue
        elif owns:
            following = doc[token.i + 2 : token.i + 8]
        elif token.dep_ in {"nsubj", "nsubjpass"} and token.head.pos_ in {"VERB", "AUX"}:
            following = doc[token.head.i : token.head.right_edge.i + 1]
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
        span = _named(chunk, "pattern")
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


def _company_of(mention: OrgMention) -> OrgMention:
    if mention.kind == "unit" and mention.parent:
        return OrgMention(mention.parent, "company", None, mention.via)
    return mention


def _salient(doc: Doc, named: Iterable[_Candidate]) -> OrgMention | None:
    """The article's main company: the most frequent company named in its lead."""
    companies = [s for s in named if s.org.kind == "company" and s.org.via != "coref"]
    if not companies:
        return None
    lead_end = _lead_end(doc)
    pool = [s for s in companies if s.start < lead_end] or companies
    counts = Counter({name: 0 for name in (s.org.name for s in pool)})
    for span in pool:
        counts[span.org.name] += _TICKER_WEIGHT if span.org.via == "ticker" else 1
    first: dict[str, int] = {}
    for span in pool:
        first.setdefault(span.org.name, span.start)
    best = max(counts, key=lambda name: (counts[name], -first[name]))
    return next(s.org for s in pool if s.org.name == best)


def _lead_end(doc: Doc) -> int:
    """Token index where the headline/first paragraph ends."""
    if not doc.has_annotation("SENT_START"):
        return min(len(doc), _LEAD_TOKENS)
    sents = list(doc.sents)[:_LEAD_SENTENCES]
    return max(sents[-1].end if sents else 0, min(len(doc), _LEAD_TOKENS))


def _is_expletive_it(token: Token) -> bool:
    """ "it" that stands for a clause ("it became official that ...")."""
    if token.dep_ == "expl":
        return True
    head = token.head
    if token.lower_ != "it" or head.lemma_ not in {"be", "become", "seem", "appear"}:
        return False
    return any(c.dep_ in {"ccomp", "xcomp", "csubj"} for c in head.children) and any(
        c.dep_ in {"acomp", "attr"} for c in head.children
    )


def _coreferent_mentions(doc: Doc, named: list[_Candidate]) -> list[_Candidate]:
    """Pronouns and definite descriptions, resolved to an earlier named mention."""
    pronouns, company_heads, unit_heads = (
        word_set("company_pronouns"),
        word_set("company_heads"),
        word_set("unit_heads"),
    )
    taken = {i for span in named for i in range(span.start, span.end)}
    salient = _salient(doc, named)
    units = [s for s in named if s.org.kind == "unit"]
    main_unit = Counter(s.org for s in units).most_common(1)
    found = []
    for token in doc:
        if token.i in taken:
            continue
        if token.lower_ in pronouns and token.pos_ == "PRON" and not _is_expletive_it(token):
            antecedent = _recent(named, token, same_sentence_any=True) or salient
            span = doc[token.i : token.i + 1]
        elif token.pos_ == "NOUN" and _definite(token):
            if token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN":
                continue
            if token.lower_ in unit_heads:
                antecedent = _recent(units, token) or (main_unit[0][0] if main_unit else None)
            elif token.lower_ in company_heads:
                antecedent = _recent(named, token, kind="company") or salient
            else:
                continue
            span = doc[_det_index(token) : token.i + 1]
        else:
            continue
        if antecedent is None or not taken.isdisjoint(range(span.start, span.end)):
            continue
        mention = OrgMention(antecedent.name, antecedent.kind, antecedent.parent, "coref")
        found.append(_Candidate(span.start, span.end, mention))
    return found


def _definite(token: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in token.children)


def _det_index(token: Token) -> int:
    return min(c.i for c in token.children if c.dep_ == "det")


def _recent(
    spans: list[_Candidate],
    token: Token,
    *,
    kind: str | None = None,
    same_sentence_any: bool = False,
) -> OrgMention | None:
    before = [s for s in spans if s.end <= token.i]
    if same_sentence_any and before and before[-1].start >= token.sent.start:
        return before[-1].org
    for span in reversed(before):
        if kind is None or span.org.kind == kind:
            return span.org
    return None


def subject_of(doc: Doc, start: int, end: int) -> OrgMention | None:
    """The organization a figure at tokens [start, end) is about.

    First the sentence structure: walking up from the figure, an organization noun it hangs
    from ("ASMI, a company with 2.6 million USD net sales"), the possessor or "of" object of a
    noun on the way ("Sony's revenue", "its net profit"), or the subject of a governing verb.
    Else the nearest mention before the figure in its sentence, else the article's main company.
    """
    mentions = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    if not mentions or not 0 <= start < end <= len(doc):
        return None
    sent = doc[start].sent
    in_sentence = [m for m in mentions if sent.start <= m.start < sent.end]
    by_token = {i: m for m in in_sentence for i in range(m.start, m.end) if not start <= i < end}
    found = _by_structure(doc[start:end].root, by_token, set(range(start, end)))
    if found is not None:
        return found
    before = [m for m in in_sentence if m.end <= start]
    if before:
        return before[-1]._.org
    return _salient(doc, (_Candidate(m.start, m.end, m._.org) for m in mentions))


def _by_structure(token: Token, by_token: dict[int, Span], inside: set[int]) -> OrgMention | None:
    for _ in range(40):
        if token.i in by_token and token.i not in inside:
            return by_token[token.i]._.org
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
            for child in token.children:
                if child.dep_ in {"nsubj", "nsubjpass", "agent", "csubj"}:
                    subject = _closest_in(child, by_token)
                    if subject is not None:
                        return subject
            if token.dep_ == "relcl" and token.head.i in by_token:
                return by_token[token.head.i]._.org
        if token.head is token:
            return None
        token = token.head
    return None


def _closest_in(root: Token, by_token: dict[int, Span]) -> OrgMention | None:
    """The mention in `root`'s subtree that is nearest to `root` in the tree."""
    best: tuple[int, bool, int] | None = None
    for token in root.subtree:
        if token.i not in by_token:
            continue
        depth, node = 0, token
        while node.i != root.i and depth < 40:
            node, depth = node.head, depth + 1
        key = (depth, by_token[token.i]._.org.via == "coref", token.i)
        if best is None or key < best:
            best = key
    return by_token[best[2]]._.org if best is not None else None
