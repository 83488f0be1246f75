"""Shared fixtures: one engine for the whole session, because building pipelines takes a second.

Hypothesis profiles: ``ci`` (the default) runs a fixed-seed sample of each property test so
that the suite is reproducible and the fuzz tests take about a minute; ``long``
(``make fuzz``, or HYPOTHESIS_PROFILE=long) explores far more inputs with a fresh seed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, max_examples=300, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", deadline=None, max_examples=1500, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The rule-book cache of this test session lives apart from the user's (subprocesses inherit it).
os.environ.setdefault("COACH_CACHE_DIR", tempfile.mkdtemp(prefix="coach-test-cache-"))

from coach import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()
