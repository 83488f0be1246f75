"""Every rule's own examples: the texts it must flag and the texts it must pass."""

from __future__ import annotations

import pytest

from coach import Engine
from coach.rules.examples import all_examples, check_example

EXAMPLES = all_examples()


@pytest.fixture(scope="module")
def rules_engine() -> Engine:
    """The rules alone: the classifier's veto is judged on the corpora, not on rule examples."""
    return Engine(classifier=False)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.label for e in EXAMPLES])
def test_rule_example(rules_engine, example):
    ok, report = check_example(rules_engine, example)
    fired = [(f.rule, f.text, f.severity.value) for f in report.findings]
    verb = "flag" if example.should_flag else "pass"
    assert ok, f"{example.rule.id} should {verb} {example.text!r}; findings: {fired}; set aside: " + str(
        [(s.rule, s.text, s.reason) for s in report.suppressed]
    )
