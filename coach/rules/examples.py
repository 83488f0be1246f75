"""Run the examples a rule carries: texts it must flag and texts it must pass."""

from __future__ import annotations

from dataclasses import dataclass

from coach.engine import Engine
from coach.rules.kinds import BalanceRule, RuleBase
from coach.report import Report
from coach.rules.rulepack import load_rules

MIN_EXAMPLES = 2


@dataclass(frozen=True)
class RuleExample:
    lang: str
    rule: RuleBase
    text: str
    should_flag: bool

    @property
    def label(self) -> str:
        return f"{self.rule.id}:{'flag' if self.should_flag else 'pass'}:{self.text[:40]}"


def all_examples(langs=("nl", "en")) -> list[RuleExample]:
    examples = []
    for lang in langs:
        for rule in load_rules(lang).rules:
            examples += [RuleExample(lang, rule, t, True) for t in rule.examples.flag]
            examples += [RuleExample(lang, rule, t, False) for t in rule.examples.pass_]
    return examples


def rule_fired(rule: RuleBase, report: Report) -> bool:
    """A balance rule fires when an ask stands as a flag; other rules when they mark a passage."""
    if isinstance(rule, BalanceRule):
        return any(f.category is rule.category and f.is_flag for f in report.findings)
    return any(f.rule == rule.id for f in report.findings)


def check_example(engine: Engine, example: RuleExample) -> tuple[bool, Report]:
    report = engine.analyze(example.text, lang=example.lang)
    return rule_fired(example.rule, report) == example.should_flag, report
