"""`newsfacts_metrics`: metric, direction, status and cut cues from configs/metrics.yaml.

Cues are found with one PhraseMatcher on lower-cased tokens; overlapping matches keep
the longest, so "net loss" is one cue, not "net" and "loss".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..errors import ConfigError
from ..language_data import duplicates, load

NAME = "newsfacts_metrics"
SPANS_KEY = "newsfacts_metrics"
CHANGES_KEY = "newsfacts_changes"
STATUS_KEY = "newsfacts_status"
CUTS_KEY = "newsfacts_cuts"

for _ext in ("newsfacts_metric", "newsfacts_direction", "newsfacts_status"):
    if not Span.has_extension(_ext):
        Span.set_extension(_ext, default=None)


class MetricLexicon(BaseModel):
    """configs/metrics.yaml, validated: every phrase names exactly one metric."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metrics: dict[str, list[str]]
    generic: list[str]
    negative: list[str]
    cut_verbs: list[str]
    count_metrics: list[str]
    change_up: list[str]
    change_down: list[str]
    status: dict[Literal["forecast", "target"], list[str]]
    comparative_markers: list[str]
    right_cue_links: list[str]
    status_nouns: list[str]
    partitive_modifiers: list[str]
    component_words: list[str]
    per_share_phrases: list[str]
    not_items: list[str]
    speech_verbs: list[str]
    hypothetical_markers: list[str]
    approximators: list[str]
    market_subjects: list[str]
    person_subjects: list[str]
    third_party_subjects: list[str]
    own_company_nouns: list[str]
    dividend_verbs: list[str]
    people_nouns: list[str]
    public_modifiers: list[str]
    offer_words: list[str]
    multi_year_spans: list[str]
    threshold_words: list[str]
    level_prepositions: list[str]
    share_words: list[str]
    row_labels: dict[str, list[str]]
    facility_nouns: list[str]
    rate_adjectives: list[str]
    clause_openers: list[str]
    stand_in_subjects: list[str]
    ratio_phrases: list[str]
    partial_parties: list[str]
    comparison_bases: list[str]
    share_of_heads: list[str]
    not_metrics: list[str]
    price_nouns: list[str]
    habitual_markers: list[str]
    uninherited_metrics: list[str]
    balance_metrics: list[str]
    event_verbs: list[str]
    declaration_words: list[str]
    period_dividends: list[str]
    table_peer_rows: list[str]
    dividend_schedule_cues: list[str]
    third_party_estimators: list[str]
    market_move_nouns: list[str]

    @model_validator(mode="after")
    def _no_duplicates(self) -> MetricLexicon:
        clashes = duplicates({**self.metrics, "<generic>": self.generic})
        clashes += duplicates({"up": self.change_up, "down": self.change_down})
        if clashes:
            raise ValueError("phrases listed twice: " + "; ".join(clashes))
        unknown = set(self.row_labels) - set(self.metrics)
        if unknown:
            raise ValueError(f"row_labels name unknown metrics: {sorted(unknown)}")
        return self


@cache
def lexicon() -> MetricLexicon:
    return load("metrics.yaml", MetricLexicon)


@dataclass(frozen=True, slots=True)
class MetricCue:
    """A cue word: `metric` is None for a generic "profit"/"loss" resolved by the assembler."""

    metric: str | None
    negative: bool


@Language.factory(
    NAME,
    assigns=[
        "doc.spans",
        "span._.newsfacts_metric",
        "span._.newsfacts_direction",
        "span._.newsfacts_status",
    ],
)
def make_metrics(nlp: Language, name: str) -> MetricAnnotator:
    return MetricAnnotator(nlp)


class MetricAnnotator:
    def __init__(self, nlp: Language) -> None:
        lex = lexicon()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, tuple[str, str]] = {}
        groups: dict[tuple[str, str], list[str]] = {}
        for metric, phrases in lex.metrics.items():
            groups[("metric", metric)] = phrases
        groups[("metric", "")] = lex.generic
        groups[("direction", "up")] = lex.change_up
        groups[("direction", "down")] = lex.change_down
        groups[("cut", "")] = lex.cut_verbs
        groups[("metric", "-")] = lex.not_metrics  # longer than the cue inside: kept out
        for status, phrases in lex.status.items():
            groups[("status", status)] = phrases
        for (kind, value), phrases in groups.items():
            key = f"{kind}:{value}"
            self.labels[nlp.vocab.strings.add(key)] = (kind, value)
            self.matcher.add(key, [nlp.make_doc(phrase) for phrase in phrases])
        self.negative = {p.casefold() for p in lex.negative}
        self.ratios = {" ".join(p.casefold().split()) for p in lex.ratio_phrases}
        self.share_heads = {w.casefold() for w in lex.share_of_heads}
        self.row_labels = {
            label.casefold(): metric
            for metric, labels in lex.row_labels.items()
            for label in labels
        }
        if not self.labels:
            raise ConfigError("metrics.yaml defines no cues")

    def _ratios(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """"gross profit as a percentage of revenue" is one cue, a margin: neither the gross
        profit nor the revenue."""
        out: list[Span] = []
        skip: set[int] = set()
        for index, span in enumerate(spans):
            if index in skip:
                continue
            nxt = spans[index + 1] if index + 1 < len(spans) else None
            between = doc[span.end : nxt.start].text.casefold() if nxt is not None else ""
            metric = span._.newsfacts_metric.metric
            if nxt is None or metric is None or " ".join(between.split()) not in self.ratios:
                out.append(span)
                continue
            ratio = Span(doc, span.start, nxt.end, label=span.label)
            stem = metric.removesuffix("_income").removesuffix("_profit")
            ratio._.newsfacts_metric = MetricCue(f"{stem}_margin", False)
            out.append(ratio)
            skip.add(index + 1)
        return out

    def _shares_of(self, doc: Doc) -> list[Span]:
        """"its share of the UK short-haul market": a market share, however the market is
        described (up to five words between "of" and the head noun)."""
        found: list[Span] = []
        for token in doc:
            if token.lower_ not in ("share", "shares") or token.i + 2 >= len(doc):
                continue
            if doc[token.i + 1].lower_ != "of":
                continue
            for j in range(token.i + 2, min(token.i + 8, len(doc))):
                if doc[j].is_punct and doc[j].text != "-":
                    break
                if doc[j].lower_ in self.share_heads:
                    share = Span(doc, token.i, j + 1)
                    share._.newsfacts_metric = MetricCue("market_share", False)
                    found.append(share)
                    break
        return found

    def _row_labels(self, doc: Doc, taken: list[Span]) -> list[Span]:
        """A wire table's row label that is a cue only there: "Current 45.23 billion vs 32.87
        billion" in a Japanese company's table is its current (pretax) profit, "Operating
        77.17 billion vs ..." its operating profit; in prose neither word is a metric."""
        found: list[Span] = []
        covered = {i for s in taken for i in range(s.start, s.end)}
        for token in doc:
            if token.lower_ not in self.row_labels or token.i in covered:
                continue
            if token.i > 0 and not (doc[token.i - 1].is_space and "\n" in doc[token.i - 1].text):
                continue
            line_end = next(
                (t.i for t in doc[token.i :] if t.is_space and "\n" in t.text), len(doc)
            )
            line = doc[token.i + 1 : line_end]
            if not line or not line[0].like_num or not any(t.lower_ == "vs" for t in line):
                continue
            label = Span(doc, token.i, token.i + 1)
            label._.newsfacts_metric = MetricCue(self.row_labels[token.lower_], False)
            found.append(label)
        return found

    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Phrase matches that a line break inside the phrase does not hide: wire copy wraps
        "pretax\nprofits", which spaCy tokenizes with a whitespace token between the words.
        A blank line (a paragraph break) still separates."""
        if not any(t.is_space and "\n\n" not in t.text for t in doc):
            return [(m, s, e) for m, s, e in self.matcher(doc)]
        kept = [t.i for t in doc if not t.is_space or "\n\n" in t.text]
        compact = Doc(doc.vocab, words=[doc[i].text for i in kept])
        return [(m, kept[s], kept[e - 1] + 1) for m, s, e in self.matcher(compact)]

    def __call__(self, doc: Doc) -> Doc:
        by_kind: dict[str, list[Span]] = {"metric": [], "direction": [], "cut": [], "status": []}
        for match_id, start, end in self._matches(doc):
            kind, _ = self.labels[match_id]
            by_kind[kind].append(Span(doc, start, end, label=match_id))
        metric_spans = [
            s for s in filter_spans(by_kind["metric"]) if self.labels[s.label][1] != "-"
        ]
        for span in metric_spans:
            _, metric = self.labels[span.label]
            negative = span.text.casefold() in self.negative
            span._.newsfacts_metric = MetricCue(metric or None, negative)
        metric_spans = filter_spans([*self._ratios(doc, metric_spans), *self._shares_of(doc)])
        metric_spans = sorted([*metric_spans, *self._row_labels(doc, metric_spans)])
        for span in by_kind["direction"]:
            span._.newsfacts_direction = 1 if self.labels[span.label][1] == "up" else -1
        for span in by_kind["status"]:
            span._.newsfacts_status = self.labels[span.label][1]
        doc.spans[SPANS_KEY] = metric_spans
        doc.spans[CHANGES_KEY] = filter_spans(by_kind["direction"])
        excluded = {
            i
            for s in by_kind["metric"]
            if self.labels[s.label][1] == "-"
            for i in range(s.start, s.end)
        }  # not the "cuts" of "wage cuts": no job is cut
        doc.spans[CUTS_KEY] = [c for c in by_kind["cut"] if c.start not in excluded]
        doc.spans[STATUS_KEY] = filter_spans(by_kind["status"])
        return doc
