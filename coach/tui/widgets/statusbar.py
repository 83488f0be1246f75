"""The status line: which document, whether it is saved, the mode, the language and the analysis state."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label


class StatusBar(Horizontal):
    """One line at the top of the studio."""

    def compose(self) -> ComposeResult:
        yield Label("", id="status-document")
        yield Label("", id="status-mode")
        yield Label("", id="status-language")
        yield Label("", id="status-state")

    def show_document(self, name: str, modified: bool) -> None:
        marker = Content.styled(" ● modified", "$text-warning") if modified else Content("")
        self.query_one("#status-document", Label).update(Content.assemble((name, "bold"), marker))

    def show_mode(self, mode: str) -> None:
        self.query_one("#status-mode", Label).update(Content.assemble(("mode ", "dim"), (mode, "bold")))

    def show_language(self, setting: str, detected: str | None) -> None:
        if setting == "auto":
            value = f"{detected} (detected)" if detected else "auto"
        else:
            value = f"{setting} (set)"
        self.query_one("#status-language", Label).update(Content.assemble(("lang ", "dim"), (value, "bold")))

    def show_state(self, state: str, style: str = "dim") -> None:
        self.query_one("#status-state", Label).update(Content.styled(state, style))
