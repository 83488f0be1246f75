"""Rule kinds: the loader picks the model for a rule from its ``kind`` key."""

from coach.rules.kinds.balance import BalanceRule
from coach.rules.kinds.base import ContextOptions, Examples, RuleBase
from coach.rules.kinds.frame import FrameRule
from coach.rules.kinds.matching import MatchingRule
from coach.rules.kinds.metric import MetricRule
from coach.rules.kinds.pattern import PatternRule
from coach.rules.kinds.phrase import PhraseRule

KINDS: dict[str, type[RuleBase]] = {
    "phrase": PhraseRule,
    "pattern": PatternRule,
    "balance": BalanceRule,
    "metric": MetricRule,
    "frame": FrameRule,
}

__all__ = [
    "KINDS", "BalanceRule", "FrameRule", "ContextOptions", "Examples", "MatchingRule",
    "MetricRule", "PatternRule", "PhraseRule", "RuleBase",
]
