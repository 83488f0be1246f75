"""Modal dialogs: unsaved changes, restoring a draft, and choosing a file path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from coach.tui.drafts import Draft
from coach.tui.files import TEXT_SUFFIXES

UnsavedChoice = Literal["save", "keep", "discard", "cancel"]


class UnsavedChangesScreen(ModalScreen[UnsavedChoice]):
    """Asks what to do with unsaved text before quitting."""

    BINDINGS = [
        Binding("s", "choose('save')", "Save", id="unsaved.save", tooltip="Save the text, then quit"),
        Binding(
            "k", "choose('keep')", "Keep draft", id="unsaved.keep", tooltip="Quit; the text is offered back next time"
        ),
        Binding("d", "choose('discard')", "Discard", id="unsaved.discard", tooltip="Quit and throw the text away"),
        Binding("escape", "choose('cancel')", "Cancel", id="unsaved.cancel", tooltip="Go back to the text"),
    ]

    def __init__(self, document_name: str) -> None:
        super().__init__()
        self.document_name = document_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Unsaved changes", classes="dialog-title")
            yield Static(
                Content.assemble(
                    (self.document_name, "bold"),
                    " has changes that are not saved to a file. "
                    "If you keep them as a draft, the studio offers them back next time.",
                ),
                classes="dialog-body",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Keep draft", id="keep", compact=True)
                yield Button("Discard", id="discard", variant="error", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: UnsavedChoice) -> None:
        self.dismiss(choice)


class RestoreDraftScreen(ModalScreen[bool]):
    """Offers back the text autosaved in an earlier session."""

    BINDINGS = [
        Binding("r", "choose(True)", "Restore", id="draft.restore", tooltip="Continue with the draft"),
        Binding("d", "choose(False)", "Discard", id="draft.discard", tooltip="Throw the draft away"),
    ]

    PREVIEW_LINES = 4

    def __init__(self, draft: Draft, document_name: str) -> None:
        super().__init__()
        self.draft = draft
        self.document_name = document_name

    def compose(self) -> ComposeResult:
        lines = self.draft.text.strip().splitlines()
        preview = "\n".join(lines[: self.PREVIEW_LINES]) + ("\n…" if len(lines) > self.PREVIEW_LINES else "")
        with Vertical(classes="dialog"):
            yield Label("Restore your draft?", classes="dialog-title")
            yield Static(
                Content.assemble(
                    "The studio kept unsaved text for ",
                    (self.document_name, "bold"),
                    f" ({self.draft.words} words, mode {self.draft.mode}):",
                ),
                classes="dialog-body",
            )
            yield Static(Content(preview), classes="dialog-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Restore", id="restore", variant="primary", compact=True)
                yield Button("Discard", id="discard", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "restore")

    def action_choose(self, restore: bool) -> None:
        self.dismiss(restore)


class TextFileTree(DirectoryTree):
    """A directory tree that lists folders and the text files the studio opens."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".") and (path.is_dir() or path.suffix.lower() in TEXT_SUFFIXES)
        ]


PathPurpose = Literal["open", "save", "export"]


class PathScreen(ModalScreen[Path | None]):
    """Asks for a file path: to open (with a file tree), to save to, or to export to."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="path.cancel", tooltip="Close without choosing a file"),
    ]

    def __init__(self, purpose: PathPurpose, title: str, suggestion: Path | None, hint: str = "") -> None:
        super().__init__()
        self.purpose = purpose
        self.title_text = title
        self.suggestion = suggestion
        self.hint = hint
        self._confirm_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog path-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if self.hint:
                yield Static(Content.styled(self.hint, "dim"), classes="dialog-body")
            if self.purpose == "open":
                yield TextFileTree(Path.cwd(), id="file-tree")
            yield Input(
                value=str(self.suggestion) if self.suggestion else "",
                placeholder="path/to/file.txt",
                id="path-input",
            )
            yield Label("", id="path-error")

    def on_mount(self) -> None:
        path_input = self.query_one("#path-input", Input)
        path_input.focus()
        path_input.cursor_position = len(path_input.value)

    @on(DirectoryTree.FileSelected)
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#path-input", Input).value = str(event.path)
        self._submit(event.path)

    @on(Input.Submitted, "#path-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._submit(Path(event.value.strip()).expanduser())

    @on(Input.Changed, "#path-input")
    def _changed(self) -> None:
        self._confirm_overwrite = None
        self._show_error("")

    def _submit(self, path: Path) -> None:
        if self.purpose == "open":
            if not path.is_file():
                self._show_error(f"{path}: no such file")
                return
        else:
            if path.is_dir():
                self._show_error(f"{path} is a folder; add a file name")
                return
            if not path.parent.is_dir():
                self._show_error(f"the folder {path.parent} does not exist")
                return
            if path.exists() and path != self.suggestion and self._confirm_overwrite != path:
                self._confirm_overwrite = path
                self._show_error(f"{path.name} exists: press Enter again to replace it")
                return
        self.dismiss(path)

    def _show_error(self, text: str) -> None:
        self.query_one("#path-error", Label).update(Content.styled(text, "$text-error"))

    def action_cancel(self) -> None:
        self.dismiss(None)
