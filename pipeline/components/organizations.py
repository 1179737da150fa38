"""`newsfacts_organizations`: organization mentions with canonical names."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

NAME = "newsfacts_organizations"
SPANS_KEY = "newsfacts_orgs"

if not Span.has_extension("org"):
    Span.set_extension("org", default=None)

_SUFFIX = re.compile(r"\s+(corp|corporation|inc|co|ltd|plc|ag|sa|oyj|group|holdings)\.?$", re.I)


@Language.factory(NAME, assigns=["doc.spans", "span._.org"], requires=["doc.ents"])
def make_organizations(nlp: Language, name: str) -> OrganizationAnnotator:
    return OrganizationAnnotator()


class OrganizationAnnotator:
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for ent in doc.ents:
            if ent.label_ == "ORG":
                ent._.org = _SUFFIX.sub("", ent.text.strip())
                spans.append(ent)
        doc.spans[SPANS_KEY] = spans
        return doc
