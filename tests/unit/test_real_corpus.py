"""The real corpus keeps its promises: public sources, no page in both splits, enough of each label."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from coach.evaluation import read_corpus
from tests.conftest import ROOT

REAL = sorted((ROOT / "tests" / "corpus" / "real").glob("*.jsonl"))
ITEMS = list(read_corpus(REAL))  # validates every line


def test_no_source_page_is_in_both_splits():
    splits = defaultdict(set)
    for item in ITEMS:
        splits[item.source].add(item.split)
    crossing = [source for source, seen in splits.items() if len(seen) > 1]
    assert not crossing, crossing[:5]


def test_every_passage_names_its_public_source_and_why():
    for item in ITEMS:
        assert item.source and item.source.startswith("http"), item.id
        assert item.why, item.id
        assert 15 <= len(item.text.split()) <= 250, item.id


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_language_has_300_passages_and_40_percent_clean(lang):
    items = [i for i in ITEMS if i.lang == lang]
    assert len(items) >= 300
    clean = [i for i in items if not i.labels]
    assert len(clean) >= 0.4 * len(items)
    assert {i.split for i in items} == {"dev", "test"}


def test_ids_are_unique():
    ids = Counter(i.id for i in ITEMS)
    assert max(ids.values()) == 1
