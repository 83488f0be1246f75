"""Snapshots of the studio at fixed terminal sizes, in dark and light themes.

The engine replays recorded reports (see ``recorded_engine.py``), so rule tuning does not move them.
Regenerate after an intended UI change with ``pytest tests/functional --snapshot-update`` and review
the diff.
"""

from __future__ import annotations

import pytest
from recorded_engine import RecordedEngine, fixture_text
from studio_helpers import paste, settle, studio_ready

PITCH_NL = fixture_text("pitch_nl.txt")
FOLLOW_UP_EN = fixture_text("follow_up_en.txt")


@pytest.fixture
def make_app(make_app):
    """The studio with the replaying engine."""
    engine = RecordedEngine()

    def factory(**options):
        return make_app(engine=engine, **options)

    return factory


def prepared(text: str = "", *, keys: tuple[str, ...] = ()):
    """A run_before that pastes ``text``, waits for its analysis and presses ``keys``."""

    async def run_before(pilot) -> None:
        await studio_ready(pilot)
        pilot.app.studio.editor.cursor_blink = False
        if text:
            await paste(pilot, text)
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_empty_studio(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=prepared())


def test_dutch_pitch_with_flags(snap_compare, make_app):
    app = make_app(mode="pitch")
    assert snap_compare(app, terminal_size=(100, 30), run_before=prepared(PITCH_NL))


def test_dutch_pitch_at_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=prepared(PITCH_NL))


def test_english_follow_up_in_light_theme(snap_compare, make_app):
    app = make_app(mode="follow-up", theme="textual-light")
    assert snap_compare(app, terminal_size=(100, 30), run_before=prepared(FOLLOW_UP_EN))


def test_findings_sorted_by_severity_with_explanations(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(100, 30), run_before=prepared(PITCH_NL, keys=("tab", "s", "g")))


def test_unsaved_changes_dialog(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=prepared(PITCH_NL, keys=("ctrl+q",)))


def test_help_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=prepared(keys=("f1",)))
