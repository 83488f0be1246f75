"""The help screen (F1): every key binding, and the guideline catalogue the coach cites."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown, TextArea

from coach.errors import CoachError

#: The editing keys worth listing; the rest of TextArea's bindings are cursor movement.
EDITING_ACTIONS = ("undo", "redo", "cut", "copy", "paste", "select_all")


class HelpScreen(ModalScreen[None]):
    """Keys first, then each guideline's title and explanation, in the text's language."""

    BINDINGS = [
        Binding("escape,f1,q", "close", "Close", id="help.close", tooltip="Back to the studio"),
        Binding("l", "switch_language", "Language", id="help.language", tooltip="Guidelines in Dutch or English"),
    ]

    def __init__(self, binding_groups: Iterable[tuple[str, Iterable[Binding]]], language: str = "en") -> None:
        super().__init__()
        self.binding_groups = [(where, list(bindings)) for where, bindings in binding_groups]
        self.language = language if language in ("nl", "en") else "en"

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Coach studio: keys and guidelines", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(self._markdown(), id="help-text")
            yield Label("Esc: close · l: guidelines in nl/en · ctrl+p: all commands", id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def _markdown(self) -> str:
        lines = ["## Keys", "", "| Key | What it does | Where |", "| --- | --- | --- |"]
        for where, bindings in self.binding_groups:
            keys_by_action: dict[str, list[str]] = {}
            descriptions: dict[str, str] = {}
            for binding in Binding.make_bindings(bindings):
                description = binding.tooltip or binding.description
                if not description or binding.key.startswith("super+"):
                    continue
                keys_by_action.setdefault(binding.action, []).append(self.app.get_key_display(binding))
                descriptions.setdefault(binding.action, description)
            for action, keys in keys_by_action.items():
                shown = " ".join(f"`{key}`" for key in dict.fromkeys(keys))
                lines.append(f"| {shown} | {descriptions[action]} | {where} |")
        lines += ["", f"## Guidelines ({self.language})", ""]
        lines += self._catalogue_lines()
        return "\n".join(lines)

    def _catalogue_lines(self) -> list[str]:
        from coach.rules.guidelines import load_catalogue

        try:
            catalogue = load_catalogue()
        except CoachError as error:
            return [f"The guideline catalogue could not be read: {error}"]
        kinds = {"dont": "don't", "do": "do"}
        lines: list[str] = []
        for entry in catalogue.entries:
            lines += [
                f"**{entry.id} · {entry.title[self.language]}** ({kinds[entry.kind]}, {entry.family})",
                "",
                entry.explanation[self.language],
                "",
            ]
        return lines

    def action_close(self) -> None:
        self.dismiss(None)

    def action_switch_language(self) -> None:
        self.language = "nl" if self.language == "en" else "en"
        self.query_one("#help-text", Markdown).update(self._markdown())


def editing_bindings() -> list[Binding]:
    """TextArea's editing bindings (undo, copy, ...), for the help table."""
    found: list[Binding] = []
    for binding in TextArea.BINDINGS:
        if isinstance(binding, Binding) and binding.action in EDITING_ACTIONS:
            found.append(binding)
    return found
