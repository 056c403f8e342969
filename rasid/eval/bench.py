"""`rasid bench`: throughput and memory of ingest + pipeline on a large generated corpus;
`rasid bench check`: latency of claim checks on a stored database.

The corpus is synthesised from the bundled sample reports: each article is a fresh
combination of their sentences with changed numbers, so nothing is an exact duplicate
and the text looks like the real input. It is written to a temporary JSONL file and
ingested exactly as `rasid analyze` would, on one process (one core), and with `--workers N` on N
worker processes as well. With `--corpus`, a real file or folder is analysed instead (of a JSONL
corpus, plain or gzipped, the first `--articles` records).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import os
import random
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from rasid.api.core import Rasid, sample_corpus_path
from rasid.stages import build_pipeline, default_pipeline
from rasid.text.sentences import split_sentences

_DIGITS = re.compile(r"\d+")


def _sample_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(sample_corpus_path().glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            text = json.loads(line).get("text") or ""
            sentences.extend(text[s:e] for s, e in split_sentences(text) if e - s > 30)
    if not sentences:
        raise RuntimeError("bundled sample corpus has no sentences; reinstall rasid")
    return sentences


def generate_corpus(path: Path, articles: int, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    sentences = _sample_sentences()
    outlets = ["أورينت نت", "ستيب نيوز", "عنب بلدي", "العرب", "سكاي نيوز عربية", "سانا", None]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(articles):
            body = rng.sample(sentences, k=min(len(sentences), rng.randint(8, 14)))
            body = [_DIGITS.sub(lambda _m: str(rng.randint(1, 400)), s) for s in body]
            year = rng.choice([2019, 2020, 2023, 2024])
            record = {
                "id": f"bench-{i}",
                "source": rng.choice(outlets),
                "published": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "title": body[0][:80],
                "text": "\n".join(body),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 1e6


def _first_records(path: Path, limit: int, out: Path) -> int:
    """Copy the first `limit` records of a JSONL corpus (plain or .gz) to `out`; how many were copied."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    copied = 0
    with opener(path, "rb") as handle, open(out, "wb") as sink:
        for line in handle:
            if not line.strip():
                continue
            if copied >= limit:
                break
            sink.write(line if line.endswith(b"\n") else line + b"\n")
            copied += 1
    return copied


def run_bench(
    *,
    articles: int = 10000,
    corpus: str | None = None,
    stages: str = "default",
    progress: bool = True,
    stories: bool = True,
    workers: int | None = None,
) -> dict[str, Any]:
    """Throughput of `analyze` on one process; with `workers` N > 1, also on N worker processes.

    The result is the last run's (N workers when given), with `runs`: every run's result, and
    `speedup`: N workers' articles/s over one process's. Each run analyses into a new database.
    """
    pipeline = default_pipeline() if stages == "default" else build_pipeline(s.strip() for s in stages.split(","))
    counts = [1] if not workers or workers <= 1 else [1, workers]
    with tempfile.TemporaryDirectory(prefix="rasid-bench-") as tmp:
        tmpdir = Path(tmp)
        if corpus is None:
            source = tmpdir / "corpus.jsonl"
            generate_corpus(source, articles)
            total = articles
        else:
            source = Path(corpus)
            total = 0
            if source.is_file() and source.name.lower().endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
                # the first `articles` records: a benchmark of a 30,000-article file need not read all of it
                total = _first_records(source, articles, tmpdir / "corpus.jsonl")
                source = tmpdir / "corpus.jsonl"
        runs = [_timed_run(tmpdir, source, total, pipeline, n, progress=progress, stories=stories) for n in counts]
    result = dict(runs[-1])
    result["runs"] = runs
    result["speedup"] = (
        round(runs[-1]["articles_per_second"] / runs[0]["articles_per_second"], 2)
        if len(runs) > 1 and runs[0]["articles_per_second"]
        else None
    )
    return result


def _warm_up(tmpdir: Path, pipeline: Any) -> None:
    """Load models and lexicons in this process so that load time is not counted as throughput."""
    warm = Rasid(tmpdir / "warm.db", pipeline=pipeline)
    sample = next(iter(sorted(sample_corpus_path().glob("*.txt"))), None)
    if sample is not None:
        warm.analyze([str(sample)])
    warm.close()


def _timed_run(
    tmpdir: Path, source: Path, total: int, pipeline: Any, workers: int, *, progress: bool, stories: bool
) -> dict[str, Any]:
    """One timed `analyze` of `source` into a new database, on `workers` processes (started and warmed first)."""
    from rasid.ingest.parallel import AnalysisPool, worker_rss_mb

    pool: AnalysisPool | None = None
    if workers > 1:
        pool = AnalysisPool(pipeline, workers)
        pool.start()  # every worker has loaded its models before the clock starts
    else:
        _warm_up(tmpdir, pipeline)
    db = tmpdir / f"bench-{workers}.db"
    rasid = Rasid(db, pipeline=pipeline)
    checkpoints: list[float] = []
    peaks = {"total": 0.0, "main": 0.0, "worker": 0.0}
    done = 0
    quarter = max(1, total // 4) if total else 0
    next_mark = quarter

    def on_progress(n: int) -> None:
        nonlocal done, next_mark
        done += n
        # This process and each worker, sampled after each stored batch.
        main, each = _rss_mb(), worker_rss_mb(pool) if pool is not None else []
        peaks["main"] = max(peaks["main"], main)
        peaks["worker"] = max([peaks["worker"], *each])
        peaks["total"] = max(peaks["total"], main + sum(each))
        while quarter and done >= next_mark and len(checkpoints) < 4:
            checkpoints.append(round(_rss_mb(), 1))
            next_mark += quarter
        if progress and quarter and done % (quarter // 2 or 1) < n:
            print(f"  bench ({workers} worker{'s' if workers > 1 else ''}): {done}/{total} articles", flush=True)

    start_rss = _rss_mb()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        report = rasid.analyze([str(source)], on_progress=on_progress, cross_check=False, pool=pool)
    finally:
        if pool is not None:
            pool.close()
    seconds = time.perf_counter() - started
    # CPU time as well: on a shared machine wall time also counts other processes' turns.
    # With workers, this process's CPU only (reading, de-duplication, storing).
    cpu_seconds = time.process_time() - cpu_started
    story_seconds = None
    if stories:
        story_started = time.perf_counter()
        rasid.cross_check(report.added_ids)
        story_seconds = time.perf_counter() - story_started
    stored = rasid.store.count_articles()
    rasid.close()
    if not checkpoints or len(checkpoints) < 4:
        checkpoints.append(round(_rss_mb(), 1))
    processed = report.seen
    return {
        "workers": workers,
        "articles": processed,
        "stored": stored,
        "near_duplicates": report.near_duplicates,
        "errors": len(report.errors),
        "seconds": round(seconds, 2),
        "articles_per_second": round(processed / seconds, 1) if seconds else 0.0,
        "cpu_seconds": round(cpu_seconds, 2),
        "articles_per_cpu_second": round(processed / cpu_seconds, 1) if cpu_seconds else 0.0,
        "stages": pipeline.names,
        "story_seconds": round(story_seconds, 2) if story_seconds is not None else None,
        "stories_articles_per_second": round(processed / story_seconds, 1) if story_seconds else None,
        "start_rss_mb": round(start_rss, 1),
        "rss_mb_checkpoints": checkpoints,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "sampled_main_rss_mb": round(peaks["main"], 1),
        "sampled_worker_rss_mb": round(peaks["worker"], 1) if pool is not None else None,
        "sampled_total_rss_mb": round(peaks["total"], 1),
        "db_mb": round(db.stat().st_size / 1e6, 1),
        "load_average": round(load, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "cores_used": workers,
    }


# -- claim-check latency --------------------------------------------------------------------

CHECK_PHASES = ("search", "split", "bm25", "dense", "stance", "weighing")


class _TimedStance:
    """The stance model, with the seconds its predictions take summed in `seconds`."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.seconds = 0.0

    def predict_many(self, pairs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._model.predict_many(pairs)
        finally:
            self.seconds += time.perf_counter() - started

    def predict(self, claim: str, passage: str) -> Any:
        started = time.perf_counter()
        try:
            return self._model.predict(claim, passage)
        finally:
            self.seconds += time.perf_counter() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


class _TimedPages:
    """The claim-check model, with the seconds its page and verdict predictions take summed in `seconds`."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.thresholds = model.thresholds
        self.info = model.info
        self.seconds = 0.0

    def page_probs(self, readings: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._model.page_probs(readings)
        finally:
            self.seconds += time.perf_counter() - started

    def p_true(self, page_probs: Any, passages: Any = None) -> float:
        started = time.perf_counter()
        try:
            return float(self._model.p_true(page_probs, passages))
        finally:
            self.seconds += time.perf_counter() - started


def _load_check_models() -> tuple[Any | None, Any | None]:
    """Load (and cache) the models as `check_claim` would: (claim-check model, ANS stance model).

    `rasid check` uses the claim-check model and needs the ANS model only without it.
    """
    from rasid.verify.dense import DenseModelError, load_dense_model

    with contextlib.suppress(DenseModelError):
        load_dense_model()
    try:
        from rasid.verify.page_stance import load_claim_check_model

        return load_claim_check_model(), None
    except (ImportError, FileNotFoundError, KeyError, ValueError):
        pass
    try:
        from rasid.verify.stance import load_stance_model

        return None, load_stance_model()
    except (ImportError, FileNotFoundError, KeyError, ValueError):
        return None, None


def read_check_claims(path: Path) -> list[str]:
    """Claims to time: the `claim` of each UnifiedFC record (.jsonl/.jsonl.gz), else one per line of a text file;
    claims `check_claim` would refuse (too long, not Arabic) are left out."""
    from rasid.verify.check import ClaimError, validate_claim

    if path.name.lower().endswith((".jsonl", ".jsonl.gz")) or path.is_dir():
        from rasid.eval.unifiedfc import read_claims

        texts = [c.text for c in read_claims(path)]
    else:
        texts = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    kept = []
    for text in texts:
        with contextlib.suppress(ClaimError):
            validate_claim(text)
            kept.append(text)
    return kept


def pick_claims(texts: list[str], n: int) -> list[str]:
    """`n` claims spread evenly over `texts` (all of them when there are fewer), in file order."""
    if n >= len(texts):
        return list(texts)
    step = len(texts) / n
    return [texts[int(i * step)] for i in range(n)]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 6) if values else 0.0,
        "p90": round(_quantile(values, 0.9), 6),
        "max": round(max(values, default=0.0), 6),
        "mean": round(statistics.fmean(values), 6) if values else 0.0,
    }


def run_check_bench(store: Any, claims: list[str], *, limit: int = 12, warmup: bool = True) -> dict[str, Any]:
    """Latency of `check_claim` over `claims` on `store`, models loaded once, with a per-phase breakdown.

    Phases: the four of `rasid.verify.retrieve` (candidate search with the article fetch, sentence
    split, sentence BM25, LSA cosines with the fusion), the stance predictions (the claim-check
    model's pages and verdict, or the ANS model when that one is missing), and
    weighing: the rest of the check (claim framing, cues, weights, verdict, the page reading of
    the candidates and the label, explanation).
    """
    from rasid.verify.check import check_claim
    from rasid.verify.retrieve import PHASES, timed_retrieval

    started = time.perf_counter()
    page_model, stance_model = _load_check_models()
    load_seconds = time.perf_counter() - started
    if warmup and claims:  # the first check reads lexicons and warms SQLite's page cache: not counted
        check_claim(store, claims[0], limit=limit, stance_model=stance_model, claim_check_model=page_model)
    timed: _TimedStance | _TimedPages | None = None
    if page_model is not None:
        timed = _TimedPages(page_model)
    elif stance_model is not None:
        timed = _TimedStance(stance_model)
    totals: list[float] = []
    cpu: list[float] = []
    phases: dict[str, list[float]] = {name: [] for name in CHECK_PHASES}
    verdicts: dict[str, int] = {}
    labels: dict[str, int] = {}
    for claim in claims:
        if timed is not None:
            timed.seconds = 0.0
        with timed_retrieval() as seconds:
            wall, cpu_started = time.perf_counter(), time.process_time()
            if isinstance(timed, _TimedPages):
                result = check_claim(store, claim, limit=limit, claim_check_model=timed)
            else:
                result = check_claim(store, claim, limit=limit, stance_model=timed)
            wall, cpu_used = time.perf_counter() - wall, time.process_time() - cpu_started
        totals.append(wall)
        cpu.append(cpu_used)
        for name in PHASES:
            phases[name].append(seconds[name])
        stance = timed.seconds if timed is not None else 0.0
        phases["stance"].append(stance)
        phases["weighing"].append(max(0.0, wall - sum(seconds.values()) - stance))
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
        labels[result.label] = labels.get(result.label, 0) + 1
    return {
        "claims": len(claims),
        "articles": store.count_articles(),
        "model_load_seconds": round(load_seconds, 3),
        "seconds": _summary(totals),
        "cpu_seconds": _summary(cpu),
        "phases": {name: _summary(values) for name, values in phases.items()},
        "verdicts": verdicts,
        "labels": labels,
        "stance_model": "claim-check" if page_model is not None else ("ans" if stance_model is not None else None),
    }
