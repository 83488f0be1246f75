"""Benchmark the engine on one core: pipeline load time and words per second.

Texts come from the labelled corpus (tests/corpus/*.jsonl), repeated until the target
word count is reached; prints figures, asserts nothing.

Usage: python benchmarks/engine_bench.py [--words 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_texts() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {"nl": [], "en": []}
    for path in sorted((ROOT / "tests" / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                texts[item["lang"]].append(item["text"])
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000, help="words to analyse per language")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the figure claims

    from coach import Engine

    start = time.perf_counter()
    engine = Engine()
    engine.warm_up()
    print(f"pipelines built (nl + en): {time.perf_counter() - start:.2f} s")

    for lang, texts in load_texts().items():
        if not texts:
            continue
        batch, words = [], 0
        while words < args.words:
            for text in texts:
                batch.append(text)
                words += len(text.split())
        start, cpu_start = time.perf_counter(), time.process_time()
        reports = list(engine.analyze_many(batch, lang=lang))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        # CPU time is the figure that holds when other work shares the machine.
        print(f"{lang}: {len(reports)} texts, {words} words: {cpu:.2f} s CPU ({elapsed:.2f} s wall) — "
              f"{words / cpu:,.0f} words/s, {len(reports) / cpu:,.0f} texts/s per core (batched)")
        latencies = []
        for text in texts[:200]:
            t0 = time.process_time()
            engine.analyze(text, lang="auto")
            latencies.append((time.process_time() - t0) * 1000)
        print(f"{lang}: single analyze() CPU time median {statistics.median(latencies):.2f} ms, "
              f"p95 {sorted(latencies)[int(len(latencies) * 0.95)]:.2f} ms "
              f"(texts of median {statistics.median(len(t.split()) for t in texts[:200]):.0f} words)")


if __name__ == "__main__":
    main()
