"""The Dask engine writes the same facts as the local engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_batch import lines, write_corpus

from pipeline.batch import extract_corpus

pytest.importorskip("distributed")


@pytest.mark.slow
def test_dask_local_cluster_matches_local_engine(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "news.jsonl", 24)
    local = extract_corpus([corpus], tmp_path / "local.jsonl", workers=1, quiet=True,
                           chunk_docs=4)
    dask = extract_corpus([corpus], tmp_path / "dask.jsonl", workers=2, engine="dask",
                          quiet=True, chunk_docs=4)
    assert local.facts > 0
    assert dask.engine == "dask" and dask.workers == 2
    assert lines(tmp_path / "dask.jsonl") == lines(tmp_path / "local.jsonl")
    assert (dask.documents, dask.failed, dask.facts) == (local.documents, 0, local.facts)
