"""From documents to facts: load the spaCy pipeline and run it over documents.

`load_pipeline` assembles the base English model with the newsfacts components; every
batch goes through `nlp.pipe`, so another program that adds the components to its own
`nlp` gets the same facts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from . import attribute_rules, components, lemmatizer, screening
from .documents import Document, DocumentError
from .errors import ConfigError
from .facts import Fact
from .settings import Settings
from .user_aliases import read_user_aliases

log = logging.getLogger(__name__)

COMPONENTS: tuple[str, ...] = components.PIPE_NAMES
ORGANIZATIONS = components.organizations.NAME


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


def add_components(nlp: Language, *, aliases: str | Path | None = None) -> Language:
    """Add the newsfacts components after the model's own (the line-break marker before its
    parser), skipping any already there.

    `aliases` is a user alias file (companies, aliases and fiscal calendars merged over
    configs/); it becomes the organizations component's `aliases` setting, replacing that
    component when the pipeline already has it.
    """
    config = {"aliases": str(Path(aliases).resolve())} if aliases is not None else {}
    if config and ORGANIZATIONS in nlp.pipe_names:
        nlp.replace_pipe(ORGANIZATIONS, ORGANIZATIONS, config=config)
    for name in components.SENTENCE_NAMES:
        if name not in nlp.pipe_names:
            where = {"before": "parser"} if "parser" in nlp.pipe_names else {"first": True}
            nlp.add_pipe(name, **where)
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=config if name == ORGANIZATIONS else {})
    return nlp


def load_pipeline(model: str | Path | None = None, *, settings: Settings | None = None,
                  aliases: str | Path | None = None) -> Language:
    """A spaCy pipeline that sets `doc._.newsfacts_facts`.

    `model` is a spaCy package name or a directory (for example the assembled pipeline in
    `models/newsfacts-en`); by default the installed English model is used. `aliases` (or
    `settings.aliases`) is a user alias file: YAML with `companies:` and `fiscal_calendars:`
    in the schemas of configs/organizations.yaml and configs/fiscal_calendars.yaml, merged
    over them; a bad file raises `ConfigError` naming it.

    >>> nlp = load_pipeline()
    >>> doc = nlp("Sony posted a net loss of 50 billion yen in 2014.")
    >>> [(f.entity, f.metric, f.value) for f in doc._.newsfacts_facts]
    [('Sony', 'net_income', -50000000000.0)]
    """
    settings = settings or Settings()
    if model is not None:
        settings = settings.model_copy(update={"models": (str(model),)})
    if aliases is None:
        aliases = settings.aliases
    if aliases is not None:
        read_user_aliases(aliases)  # a bad file fails before the model loads
    nlp = lemmatizer.speed_up(
        attribute_rules.speed_up(split_glued_datelines(load_base_model(settings)))
    )
    return add_components(nlp, aliases=aliases)


# A press-release wire's dateline glued to the company: "DENVER--(BUSINESS WIRE)--Acme Inc."
# is one token to the English tokenizer, which hides the company's name from the tagger.
_DATELINE_INFIXES = (r"(?<=[\w)])--(?=[\w(])", r"(?<=-)\((?=[A-Z])", r"(?<=[A-Z])\)(?=-)")


def split_glued_datelines(nlp: Language) -> Language:
    """The model's tokenizer, also splitting a wire's "--(" and ")--" between words."""
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        return nlp  # a caller's own tokenizer is left alone
    pattern = getattr(tokenizer.infix_finditer, "__self__", None)
    current = pattern.pattern if isinstance(pattern, re.Pattern) else ""
    if _DATELINE_INFIXES[0] in current:
        return nlp
    infixes = [*(nlp.Defaults.infixes or ()), *_DATELINE_INFIXES]
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    return nlp


@dataclass(slots=True)
class DocumentResult:
    """What one document gave: its facts, or the error that stopped it."""

    doc_id: str
    facts: list[Fact] = field(default_factory=list)
    error: DocumentError | None = None
    document: Document | None = None


def make_doc(nlp: Language, document: Document, text: str | None = None) -> Doc:
    """A tokenized Doc of `text` (default: the whole document) carrying the document's metadata."""
    doc = nlp.make_doc(document.text if text is None else text)
    doc._.newsfacts_doc_id = document.doc_id
    doc._.newsfacts_published = document.published
    doc._.newsfacts_source = document.source
    return doc


_BREAKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n[^\S\n]*\n\s*"),  # blank line: a paragraph break
    re.compile(r"\n\s*"),
    re.compile(r"(?<=[.!?])\s+"),
    re.compile(r"\s+"),
)


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut `text` into `(offset, piece)` pieces of at most `limit` characters.

    spaCy refuses texts over `nlp.max_length` and its memory grows with the text, so long
    articles go through in pieces. Cuts fall after the last paragraph break that fits, else
    a line break, a sentence end, any space, and only as a last resort mid-word. The pieces
    join back to `text` exactly, so `offset + span` indexes the original.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() > 0]
            if ends:
                cut = ends[-1]
                break
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def default_max_chars(nlp: Language, settings: Settings | None = None) -> int:
    """The longest text given to spaCy in one piece."""
    return min(nlp.max_length, (settings or Settings()).max_chunk_chars)


CONTEXT_CHARS = 2_000


def _segments(text: str, limit: int) -> list[tuple[int, int, str]]:
    """`(start, keep_from, segment)`: each piece of `split_text` with the paragraphs before it.

    The leading context (at most `CONTEXT_CHARS`, starting at a paragraph or line break) lets
    the components see a piece the way they see it in the whole text; facts whose value lies
    in the context belong to the previous piece and are dropped (`keep_from`).
    """
    room = min(CONTEXT_CHARS, limit // 4)
    segments = []
    for offset, piece in split_text(text, limit - room if len(text) > limit else limit):
        start = offset
        if offset:
            lo = max(0, offset - room)
            window = text[lo:offset]
            for pattern in _BREAKS[:2]:
                ends = [m.end() for m in pattern.finditer(window) if m.end() < len(window)]
                if ends:
                    start = lo + ends[0]
                    break
        segments.append((start, offset, text[start : offset + len(piece)]))
    return segments


def process(
    items: Iterable[Document | DocumentError],
    nlp: Language,
    *,
    batch_size: int = 32,
    max_chars: int | None = None,
    screen: bool = True,
) -> Iterator[DocumentResult]:
    """Run `nlp.pipe` over documents, in order; errors pass through and never stop the stream.

    Documents longer than `max_chars` (default: `default_max_chars`) are processed in pieces
    from `split_text`, each with some leading context; their facts keep offsets into the
    whole text. With `screen` (the default), the model reads only what `screening.screen`
    keeps; `screen=False` reads every sentence.
    """
    limit = max_chars or default_max_chars(nlp)
    read = screening.screen if screen else None
    pending: list[Document] = []

    def flush() -> Iterator[DocumentResult]:
        yield from _run_batch(pending, nlp, batch_size, limit, read)
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


def _shifted(facts: Iterable[Fact] | None, start: int, keep_from: int) -> list[Fact]:
    return [
        replace(f, char_start=f.char_start + start, char_end=f.char_end + start) if start else f
        for f in facts or ()
        if f.char_start + start >= keep_from
    ]


def _bounded(
    pieces: list[tuple[int, int, int, str]], batch_size: int, limit: int
) -> Iterator[list[tuple[int, int, int, str]]]:
    """Consecutive groups of at most `batch_size` pieces and about `limit` characters.

    spaCy holds a whole minibatch of Docs (and the model's activations for them) at once, so
    a count alone would put all pieces of a 2 MB article in memory together; bounded by
    characters, a long article goes through one piece at a time and only its facts are kept.
    """
    group: list[tuple[int, int, int, str]] = []
    chars = 0
    for piece in pieces:
        if group and (len(group) >= batch_size or chars + len(piece[3]) > limit):
            yield group
            group, chars = [], 0
        group.append(piece)
        chars += len(piece[3])
    if group:
        yield group


def _run_batch(
    documents: list[Document], nlp: Language, batch_size: int, limit: int,
    read: Callable[[str], str] | None = None,
) -> Iterator[DocumentResult]:
    if not documents:
        return
    pieces = [
        (i, start, keep_from, segment)
        for i, document in enumerate(documents)
        for start, keep_from, segment in _segments(document.text, limit)
    ]
    found: list[list[Fact]] = [[] for _ in documents]
    try:
        for group in _bounded(pieces, batch_size, limit):
            docs = nlp.pipe(
                (make_doc(nlp, documents[i], read(segment) if read else segment)
                 for i, _, _, segment in group),
                batch_size=len(group),
            )
            for (i, start, keep_from, _), doc in zip(group, docs, strict=True):
                found[i].extend(_shifted(doc._.newsfacts_facts, start, keep_from))
    except Exception:  # one bad document must not sink its batch: retry one by one
        log.debug("batch failed, retrying documents one at a time", exc_info=True)
        for document in documents:
            yield _run_one(document, nlp, limit, read)
        return
    for document, facts in zip(documents, found, strict=True):
        yield DocumentResult(document.doc_id, _provenance(facts, document), document=document)


def _run_one(
    document: Document, nlp: Language, limit: int, read: Callable[[str], str] | None = None
) -> DocumentResult:
    facts: list[Fact] = []
    try:
        for start, keep_from, segment in _segments(document.text, limit):
            doc = nlp(make_doc(nlp, document, read(segment) if read else segment))
            facts.extend(_shifted(doc._.newsfacts_facts, start, keep_from))
    except Exception as exc:
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return DocumentResult(document.doc_id, error=DocumentError(document.doc_id, reason))
    return DocumentResult(document.doc_id, _provenance(facts, document), document=document)


def _provenance(facts: list[Fact], document: Document) -> list[Fact]:
    """The document's title and url on each of its facts (FACTS.md section 1)."""
    if document.title is None and document.url is None:
        return facts
    return [replace(f, title=document.title, url=document.url) for f in facts]


def package_version() -> str:
    """The installed newsfacts version (for the model's meta.json and run summaries)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsfacts")
    except PackageNotFoundError:
        return "0+unknown"


def model_version(settings: Settings | None = None) -> tuple[str | None, str | None]:
    """Name and version of the first model of `settings.models` that is installed (a
    package or a pipeline directory), read from its meta data without loading it."""
    for name in (settings or Settings()).models:
        path = Path(name)
        meta_file = path / "meta.json"
        if meta_file.is_file():
            import json

            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            return f"{meta.get('lang', 'xx')}_{meta.get('name', path.name)}", meta.get("version")
        if spacy.util.is_package(name):
            return name, spacy.util.get_package_version(name)
    return None, None


def require_components(nlp: Language) -> None:
    """Raise `ConfigError` naming the newsfacts components `nlp` lacks: without them it
    would give no facts at all, which looks like a text without figures."""
    missing = [name for name in COMPONENTS if name not in nlp.pipe_names]
    if missing:
        raise ConfigError(
            f"the spaCy pipeline lacks the newsfacts components {', '.join(missing)}; "
            "use load_pipeline() or add_components(nlp)")


def extract_facts(
    documents: Iterable[Document | str],
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
    screen: bool = True,
) -> Iterator[Fact]:
    """Facts of every document, in document order; plain strings get ids `doc-0`, `doc-1`, ...

    With `screen` (the default) the model reads only the sentences that can hold a figure
    and their context (`screening`); `screen=False` reads everything.
    Documents that fail are logged and skipped; use `process` to see them. An `nlp`
    without the newsfacts components raises `ConfigError` before any document is read.
    """
    nlp = nlp or load_pipeline()
    require_components(nlp)
    return _extract(documents, nlp, batch_size, screen)


def _extract(documents: Iterable[Document | str], nlp: Language, batch_size: int,
             screen: bool = True) -> Iterator[Fact]:
    docs = (
        d if isinstance(d, Document) else Document(doc_id=f"doc-{i}", text=d)
        for i, d in enumerate(documents)
    )
    for result in process(docs, nlp, batch_size=batch_size, screen=screen):
        if result.error is not None:
            log.warning("%s: %s", result.doc_id, result.error.reason)
        yield from result.facts


def build_model(path: str | Path, *, model: str | None = None,
                aliases: str | Path | None = None) -> Path:
    """Write the assembled pipeline (base model + newsfacts components) to `path`.

    `spacy.load(path)` then gives the same facts as `load_pipeline()`, once `pipeline` is
    imported so the component factories are registered. With `aliases`, the pipeline's
    configuration names that user alias file (by its absolute path), read again at load.
    """
    nlp = load_pipeline(model, aliases=aliases)
    base = f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', 'model')}"
    nlp.meta["name"] = "newsfacts_en"
    nlp.meta["version"] = package_version()
    nlp.meta["description"] = (
        f"newsfacts {package_version()}: structured company facts from news articles. "
        f"{base} {nlp.meta.get('version', '')} with the newsfacts components "
        f"({', '.join(COMPONENTS)}); their language data is read from configs/ at load time"
    )
    nlp.meta["url"] = ""
    nlp.meta["requirements"] = [f"newsfacts=={package_version()}"]
    path = Path(path)
    nlp.to_disk(path)
    return path
