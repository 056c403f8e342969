"""`rasid bench`: throughput and memory of ingest + pipeline on a large generated corpus.

The corpus is synthesised from the bundled sample reports: each article is a fresh
combination of their sentences with changed numbers, so nothing is an exact duplicate
and the text looks like the real input. It is written to a temporary JSONL file and
ingested exactly as `rasid analyze` would, on one process (one core). With `--corpus`, a real
file or folder is analysed instead (of a JSONL corpus, plain or gzipped, the first `--articles` records).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import resource
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
) -> dict[str, Any]:
    pipeline = default_pipeline() if stages == "default" else build_pipeline(s.strip() for s in stages.split(","))
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
        # Warm up models and lexicons so load time is not counted as throughput.
        warm = Rasid(tmpdir / "warm.db", pipeline=pipeline)
        sample = next(iter(sorted(sample_corpus_path().glob("*.txt"))), None)
        if sample is not None:
            warm.analyze([str(sample)])
        warm.close()

        rasid = Rasid(tmpdir / "bench.db", pipeline=pipeline)
        checkpoints: list[float] = []
        done = 0
        quarter = max(1, total // 4) if total else 0
        next_mark = quarter

        def on_progress(n: int) -> None:
            nonlocal done, next_mark
            done += n
            while quarter and done >= next_mark and len(checkpoints) < 4:
                checkpoints.append(round(_rss_mb(), 1))
                next_mark += quarter
            if progress and quarter and done % (quarter // 2 or 1) < n:
                print(f"  bench: {done}/{total} articles", flush=True)

        start_rss = _rss_mb()
        started = time.perf_counter()
        cpu_started = time.process_time()
        report = rasid.analyze([str(source)], on_progress=on_progress, cross_check=False)
        seconds = time.perf_counter() - started
        # CPU time as well: on a shared machine wall time also counts other processes' turns.
        cpu_seconds = time.process_time() - cpu_started
        story_seconds = None
        if stories:
            story_started = time.perf_counter()
            rasid.cross_check(report.added_ids)
            story_seconds = time.perf_counter() - story_started
        stored = rasid.store.count_articles()
        rasid.close()
        db_size = (tmpdir / "bench.db").stat().st_size
    if not checkpoints or len(checkpoints) < 4:
        checkpoints.append(round(_rss_mb(), 1))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    processed = report.seen
    return {
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
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "db_mb": round(db_size / 1e6, 1),
        "cores_used": 1,
    }
