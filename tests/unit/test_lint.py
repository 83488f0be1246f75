"""`coach rules --lint`: notation that loads but does not read the way it matches."""

from __future__ import annotations

import pytest

from coach import Engine
from coach.rules.lint import lint_language
from coach.rules.phrases import split_alternatives
from tests.conftest import DATA

LINT_PACK = DATA / "packs" / "lint.yaml"


@pytest.fixture(scope="module")
def fixture_problems() -> dict[str, list[str]]:
    by_rule: dict[str, list[str]] = {}
    for problem in lint_language("en", [LINT_PACK]):
        if problem.path == LINT_PACK:
            by_rule.setdefault(problem.where, []).append(str(problem))
    return by_rule


def test_alternatives_of_one_lemma_are_reported_with_file_and_line(fixture_problems):
    [problem] = fixture_problems["rule test-same-lemma"]
    assert f"{LINT_PACK}:8:" in problem
    assert "'call' and 'calls' are one lemma" in problem


def test_an_option_the_tokenizer_cuts_up_is_reported(fixture_problems):
    [problem] = fixture_problems["rule test-cut-option"]
    assert "'half-price' is read as 3 words (half - price)" in problem


def test_a_form_a_wildcard_group_already_matches_is_reported(fixture_problems):
    [problem] = fixture_problems["rule test-wildcard-covers"]
    assert "'clubs' is already matched by '*club'" in problem


def test_tidy_rule_has_no_problem(fixture_problems):
    assert "rule test-tidy" not in fixture_problems


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_builtin_packs_and_word_classes_lint_clean(lang):
    assert [str(p) for p in lint_language(lang)] == []


def test_an_option_with_a_hyphen_gets_a_phrase_of_its_own():
    assert split_alternatives("free|half-price lunch") == ["free lunch", "half-price lunch"]
    assert split_alternatives("a|half-price? deal") == ["a? deal", "half-price deal"]
    assert split_alternatives("half-price? deal") == ["half-price? deal"]
    # A clitic stays in the alternative: cut off a word it is one token.
    assert split_alternatives("have|'ve got") == ["have|'ve got"]


def test_a_hyphenated_alternative_now_matches_in_text():
    engine = Engine(extra_packs=[LINT_PACK])
    report = engine.analyze("We do a half-price lunch for new clients.", lang="en")
    assert "test-cut-option" in {f.rule for f in report.findings}
