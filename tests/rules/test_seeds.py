"""The organisers' own essays discuss selling and recruiting at length: none may be flagged for it."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.skipif(not SEED_FILES, reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_texts_get_no_hard_sell_or_recruiting_flag(engine, path):
    report = engine.analyze(path.read_text(encoding="utf-8"), mode="message")
    assert report.language.value == "nl"
    wrong = [(f.rule, f.text) for f in report.findings if f.category.value in ("hard-sell", "recruiting")]
    assert not wrong


def test_the_seeds_are_there_in_ci():
    import os

    if os.environ.get("CI"):
        assert len(SEED_FILES) == 5
