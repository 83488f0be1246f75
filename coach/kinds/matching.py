"""What the span-matching kinds (phrase, pattern) share: they yield token patterns."""

from __future__ import annotations

from collections.abc import Callable

from coach.kinds.base import RuleBase
from coach.phrases import TokenPattern


class MatchingRule(RuleBase):
    def token_patterns(self, lang: str, split_word: Callable[[str], list[str]]) -> list[TokenPattern]:
        raise NotImplementedError
