"""Meta-tests over the packs: examples present, guidelines known and all cited."""

from __future__ import annotations

from coach.rules.examples import MIN_EXAMPLES
from coach.rules.guidelines import load_catalogue
from coach.report import Category
from coach.rules.rulepack import load_rules

LANGS = ("nl", "en")


def test_every_rule_carries_enough_examples():
    lacking = [
        f"{r.id} ({len(r.examples.flag)} flag, {len(r.examples.pass_)} pass)"
        for lang in LANGS for r in load_rules(lang).rules
        if len(r.examples.flag) < MIN_EXAMPLES or len(r.examples.pass_) < MIN_EXAMPLES
    ]
    assert not lacking, f"rules with fewer than {MIN_EXAMPLES} flag/pass examples: {lacking}"


def test_every_rule_cites_only_known_guidelines():
    known = load_catalogue().ids()
    unknown = [(r.id, g) for lang in LANGS for r in load_rules(lang).rules for g in r.guidelines if g not in known]
    assert not unknown


def test_every_guideline_is_cited_by_some_rule():
    cited = {g for lang in LANGS for r in load_rules(lang).rules for g in r.guidelines}
    uncited = sorted(load_catalogue().ids() - cited)
    assert not uncited, f"guidelines no rule cites: {uncited}"


def test_catalogue_covers_the_digest():
    ids = load_catalogue().ids()
    assert ids == {f"D{i}" for i in range(1, 13)} | {f"P{i}" for i in range(1, 11)}


def test_each_language_has_rules_in_every_category():
    for lang in LANGS:
        present = {r.category for r in load_rules(lang).rules}
        assert present == set(Category), f"{lang} lacks {set(Category) - present}"


def test_rule_ids_carry_their_language():
    for lang in LANGS:
        wrong = [r.id for r in load_rules(lang).rules if not r.id.startswith(f"{lang}-")]
        assert not wrong
