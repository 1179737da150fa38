"""The Dask engine writes the same facts as the local engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_batch import lines, write_corpus

from pipeline.batch import extract_corpus
from pipeline.errors import ConfigError

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


@pytest.fixture
def cluster_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A one-worker cluster whose worker runs in another folder than the client."""
    from distributed import LocalCluster

    elsewhere = tmp_path / "worker-cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        client_cwd = tmp_path / "client-cwd"
        client_cwd.mkdir()
        monkeypatch.chdir(client_cwd)
        yield cluster.scheduler_address


@pytest.mark.slow
def test_external_scheduler_with_a_relative_output_runs_on_the_workers(
        tmp_path: Path, cluster_elsewhere: str) -> None:
    corpus = write_corpus(tmp_path / "news.jsonl", 8)
    local = extract_corpus([corpus], tmp_path / "local.jsonl", workers=1, quiet=True,
                           chunk_docs=4)
    dask = extract_corpus([corpus], Path("out") / "facts.jsonl", engine="dask",
                          scheduler=cluster_elsewhere, quiet=True, chunk_docs=4)
    assert dask.redone_here == 0
    assert lines(Path("out") / "facts.jsonl") == lines(tmp_path / "local.jsonl")
    assert dask.facts == local.facts > 0


def test_workers_that_cannot_see_the_output_folder_stop_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import LocalCluster

    import pipeline.batch as batch

    # in-process workers share this module, so they can be made blind to the folder
    monkeypatch.setattr(batch, "_sees_token", lambda path, token: False)
    monkeypatch.setattr(batch, "_dask_plugin", lambda model: pytest.fail("must stop before"))
    corpus = write_corpus(tmp_path / "news.jsonl", 2)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            pytest.raises(ConfigError, match="cannot reach the output folder"):
        extract_corpus([corpus], tmp_path / "facts.jsonl", engine="dask",
                       scheduler=cluster.scheduler_address, quiet=True)
    assert not (tmp_path / "facts.jsonl").exists()


def test_an_unreachable_scheduler_is_a_usage_error_after_a_short_wait(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import pipeline.batch as batch
    from pipeline.cli import EXIT_USAGE, main

    monkeypatch.setattr(batch, "SCHEDULER_TIMEOUT", 2)
    corpus = write_corpus(tmp_path / "news.jsonl", 2)
    started = time.monotonic()
    code = main(["extract", str(corpus), "-o", str(tmp_path / "facts.jsonl"),
                 "--scheduler", "tcp://127.0.0.1:9", "--quiet"])
    assert code == EXIT_USAGE
    assert time.monotonic() - started < 30
    assert not (tmp_path / "facts.jsonl").exists()


@pytest.mark.slow
def test_quiet_silences_the_cluster_logging(tmp_path: Path) -> None:
    import subprocess
    import sys

    corpus = write_corpus(tmp_path / "news.jsonl", 4)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(corpus), "-o",
         str(tmp_path / "facts.jsonl"), "--engine", "dask", "--workers", "1", "--quiet"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]  # the summary line only
    assert "(dask, 1 workers)" in done.stderr and "distributed" not in done.stderr
