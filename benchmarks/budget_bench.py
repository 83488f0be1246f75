"""The speed budget: each figure measured here, printed beside its budget. Asserts nothing.

- cold start: `coach check one.txt` (300 words) against `import spacy; spacy.blank(lang)`,
  both as fresh processes in the same run (budget: at most 25% above the bare cost);
- a folder: `coach check` on N corpus texts as files, against the engine's own batched speed
  on the same texts (budget: at least 80%), and against proselint when it is installed;
- analysis speed on one core (budget: at least 40,000 words/s) and the p95 latency of one
  300-word text (budget: at most 10 ms).

Studio keystroke-to-feedback (budget 100 ms) and screening (budget 1,000 messages/s on 2
cores) have their own benchmarks: benchmarks/studio_bench.py and benchmarks/screen_bench.py.

Usage: python benchmarks/budget_bench.py [--files 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COACH = [PYTHON, "-m", "coach"]


def corpus_texts(lang: str) -> list[str]:
    texts = []
    for path in [ROOT / "tests" / "corpus" / f"{lang}.jsonl", ROOT / "tests" / "corpus" / "real" / f"{lang}.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def wall(command: list[str], runs: int) -> float:
    """Median wall time of a fresh process running ``command``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="corpus texts written as files for the folder run")
    parser.add_argument("--runs", type=int, default=3, help="runs per cold-start figure (median)")
    args = parser.parse_args()
    texts = corpus_texts("nl")
    words = " ".join(texts).split()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        one = tmp_path / "one.txt"
        one.write_text(" ".join(words[:300]), encoding="utf-8")
        bare = wall([PYTHON, "-c", "import spacy; spacy.blank('nl')"], args.runs)
        cold = wall(COACH + ["check", "--lang", "nl", str(one)], args.runs)
        print(f"cold start: coach check one.txt {cold:.2f} s; import spacy + spacy.blank('nl') {bare:.2f} s; "
              f"{(cold / bare - 1):+.0%} (budget +25%): {verdict(cold <= 1.25 * bare)}")

        folder = tmp_path / "folder"
        folder.mkdir()
        chosen = (texts * (args.files // len(texts) + 1))[: args.files]
        for k, text in enumerate(chosen):
            (folder / f"{k:05d}.txt").write_text(text, encoding="utf-8")
        files = sorted(str(p) for p in folder.iterdir())
        folder_words = sum(len(t.split()) for t in chosen)
        start = time.perf_counter()
        subprocess.run(COACH + ["check", "--lang", "nl", "--fail-on", "never", *files], stdout=subprocess.DEVNULL,
                       check=False, cwd=ROOT)
        folder_seconds = time.perf_counter() - start

        sys.path.insert(0, str(ROOT))
        from coach import Engine

        engine = Engine()
        engine.warm_up(["nl"])
        start = time.perf_counter()
        list(engine.analyze_many(chosen, lang="nl"))
        batched = time.perf_counter() - start
        share = batched / folder_seconds
        print(f"folder of {len(files)} files ({folder_words:,} words): coach check {folder_seconds:.2f} s; "
              f"engine batched {batched:.2f} s; {share:.0%} of the engine's speed (budget 80%): {verdict(share >= 0.8)}")
        proselint = shutil.which("proselint")
        if proselint:
            start = time.perf_counter()
            subprocess.run([proselint, *files], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            other = time.perf_counter() - start
            print(f"  proselint on the same files: {other:.2f} s: {verdict(folder_seconds < other)}")
        else:
            print("  proselint is not installed here: no comparison (pip install proselint to add it)")

        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        cpu_start = time.process_time()
        list(engine.analyze_many(chosen, lang="nl"))
        cpu = time.process_time() - cpu_start
        speed = folder_words / cpu
        print(f"analysis on one core: {speed:,.0f} words/s (budget 40,000): {verdict(speed >= 40_000)}")
        pieces = [" ".join(words[k:k + 300]) for k in range(0, min(len(words) - 300, 300 * 200), 300)]
        latencies = []
        for piece in pieces:
            start = time.process_time()
            engine.analyze(piece, lang="nl")
            latencies.append((time.process_time() - start) * 1000)
        p95 = sorted(latencies)[int(len(latencies) * 0.95)]
        print(f"one 300-word text: median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms "
              f"(budget 10 ms): {verdict(p95 <= 10)}")
    print("studio keystroke-to-feedback: benchmarks/studio_bench.py; screening: benchmarks/screen_bench.py")


if __name__ == "__main__":
    main()
