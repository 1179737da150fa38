"""The cached lemmatizer sets exactly the lemmas spaCy's rule lemmatizer sets."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from pipeline import lemmatizer
from pipeline.attribute_rules import speed_up, token_attributes
from pipeline.screening import screen
from pipeline.settings import DEFAULT_MODELS

TEXTS = (
    "Acme Corp said on Tuesday its net profits rose 12 pct to 50.3 mln dlrs in the third "
    "quarters, compared with 44.9 mln a year earlier.\n\nThere were no changes, it said.",
    "Analysts had been expecting better-than-forecast earnings; the shares fell, dropping "
    "the stocks' gains. Geese, mice and oxen were running. She'd sold 3 houses.",
    "SHARES OF FABRIKAM FELL\nThe company, which makes widgets, didn't comment. Were there "
    "any talks? \"We won't sell,\" its chairman said; he'd been asked twice.",
    "   \n\t leading spaces, then  an  odd   layout with  tabs\tand 3-for-2 splits.",
)


def _stock_and_cached() -> tuple[Language, Language]:
    name = next(n for n in DEFAULT_MODELS if spacy.util.is_package(n))
    return spacy.load(name), lemmatizer.speed_up(speed_up(spacy.load(name)))


def test_cached_lemmatizer_sets_the_same_attributes_as_spacys() -> None:
    stock, cached = _stock_and_cached()
    assert isinstance(cached.get_pipe("lemmatizer"), lemmatizer.CachedLemmatizer)
    assert cached.pipe_names == stock.pipe_names
    texts = [*TEXTS, *(screen(t) for t in TEXTS)] * 2  # the second pass reads the cache
    for a, b in zip(stock.pipe(texts), cached.pipe(texts), strict=True):
        assert [token_attributes(t) for t in a] == [token_attributes(t) for t in b]


def test_cached_lemmatizer_keeps_its_tables_through_disk(tmp_path: Path) -> None:
    stock, cached = _stock_and_cached()
    cached.to_disk(tmp_path)
    again = spacy.load(tmp_path)
    assert isinstance(again.get_pipe("lemmatizer"), lemmatizer.CachedLemmatizer)
    for text in TEXTS:
        doc, ref = again(text), stock(text)
        assert [t.lemma_ for t in doc] == [t.lemma_ for t in ref]
