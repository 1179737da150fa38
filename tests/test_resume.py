"""An interrupted `extract` resumed with --resume ends with exactly a clean run's output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_batch import lines, write_corpus

from pipeline.batch import CHUNK_DOCS, extract_corpus

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A corpus of several chunks, and the facts of an uninterrupted run over it."""
    folder = tmp_path_factory.mktemp("resume")
    # enough chunks to interrupt it: screened, a chunk of these short texts takes ~0.2 s
    corpus = write_corpus(folder / "news.jsonl", CHUNK_DOCS * 24)
    clean = folder / "clean.jsonl"
    extract_corpus([corpus], clean, workers=1, quiet=True)
    return corpus, lines(clean)


def start(corpus: Path, output: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", str(corpus), "-o", str(output),
         "--workers", "1", "--quiet", *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_progress(process: subprocess.Popen[str], parts: Path, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = len(list(parts.glob("*.done.json"))) if parts.is_dir() else 0
        if done:
            return done
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.05)
    raise AssertionError("no chunk finished in time")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_run_resumes_to_the_clean_output(
    corpus: tuple[Path, list[str]], tmp_path: Path, sig: signal.Signals
) -> None:
    documents, clean = corpus
    output = tmp_path / "facts.jsonl"
    first = start(documents, output)
    wait_for_progress(first, tmp_path / "facts.jsonl.work" / "parts")
    os.kill(first.pid, sig)
    first.communicate(timeout=60)
    assert first.returncode == -sig
    assert not output.exists(), "the run finished before it could be interrupted"

    second = start(documents, output, "--resume")
    _, stderr = second.communicate(timeout=300)

    assert second.returncode == 0, stderr
    assert "resumed" in stderr
    assert lines(output) == clean
    assert len(set(lines(output))) == len(clean)
    assert not (tmp_path / "facts.jsonl.work").exists()


def test_ctrl_c_says_how_to_resume_and_exits_130(
    corpus: tuple[Path, list[str]], tmp_path: Path
) -> None:
    documents, clean = corpus
    output = tmp_path / "facts.jsonl"
    first = start(documents, output)
    wait_for_progress(first, tmp_path / "facts.jsonl.work" / "parts")
    first.send_signal(signal.SIGINT)
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "--resume" in stderr
    second = start(documents, output, "--resume")
    _, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr
    assert lines(output) == clean


@pytest.mark.parametrize("resume", [False, True])
def test_stale_work_is_never_mixed_in(
    corpus: tuple[Path, list[str]], tmp_path: Path, resume: bool
) -> None:
    """Old parts count only with --resume and the same inputs; here the manifest differs."""
    documents, clean = corpus
    output = tmp_path / "facts.jsonl"
    stale = tmp_path / "facts.jsonl.work" / "parts"
    stale.mkdir(parents=True)
    (stale.parent / "manifest.json").write_text('{"inputs": ["other.jsonl"]}', encoding="utf-8")
    (stale / "0000000.done.json").write_text(
        '{"index": 0, "documents": 1, "failed": 0, "facts": 1, "gold": 0}', encoding="utf-8")
    (stale / "0000000.facts.jsonl").write_text(clean[-1] + "\n", encoding="utf-8")
    (stale / "0000000.errors.jsonl").write_text("", encoding="utf-8")

    summary = extract_corpus([documents], output, workers=1, quiet=True, resume=resume)

    assert summary.resumed_chunks == 0
    assert lines(output) == clean
