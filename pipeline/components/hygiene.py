"""`newsfacts_hygiene`: mark text that is not article prose (captions, comments, link lists)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

NAME = "newsfacts_hygiene"
SPANS_KEY = "newsfacts_excluded"


@Language.factory(NAME, assigns=["doc.spans"])
def make_hygiene(nlp: Language, name: str) -> HygieneAnnotator:
    return HygieneAnnotator()


class HygieneAnnotator:
    def __call__(self, doc: Doc) -> Doc:
        doc.spans[SPANS_KEY] = []
        return doc
