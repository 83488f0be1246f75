"""coach: marks hard-sell, recruiting and take-without-give language in networking messages."""

__version__ = "0.1.0"

from coach.engine import Engine, analyze  # noqa: E402
from coach.report import (  # noqa: E402
    Category, Finding, Language, Mode, Report, Scores, Severity, Suppression, Verdict,
)

__all__ = [
    "Category", "Engine", "Finding", "Language", "Mode", "Report", "Scores", "Severity",
    "Suppression", "Verdict", "analyze", "__version__",
]
