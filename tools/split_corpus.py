"""Assign each corpus item to ``dev`` or ``test``: ~70/30, stratified, fixed by id.

Items are grouped by language, label set and trap flag; within a group, sorted by id,
every item whose position modulo 10 is 2, 5 or 8 goes to ``test``. The result depends
only on the ids, so adding items to a file never moves the items already there unless
they share a group with the newcomers — run it once when the corpus is written.

Usage: python tools/split_corpus.py tests/corpus/nl.jsonl tests/corpus/en.jsonl
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

TEST_POSITIONS = {2, 5, 8}


def split_file(path: Path) -> dict[str, int]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        groups[(item.get("lang"), tuple(sorted(item["labels"])), bool(item.get("trap")))].append(item)
    for members in groups.values():
        for position, item in enumerate(sorted(members, key=lambda i: i["id"])):
            item["split"] = "test" if position % 10 in TEST_POSITIONS else "dev"
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
