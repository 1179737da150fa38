"""One root for every error the library raises, so callers can catch newsfacts alone."""

from __future__ import annotations


class NewsfactsError(Exception):
    """Root of all newsfacts errors."""


class ConfigError(NewsfactsError):
    """Language data in configs/ or settings are invalid; nothing can run."""


class InputError(NewsfactsError):
    """A document or input file cannot be read; the message names which and why."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason


class ExtractionError(NewsfactsError):
    """Extraction failed on one document; the batch goes on without it."""

    def __init__(self, doc_id: str, reason: str) -> None:
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason


class EvaluationError(NewsfactsError):
    """Gold or predictions cannot be scored (malformed gold, unknown document)."""
