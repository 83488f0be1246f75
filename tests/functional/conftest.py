"""Fixtures for the studio's Pilot and snapshot tests: one warmed-up engine, drafts in a temporary folder."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

from coach import Engine
from coach.tui.app import StudioApp
from coach.tui.drafts import DATA_DIR_ENV

STUDIO_DATA = Path(__file__).resolve().parent.parent / "data" / "studio"

#: A rule pack whose rule has a concrete replacement, for the one-key fix.
REPLACEMENT_PACK = STUDIO_DATA / "replacements.yaml"


@pytest.fixture(scope="session")
def studio_engine() -> Engine:
    engine = Engine(extra_packs=[REPLACEMENT_PACK])
    engine.warm_up()
    return engine


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Drafts go to a fresh folder per test, through the documented environment variable."""
    folder = tmp_path / "coach-data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def make_app(studio_engine: Engine, data_dir: Path) -> Callable[..., StudioApp]:
    def factory(**options) -> StudioApp:
        options.setdefault("engine", studio_engine)
        options.setdefault("theme", "textual-dark")
        return StudioApp(**options)

    return factory


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests on a fresh event loop (Pilot needs one; no plugin required)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True
