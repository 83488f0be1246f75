"""Kind ``pattern``: raw spaCy Matcher token patterns (LOWER, LEMMA, REGEX, OP ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from coach.rules.kinds.matching import MatchingRule
from coach.rules.phrases import TokenPattern


class PatternRule(MatchingRule):
    kind: Literal["pattern"]
    patterns: list[list[dict[str, Any]]] = Field(min_length=1)

    def token_patterns(self, lang: str, split_word: Callable[[str], list[str]]) -> list[TokenPattern]:
        return [list(p) for p in self.patterns]
