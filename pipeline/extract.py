"""From documents to facts: load the spaCy pipeline and run it over documents.

`load_pipeline` assembles the base English model with the newsfacts components; every
batch goes through `nlp.pipe`, so another program that adds the components to its own
`nlp` gets the same facts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components
from .documents import Document, DocumentError
from .errors import ConfigError
from .facts import Fact
from .settings import Settings

log = logging.getLogger(__name__)

COMPONENTS: tuple[str, ...] = components.PIPE_NAMES


def load_base_model(settings: Settings | None = None) -> Language:
    """The first English model of `settings.models` that is installed."""
    settings = settings or Settings()
    tried = []
    for name in settings.models:
        try:
            return spacy.load(name)
        except OSError as exc:
            tried.append(f"{name} ({str(exc).splitlines()[0][:80]})")
    raise ConfigError("no spaCy model could be loaded; tried: " + "; ".join(tried))


def add_components(nlp: Language) -> Language:
    """Add the newsfacts components after the model's own, skipping any already there."""
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def load_pipeline(model: str | Path | None = None, *, settings: Settings | None = None) -> Language:
    """A spaCy pipeline that sets `doc._.facts`.

    `model` is a spaCy package name or a directory (for example the assembled pipeline in
    `models/newsfacts-en`); by default the installed English model is used.

    >>> nlp = load_pipeline()
    >>> doc = nlp("Sony posted a net loss of 50 billion yen in 2014.")
    >>> [(f.entity, f.metric, f.value) for f in doc._.facts]
    [('Sony', 'net_income', -50000000000.0)]
    """
    settings = settings or Settings()
    if model is not None:
        settings = settings.model_copy(update={"models": (str(model),)})
    return add_components(load_base_model(settings))


@dataclass(slots=True)
class DocumentResult:
    """What one document gave: its facts, or the error that stopped it."""

    doc_id: str
    facts: list[Fact] = field(default_factory=list)
    error: DocumentError | None = None
    document: Document | None = None


def make_doc(nlp: Language, document: Document) -> Doc:
    """A tokenized Doc carrying the document's metadata for the components."""
    doc = nlp.make_doc(document.text)
    doc._.doc_id = document.doc_id
    doc._.published = document.published
    doc._.source = document.source
    return doc


def process(
    items: Iterable[Document | DocumentError],
    nlp: Language,
    *,
    batch_size: int = 32,
) -> Iterator[DocumentResult]:
    """Run `nlp.pipe` over documents, in order; errors pass through and never stop the stream."""
    pending: list[Document] = []

    def flush() -> Iterator[DocumentResult]:
        yield from _run_batch(pending, nlp, batch_size)
        pending.clear()

    for item in items:
        if isinstance(item, DocumentError):
            yield from flush()
            yield DocumentResult(item.doc_id, error=item)
            continue
        pending.append(item)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def _run_batch(
    documents: list[Document], nlp: Language, batch_size: int
) -> Iterator[DocumentResult]:
    if not documents:
        return
    try:
        docs = list(nlp.pipe((make_doc(nlp, d) for d in documents), batch_size=batch_size))
    except Exception:  # one bad document must not sink its batch: retry one by one
        log.debug("batch failed, retrying documents one at a time", exc_info=True)
        for document in documents:
            yield _run_one(document, nlp)
        return
    for document, doc in zip(documents, docs, strict=True):
        yield DocumentResult(document.doc_id, list(doc._.facts), document=document)


def _run_one(document: Document, nlp: Language) -> DocumentResult:
    try:
        doc = nlp(make_doc(nlp, document))
    except Exception as exc:
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return DocumentResult(document.doc_id, error=DocumentError(document.doc_id, reason))
    return DocumentResult(document.doc_id, list(doc._.facts), document=document)


def extract_facts(
    documents: Iterable[Document | str],
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
) -> Iterator[Fact]:
    """Facts of every document, in document order; plain strings get ids `doc-0`, `doc-1`, ...

    Documents that fail are logged and skipped; use `process` to see them.
    """
    nlp = nlp or load_pipeline()
    docs = (
        d if isinstance(d, Document) else Document(doc_id=f"doc-{i}", text=d)
        for i, d in enumerate(documents)
    )
    for result in process(docs, nlp, batch_size=batch_size):
        if result.error is not None:
            log.warning("%s: %s", result.doc_id, result.error.reason)
        yield from result.facts


def build_model(path: str | Path, *, model: str | None = None) -> Path:
    """Write the assembled pipeline (base model + newsfacts components) to `path`.

    `spacy.load(path)` then gives the same facts as `load_pipeline()`, once `pipeline` is
    imported so the component factories are registered.
    """
    nlp = load_pipeline(model)
    path = Path(path)
    nlp.to_disk(path)
    return path
