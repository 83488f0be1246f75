"""The studio screen: the editor, the scoreboard and the feedback panel, and the document's life cycle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, TextArea

from coach.text import plural
from coach.errors import CoachError
from coach.report import Mode
from coach.tui.drafts import Draft, DraftError, DraftStore
from coach.tui.exporting import export_report
from coach.tui.files import read_document, write_document
from coach.tui.screens.dialogs import PathScreen, RestoreDraftScreen, UnsavedChangesScreen, UnsavedChoice
from coach.tui.widgets.editor import DEFAULT_DEBOUNCE, Editor
from coach.tui.widgets.feedback import FeedbackPanel
from coach.tui.widgets.scoreboard import Scoreboard
from coach.tui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from coach.engine import Engine

MODES = [mode.value for mode in Mode]
LANGUAGES = ["auto", "nl", "en"]

#: Seconds after the last change before the draft is written; short, so a closed terminal loses little.
AUTOSAVE_DELAY = 0.4

PLACEHOLDER = (
    "Type or paste your pitch, follow-up or message here.\n"
    "Feedback appears as you write. F2 switches the mode, F1 shows help."
)


def describe_error(error: BaseException) -> str:
    """A one-line description for the user."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


class StudioScreen(Screen):
    """Where the user writes and rehearses; owns the document, its draft and the engine."""

    BINDINGS = [
        Binding("f2", "cycle_mode", "Mode", id="studio.mode", tooltip="Switch mode: pitch, follow-up, message"),
        Binding("f3", "cycle_language", "Lang", id="studio.language", tooltip="Switch language: auto, nl, en"),
        Binding("ctrl+r", "apply_fix", "Fix", id="studio.fix", tooltip="Apply the suggested replacement"),
        Binding(
            "f8", "next_finding", "Next", id="studio.next", show=False, tooltip="Go to the next finding in the text"
        ),
        Binding(
            "shift+f8",
            "previous_finding",
            "Previous",
            id="studio.previous",
            show=False,
            tooltip="Go to the previous finding in the text",
        ),
        Binding("f4", "toggle_sort", "Sort", id="studio.sort", show=False, tooltip="Sort by position or severity"),
        Binding("ctrl+o", "open", "Open", id="studio.open", tooltip="Open a .txt or .md file"),
        Binding("ctrl+s", "save", "Save", id="studio.save", tooltip="Save the text to its file"),
        Binding("f12", "save_as", "Save as", id="studio.save-as", show=False, tooltip="Save the text to a new file"),
        Binding("f9", "export", "Export", id="studio.export", tooltip="Export the report as Markdown or JSON"),
    ]

    mode: reactive[str] = reactive("message", init=False)
    lang: reactive[str] = reactive("auto", init=False)

    def __init__(
        self,
        *,
        path: Path | None = None,
        mode: str | None = None,
        lang: str = "auto",
        drafts: DraftStore,
        debounce: float = DEFAULT_DEBOUNCE,
    ) -> None:
        super().__init__()
        self.path = path
        self._mode_given = mode is not None
        self.set_reactive(StudioScreen.mode, mode or Mode.MESSAGE.value)
        self.set_reactive(StudioScreen.lang, lang)
        self.drafts = drafts
        self.debounce = debounce
        #: The text as last loaded from or saved to a file; "" for a new text.
        self.saved_text = ""
        #: Autosave must not touch the draft slot until the user has decided about an old draft.
        self._draft_settled = False
        self._autosave_timer: Timer | None = None
        self._draft_error_shown = False
        self._last_analysis_error: str | None = None

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="workspace"):
            yield Editor(id="editor", debounce=self.debounce, placeholder=PLACEHOLDER)
            with Vertical(id="sidebar"):
                yield Scoreboard(id="scoreboard")
                yield FeedbackPanel(id="feedback")
        yield Footer(compact=True)

    @property
    def editor(self) -> Editor:
        return self.query_one(Editor)

    @property
    def feedback(self) -> FeedbackPanel:
        return self.query_one(FeedbackPanel)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def modified(self) -> bool:
        return self.editor.text != self.saved_text

    @property
    def document_name(self) -> str:
        return self.path.name if self.path else "unsaved text"

    def on_mount(self) -> None:
        self.query_one("#scoreboard").border_title = "Scores"
        self.query_one("#feedback").border_title = "Feedback"
        self.status.show_mode(self.mode)
        self.status.show_language(self.lang, None)
        self.editor.focus()
        if self.path is not None:
            self._load_file(self.path)
        self._refresh_document_status()
        self._offer_draft()
        engine = getattr(self.app, "engine", None)
        if engine is None:
            self.status.show_state("loading language models…")
            # The worker only starts the engine process and waits on its pipe: no GIL contention.
            self._load_engine()
        else:
            self._engine_ready(engine)

    # -- engine -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _load_engine(self) -> None:
        try:
            engine = self.app.engine_factory()  # type: ignore[attr-defined]
            self._deliver(self.app.adopt_engine, engine)  # type: ignore[attr-defined]
            wait_ready = getattr(engine, "wait_ready", None)
            if wait_ready is not None:
                wait_ready()
        except Exception as error:  # a broken rule pack must not take the editor (and the text) down
            self._deliver(self._engine_failed, describe_error(error))
            return
        self._deliver(self._engine_ready, engine)

    def _deliver(self, callback: Callable[..., None], *args: object) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # the user quit while the engine loaded

    def _engine_ready(self, engine: Engine) -> None:
        self.app.engine = engine  # type: ignore[attr-defined]
        self.scoreboard_waiting("Checking…")
        self._install_analyzer()

    def _engine_failed(self, error: str) -> None:
        self.status.show_state("analysis unavailable", "$text-error")
        self.feedback.show_status(f"The coach could not start: {error}\nYou can still write and save.")
        self.query_one(Scoreboard).show_waiting("No scores: the coach could not start.")
        self.notify(error, title="Coach could not start", severity="error", timeout=10)

    def _install_analyzer(self) -> None:
        engine = getattr(self.app, "engine", None)
        if engine is None:
            return
        source = str(self.path) if self.path else "-"
        self.editor.set_analyzer(partial(engine.analyze, mode=self.mode, lang=self.lang, source=source))

    def scoreboard_waiting(self, text: str) -> None:
        if self.editor.report is None:
            self.query_one(Scoreboard).show_waiting(text)

    # -- analysis results -------------------------------------------------------------------

    @on(Editor.AnalysisStarted)
    def _analysis_started(self) -> None:
        self.status.show_state("checking…")

    @on(Editor.AnalysisFinished)
    def _analysis_finished(self, event: Editor.AnalysisFinished) -> None:
        report = event.report
        if not event.text.strip():
            self.status.show_state("ready")
            self.status.show_language(self.lang, None)
            self.query_one(Scoreboard).show_waiting("Scores appear as you type.")
            self.feedback.show_status("Findings appear here as you type.")
            return
        flags = len(report.flags())
        self.status.show_state(
            plural(flags, 'flag') if flags else "no flags",
            "$text-warning" if flags else "$text-success",
        )
        self.status.show_language(self.lang, report.language.value)
        self.query_one(Scoreboard).show_report(report)
        self.feedback.show_report(report)
        self._sync_current_finding()

    @on(Editor.AnalysisFailed)
    def _analysis_failed(self, event: Editor.AnalysisFailed) -> None:
        self.status.show_state("analysis failed", "$text-error")
        if event.error != self._last_analysis_error:
            # The same failure on every keystroke would bury the text under notifications.
            self._last_analysis_error = event.error
            self.notify(event.error, title="Analysis failed", severity="error")

    @on(TextArea.SelectionChanged, "#editor")
    def _cursor_moved(self) -> None:
        self._sync_current_finding()

    def _sync_current_finding(self) -> None:
        index = self.editor.finding_at_cursor()
        self.editor.set_current_finding(index)
        self.feedback.highlight_finding(index)

    @on(FeedbackPanel.FindingSelected)
    def _finding_selected(self, event: FeedbackPanel.FindingSelected) -> None:
        if self.editor.reveal(event.index):
            self.editor.focus()
        else:
            self.notify("That passage has changed since it was checked.", severity="warning")

    @on(FeedbackPanel.EditorRequested)
    def _editor_requested(self) -> None:
        self.editor.focus()

    # -- document and draft -----------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _text_changed(self) -> None:
        self._refresh_document_status()
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._autosave_timer = self.set_timer(AUTOSAVE_DELAY, self.flush_draft)

    def _refresh_document_status(self) -> None:
        self.status.show_document(self.document_name, self.modified)
        self.sub_title = self.document_name

    def flush_draft(self) -> None:
        """Write (or clear) the draft now: keep whatever is not saved to a file."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        if not self._draft_settled:
            return
        try:
            if self.modified:
                draft = Draft(
                    text=self.editor.text,
                    path=str(self.path) if self.path else None,
                    mode=self.mode,
                    lang=self.lang,
                )
                self.drafts.save(draft, self.path)
            else:
                self.drafts.discard(self.path)
        except DraftError as error:
            self._draft_failed(error)

    def _discard_draft(self, path: Path | None) -> None:
        try:
            self.drafts.discard(path)
        except DraftError as error:
            self._draft_failed(error)

    def _draft_failed(self, error: DraftError) -> None:
        # Once per session: autosave runs on every pause in typing.
        if not self._draft_error_shown:
            self._draft_error_shown = True
            self.notify(str(error), title="Autosave failed", severity="error", timeout=10)

    def _offer_draft(self) -> None:
        draft = self.drafts.load(self.path)
        if draft is None or draft.text == self.editor.text:
            self._draft_settled = True
            self.flush_draft()
            return
        self._draft_settled = False

        def decided(restore: bool | None) -> None:
            if restore:
                self.editor.load_document(draft.text)
                if not self._mode_given:
                    self.set_mode(draft.mode)
                    self.set_language(draft.lang)
            self._draft_settled = True
            if not restore:
                self._discard_draft(self.path)
            self.editor.focus()

        self.app.push_screen(RestoreDraftScreen(draft, self.document_name), decided)

    def _load_file(self, path: Path) -> bool:
        try:
            text, warning = read_document(path)
        except CoachError as error:
            if not path.exists():
                # A new file, as in any editor: it is created on the first save.
                text, warning = "", None
            else:
                self.notify(describe_error(error), title="Cannot open", severity="error")
                return False
        self.path = path
        self.saved_text = text
        self.editor.load_document(text)
        if warning:
            self.notify(warning, title=path.name, severity="warning")
        return True

    def _save_to(self, path: Path) -> bool:
        text = self.editor.text
        try:
            write_document(path, text)
        except CoachError as error:
            self.notify(describe_error(error), title="Not saved", severity="error")
            return False
        previous = self.path
        if previous != path:
            # The draft slot follows the document; the old slot's draft is now saved work.
            self._discard_draft(previous)
        self.path = path
        self.saved_text = text
        self._discard_draft(path)
        self._refresh_document_status()
        self._install_analyzer()
        self.notify(f"Saved {path}", timeout=3)
        return True

    def action_save(self) -> None:
        if self.path is None:
            self.action_save_as()
        else:
            self._save_to(self.path)

    def action_save_as(self, then_quit: bool = False) -> None:
        suggestion = self.path or Path.cwd() / "pitch.txt"

        def chosen(path: Path | None) -> None:
            if path is not None and self._save_to(path) and then_quit:
                self.app.exit(0)

        self.app.push_screen(
            PathScreen("save", "Save as", suggestion, hint="A .txt or .md file; the text is saved as UTF-8."),
            chosen,
        )

    def action_open(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if self.modified:
                self.flush_draft()
                self.notify(f"Your changes to {self.document_name} are kept as a draft.", timeout=5)
            if self._load_file(path):
                self._refresh_document_status()
                self._install_analyzer()
                self._offer_draft()

        self.app.push_screen(PathScreen("open", "Open a text", None, hint="Pick a .txt or .md file, or type a path."), chosen)

    def action_export(self, export_format: str = "markdown") -> None:
        report = self.editor.report
        if report is None:
            self.notify("Nothing to export yet: the text has not been checked.", severity="warning")
            return
        suffix = ".json" if export_format == "json" else ".md"
        base = self.path.with_suffix("") if self.path else Path.cwd() / "coach-report"
        suggestion = base.with_name(base.name + (".coach" if self.path else "") + suffix)
        pending = self.editor.analysis_pending

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                used = export_report(report, path, title=self.document_name)
            except CoachError as error:
                self.notify(describe_error(error), title="Not exported", severity="error")
                return
            note = " (of the last checked version)" if pending else ""
            self.notify(f"Exported the report as {used.title()} to {path}{note}", timeout=4)

        self.app.push_screen(
            PathScreen("export", "Export the report", suggestion, hint="Ends in .json: JSON; otherwise Markdown."),
            chosen,
        )

    def request_quit(self) -> None:
        """Quit, asking first when the text has changes that are not in a file."""
        if not self.modified:
            self.flush_draft()
            self.app.exit(0)
            return

        def decided(choice: UnsavedChoice | None) -> None:
            if choice == "save":
                if self.path is None:
                    self.action_save_as(then_quit=True)
                elif self._save_to(self.path):
                    self.app.exit(0)
            elif choice == "keep":
                self.flush_draft()
                self.app.exit(0)
            elif choice == "discard":
                self._discard_draft(self.path)
                self.app.exit(0)

        self.app.push_screen(UnsavedChangesScreen(self.document_name), decided)

    # -- mode and language ------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        if mode in MODES:
            self.mode = mode

    def set_language(self, lang: str) -> None:
        if lang in LANGUAGES:
            self.lang = lang

    def watch_mode(self, mode: str) -> None:
        self.status.show_mode(mode)
        self._install_analyzer()
        self.flush_draft()

    def watch_lang(self, lang: str) -> None:
        report = self.editor.report
        self.status.show_language(lang, report.language.value if report and lang == "auto" else None)
        self._install_analyzer()
        self.flush_draft()

    def action_cycle_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self.notify(f"Mode: {self.mode}", timeout=2)

    def action_cycle_language(self) -> None:
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]
        self.notify(f"Language: {self.lang}", timeout=2)

    # -- findings ---------------------------------------------------------------------------

    def _target_finding(self) -> int | None:
        at_cursor = self.editor.finding_at_cursor()
        highlighted = self.feedback.highlighted_index
        if self.editor.has_focus:
            return at_cursor if at_cursor is not None else highlighted
        return highlighted if highlighted is not None else at_cursor

    def action_apply_fix(self) -> None:
        report = self.editor.report
        index = self._target_finding()
        if report is None or index is None:
            self.notify("Put the cursor on a marked passage, or pick a finding, to apply its fix.", timeout=4)
            return
        finding = report.findings[index]
        if finding.replacement is None:
            self.notify("This finding has no one-key fix; see its suggestion.", timeout=4)
            return
        if not self.editor.apply_replacement(index):
            self.notify("That passage has changed since it was checked.", severity="warning")
            return
        self.editor.focus()

    def _step_finding(self, step: int) -> None:
        report = self.editor.report
        if report is None or not report.findings:
            return
        offset = self.editor.document.get_index_from_location(self.editor.selection.start)
        ordered = sorted(range(len(report.findings)), key=lambda i: report.findings[i].start)
        spans = [(i, self.editor.span_of(i)) for i in ordered]
        spans = [(i, span) for i, span in spans if span is not None]
        if not spans:
            return
        if step > 0:
            after = [i for i, span in spans if span[0] > offset]
            target = after[0] if after else spans[0][0]
        else:
            before = [i for i, span in spans if span[0] < offset]
            target = before[-1] if before else spans[-1][0]
        self.editor.reveal(target)
        self.feedback.highlight_finding(target)

    def action_next_finding(self) -> None:
        self._step_finding(+1)

    def action_previous_finding(self) -> None:
        self._step_finding(-1)

    def action_toggle_sort(self) -> None:
        self.feedback.action_toggle_sort()

    # -- command palette --------------------------------------------------------------------

    def system_commands(self) -> Iterator[SystemCommand]:
        for mode in MODES:
            yield SystemCommand(f"Mode: {mode}", f"Coach the text as a {mode}", partial(self.set_mode, mode))
        for lang in LANGUAGES:
            what = "detect the language" if lang == "auto" else f"treat the text as {lang}"
            yield SystemCommand(f"Language: {lang}", f"Coach: {what}", partial(self.set_language, lang))
        yield SystemCommand("Open file", "Open a .txt or .md file", self.action_open)
        yield SystemCommand("Save", "Save the text to its file", self.action_save)
        yield SystemCommand("Save as", "Save the text to a new file", self.action_save_as)
        yield SystemCommand(
            "Export report as Markdown", "Write the report to a .md file", partial(self.action_export, "markdown")
        )
        yield SystemCommand("Export report as JSON", "Write the report to a .json file", partial(self.action_export, "json"))
        yield SystemCommand("Apply fix", "Apply the suggested replacement of the current finding", self.action_apply_fix)
        yield SystemCommand("Sort findings", "Sort by position or by severity", self.action_toggle_sort)
        yield SystemCommand("Show findings", "Move to the list of findings", self.feedback.focus_findings)
