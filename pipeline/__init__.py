"""newsfacts: structured company facts from news articles.

The public API is the names in `__all__`; everything else is internal.

>>> from pipeline import load_pipeline, extract_facts
>>> facts = list(extract_facts(["Sony posted a net loss of 50 billion yen in 2014."]))
"""

from __future__ import annotations

import logging

from .documents import Document
from .extract import extract_facts, load_pipeline
from .facts import Fact
from .quantities import find_quantities

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["Document", "Fact", "extract_facts", "find_quantities", "load_pipeline"]
