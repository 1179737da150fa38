"""The model's attribute ruler without its Matcher: the same token attributes, cheaper.

en_core_web_sm's `attribute_ruler` maps each tag (and a few words) to POS, morphology and
lemma through ~180 Matcher patterns; run over every token of every document it costs about
a tenth of the model. Nearly all its patterns are single tokens constrained only by TAG,
LOWER, DEP and IS_SPACE, so what it sets on a token is a function of those four values:
computed once per distinct combination and cached. The few multi-token patterns ("gon
na", an expletive "there is") are matched directly where their first token allows. Rules
apply in pattern order, later ones overriding earlier, as in spaCy's `AttributeRuler`; a
ruler holding any pattern this module cannot read runs spaCy's own code instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs
from spacy.vocab import Vocab

NAME = "newsfacts_attribute_ruler"
_KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})
_Features = tuple[str, str | None, str, bool]  # tag_, lower_ if a rule names it, dep_, is_space


def _value_test(value: Any) -> Any:
    """A predicate on one attribute value for a Matcher pattern value, or None if unknown."""
    if isinstance(value, (str, bool)):
        return lambda v: v == value
    if isinstance(value, dict) and len(value) == 1:
        [(op, arg)] = value.items()
        if op == "IN":
            options = frozenset(arg)
            return lambda v: v in options
        if op == "NOT_IN":
            excluded = frozenset(arg)
            return lambda v: v not in excluded
        if op == "REGEX":
            pattern = re.compile(arg)
            return lambda v: bool(pattern.search(v)) if isinstance(v, str) else False
    return None


_POSITION = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}


def _token_test(spec: dict[str, Any]) -> Any:
    """A predicate on a token's features for one token of a pattern, or None if unknown."""
    if not spec or not set(spec) <= _KEYS:
        return None
    tests = []
    for key, value in spec.items():
        if key == "LOWER" and isinstance(value, dict) and "NOT_IN" in value:
            return None  # the cache key keeps only the words rules name (`_lower`)
        test = _value_test(value)
        if test is None:
            return None
        tests.append((_POSITION[key], test))
    return lambda f: all(test(f[i]) for i, test in tests)


class FastAttributeRuler(AttributeRuler):
    """`AttributeRuler` whose `__call__` looks attributes up by token features."""

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler", **kwargs: Any) -> None:
        super().__init__(vocab, name, **kwargs)
        self._compiled: bool | None = None

    def clear(self) -> None:
        super().clear()
        self._compiled = None

    def add(self, patterns: Iterable[Any], attrs: dict[Any, Any], index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._compiled = None

    def _compile(self) -> bool:
        """Split the rules into single-token tests and multi-token ones; False if any
        pattern uses something other than the four features."""
        self._single: list[tuple[int, Any]] = []
        self._multi: list[tuple[int, list[Any], int]] = []
        self._cache: dict[_Features, dict[Any, Any] | None] = {}
        self._first_cache: dict[_Features, bool] = {}
        self._lowers: dict[str, str | None] = {}
        words: set[str] = set()
        regexes: list[re.Pattern[str]] = []
        for attr_id in range(len(self.attrs)):
            _, patterns = self.matcher.get(str(attr_id))
            for pattern in patterns:
                tests = [_token_test(spec) for spec in pattern]
                for spec in pattern:
                    lower = spec.get("LOWER")
                    if isinstance(lower, str):
                        words.add(lower)
                    elif isinstance(lower, dict) and "IN" in lower:
                        words.update(lower["IN"])
                    elif isinstance(lower, dict) and "REGEX" in lower:
                        regexes.append(re.compile(lower["REGEX"]))
                if not tests or any(t is None for t in tests):
                    return False
                index = self.indices[attr_id]
                if not -len(tests) <= index < len(tests):
                    return False
                if len(tests) == 1:
                    self._single.append((attr_id, tests[0]))
                else:
                    self._multi.append((attr_id, tests, index % len(tests)))
        self._words, self._regexes = frozenset(words), regexes
        return True

    def _lower(self, lower: str) -> str | None:
        """`lower` if some rule can match it, else None: the cache key then holds only
        the few words the rules name, not every word of the vocabulary."""
        try:
            return self._lowers[lower]
        except KeyError:
            keep = lower in self._words or any(r.search(lower) for r in self._regexes)
            self._lowers[lower] = lower if keep else None
            return self._lowers[lower]

    def _rules_for(self, features: _Features) -> dict[Any, Any] | None:
        """The merged attributes the single-token rules set on a token with `features`."""
        merged: dict[Any, Any] = {}
        for attr_id, test in self._single:
            if test(features):
                merged.update(self.attrs[attr_id])
        return merged or None

    def __call__(self, doc: Doc) -> Doc:
        if self._compiled is None:
            self._compiled = self._compile()
        if not self._compiled:
            return super().__call__(doc)
        lower = self._lower
        features = [(t.tag_, lower(t.lower_), t.dep_, t.is_space) for t in doc]
        multi = self._multi_matches(features) if self._multi else {}
        cache = self._cache
        for i, token in enumerate(doc):
            key = features[i]
            try:
                attrs = cache[key]
            except KeyError:
                attrs = cache[key] = self._rules_for(key)
            extra = multi.get(i)
            if extra is not None:
                attrs = self._with_multi(key, extra)
            if attrs:
                set_token_attrs(token, attrs)
        return doc

    def _multi_matches(self, features: list[_Features]) -> dict[int, list[int]]:
        """Token index -> ids of the multi-token rules that target it."""
        found: dict[int, list[int]] = {}
        first = self._first_cache
        for start, key in enumerate(features):
            maybe = first.get(key)
            if maybe is None:
                maybe = first[key] = any(tests[0](key) for _, tests, _ in self._multi)
            if not maybe:
                continue
            for attr_id, tests, index in self._multi:
                end = start + len(tests)
                if end <= len(features) and all(
                    test(features[start + k]) for k, test in enumerate(tests)
                ):
                    found.setdefault(start + index, []).append(attr_id)
        return found

    def _with_multi(self, features: _Features, extra: list[int]) -> dict[Any, Any]:
        """All rules for one token, single- and multi-token, merged in pattern order."""
        ids = sorted({a for a, test in self._single if test(features)} | set(extra))
        merged: dict[Any, Any] = {}
        for attr_id in ids:
            merged.update(self.attrs[attr_id])
        return merged

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for doc in stream:
            yield self(doc)


@Language.factory(NAME, default_config={"validate": False})
def make_fast_attribute_ruler(nlp: Language, name: str, validate: bool) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.vocab, name, validate=validate)


def speed_up(nlp: Language) -> Language:
    """Swap the model's `attribute_ruler` for `FastAttributeRuler` with the same patterns."""
    if "attribute_ruler" not in nlp.pipe_names:
        return nlp
    old = nlp.get_pipe("attribute_ruler")
    if isinstance(old, FastAttributeRuler) or not isinstance(old, AttributeRuler):
        return nlp
    patterns = old.patterns
    nlp.replace_pipe("attribute_ruler", NAME, config={"validate": old.validate})
    new = nlp.get_pipe("attribute_ruler")
    assert isinstance(new, FastAttributeRuler)
    new.add_patterns(patterns)
    return nlp


def token_attributes(token: Token) -> tuple[str, ...]:
    """What the ruler and the lemmatizer after it may set on a token (for comparisons)."""
    return (token.tag_, token.pos_, token.lemma_, str(token.morph), token.dep_,
            token.norm_, str(token.is_space))
