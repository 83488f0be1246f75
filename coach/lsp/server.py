"""The coach language server (pygls): analyses open documents as they change and publishes the findings.

Analysis runs on one worker thread, so the server keeps reading the editor's messages (and can drop
a stale analysis) while spaCy works; a burst of keystrokes is analysed once, after ``debounceMs`` of
quiet. Everything the editor sees is rendered from ``Engine.analyze``'s Report.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

import coach
from coach.errors import CoachError
from coach.lsp.diagnostics import (
    TextPositions, diagnostics_for, findings_at, hover_markdown, replacement_actions,
)
from coach.lsp.prose import prose_of
from coach.lsp.settings import LspSettings, SettingsError
from coach.report import Mode, Report

if TYPE_CHECKING:
    from coach.engine import Engine

log = logging.getLogger("coach.lsp")


@dataclass(frozen=True)
class EngineSetup:
    """What an engine is built from, and the mode and language it analyses with."""

    packs: tuple[str, ...]
    mode: Mode
    lang: str


@dataclass(frozen=True)
class Analysis:
    """The latest report published for a document, and the text it is about."""

    version: int | None
    text: str
    report: Report
    diagnostics: list[types.Diagnostic]


class CoachLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("coach", coach.__version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = LspSettings()
        self.workspace_root: Path | None = None
        self.analyses: dict[str, Analysis] = {}
        self._pending: dict[str, asyncio.Task] = {}
        # spaCy pipelines are not shared between threads: one worker owns the engine.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-analysis")
        self._engine: Engine | None = None
        self._engine_packs: tuple[str, ...] | None = None
        self._broken_packs: tuple[tuple[str, ...], CoachError] | None = None
        self._setup: EngineSetup | None = None
        self._shown_errors: set[str] = set()

    # -- settings -------------------------------------------------------------------------

    def apply_settings(self, raw: Any) -> bool:
        """Take new settings from the editor; on a mistake keep the old ones and say why (once)."""
        try:
            settings = LspSettings.from_client(raw, self.settings)
            setup = self._setup_for(settings)
        except CoachError as error:
            self.show_error(str(error))
            return False
        self.settings, self._setup = settings, setup
        self._shown_errors.clear()
        return True

    def _setup_for(self, settings: LspSettings) -> EngineSetup:
        packs = [str(settings.resolve(pack, self.workspace_root)) for pack in settings.extra_packs]
        mode, lang = settings.mode, settings.lang
        if settings.policy:
            from coach.screen import load_policy

            policy = load_policy(settings.resolve(settings.policy, self.workspace_root))
            packs += [str(path) for path in policy.pack_paths]
            mode = mode or policy.mode
            lang = lang or policy.lang
        for pack in packs:
            if not Path(pack).is_file():
                raise SettingsError(f"coach settings: extraPacks: no rule pack at {pack}")
        return EngineSetup(packs=tuple(packs), mode=mode or Mode.MESSAGE, lang=lang or "auto")

    @property
    def setup(self) -> EngineSetup:
        if self._setup is None:
            self._setup = self._setup_for(self.settings)
        return self._setup

    def show_error(self, message: str) -> None:
        if message in self._shown_errors:
            return  # the same mistake on every keystroke would bury the editor in pop-ups
        self._shown_errors.add(message)
        log.error(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    # -- analysis -------------------------------------------------------------------------

    def schedule(self, uri: str, *, immediately: bool = False) -> None:
        """Analyse the document after the debounce (at once for a newly opened one)."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        delay = 0.0 if immediately else self.settings.debounce_ms / 1000
        self._pending[uri] = asyncio.get_running_loop().create_task(self._analyse_later(uri, delay))

    def reanalyse_all(self) -> None:
        for document in list(self.workspace.text_documents.values()):
            self.schedule(document.uri, immediately=True)

    def open_document(self, uri: str) -> TextDocument | None:
        """The editor's copy of an open document (never the file on disk)."""
        return self.workspace.text_documents.get(unquote(uri))

    def forget(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.analyses.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def _analyse_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.open_document(uri)
        if document is None:
            return
        text, version, setup = document.source, document.version, self.setup
        prose = prose_of(text, document.language_id)
        try:
            report = await asyncio.get_running_loop().run_in_executor(self._worker, self._analyse, prose, setup)
        except CoachError as error:
            self.show_error(str(error))
            return
        current = self.open_document(uri)
        if current is None or current.source != text:
            return  # changed (or closed) meanwhile: a newer analysis is on its way
        positions = TextPositions(text, self.workspace.position_codec)
        diagnostics = diagnostics_for(report, positions)
        self.analyses[uri] = Analysis(version=version, text=text, report=report, diagnostics=diagnostics)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def _analyse(self, text: str, setup: EngineSetup) -> Report:
        """On the worker thread: build the engine when its packs changed, then analyse."""
        if self._engine is None or self._engine_packs != setup.packs:
            if self._broken_packs is not None and self._broken_packs[0] == setup.packs:
                # A broken pack stays broken until the settings change: do not rebuild on every keystroke.
                raise self._broken_packs[1]
            try:
                self._engine = coach.Engine(extra_packs=list(setup.packs))
            except CoachError as error:
                self._engine, self._broken_packs = None, (setup.packs, error)
                raise
            self._engine_packs, self._broken_packs = setup.packs, None
        return self._engine.analyze(text, lang=setup.lang, mode=setup.mode)

    def warm_up(self) -> None:
        """Build the engine and its pipelines before the first document arrives (seconds)."""
        setup = self.setup

        def build() -> None:
            self._analyse("Hallo.", setup)
            self._engine.warm_up()  # type: ignore[union-attr]

        future = self._worker.submit(build)
        future.add_done_callback(lambda done: done.exception() and log.error("warm-up failed: %s", done.exception()))

    # -- lookups for hover and code actions ------------------------------------------------

    def current_analysis(self, uri: str) -> tuple[Analysis, str, TextPositions] | None:
        analysis = self.analyses.get(uri)
        document = self.open_document(uri)
        if analysis is None or document is None:
            return None
        text = document.source
        return analysis, text, TextPositions(text, self.workspace.position_codec)


def create_server() -> CoachLanguageServer:
    server = CoachLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CoachLanguageServer, params: types.InitializeParams) -> None:
        if params.root_uri:
            ls.workspace_root = Path(to_fs_path(params.root_uri) or ".")
        elif params.root_path:
            ls.workspace_root = Path(params.root_path)
        ls.apply_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    def initialized(ls: CoachLanguageServer, params: types.InitializedParams) -> None:
        ls.warm_up()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration_changed(ls: CoachLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        raw = params.settings
        if (raw is None or raw == {}) and _can_pull_configuration(ls):
            # The editor only says "something changed" (VS Code's pull model): ask for our section.
            pulled = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="coach")])
            )
            raw = pulled[0] if pulled else None
        if ls.apply_settings(raw):
            ls.reanalyse_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CoachLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, immediately=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CoachLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CoachLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CoachLanguageServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.current_analysis(params.text_document.uri)
        if found is None:
            return None
        analysis, text, positions = found
        if analysis.text != text:
            return None  # the shown findings are about an older text; the new ones are coming
        findings = findings_at(analysis.report, positions.offset(params.position))
        if not findings:
            return None
        start, end = min(f.start for f in findings), max(f.end for f in findings)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(analysis.report, findings)),
            range=positions.range(start, end),
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: CoachLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        found = ls.current_analysis(params.text_document.uri)
        if found is None:
            return None
        analysis, text, positions = found
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        return replacement_actions(
            params.text_document.uri, analysis.report, text, positions, start, end, analysis.diagnostics
        ) or None

    return server


def _can_pull_configuration(ls: CoachLanguageServer) -> bool:
    workspace = ls.client_capabilities.workspace
    return bool(workspace and workspace.configuration)
