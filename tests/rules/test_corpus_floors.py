"""Regression guard: on the held-out test splits, no category may fall below its F1 floor.

Floors live in tests/corpus/floors.json: the synthetic corpus at the top level, the real
corpus of public passages under "real". Raise them when detection improves; never lower one
without saying why in the commit.
"""

from __future__ import annotations

import json

import pytest

from coach.evaluation import evaluate, read_corpus
from tests.conftest import ROOT

CORPUS_DIR = ROOT / "tests" / "corpus"
FLOORS = json.loads((CORPUS_DIR / "floors.json").read_text(encoding="utf-8"))
CORPORA = {
    "synthetic": (sorted(CORPUS_DIR.glob("*.jsonl")), FLOORS),
    "real": (sorted((CORPUS_DIR / "real").glob("*.jsonl")), FLOORS["real"]),
}


@pytest.fixture(scope="module")
def results(engine):
    return {name: evaluate(read_corpus(paths, split="test"), engine) for name, (paths, _) in CORPORA.items()}


@pytest.mark.parametrize("corpus, lang, category", [
    (corpus, lang, category)
    for corpus, (_, floors) in CORPORA.items()
    for lang, categories in floors["document_f1"].items() for category in categories
])
def test_document_f1_stays_above_its_floor(results, corpus, lang, category):
    floor = CORPORA[corpus][1]["document_f1"][lang][category]
    assert results[corpus].documents[(lang, category)].f1 >= floor


@pytest.mark.parametrize("corpus, lang", [
    (corpus, lang) for corpus, (_, floors) in CORPORA.items() for lang in sorted(floors["max_false_positive_rate"])
])
def test_false_positive_rate_stays_below_its_ceiling(results, corpus, lang):
    assert results[corpus].fp_rate(lang) <= CORPORA[corpus][1]["max_false_positive_rate"][lang]
