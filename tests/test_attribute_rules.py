"""The fast attribute ruler sets exactly what spaCy's `AttributeRuler` sets, token by token."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from pipeline.attribute_rules import FastAttributeRuler, speed_up, token_attributes
from pipeline.screening import screen
from pipeline.settings import DEFAULT_MODELS

TEXTS = (
    "Acme Corp said on Tuesday its net profit rose 12 pct to 50.3 mln dlrs in the third "
    "quarter, compared with 44.9 mln a year earlier.\n\nThere is no change, it said.",
    "Y'all gonna go? Let's c'mon, I ain't gon na wait. Got ta do it. There's \n\n  a cat.",
    "SHARES OF FABRIKAM FELL\nThe company, which makes widgets, didn't comment. Were there "
    "any talks? \"We won't sell,\" its chairman said; he'd been asked twice.",
    "   \n\t leading spaces, then  an  odd   layout with  tabs\tand 3-for-2 splits.",
)


def _stock_and_fast() -> tuple[Language, Language]:
    name = next(n for n in DEFAULT_MODELS if spacy.util.is_package(n))
    return spacy.load(name), speed_up(spacy.load(name))


def test_fast_ruler_sets_the_same_attributes_as_spacys() -> None:
    stock, fast = _stock_and_fast()
    assert isinstance(fast.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert fast.pipe_names == stock.pipe_names
    texts = [*TEXTS, *(screen(t) for t in TEXTS)]
    for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        assert [token_attributes(t) for t in a] == [token_attributes(t) for t in b]


def test_fast_ruler_keeps_its_patterns_through_disk(tmp_path: Path) -> None:
    stock, fast = _stock_and_fast()
    fast.to_disk(tmp_path)
    again = spacy.load(tmp_path)
    assert isinstance(again.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert again.get_pipe("attribute_ruler").patterns == stock.get_pipe("attribute_ruler").patterns
    doc, ref = again(TEXTS[0]), stock(TEXTS[0])
    assert [token_attributes(t) for t in doc] == [token_attributes(t) for t in ref]
