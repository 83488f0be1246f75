"""A broken rule file gets one error naming the file, the line, the rule and the problem."""

from __future__ import annotations

import pytest

from coach.errors import RulePackError
from coach.guidelines import load_catalogue
from coach.rulepack import load_pack
from tests.conftest import DATA

PACKS = DATA / "packs"
KNOWN = load_catalogue().ids()


def _error(name: str, lang: str = "en") -> str:
    with pytest.raises(RulePackError) as caught:
        load_pack(PACKS / name, lang, KNOWN)
    message = str(caught.value)
    assert "\n" not in message
    assert str(PACKS / name) in message
    return message


def test_unknown_kind_names_the_valid_kinds():
    message = _error("broken-kind.yaml", "nl")
    assert "test-broken" in message and "unknown kind 'phrases'" in message
    assert "phrase, pattern, balance, metric" in message


def test_unknown_key_names_rule_and_line():
    message = _error("broken-key.yaml", "nl")
    assert "broken-key.yaml:10:" in message
    assert "test-typo" in message and "unknown key 'phrasess'" in message


def test_unknown_guideline():
    assert "unknown guideline D99" in _error("broken-guideline.yaml")


def test_bad_token_pattern():
    message = _error("broken-pattern.yaml")
    assert "test-pattern" in message and "bad pattern #1" in message


def test_invalid_yaml_names_the_line():
    message = _error("broken-yaml.yaml")
    assert "broken-yaml.yaml:" in message and "invalid YAML" in message


def test_unknown_metric_lists_the_metrics():
    message = _error("broken-metric.yaml")
    assert "unknown metric 'wordz'" in message and "reader_focus" in message


def test_missing_pack_file():
    assert "rule pack not found" in _error("nope.yaml")


def test_defaults_are_filled_in_by_the_loader():
    rules = {r.id: r for r in load_pack(PACKS / "notation.yaml", "nl", KNOWN)}
    assert rules["test-lemma"].guidelines == ["D8"]
    assert rules["test-lemma"].category.value == "take-without-give"
    assert rules["test-separable"].severity.value == "warning"
