"""The studio application: wires the studio screen, help, theme and quitting together."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from coach.tui.drafts import DraftStore
from coach.tui.engine_process import EngineProcess
from coach.tui.screens.dialogs import RestoreDraftScreen, UnsavedChangesScreen
from coach.tui.screens.help import HelpScreen, editing_bindings
from coach.tui.screens.studio import StudioScreen
from coach.tui.widgets.editor import DEFAULT_DEBOUNCE
from coach.tui.widgets.feedback import FeedbackPanel

if TYPE_CHECKING:
    from coach.engine import Engine

THEMES = ("textual-dark", "textual-light")


def start_engine_process() -> EngineProcess:
    """Start the engine in its own process; its ``wait_ready`` takes seconds (call it in a worker)."""
    return EngineProcess()


class StudioApp(App[int]):
    """``coach studio``: write or paste a text and see the coach's feedback while typing."""

    TITLE = "coach studio"
    #: The screen the user writes in; the served studio swaps in one that downloads instead of saving.
    STUDIO_SCREEN: type[StudioScreen] = StudioScreen
    CSS_PATH = ["styles/studio.tcss", "styles/dialogs.tcss"]

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit (asks about unsaved text)"),
        Binding("f1", "help", "Help", id="app.help", tooltip="Keys and the guideline catalogue"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme", show=False, tooltip="Switch dark and light"),
    ]

    def __init__(
        self,
        *,
        path: Path | None = None,
        mode: str | None = None,
        lang: str = "auto",
        engine: Engine | None = None,
        engine_factory: Callable[[], Engine | EngineProcess] = start_engine_process,
        data_dir: Path | None = None,
        drafts: DraftStore | None = None,
        debounce: float = DEFAULT_DEBOUNCE,
        theme: str = THEMES[0],
    ) -> None:
        super().__init__()
        #: Loaded by the studio screen in a worker when not given (tests share one).
        self.engine = engine
        self.engine_factory = engine_factory
        #: Engines this app started (and so stops): a child process must not outlive the studio.
        self._started_engines: list[EngineProcess] = []
        self.theme = theme
        self._studio = self.STUDIO_SCREEN(
            path=path, mode=mode, lang=lang, drafts=drafts or DraftStore(data_dir), debounce=debounce
        )

    def adopt_engine(self, engine: object) -> None:
        """Stop ``engine`` when the app ends (called by the worker that started it)."""
        if isinstance(engine, EngineProcess):
            self._started_engines.append(engine)

    def on_unmount(self) -> None:
        for engine in self._started_engines:
            engine.close()

    @property
    def studio(self) -> StudioScreen:
        return self._studio

    def get_default_screen(self) -> Screen:
        return self._studio

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is self._studio:
            yield SystemCommand("Help", "Keys and the guideline catalogue", self.action_help)
            yield from self._studio.system_commands()

    async def action_quit(self) -> None:
        screen = self.screen
        if isinstance(screen, UnsavedChangesScreen):
            return  # already asking
        if isinstance(screen, RestoreDraftScreen):
            # Undecided: leave the old draft where it is for next time.
            self.exit(0)
            return
        if screen is not self._studio:
            await screen.dismiss(None)
        self._studio.request_quit()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        editor = self._studio.editor
        report = editor.report if editor.text.strip() else None
        language = self._studio.lang if self._studio.lang != "auto" else (report.language.value if report else "en")
        groups = [
            ("anywhere", self.BINDINGS),
            ("studio", type(self._studio).BINDINGS),
            ("findings list", FeedbackPanel.BINDINGS),
            ("editor", editing_bindings()),
            ("help", HelpScreen.BINDINGS),
        ]
        self.push_screen(HelpScreen(groups, language))

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
