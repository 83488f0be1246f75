"""Kind ``balance``: weigh the text's asks against its gives, over the whole document.

An ask (a match of a ``take-without-give`` rule) stands as a flag only when the text
offers too little back; otherwise it is kept as a note at ``balanced_severity``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from coach.rules.kinds.base import RuleBase
from coach.report import Category, Severity


class BalanceRule(RuleBase):
    kind: Literal["balance"]
    category: Category = Category.TAKE_WITHOUT_GIVE
    #: Gives needed to balance the asks: ``max(min_gives, asks * gives_per_ask)``.
    min_gives: int = Field(1, ge=1)
    gives_per_ask: float = Field(0.0, ge=0.0)
    balanced_severity: Severity = Severity.INFO
    #: Said of an ask that the text balances with a give.
    balanced_message: str = Field(min_length=1)

    def is_balanced(self, asks: int, gives: int) -> bool:
        needed = max(self.min_gives, round(asks * self.gives_per_ask))
        return gives >= needed

    def judge(self, asks: int, gives: int) -> tuple[Severity, str] | None:
        """The severity and message every ask takes when the text gives enough back, else None."""
        if asks and self.is_balanced(asks, gives):
            return self.balanced_severity, self.balanced_message
        return None
