"""What the span-matching kinds (phrase, pattern) share: they yield token patterns."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field

from coach.rules.kinds.base import RuleBase
from coach.rules.phrases import TokenPattern


DEFAULT_GAP = 6


class MatchingRule(RuleBase):
    #: Widest gap, in words, between the parts of a segmented pattern.
    gap: int = Field(DEFAULT_GAP, ge=1, le=12)

    def token_patterns(self, lang: str, split_word: Callable[[str], list[str]]) -> list[TokenPattern]:
        raise NotImplementedError

    def segmented_patterns(self, lang: str, split_word: Callable[[str], list[str]]) -> list[list[TokenPattern]]:
        """Each pattern as its contiguous parts, to be joined across gaps of up to ``gap`` words."""
        return [[pattern] for pattern in self.token_patterns(lang, split_word)]
