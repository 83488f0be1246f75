"""Assign each corpus item to ``dev`` or ``test``: about 70/30, fixed, and never crossing a source.

Synthetic items (no ``source``) are grouped by language, label set and trap flag; within a
group, sorted by id, every item whose position modulo 10 is 2, 5 or 8 goes to ``test``.

Real items (with ``source``, the page they were copied from) are split by page, so that no
page is in both splits: a page goes to ``test`` when a hash of its address falls in the lowest
30% of the hash range. A page's split depends on its address alone, so adding passages never
moves a page that is already there.

Usage: python tools/split_corpus.py tests/corpus/nl.jsonl tests/corpus/real/nl.jsonl ...
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

TEST_POSITIONS = {2, 5, 8}
TEST_SHARE = 0.30


def split_by_position(items: list[dict]) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        groups[(item.get("lang"), tuple(sorted(item["labels"])), bool(item.get("trap")))].append(item)
    for members in groups.values():
        for position, item in enumerate(sorted(members, key=lambda i: i["id"])):
            item["split"] = "test" if position % 10 in TEST_POSITIONS else "dev"


def split_of_source(source: str) -> str:
    bucket = int(hashlib.sha1(source.encode("utf-8")).hexdigest(), 16) % 1000
    return "test" if bucket < TEST_SHARE * 1000 else "dev"


def split_by_source(items: list[dict]) -> None:
    for item in items:
        item["split"] = split_of_source(item["source"])


def split_file(path: Path) -> dict[str, int]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if items and all(item.get("source") for item in items):
        split_by_source(items)
    else:
        split_by_position(items)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item["split"]] += 1
    return dict(counts)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, split_file(Path(name)))
