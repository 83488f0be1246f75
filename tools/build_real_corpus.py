"""Gather labelled real passages into tests/corpus/real/<lang>.jsonl, with ids and splits.

Reads JSONL batches (as collected, each passage with lang, kind, source, text, labels, why),
drops exact duplicates, keeps the ids of passages already in the corpus, gives new ones the
next free id, appends them, and splits the files by source (tools/split_corpus.py).

Usage: python tools/build_real_corpus.py BATCH.jsonl ...
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from split_corpus import split_file  # noqa: E402

REAL = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "real"
FIELDS = ("id", "lang", "kind", "source", "text", "labels", "why", "split")


def main(batches: list[str]) -> None:
    corpus: dict[str, list[dict]] = {}
    for lang in ("nl", "en"):
        path = REAL / f"{lang}.jsonl"
        corpus[lang] = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()] if path.exists() else []
    seen = {" ".join(item["text"].split()).lower() for items in corpus.values() for item in items}
    added = 0
    for batch in batches:
        for line in Path(batch).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            key = " ".join(item["text"].split()).lower()
            if key in seen:
                continue
            seen.add(key)
            lang = item["lang"]
            item["id"] = f"{lang}-r{len(corpus[lang]) + 1:04d}"
            corpus[lang].append({k: item[k] for k in FIELDS if k in item})
            added += 1
    for lang, items in corpus.items():
        path = REAL / f"{lang}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        print(path, len(items), split_file(path))
    print(f"{added} passages added")


if __name__ == "__main__":
    main(sys.argv[1:])
