"""Rule kinds: the loader picks the model for a rule from its ``kind`` key."""

from coach.kinds.balance import BalanceRule
from coach.kinds.base import ContextOptions, Examples, RuleBase
from coach.kinds.frame import FrameRule
from coach.kinds.matching import MatchingRule
from coach.kinds.metric import MetricRule
from coach.kinds.pattern import PatternRule
from coach.kinds.phrase import PhraseRule

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
