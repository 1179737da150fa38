"""Shared fixtures: the real pipeline is loaded once per session (it takes seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "dev"


@pytest.fixture(scope="session")
def nlp() -> Language:
    from pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not DEV.is_dir():
        pytest.skip("development gold ../shared/dev is not beside the repository")
    return DEV
