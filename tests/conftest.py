"""Shared fixtures: one engine for the whole session, because building pipelines takes a second."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()
