"""A rule match on its way to becoming a finding (or a suppression)."""

from __future__ import annotations

from dataclasses import dataclass

from coach.rules.kinds import RuleBase
from coach.report import Severity


@dataclass
class Candidate:
    rule: RuleBase
    #: Token offsets of the matched span in the Doc.
    start: int
    end: int
    start_char: int
    end_char: int
    severity: Severity
    message: str
    #: Why context shows this is not the behaviour itself (None: it stands).
    suppressed: str | None = None
    #: Words the rule itself names; a negator among them is part of the match, not a negation.
    own_words: frozenset[str] = frozenset()

    @property
    def category(self):
        return self.rule.category
