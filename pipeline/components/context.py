"""`newsfacts_context`: the document metadata of `nlp.pipe(..., as_tuples=True)`.

spaCy hands the context of each `(text, context)` pair back beside the Doc only after the
pipeline ran; this first component reads it before the others, so a caller's own
`nlp.pipe(((text, {"doc_id": ..., "published": "2024-01-25"}) ...), as_tuples=True)` gives
facts whose ids and relative periods ("last quarter") are those of the document.
Metadata already on the Doc (`extract.make_doc`) is kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.language import Language
from spacy.tokens import Doc

from ..documents import parse_published

NAME = "newsfacts_context"
FIELDS = ("doc_id", "published", "source")


@Language.factory(NAME, assigns=["doc._.newsfacts_doc_id", "doc._.newsfacts_published", "doc._.newsfacts_source"])
def make_context(nlp: Language, name: str) -> ContextReader:
    return ContextReader()


class ContextReader:
    """Copies `doc_id`, `published` (ISO or another absolute date) and `source` from the
    `as_tuples` context onto the Doc's extensions that are still unset."""

    def __call__(self, doc: Doc) -> Doc:
        context = getattr(doc, "_context", None)
        if not isinstance(context, Mapping):
            return doc
        if doc._.newsfacts_doc_id is None and context.get("doc_id") is not None:
            doc._.newsfacts_doc_id = str(context["doc_id"])
        if doc._.newsfacts_published is None and context.get("published") is not None:
            doc._.newsfacts_published = parse_published(context["published"])
        if doc._.newsfacts_source is None and context.get("source") is not None:
            doc._.newsfacts_source = str(context["source"])
        return doc
