"""Benchmark normalisation: engine words/s with and without it, and normalise() on its own.

Texts come from the labelled corpus (tests/corpus/*.jsonl), plain and with hiding tricks
applied (zero-width characters, spaced-out letters, digits, look-alikes, hard wrapping);
prints figures on one core, asserts nothing.

Usage: python benchmarks/normalise_bench.py [--words 200000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def disguise(text: str, rng: random.Random) -> str:
    """The text with one hiding trick on every fifth long word, and wrapped at 70 columns."""

    def trick(match: re.Match) -> str:
        word = match.group()
        if rng.random() > 0.2:
            return word
        kind = rng.choice(["zwsp", "spaced", "digit", "cyrillic", "soft-hyphen"])
        middle = len(word) // 2
        if kind == "zwsp":
            return word[:middle] + "\u200b" + word[middle:]
        if kind == "soft-hyphen":
            return word[:middle] + "\u00ad" + word[middle:]
        if kind == "spaced":
            return " ".join(word)
        if kind == "digit":
            return word.replace("o", "0", 1)
        return word.replace("o", "\u043e", 1)

    tricked = re.sub(r"[^\W\d_]{5,}", trick, text)
    return "\n".join(textwrap.fill(line, 70) if line.strip() else line for line in tricked.split("\n"))


def batch_of(texts: list[str], words: int, counted: list[str]) -> tuple[list[str], int]:
    """Texts repeated to about ``words`` words, counted in ``counted`` (the plain versions:
    a word spelled out letter by letter is still one word)."""
    batch, count = [], 0
    while count < words:
        for text, plain in zip(texts, counted):
            batch.append(text)
            count += len(plain.split())
    return batch, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000, help="words to analyse per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per figure; the best is shown")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the figures claim

    import coach.engine as engine_module
    from coach.normalise import identity, normalise

    engine = engine_module.Engine()
    engine.warm_up()
    plain = load_texts()
    rng = random.Random(12)
    disguised = [disguise(text, rng) for text in plain]

    def engine_rate(texts: list[str], step) -> float:
        engine_module.normalise = step
        batch, words = batch_of(texts, args.words, plain)
        best = float("inf")
        for _ in range(args.rounds):
            start = time.process_time()
            for _report in engine.analyze_many(batch):
                pass
            best = min(best, time.process_time() - start)
        engine_module.normalise = normalise
        return words / best

    def normalise_rate(texts: list[str]) -> float:
        batch, words = batch_of(texts, args.words, plain)
        best = float("inf")
        for _ in range(args.rounds):
            start = time.process_time()
            for text in batch:
                normalise(text)
            best = min(best, time.process_time() - start)
        return words / best

    print(f"{len(plain)} corpus texts (nl + en); CPU time on one core, best of {args.rounds}")
    for label, texts in (("corpus texts as written", plain), ("the same texts disguised and wrapped", disguised)):
        # Alternate the two, so that a busy neighbour on the machine weighs on both alike.
        without, with_it = 0.0, 0.0
        for _ in range(2):
            without = max(without, engine_rate(texts, identity))
            with_it = max(with_it, engine_rate(texts, normalise))
        print(f"{label}: engine {without:,.0f} words/s without normalisation, {with_it:,.0f} with "
              f"({(with_it - without) / without:+.1%}); normalise() alone {normalise_rate(texts):,.0f} words/s")

    long_text = "\n\n".join(plain) * 3
    start = time.process_time()
    report = engine.analyze(long_text)
    elapsed = time.process_time() - start
    print(f"one text of {len(long_text):,} characters ({report.scores.words:,} words), analysed in chunks: "
          f"{elapsed:.2f} s CPU ({report.scores.words / elapsed:,.0f} words/s)")


if __name__ == "__main__":
    main()
