"""The model's rule lemmatizer with every answer cached: the same lemmas, cheaper.

spaCy's rule lemmatizer tests each candidate form against the model's `lemma_index`, a
*list* per part of speech (57,528 nouns): about 70 microseconds for each word it has not
seen, 0.8 s of the 1.0 s the lemmatizer took over 500 screened bench stories. It caches
those answers by (word, POS, morphology), but not the base-form shortcut most tokens take
(a singular noun), for which it re-reads the morphology every time. `CachedLemmatizer`
runs the same rules against the index as a set, caches every answer under the same key
(the lemma depends on nothing else), reads the keys of a Doc in one `to_array` and writes
the lemmas back in one `from_array`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Errors, Warnings
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.tokens import Doc, Token

NAME = "newsfacts_lemmatizer"


class CachedLemmatizer(EnglishLemmatizer):
    """`EnglishLemmatizer` whose `__call__` looks lemmas up by (ORTH, POS, MORPH)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lemma_ids: dict[tuple[int, int, int], int] = {}
        self._index_sets: dict[str, frozenset[str]] = {}
        self._index_of: Any = None

    def _index(self, univ_pos: str) -> frozenset[str]:
        table = self.lookups.get_table("lemma_index", {})
        if table is not self._index_of:  # new lookups (from_disk, initialize)
            self._index_sets, self._index_of = {}, table
        try:
            return self._index_sets[univ_pos]
        except KeyError:
            found = self._index_sets[univ_pos] = frozenset(table.get(univ_pos, ()))
            return found

    def rule_lemmatize(self, token: Token) -> list[str]:
        """spaCy's `Lemmatizer.rule_lemmatize` (3.8) line for line, `form in index` on a set."""
        cache_key = (token.orth, token.pos, token.morph.key)  # type: ignore[attr-defined]
        if cache_key in self.cache:
            return self.cache[cache_key]
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space"):
            if univ_pos == "":
                warnings.warn(Warnings.W108, stacklevel=2)
            return [string.lower()]
        if self.is_base_form(token):
            return [string.lower()]
        exc_table = self.lookups.get_table("lemma_exc", {})
        rules_table = self.lookups.get_table("lemma_rules", {})
        index = self._index(univ_pos)
        if not (index or exc_table.get(univ_pos) or rules_table.get(univ_pos)):
            if univ_pos == "propn":
                return [string]
            return [string.lower()]
        exceptions = exc_table.get(univ_pos, {})
        rules = rules_table.get(univ_pos, {})
        orig = string
        string = string.lower()
        forms: list[str] = []
        oov_forms = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index or not form.isalpha():
                    if form in index:
                        forms.insert(0, form)
                    else:
                        forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        if not forms:
            forms.append(orig)
        self.cache[cache_key] = forms
        return forms

    def __call__(self, doc: Doc) -> Doc:
        if self.mode != "rule" or not len(doc):
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables(Errors.E1004)
        error_handler = self.get_error_handler()
        try:
            rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
            cache = self._lemma_ids
            strings = self.vocab.strings
            lemmas = rows[:, 3].copy()
            changed = False
            for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
                if lemma and not self.overwrite:
                    continue
                key = (orth, pos, morph)
                found = cache.get(key)
                if found is None:
                    found = cache[key] = strings.add(self.lemmatize(doc[i])[0])
                if found != lemma:
                    lemmas[i] = found
                    changed = True
            if changed:
                doc.from_array([LEMMA], lemmas.reshape(-1, 1).astype(numpy.uint64))  # type: ignore[arg-type]
            return doc
        except Exception as e:
            error_handler(self.name, self, [doc], e)
            return doc


@Language.factory(
    NAME,
    assigns=["token.lemma"],
    default_config={"model": None, "mode": "rule", "overwrite": False,
                    "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
)
def make_cached_lemmatizer(nlp: Language, model: Any, name: str, mode: str, overwrite: bool,
                           scorer: Any) -> CachedLemmatizer:
    return CachedLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite,
                            scorer=scorer)


def speed_up(nlp: Language) -> Language:
    """Swap the model's English rule `lemmatizer` for `CachedLemmatizer` (same tables)."""
    if "lemmatizer" not in nlp.pipe_names:
        return nlp
    old = nlp.get_pipe("lemmatizer")
    if type(old) is not EnglishLemmatizer or old.mode != "rule":
        return nlp
    nlp.replace_pipe("lemmatizer", NAME, config={"mode": old.mode, "overwrite": old.overwrite})
    new = nlp.get_pipe("lemmatizer")
    assert isinstance(new, CachedLemmatizer)
    new.lookups = old.lookups
    new._validated = old._validated
    return nlp
