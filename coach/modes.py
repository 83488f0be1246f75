"""How the mode a text is written in changes the weight of what it does."""

from __future__ import annotations

from coach.rules.kinds import RuleBase
from coach.report import Category, Mode, Severity

#: Steps a category's severity is raised in a mode. Selling inside a follow-up abuses the
#: promise that prompted it (D11); recruiting in a group message is what organisers guard
#: against first (D2).
MODE_WEIGHTS: dict[Mode, dict[Category, int]] = {
    Mode.PITCH: {},
    Mode.FOLLOW_UP: {Category.HARD_SELL: 1},
    Mode.MESSAGE: {Category.RECRUITING: 1},
}


def severity_in_mode(rule: RuleBase, severity: Severity, mode: Mode) -> Severity:
    """A rule's own ``mode_severity`` wins; notes (info) are never raised into flags."""
    if mode in rule.mode_severity:
        return rule.mode_severity[mode]
    if severity is Severity.INFO:
        return severity
    return severity.raised(MODE_WEIGHTS[mode].get(rule.category, 0))
