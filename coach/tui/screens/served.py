"""The studio screen as served to a web browser: the text and the report are downloaded, never written on the server."""

from __future__ import annotations

import io
from collections.abc import Iterator

from textual.app import SystemCommand
from textual.binding import Binding

from coach.tui.exporting import report_json, report_markdown
from coach.tui.screens.studio import StudioScreen

#: What the open key says in a browser: the visitor's own files are pasted, the server's are out of reach.
OPEN_IN_BROWSER = (
    "In the browser the studio cannot open files. Paste your text instead "
    "(ctrl+v, or cmd+v on a Mac); ctrl+s downloads it again."
)

_SERVED_BINDINGS = [
    Binding(
        "ctrl+o", "open", "Open", id="studio.open", show=False,
        tooltip="In a browser: no files on the server; paste your text with ctrl+v",
    ),
    Binding("ctrl+s", "save", "Download", id="studio.save", tooltip="Download the text as a .txt file"),
    Binding(
        "f12", "save_as", "Download", id="studio.save-as", show=False, tooltip="Download the text as a .txt file"
    ),
    Binding("f9", "export", "Report", id="studio.export", tooltip="Download the report as Markdown"),
]

#: Command palette entries that change meaning in a browser: title -> (new title, help).
_SERVED_COMMANDS = {
    "Open file": None,  # nothing to open: pasting is the way in
    "Save": ("Download text", "Download the text as a .txt file"),
    "Save as": None,
    "Export report as Markdown": ("Download report as Markdown", "Download the report as a .md file"),
    "Export report as JSON": ("Download report as JSON", "Download the report as a .json file"),
}


class ServedStudioScreen(StudioScreen):
    """Save and export become downloads to the visitor's browser; open asks for a paste."""

    BINDINGS = [
        *(binding for binding in StudioScreen.BINDINGS if binding.id not in {b.id for b in _SERVED_BINDINGS}),
        *_SERVED_BINDINGS,
    ]

    def download_name(self, suffix: str) -> str:
        return f"{self.mode}{suffix}"

    def action_open(self) -> None:
        self.notify(OPEN_IN_BROWSER, title="Paste your text", timeout=8)

    def action_save(self) -> None:
        self.action_save_as()

    def action_save_as(self, then_quit: bool = False) -> None:
        text = self.editor.text
        name = self.download_name(".txt")
        self.app.deliver_text(io.StringIO(text), save_filename=name, mime_type="text/plain", name=name)
        # The download is the visitor's save: the text is no longer a draft, and quitting need not ask.
        self.saved_text = text
        self.flush_draft()
        self._refresh_document_status()
        if then_quit:
            # Quitting now would cancel the download the browser is about to fetch.
            self.app.exit_after_delivery(name)  # type: ignore[attr-defined]
        else:
            self.notify(f"Downloading {name}", timeout=3)

    def action_export(self, export_format: str = "markdown") -> None:
        report = self.editor.report
        if report is None:
            self.notify("Nothing to download yet: the text has not been checked.", severity="warning")
            return
        if export_format == "json":
            name, content, mime = self.download_name(".coach.json"), report_json(report), "application/json"
        else:
            name = self.download_name(".coach.md")
            content, mime = report_markdown(report, title=self.document_name), "text/markdown"
        self.app.deliver_text(io.StringIO(content), save_filename=name, mime_type=mime, name=name)
        note = " (of the last checked version)" if self.editor.analysis_pending else ""
        self.notify(f"Downloading the report as {name}{note}", timeout=4)

    def system_commands(self) -> Iterator[SystemCommand]:
        for command in super().system_commands():
            if command.title not in _SERVED_COMMANDS:
                yield command
            elif (served := _SERVED_COMMANDS[command.title]) is not None:
                yield SystemCommand(served[0], served[1], command.callback)
