"""The labelled corpus keeps its promises: size, traps, valid spans and a fixed split."""

from __future__ import annotations

from collections import Counter

import pytest

from coach.evaluation import read_corpus
from tests.conftest import ROOT

CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.jsonl"))
ITEMS = list(read_corpus(CORPUS))  # validates every line, spans included


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_language_has_enough_items_and_traps(lang):
    items = [i for i in ITEMS if i.lang == lang]
    assert len(items) >= 240
    assert sum(i.trap for i in items) >= len(items) / 4
    assert all(not i.labels for i in items if i.trap)
    labels = Counter(label for i in items for label in i.labels)
    assert min(labels.values()) >= 40


def test_every_label_has_a_span_and_clean_items_none():
    for item in ITEMS:
        assert {s.label for s in item.spans} == set(item.labels), item.id


def test_ids_are_unique():
    ids = [i.id for i in ITEMS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_split_is_about_seventy_thirty_per_label(lang):
    items = [i for i in ITEMS if i.lang == lang]
    assert {i.split for i in items} == {"dev", "test"}
    for label in ("hard-sell", "recruiting", "take-without-give", None):
        group = [i for i in items if (label in i.labels if label else not i.labels)]
        share = sum(i.split == "test" for i in group) / len(group)
        assert 0.2 <= share <= 0.4, (label, share)
