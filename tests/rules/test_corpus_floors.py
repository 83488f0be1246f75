"""Regression guard: on the held-out test split, no category may fall below its F1 floor.

Floors live in tests/corpus/floors.json. Raise them when rules improve; never lower one
without saying why in the commit.
"""

from __future__ import annotations

import json

import pytest

from coach.evaluation import evaluate, read_corpus
from tests.conftest import ROOT

CORPUS_DIR = ROOT / "tests" / "corpus"
FLOORS = json.loads((CORPUS_DIR / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(engine):
    return evaluate(read_corpus(sorted(CORPUS_DIR.glob("*.jsonl")), split="test"), engine)


@pytest.mark.parametrize("lang, category", [
    (lang, category) for lang, categories in FLOORS["document_f1"].items() for category in categories
])
def test_document_f1_stays_above_its_floor(result, lang, category):
    floor = FLOORS["document_f1"][lang][category]
    assert result.documents[(lang, category)].f1 >= floor


@pytest.mark.parametrize("lang", sorted(FLOORS["max_false_positive_rate"]))
def test_false_positive_rate_stays_below_its_ceiling(result, lang):
    assert result.fp_rate(lang) <= FLOORS["max_false_positive_rate"][lang]
