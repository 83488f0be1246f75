"""Waiting for the studio in Pilot tests: analysis runs in a worker, so tests wait until it is idle."""

from __future__ import annotations

from textual.pilot import Pilot

from coach.tui.app import StudioApp

#: Upper bound on pauses while waiting; reaching it means the analysis never settled (a bug), not slowness.
MAX_PAUSES = 500


async def studio_ready(pilot: Pilot) -> None:
    """Wait until the studio screen is mounted (snapshot auto-pilots start before that)."""
    app = pilot.app
    assert isinstance(app, StudioApp)
    for _ in range(MAX_PAUSES):
        if app.studio.is_mounted:
            return
        await pilot.pause(0.01)
    raise AssertionError("the studio screen never mounted")


async def settle(pilot: Pilot, max_pauses: int = MAX_PAUSES) -> None:
    """Wait until the editor's text has been analysed and the result shown."""
    app = pilot.app
    assert isinstance(app, StudioApp)
    await studio_ready(pilot)
    editor = app.studio.editor
    for _ in range(max_pauses):
        await pilot.pause(0.01)
        if not editor.analysis_pending:
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not editor.analysis_pending:
                return
    raise AssertionError("the analysis never settled")


async def paste(pilot: Pilot, text: str) -> None:
    """Paste text the way the terminal driver delivers it: to the app, which forwards it to the focus."""
    from textual import events

    pilot.app.post_message(events.Paste(text))
    await pilot.pause()
