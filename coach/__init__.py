"""coach: marks hard-sell, recruiting and take-without-give language in networking messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.report import (
    Category, Finding, Language, Mode, Report, Scores, Severity, Suppression, Verdict,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from coach.engine import Engine, analyze


def __getattr__(name: str):
    # The engine pulls in spaCy (about a second): load it on first use, so that the
    # studio can draw its first screen before the pipelines are ready.
    if name in ("Engine", "analyze"):
        from coach import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'coach' has no attribute {name!r}")


__all__ = [
    "Category", "Engine", "Finding", "Language", "Mode", "Report", "Scores", "Severity",
    "Suppression", "Verdict", "analyze", "__version__",
]
