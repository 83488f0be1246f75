"""A broken rule file gets one error naming the file, the line, the rule and the problem."""

from __future__ import annotations

import pytest

from coach.errors import RulePackError
from coach.rules.guidelines import load_catalogue
from coach.rules.rulepack import load_pack
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


def test_unknown_word_class_names_the_rule_and_the_nearest_class():
    message = _error("broken-class.yaml")
    assert "test-unknown-class" in message
    assert "unknown word class <meetnig>" in message and "<meeting>" in message


def test_unknown_act_lists_the_acts():
    message = _error("broken-act.yaml")
    assert "test-unknown-act" in message and "unknown act 'demand'" in message and "request" in message


def test_a_house_frame_flags_its_act_and_topics_and_passes_other_sentences():
    from coach import Engine

    engine = Engine(extra_packs=[PACKS / "house-frame.yaml"], builtin=False)
    flagged = engine.analyze("Shall we book a call about the price of your plan?", lang="en")
    assert [f.rule for f in flagged.findings] == ["house-subscription-call"]
    assert flagged.findings[0].text == "book a call about the price"
    quiet = engine.analyze("The call yesterday was about the price of coffee.", lang="en")
    assert quiet.findings == []
    negated = engine.analyze("Let's not book a call about the price.", lang="en")
    assert negated.findings == [] and [s.reason for s in negated.suppressed] == ["negated"]


def test_a_denied_topic_word_does_not_hold_a_frame():
    from coach import Engine

    engine = Engine(extra_packs=[PACKS / "house-frame.yaml"], builtin=False)
    # "no price" and "without a price" deny the topic; the call alone is not about money.
    for text in ("Shall we book a call with no price attached?", "Shall we book a call, without a price?"):
        assert engine.analyze(text, lang="en").findings == [], text
    assert [f.rule for f in engine.analyze("Shall we book a call with a price attached?", lang="en").findings] \
        == ["house-subscription-call"]


def test_the_rule_book_knows_which_rules_are_coachs_own():
    from coach.rules.rulepack import load_rules

    house = DATA / "screen" / "organiser" / "house-rules.yaml"
    book = load_rules("nl", [house])
    assert "house-paid-networks" in {rule.id for rule in book.rules}
    assert "house-paid-networks" not in book.builtin_ids
    assert book.builtin_ids == {rule.id for rule in load_rules("nl").rules}
    assert load_rules("nl", [house], builtin=False).builtin_ids == frozenset()
