"""The engine that `coach serve` shares between tabs: same reports as coach.analyze, errors as one line."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

import coach
from coach.web.engine_service import EngineService, SharedEngine, SharedEngineError

PITCH = "Hoi! Deze week 20% korting op alle pakketten, bel me voor een vrijblijvende offerte."


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    started = EngineService(tmp_path_factory.mktemp("engine"))
    yield started
    started.close()


def test_reports_are_those_of_coach_analyze(service: EngineService):
    engine = SharedEngine(service.socket_path)
    engine.wait_ready()
    for mode in ("pitch", "message"):
        assert engine.analyze(PITCH, mode=mode, lang="auto") == coach.analyze(PITCH, mode=mode, lang="auto")
    # Two studios at once each get their own answers.
    other = SharedEngine(service.socket_path)
    assert other.analyze("Fijn je te spreken!", lang="nl").verdict.value == "ok"
    assert engine.analyze(PITCH).findings


def test_a_bad_request_is_one_line_and_the_engine_keeps_serving(service: EngineService):
    engine = SharedEngine(service.socket_path)
    engine.wait_ready()
    with pytest.raises(SharedEngineError) as error:
        engine.analyze(PITCH, mode="sales-call")
    assert "\n" not in str(error.value) and "sales-call" in str(error.value)
    assert engine.analyze(PITCH).findings


def test_socket_is_private_and_gone_after_close(tmp_path: Path):
    service = EngineService(tmp_path)
    try:
        assert stat.S_IMODE(service.folder.stat().st_mode) == 0o700
        SharedEngine(service.socket_path).wait_ready()
    finally:
        service.close()
    assert not service.socket_path.exists() and not service.folder.exists()
    with pytest.raises(SharedEngineError):
        SharedEngine(service.socket_path).wait_ready(timeout=0.5)


def test_an_engine_that_cannot_start_says_why_to_every_studio(tmp_path: Path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(Path(coach.__file__).resolve().parent.parent / "rules", rules)
    (rules / "guidelines.yaml").write_text("guidelines: [", encoding="utf-8")
    monkeypatch.setenv("COACH_RULES_DIR", str(rules))
    service = EngineService(tmp_path)
    try:
        with pytest.raises(SharedEngineError) as error:
            SharedEngine(service.socket_path).wait_ready()
        assert "guidelines.yaml" in str(error.value) and "\n" not in str(error.value)
    finally:
        service.close()
