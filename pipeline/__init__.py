"""newsfacts: structured company facts from news articles.

The public API is the names in `__all__`; everything else is internal.

    >>> from pipeline import Document, build_fact_table, extract_facts, load_pipeline
    >>> nlp = load_pipeline()
    >>> facts = list(extract_facts(
    ...     [Document("a1", "Acme Corp said net profit rose to EUR 5.2 mn in 2009.")], nlp=nlp))
    >>> table = build_fact_table(facts)

- `load_pipeline(model=None)`: the spaCy pipeline whose `doc._.newsfacts_facts` holds the facts.
- `extract_facts(documents, nlp=...)`: `Fact` records of documents (or plain strings).
- `build_fact_table(facts, existing=None)`: the deduplicated table (FACTS.md section 3).
- `facts_frame(facts)`: mention-level facts as a typed DataFrame; `fact_id` joins the table.
- `evaluate(gold, facts)` with `read_gold(path)`: scoring against gold (section 4).
- `read_documents(paths)`: `Document` or `DocumentError` from every supported container.
- `find_quantities(text)`: the money, percent, count and rate values of a text ("$58 a barrel"
  is a rate with its denominator).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .documents import Document, DocumentError, read_documents
    from .evaluate import evaluate, read_gold
    from .extract import extract_facts, load_pipeline
    from .fact_table import build_fact_table, facts_frame
    from .facts import Fact
    from .quantities import find_quantities

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Imported on first use, so `newsfacts --help` and `import pipeline.facts` do not pay for
# spaCy and pandas.
_HOMES = {
    "Document": "documents", "DocumentError": "documents", "read_documents": "documents",
    "evaluate": "evaluate", "read_gold": "evaluate",
    "extract_facts": "extract", "load_pipeline": "extract",
    "build_fact_table": "fact_table", "facts_frame": "fact_table",
    "Fact": "facts", "find_quantities": "quantities",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Document",
    "DocumentError",
    "Fact",
    "build_fact_table",
    "evaluate",
    "extract_facts",
    "facts_frame",
    "find_quantities",
    "load_pipeline",
    "read_documents",
    "read_gold",
]
