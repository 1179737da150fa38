"""The newsfacts spaCy components, registered with `@Language.factory` on import.

Order matters and reads top-down: hygiene marks what is not article text, values,
periods, organizations and metric cues annotate spans, and `newsfacts_facts` joins them
into `doc._.facts`. Each component reads only the annotations of those before it.
"""

from __future__ import annotations

from spacy.tokens import Doc

for _name, _default in (("doc_id", None), ("published", None), ("source", None), ("facts", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

from . import assembly, hygiene, metrics, organizations, periods, values  # noqa: E402

PIPE_NAMES: tuple[str, ...] = (
    hygiene.NAME,
    values.NAME,
    periods.NAME,
    organizations.NAME,
    metrics.NAME,
    assembly.NAME,
)

__all__ = ["PIPE_NAMES"]
