"""Where coach finds its rule packs and pipeline configs."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where a wheel carries rules/ and models/ (copied there by setup.py's build step).
PACKAGE_DATA = Path(__file__).resolve().parent / "_data"


def _data_dir(name: str, variable: str) -> Path:
    """``$variable`` if set, else the checkout's top-level folder, else the installed copy."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    checkout = PROJECT_ROOT / name
    if (PROJECT_ROOT / "pyproject.toml").exists() and checkout.is_dir():
        return checkout
    return PACKAGE_DATA / name


def rules_dir() -> Path:
    """The rule packs; ``COACH_RULES_DIR`` overrides."""
    return _data_dir("rules", "COACH_RULES_DIR")


def models_dir() -> Path:
    """Pipeline configs and trained weights; ``COACH_MODELS_DIR`` overrides."""
    return _data_dir("models", "COACH_MODELS_DIR")


def classifier_dir(lang: str) -> Path:
    """Weights and thresholds of the trained classifier (``make models``)."""
    return models_dir() / f"classifier-{lang}"
