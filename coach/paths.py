"""Where coach finds its rule packs and pipeline configs."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def rules_dir() -> Path:
    """The rule packs; ``COACH_RULES_DIR`` overrides the checkout's ``rules/``."""
    return Path(os.environ.get("COACH_RULES_DIR", PROJECT_ROOT / "rules"))


def models_dir() -> Path:
    return Path(os.environ.get("COACH_MODELS_DIR", PROJECT_ROOT / "models"))
