"""Batch runs over corpora: extract to a facts file, or extract + aggregate + report.

The corpus streams through in chunks of documents. Each chunk is processed by a worker
(in this process, a process pool, or a Dask cluster) into part files under
`<output>.work/`, finished by an atomic rename and a `.done.json` marker; the final outputs
are the parts concatenated in chunk order. So memory does not grow with the corpus, the
output is the same for any number of workers or engine, and an interrupted run resumes
from its last finished chunk.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import csv
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .documents import Columns, Document, DocumentError, read_documents
from .errors import ConfigError, InputError
from .facts import FACT_COLUMNS, read_facts
from .output_paths import refuse_overwriting_inputs
from .settings import Settings
from .user_aliases import read_user_aliases, use_user_aliases

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

CHUNK_DOCS = 32
CHUNK_CHARS = 1_000_000
WORK_FORMAT = 1
KEPT_ERRORS = 20
SCHEDULER_TIMEOUT = 10
OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")
CONTAINERS = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".csv", ".parquet")
RUN_OUTPUTS = ("facts.jsonl", "facts.jsonl.work", "errors.jsonl", "fact_table.parquet",
               "fact_table.csv", "report.html", "summary.json")

Item = Document | DocumentError


@dataclass(slots=True)
class BatchSummary:
    """What a batch run did; `failed > 0` means some documents are in the errors file."""

    documents: int = 0
    failed: int = 0
    facts: int = 0
    seconds: float = 0.0
    workers: int = 1
    engine: str = "local"
    resumed_chunks: int = 0
    redone_here: int = 0
    gold_documents: int = 0
    table_rows: int | None = None
    conflicts: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[DocumentError] = field(default_factory=list)
    errors_path: Path | None = None
    output: Path | None = None
    evaluation: dict[str, Any] | None = None
    inputs: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str | None] = field(default_factory=dict)

    def describe(self) -> str:
        text = (f"{self.documents} documents, {self.failed} failed, {self.facts} facts "
                f"in {self.seconds:.1f}s ({self.engine}, {self.workers} workers)")
        if self.table_rows is not None:
            text += f"; {self.table_rows} table rows, {self.conflicts or 0} conflicts"
        if self.resumed_chunks:
            text += f"; resumed: {self.resumed_chunks} chunks reused"
        if self.redone_here:
            text += f"; {self.redone_here} chunks failed in a worker and were redone here"
        if self.output is not None:
            text += f" -> {self.output}"
        if self.failed and self.errors_path is not None:
            text += f"; errors in {self.errors_path}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "failed": self.failed,
            "facts": self.facts,
            "table_rows": self.table_rows,
            "conflicts": self.conflicts,
            "gold_documents": self.gold_documents,
            "workers": self.workers,
            "engine": self.engine,
            "resumed_chunks": self.resumed_chunks,
            "redone_here": self.redone_here,
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "evaluation": self.evaluation,
            "inputs": self.inputs,
            "settings": self.settings,
            "versions": self.versions,
        }


@dataclass(frozen=True, slots=True)
class _Job:
    """Everything a worker needs to turn one chunk into part files; picklable."""

    workdir: str
    model: str | None
    batch_size: int
    max_chars: int
    aliases: str | None = None
    screen: bool = True


def extract_corpus(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    quiet: bool = False,
    model: str | None = None,
    settings: Settings | None = None,
    chunk_docs: int = CHUNK_DOCS,
    text_column: str = "text",
    id_column: str | None = None,
    published_column: str | None = None,
    aliases: str | Path | None = None,
) -> BatchSummary:
    """Facts of every document of `inputs` into `output` (.jsonl, .csv or .parquet).

    Documents that cannot be read or processed go to `<output stem>.errors.jsonl`.
    `aliases` is a user alias file merged over configs/ (`pipeline.user_aliases`).
    """
    output = Path(output)
    errors_path = output.with_name(output.stem + ".errors.jsonl")
    refuse_overwriting_inputs(inputs, [output, errors_path, _workdir(output)])
    summary = _extract_stage(
        inputs, output, errors_path, workers=workers, engine=engine, scheduler=scheduler,
        resume=resume, quiet=quiet, model=model, settings=settings, chunk_docs=chunk_docs,
        columns=Columns(text_column, id_column, published_column), aliases=aliases,
    )
    shutil.rmtree(_workdir(output), ignore_errors=True)
    return summary


def run_corpus(
    inputs: Sequence[str | Path],
    outdir: str | Path,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    quiet: bool = False,
    model: str | None = None,
    settings: Settings | None = None,
    chunk_docs: int = CHUNK_DOCS,
    text_column: str = "text",
    id_column: str | None = None,
    published_column: str | None = None,
    aliases: str | Path | None = None,
) -> BatchSummary:
    """Extract, aggregate and report into `outdir`.

    Writes facts.jsonl, errors.jsonl, fact_table.parquet, fact_table.csv, report.html and
    summary.json (last, so its presence means the run finished). When the documents carry
    gold facts the report and summary include the evaluation.
    """
    try:
        from .fact_table import build_fact_table, write_fact_table
        from .report import write_report
    except ImportError as exc:
        raise ConfigError(f"`run` needs the fact table and report modules: {exc}") from exc

    outdir = Path(outdir)
    refuse_overwriting_inputs(inputs, [outdir, *(outdir / name for name in RUN_OUTPUTS)])
    if outdir.exists() and not outdir.is_dir():
        raise InputError(str(outdir), "exists and is not a directory: `run -o` names the "
                         "folder that receives facts, table, report and summary")
    created = not outdir.exists()
    outdir.mkdir(parents=True, exist_ok=True)
    facts_path, errors_path = outdir / "facts.jsonl", outdir / "errors.jsonl"
    started = time.perf_counter()
    try:
        summary = _extract_stage(
            inputs, facts_path, errors_path, workers=workers, engine=engine,
            scheduler=scheduler, resume=resume, quiet=quiet, model=model, settings=settings,
            chunk_docs=chunk_docs, columns=Columns(text_column, id_column, published_column),
            aliases=aliases,
        )
    except ConfigError:
        if created and not any(outdir.iterdir()):
            outdir.rmdir()
        raise
    summary.output = outdir
    timings = summary.timings

    with _timed(timings, "aggregate"):
        facts = list(read_facts(facts_path))
        table = build_fact_table(facts)
    with _timed(timings, "write_table"):
        write_fact_table(table, outdir / "fact_table.parquet")
        write_fact_table(table, outdir / "fact_table.csv")
    summary.table_rows = len(table)
    summary.conflicts = int(table["conflict"].sum()) if "conflict" in table.columns else 0

    if summary.gold_documents:
        with _timed(timings, "evaluate"):
            summary.evaluation = _evaluate(inputs, facts).to_dict()

    with _timed(timings, "report"):
        documents = [
            d for d in read_documents(inputs, text_column=text_column, id_column=id_column,
                                      published_column=published_column)
            if isinstance(d, Document)
        ]
        errors = list(_read_errors(errors_path))
        summary.seconds = time.perf_counter() - started
        shown = {k: v for k, v in summary.to_dict().items() if k != "evaluation"}
        write_report(outdir / "report.html", documents=documents, facts=facts, table=table,
                     evaluation=summary.evaluation, errors=errors, summary=shown)
    summary.seconds = time.perf_counter() - started
    _write_atomic(outdir / "summary.json",
                  json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n")
    shutil.rmtree(_workdir(facts_path), ignore_errors=True)
    return summary


def _evaluate(inputs: Sequence[str | Path], facts: list[Any]) -> Any:
    """Score against the gold carried by the inputs' JSONL files."""
    try:
        from .evaluate import evaluate, read_gold
    except ImportError as exc:
        raise ConfigError(f"the documents carry gold but evaluation is missing: {exc}") from exc
    gold: list[Any] = []
    for raw in inputs:
        path = Path(raw)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.name.lower().endswith((".jsonl", ".jsonl.gz")):
                gold.extend(read_gold(file))
    return evaluate(gold, facts)


def _extract_stage(
    inputs: Sequence[str | Path],
    output: Path,
    errors_path: Path,
    *,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    resume: bool,
    quiet: bool,
    model: str | None,
    settings: Settings | None,
    chunk_docs: int,
    columns: Columns,
    aliases: str | Path | None = None,
) -> BatchSummary:
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ValueError(f"unknown output format {output.suffix!r}: use .jsonl, .csv or .parquet")
    if engine not in ("local", "dask"):
        raise ConfigError(f"unknown engine {engine!r}: use local or dask")
    settings = settings or Settings()
    if model is not None:
        settings = settings.model_copy(update={"models": (str(model),)})
    if aliases is not None:
        settings = settings.model_copy(update={"aliases": str(aliases)})
    if settings.aliases is not None:  # absolute, for workers in other folders; checked now
        user_file = str(Path(settings.aliases).resolve())
        read_user_aliases(user_file)
        settings = settings.model_copy(update={"aliases": user_file})
    cores = os.cpu_count() or 1
    if workers is not None and workers > cores and not scheduler:
        log.warning("--workers %d is more than the %d cores here; using %d", workers, cores,
                    cores)
        workers = cores
    workers = max(1, workers or cores)
    started = time.perf_counter()
    summary = BatchSummary(workers=workers, engine=engine, output=output, errors_path=errors_path)
    summary.inputs = [str(Path(p).resolve()) for p in inputs]
    summary.settings = {
        "workers": workers, "engine": engine, "scheduler": scheduler, "resume": resume,
        "models": list(settings.models), "batch_size": settings.batch_size,
        "max_chunk_chars": settings.max_chunk_chars, "chunk_docs": chunk_docs,
        "screen_sentences": settings.screen_sentences,
        "text_column": columns.text, "id_column": columns.id,
        "published_column": columns.published, "aliases": settings.aliases,
    }
    summary.versions = _versions(settings)

    workdir = _workdir(output).resolve()  # absolute: workers may run in another folder
    job = _Job(str(workdir), model, settings.batch_size, settings.max_chunk_chars,
               settings.aliases, settings.screen_sentences)
    fingerprint = {**_fingerprint(inputs, job, chunk_docs), "columns": list(
        (columns.text, columns.id, columns.published))}
    done = _prepare_workdir(workdir, fingerprint, resume=resume)
    summary.resumed_chunks = len(done)

    documents = read_documents(inputs, text_column=columns.text, id_column=columns.id,
                               published_column=columns.published)
    chunks = _chunks(documents, max_docs=chunk_docs, max_chars=CHUNK_CHARS)
    try:
        with (
            _timed(summary.timings, "extract"),
            _make_engine(engine, workers, scheduler, job) as run,
            _progress(quiet, inputs) as bar,
        ):
            metas = _drive(chunks, run, job, done, bar, summary)
    except ConfigError:  # no usable engine: leave nothing behind unless there is work to keep
        if not done:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    with _timed(summary.timings, "write_facts"):
        _concat_facts(workdir, len(metas), output)
        _concat_lines([_part(workdir, i, "errors.jsonl") for i in range(len(metas))], errors_path)

    for meta in metas:
        summary.documents += meta["documents"]
        summary.failed += meta["failed"]
        summary.facts += meta["facts"]
        summary.gold_documents += meta["gold"]
    summary.errors = list(_read_errors(errors_path, limit=KEPT_ERRORS))
    summary.seconds = time.perf_counter() - started
    return summary


# -- chunks and part files ------------------------------------------------------------------


def _workdir(output: Path) -> Path:
    return output.with_name(output.name + ".work")


def _part(workdir: Path | str, index: int, kind: str) -> Path:
    return Path(workdir) / "parts" / f"{index:07d}.{kind}"


def _chunks(items: Iterable[Item], *, max_docs: int, max_chars: int) -> Iterator[list[Item]]:
    """Consecutive groups of items; the cut depends on the input only, never on the engine."""
    chunk: list[Item] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item.text) if isinstance(item, Document) else 0
        if len(chunk) >= max_docs or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


@functools.cache
def _pipeline(model: str | None, aliases: str | None = None) -> Language:
    """The spaCy pipeline, loaded once per process (main, pool worker or Dask worker)."""
    from .extract import load_pipeline

    return load_pipeline(model, aliases=aliases)


def process_chunk(index: int, items: list[Item], job: _Job) -> dict[str, int]:
    """Extract one chunk into its part files; the `.done.json` marker is written last."""
    from .extract import process

    nlp = _pipeline(job.model, job.aliases)
    use_user_aliases(job.aliases)  # the user file of this job, whichever pipeline came last
    facts_part = _part(job.workdir, index, "facts.jsonl")
    errors_part = _part(job.workdir, index, "errors.jsonl")
    meta = {"index": index, "documents": 0, "failed": 0, "facts": 0, "gold": 0}
    facts_tmp = facts_part.with_name(facts_part.name + ".tmp")
    errors_tmp = errors_part.with_name(errors_part.name + ".tmp")
    with (
        facts_tmp.open("w", encoding="utf-8") as facts_out,
        errors_tmp.open("w", encoding="utf-8") as errors_out,
    ):
        results = process(items, nlp, batch_size=job.batch_size, max_chars=job.max_chars,
                          screen=job.screen)
        for item, result in zip(items, results, strict=True):
            meta["documents"] += 1
            if isinstance(item, Document) and item.gold is not None:
                meta["gold"] += 1
            if result.error is not None:
                meta["failed"] += 1
                errors_out.write(json.dumps(result.error.to_dict(), ensure_ascii=False) + "\n")
                continue
            for fact in result.facts:
                facts_out.write(json.dumps(fact.to_dict(), ensure_ascii=False) + "\n")
                meta["facts"] += 1
    facts_tmp.replace(facts_part)
    errors_tmp.replace(errors_part)
    _write_atomic(_part(job.workdir, index, "done.json"), json.dumps(meta))
    return meta


def _fingerprint(inputs: Sequence[str | Path], job: _Job, chunk_docs: int) -> dict[str, Any]:
    """What must not change between an interrupted run and its resumption."""
    files = []
    for raw in inputs:
        path = Path(raw)
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                stat = file.stat()
                files.append([str(file.resolve()), stat.st_size, stat.st_mtime_ns])
    digest = hashlib.sha256(json.dumps(files).encode()).hexdigest()
    return {"format": WORK_FORMAT, "inputs": [str(Path(p).resolve()) for p in inputs],
            "files": digest, "model": job.model, "aliases": _file_digest(job.aliases),
            "chunk_docs": chunk_docs,
            "chunk_chars": CHUNK_CHARS, "max_chars": job.max_chars, "batch_size": job.batch_size,
            **({"screen": True} if job.screen else {})}


def _file_digest(path: str | None) -> list[str] | None:
    if path is None:
        return None
    return [path, hashlib.sha256(Path(path).read_bytes()).hexdigest()]


def _prepare_workdir(workdir: Path, fingerprint: dict[str, Any], *, resume: bool
                     ) -> dict[int, dict[str, int]]:
    """Finished chunks to reuse (only with `resume` and unchanged inputs); else a clean dir."""
    manifest = workdir / "manifest.json"
    if resume and manifest.exists():
        try:
            same = json.loads(manifest.read_text(encoding="utf-8")) == fingerprint
        except ValueError:
            same = False
        if same:
            done = {}
            for marker in sorted((workdir / "parts").glob("*.done.json")):
                meta = json.loads(marker.read_text(encoding="utf-8"))
                done[int(meta["index"])] = meta
            log.info("resuming: %d finished chunks in %s", len(done), workdir)
            return done
        log.warning("inputs or options changed since the interrupted run; starting afresh")
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "parts").mkdir(parents=True)
    _write_atomic(manifest, json.dumps(fingerprint, indent=1))
    return {}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _concat_lines(parts: list[Path], path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out)
    tmp.replace(path)


def _concat_facts(workdir: Path, count: int, output: Path) -> None:
    """The facts parts, in chunk order, as one file in the output's format."""
    parts = [_part(workdir, i, "facts.jsonl") for i in range(count)]
    suffix = output.suffix.lower()
    if suffix == ".jsonl":
        _concat_lines(parts, output)
        return
    tmp = output.with_name(output.name + ".tmp")
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FACT_COLUMNS)
            writer.writeheader()
            for part in parts:
                writer.writerows(_json_lines(part))
    else:
        import pyarrow.parquet as pq

        from .facts import arrow_schema, arrow_table

        with pq.ParquetWriter(tmp, arrow_schema()) as writer:
            for part in parts:
                writer.write_table(arrow_table(_json_lines(part)))
    tmp.replace(output)


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _read_errors(path: Path, limit: int | None = None) -> Iterator[DocumentError]:
    if not path.exists():
        return
    for number, row in enumerate(_json_lines(path)):
        if limit is not None and number >= limit:
            return
        yield DocumentError(row["doc_id"], row["reason"], row.get("path"))


# -- engines ----------------------------------------------------------------------------------


class _Engine(Protocol):
    slots: int

    def submit(self, index: int, items: list[Item]) -> Any: ...

    def wait_any(self, futures: Iterable[Any]) -> set[Any]: ...

    def recover(self, error: BaseException) -> None: ...


def _drive(chunks: Iterator[list[Item]], engine: _Engine, job: _Job,
           done: dict[int, dict[str, int]], bar: Any, summary: BatchSummary
           ) -> list[dict[str, int]]:
    """Submit unfinished chunks with a bounded number in flight; metas in chunk order.

    A chunk whose worker failed is redone in this process and counted in
    `summary.redone_here`, so a cluster that does no work cannot pass unnoticed."""
    metas: dict[int, dict[str, int]] = {}
    in_flight: dict[Any, tuple[int, list[Item]]] = {}

    def collect(finished: Iterable[Any]) -> None:
        for future in finished:
            index, items = in_flight.pop(future)
            try:
                meta = future.result()
            except Exception as exc:  # a dead worker: redo its chunk here, one by one
                log.warning("chunk %d failed in a worker (%s); processing it here", index, exc)
                engine.recover(exc)
                meta = process_chunk(index, items, job)
                summary.redone_here += 1
            metas[index] = meta
            bar.update(meta["documents"])
            bar.set_postfix(facts=sum(m["facts"] for m in metas.values()), refresh=False)

    for index, items in enumerate(chunks):
        if index in done:
            metas[index] = done[index]
            bar.update(done[index]["documents"])
            continue
        while len(in_flight) >= engine.slots:
            collect(engine.wait_any(list(in_flight)))
        in_flight[engine.submit(index, items)] = (index, items)
    while in_flight:
        collect(engine.wait_any(list(in_flight)))
    return [metas[i] for i in range(len(metas))]


class _InlineEngine:
    """One worker: this process, no pickling."""

    slots = 1

    def __init__(self, job: _Job) -> None:
        self.job = job

    def submit(self, index: int, items: list[Item]) -> cf.Future[dict[str, int]]:
        future: cf.Future[dict[str, int]] = cf.Future()
        try:
            future.set_result(process_chunk(index, items, self.job))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        return set(futures)

    def recover(self, error: BaseException) -> None:
        return None

    def close(self) -> None:
        return None


def _init_pool_worker(model: str | None, aliases: str | None, parent: int) -> None:
    """Load the pipeline once; leave Ctrl-C to the parent; die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    _pipeline(model, aliases)


class _PoolEngine:
    """This process plus `workers - 1` worker processes started with spawn (no fork of a
    loaded model or of threads).

    The parent is one of the workers: chunks go to the pool, and whenever the parent would
    wait for one it takes a chunk no worker has started yet (cancelled in the pool) and
    processes it itself. So both cores work from the first chunk on (the parent loads its
    model while the worker loads its own) and, at the end, the last chunks are shared
    instead of queued behind one worker.
    """

    def __init__(self, workers: int, job: _Job) -> None:
        self.workers, self.job = workers, job
        self.slots = 2 * workers
        self.pool = self._start()
        self._pending: dict[cf.Future[dict[str, int]], tuple[cf.Future[dict[str, int]],
                                                             int, list[Item]]] = {}

    def _start(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=max(1, self.workers - 1),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_pool_worker, initargs=(self.job.model, self.job.aliases, os.getpid()))

    def submit(self, index: int, items: list[Item]) -> cf.Future[dict[str, int]]:
        mine: cf.Future[dict[str, int]] = cf.Future()
        theirs = self.pool.submit(process_chunk, index, items, self.job)
        self._pending[mine] = (theirs, index, items)

        def relay(done: cf.Future[dict[str, int]]) -> None:
            if done.cancelled():
                return
            error = done.exception()
            if error is not None:
                mine.set_exception(error)
            else:
                mine.set_result(done.result())

        theirs.add_done_callback(relay)
        return mine

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        futures = list(futures)
        finished = {f for f in futures if f.done()}
        if not finished:
            finished = self._steal(futures)
        while not finished:
            finished, _ = cf.wait(futures, timeout=1.0, return_when=cf.FIRST_COMPLETED)
            if not finished and getattr(self.pool, "_broken", False):
                # a dead worker: the pool may not fail every future (a cancelled one trips
                # it up), so fail the rest here and `_drive` redoes them in this process
                error = cf.process.BrokenProcessPool("a worker process died")
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
                finished = set(futures)
        for future in finished:
            self._pending.pop(future, None)
        return finished

    def _steal(self, futures: list[Any]) -> set[Any]:
        """Process here the last submitted chunk that no worker has started, if any."""
        for mine in reversed(futures):
            theirs, index, items = self._pending[mine]
            if theirs.cancel():
                try:
                    mine.set_result(process_chunk(index, items, self.job))
                except Exception as exc:
                    mine.set_exception(exc)
                return {mine}
        return set()

    def recover(self, error: BaseException) -> None:
        if isinstance(error, cf.process.BrokenProcessPool):
            self.pool.shutdown(wait=False, cancel_futures=True)
            for mine, (theirs, _, _) in self._pending.items():
                if theirs.cancelled() and not mine.done():  # redone here by `_drive`
                    mine.set_exception(error)
            self.pool = self._start()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _sees_token(path: str, token: str) -> bool:
    """Run on each Dask worker: whether it reads what the client wrote at `path`."""
    try:
        return Path(path).read_text(encoding="utf-8") == token
    except OSError:
        return False


def _dask_plugin(model: str | None, aliases: str | None) -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadPipeline(WorkerPlugin):
        """Load the pipeline once when a worker starts, not in its first task."""

        name = "newsfacts-pipeline"

        def setup(self, worker: Any) -> None:
            _pipeline(model, aliases)

    return LoadPipeline()


class _DaskEngine:
    """A Dask cluster: a LocalCluster of processes, or the scheduler at `address`.

    Workers write part files into the work directory, so a remote cluster needs it on a
    shared file system, and `pipeline` installed.
    """

    def __init__(self, workers: int, address: str | None, job: _Job) -> None:
        from distributed import Client, LocalCluster

        self.job = job
        self.cluster: Any = None
        if address:
            try:
                self.client = Client(address, timeout=SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"cannot reach the dask scheduler at {address} within "
                                  f"{SCHEDULER_TIMEOUT} s ({exc})") from exc
            try:
                self._check_workers_see(Path(job.workdir))
            except ConfigError:
                self.client.close()
                raise
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        self.slots = 2 * max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.client.register_plugin(_dask_plugin(job.model, job.aliases))
        self.run_id = hashlib.sha1(f"{job.workdir}{time.time()}".encode()).hexdigest()[:8]

    def _check_workers_see(self, workdir: Path) -> None:
        """Every worker must read a file this process wrote into the work folder, or its
        tasks would all fail and the run would quietly fall back to this process."""
        if not self.client.scheduler_info().get("workers"):
            raise ConfigError(f"the dask scheduler at {self.client.scheduler.address} has no "
                              "workers")
        token = os.urandom(8).hex()
        probe = workdir / "probe.txt"
        _write_atomic(probe, token)
        try:
            seen = self.client.run(_sees_token, str(probe), token)
        finally:
            probe.unlink(missing_ok=True)
        blind = sorted(worker for worker, ok in seen.items() if not ok)
        if blind:
            raise ConfigError(
                f"dask workers {', '.join(blind)} cannot reach the output folder "
                f"{workdir.parent}: put it on a file system the workers share (same path)")

    def submit(self, index: int, items: list[Item]) -> Any:
        return self.client.submit(process_chunk, index, items, self.job, pure=False,
                                  key=f"newsfacts-chunk-{self.run_id}-{index}")

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        from distributed import wait

        finished, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(finished)

    def recover(self, error: BaseException) -> None:
        return None

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@contextlib.contextmanager
def _make_engine(engine: str, workers: int, scheduler: str | None, job: _Job
                 ) -> Iterator[_InlineEngine | _PoolEngine | _DaskEngine]:
    runner: _InlineEngine | _PoolEngine | _DaskEngine
    if engine == "dask":
        runner = _DaskEngine(workers, scheduler, job)
    elif workers == 1:
        runner = _InlineEngine(job)
    else:
        runner = _PoolEngine(workers, job)
    try:
        yield runner
    finally:
        runner.close()


# -- small helpers -----------------------------------------------------------------------------


def _versions(settings: Settings) -> dict[str, str | None]:
    """newsfacts, spaCy and the model a run uses, without loading the model here."""
    from .extract import model_version, package_version

    try:
        import spacy

        spacy_version: str | None = spacy.__version__
    except ImportError:
        spacy_version = None
    name, version = model_version(settings)
    return {"newsfacts": package_version(), "spacy": spacy_version, "model": name,
            "model_version": version}


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the time spent in the block to `timings[name]`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


class _NoBar:
    def update(self, n: int) -> None:
        return None

    def set_postfix(self, **_: Any) -> None:
        return None

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(quiet: bool, inputs: Sequence[str | Path] = ()) -> Any:
    """A tqdm bar on stderr (documents/s, facts so far; a total and ETA when the inputs
    tell their size cheaply) when a person is watching."""
    if quiet or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(unit="doc", desc="extract", file=sys.stderr, dynamic_ncols=True,
                total=count_documents(inputs))


def count_documents(inputs: Sequence[str | Path]) -> int | None:
    """How many documents the inputs hold, when that costs a scan of bytes, not parsing:
    lines of JSON Lines, rows of Parquet metadata, articles of a folder; None otherwise."""
    articles = (".txt", ".md", ".html", ".htm")
    total = 0
    for raw in inputs:
        path = Path(raw)
        name = path.name.lower()
        if path.is_dir():
            for file in path.rglob("*"):
                if file.name.startswith(".") or not file.is_file():
                    continue
                if file.name.lower().endswith(articles):
                    total += 1
                elif file.name.lower().endswith(CONTAINERS):
                    return None
        elif name.endswith((".jsonl", ".ndjson")) and path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        elif name.endswith(".parquet") and path.is_file():
            import pyarrow.parquet as pq

            total += pq.ParquetFile(path).metadata.num_rows
        elif name.endswith(articles):
            total += 1
        else:
            return None
    return total
