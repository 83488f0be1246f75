"""The studio app for one browser tab of ``coach serve``: drafts in the visitor's folder, files as downloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, messages, on

from coach.tui.app import StudioApp, start_engine_process
from coach.tui.engine_process import EngineProcess
from coach.tui.screens.served import ServedStudioScreen
from coach.web.sessions import TabDraftStore

if TYPE_CHECKING:
    from coach.engine import Engine


class ServedStudioApp(StudioApp):
    """The rehearsal studio, served: it reads and writes nothing on the server outside ``session_folder``."""

    TITLE = "coach studio (browser)"
    STUDIO_SCREEN = ServedStudioScreen

    def __init__(
        self,
        *,
        session_folder: Path,
        mode: str | None = None,
        lang: str = "auto",
        engine: Engine | None = None,
        engine_factory: Callable[[], Engine | EngineProcess] = start_engine_process,
        theme: str = "textual-dark",
    ) -> None:
        drafts = TabDraftStore(session_folder)
        super().__init__(
            mode=mode, lang=lang, engine=engine, engine_factory=engine_factory, drafts=drafts, theme=theme
        )
        self.tab_drafts = drafts
        # Before the studio looks for drafts: no other tab may take this one's while it runs.
        drafts.hold()
        #: Names of downloads after which the app quits (the visitor chose "save" when quitting).
        self._quit_after: set[str] = set()
        #: False until the studio itself decides to end; an end without it is a closed tab or a stopped server.
        self._exit_requested = False

    def on_unmount(self) -> None:
        self.tab_drafts.release()
        super().on_unmount()

    def exit(self, *args, **kwargs) -> None:
        self._exit_requested = True
        super().exit(*args, **kwargs)

    @on(messages.ExitApp)
    def _keep_draft_when_closed(self) -> None:
        # Runs before the screens unmount: the editor still holds the text typed since the last autosave.
        if not self._exit_requested:
            self.studio.flush_draft()
        # This tab writes no draft from here on: a tab opened next (a reload) may take it over at once.
        self.tab_drafts.release()

    def exit_after_delivery(self, name: str) -> None:
        self._quit_after.add(name)

    @on(events.DeliveryComplete)
    def _delivered(self, event: events.DeliveryComplete) -> None:
        if event.name in self._quit_after:
            self.exit(0)
        elif event.name != "screenshot":
            self.notify(f"Downloaded {event.name}", timeout=3)

    @on(events.DeliveryFailed)
    def _delivery_failed(self, event: events.DeliveryFailed) -> None:
        self._quit_after.discard(event.name or "")
        self.notify(f"The download of {event.name} failed; your text is still here.", severity="error")
