"""Kind ``phrase``: lists of phrases in the notation of ``coach.rules.phrases``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field

from coach.rules.kinds.matching import MatchingRule
from coach.rules.lexicon import expand_phrases
from coach.rules.phrases import TokenPattern, compile_phrase, compile_segments


class PhraseRule(MatchingRule):
    kind: Literal["phrase"]
    phrases: list[str] = Field(min_length=1)

    def token_patterns(self, lang: str, split_word: Callable[[str], list[str]]) -> list[TokenPattern]:
        return [compile_phrase(p, lang, split_word, self.gap) for p in expand_phrases(self.phrases, lang)]

    def segmented_patterns(self, lang: str, split_word: Callable[[str], list[str]]) -> list[list[TokenPattern]]:
        return [compile_segments(p, lang, split_word) for p in expand_phrases(self.phrases, lang)]
