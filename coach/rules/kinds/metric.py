"""Kind ``metric``: a document-level finding when the text's scores cross thresholds."""

from __future__ import annotations

import operator
import re
from typing import Literal

from pydantic import Field, field_validator

from coach.report import Scores
from coach.rules.kinds.base import RuleBase

_COMPARISON = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
_OPERATORS = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
METRIC_NAMES = tuple(Scores.model_fields)


class MetricRule(RuleBase):
    kind: Literal["metric"]
    #: Every condition must hold, e.g. ``{words: ">= 60", reader_focus: "< 0.2"}``.
    when: dict[str, str] = Field(min_length=1)

    @field_validator("when")
    @classmethod
    def _known_comparisons(cls, when: dict[str, str]) -> dict[str, str]:
        for name, condition in when.items():
            if name not in METRIC_NAMES:
                raise ValueError(
                    f"unknown metric {name!r}; valid metrics: {', '.join(METRIC_NAMES)}"
                )
            if not _COMPARISON.match(str(condition)):
                raise ValueError(
                    f"condition {condition!r} for {name} must look like '>= 60' or '< 0.2'"
                )
        return when

    def holds(self, scores: Scores) -> bool:
        for name, condition in self.when.items():
            op, number = _COMPARISON.match(condition).groups()
            if not _OPERATORS[op](getattr(scores, name), float(number)):
                return False
        return True
