"""Pilot tests of the studio as `coach serve` runs it per browser tab: downloads, no server files, private drafts."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from studio_helpers import settle, studio_ready
from textual import events, messages

from coach.tui.screens.dialogs import PathScreen, RestoreDraftScreen, UnsavedChangesScreen
from coach.tui.screens.help import HelpScreen
from coach.tui.served import ServedStudioApp

HARD_SELL = "Deze week 20% korting op alle pakketten!"


def record_downloads(app: ServedStudioApp) -> ServedStudioApp:
    """Keep what would be sent to the browser in ``app.downloads`` instead of handing it to a web driver."""
    app.downloads = []

    def deliver_text(path_or_file, **options) -> str:
        assert isinstance(path_or_file, io.StringIO), "served downloads come from memory, never from a server file"
        app.downloads.append({"content": path_or_file.getvalue(), **options})
        return f"key-{len(app.downloads)}"

    app.deliver_text = deliver_text
    return app


@pytest.fixture
def visitor_folder(data_dir: Path) -> Callable[[str], Path]:
    def folder(name: str) -> Path:
        return data_dir / "served" / name

    return folder


@pytest.fixture
def make_served(studio_engine, visitor_folder, tmp_path: Path, monkeypatch) -> Callable[..., ServedStudioApp]:
    # The working directory is empty and must stay so: a served studio writes nothing outside its folder.
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)

    def factory(visitor: str = "visitor-a", **options) -> ServedStudioApp:
        options.setdefault("engine", studio_engine)
        return record_downloads(ServedStudioApp(session_folder=visitor_folder(visitor), **options))

    return factory


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_open_asks_for_a_paste_and_shows_no_file_dialog(make_served):
    app = make_served()
    async with app.run_test(size=(100, 30)) as pilot:
        await studio_ready(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, PathScreen)
        assert any("Paste your text" in message or "paste" in message.lower() for message in notifications(app))


async def test_save_downloads_the_text_and_writes_no_server_file(make_served, tmp_path: Path):
    app = make_served(mode="pitch")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*HARD_SELL)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, PathScreen)
        assert app.downloads == [
            {"content": HARD_SELL, "save_filename": "pitch.txt", "mime_type": "text/plain", "name": "pitch.txt"}
        ]
        assert not app.studio.modified
    assert list((tmp_path / "cwd").iterdir()) == []


async def test_report_downloads_as_markdown_and_json(make_served):
    app = make_served(mode="pitch")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*HARD_SELL)
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        app.studio.action_export("json")
        await pilot.pause()
        verdict = app.studio.editor.report.verdict.value
    markdown, as_json = app.downloads
    assert markdown["save_filename"] == "pitch.coach.md"
    assert markdown["content"].startswith("# Coach report")
    assert "20% korting" in markdown["content"]
    assert as_json["save_filename"] == "pitch.coach.json"
    report = json.loads(as_json["content"])
    assert report["verdict"] == verdict
    assert any(finding["text"] == "20% korting" for finding in report["findings"])


async def test_palette_and_help_speak_of_downloads_not_files(make_served):
    app = make_served()
    async with app.run_test(size=(100, 30)) as pilot:
        await studio_ready(pilot)
        titles = [command.title for command in app.get_system_commands(app.studio)]
        assert "Download text" in titles and "Download report as JSON" in titles
        assert "Open file" not in titles and "Save as" not in titles
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen._markdown()
        assert "Download the text as a .txt file" in help_text
        assert "paste your text" in help_text
        assert "Open a .txt or .md file" not in help_text


async def test_draft_of_a_closed_tab_comes_back_to_the_same_visitor_only(make_served, visitor_folder):
    first = make_served("visitor-a")
    async with first.run_test(size=(100, 30)) as pilot:
        await studio_ready(pilot)
        await pilot.press(*HARD_SELL)
        # The browser tab closes: the server ends the app without ctrl+q, right after the keystrokes.
        first.post_message(messages.ExitApp())
        await pilot.pause()
    drafts = list((visitor_folder("visitor-a") / "drafts").glob("*.json"))
    assert [json.loads(path.read_text())["text"] for path in drafts] == [HARD_SELL]

    stranger = make_served("visitor-b")
    async with stranger.run_test(size=(100, 30)) as pilot:
        await studio_ready(pilot)
        await pilot.pause()
        assert not isinstance(stranger.screen, RestoreDraftScreen)
        assert stranger.studio.editor.text == ""

    again = make_served("visitor-a")
    async with again.run_test(size=(100, 30)) as pilot:
        await studio_ready(pilot)
        await pilot.pause()
        assert isinstance(again.screen, RestoreDraftScreen)
        await pilot.press("r")
        await pilot.pause()
        assert again.studio.editor.text == HARD_SELL


async def test_a_second_tab_does_not_take_the_draft_of_a_tab_still_open(make_served):
    first = make_served("visitor-a")
    async with first.run_test(size=(100, 30)) as pilot:
        await studio_ready(pilot)
        await pilot.press(*HARD_SELL)
        first.studio.flush_draft()
        second = make_served("visitor-a")
        async with second.run_test(size=(100, 30)) as second_pilot:
            await studio_ready(second_pilot)
            await second_pilot.pause()
            assert not isinstance(second.screen, RestoreDraftScreen)


async def test_quit_with_save_downloads_then_ends_once_delivered(make_served):
    app = make_served()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*HARD_SELL)
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("s")
        await pilot.pause()
        assert [download["content"] for download in app.downloads] == [HARD_SELL]
        assert app.is_running, "quitting before the browser fetched the download would cancel it"
        app.post_message(events.DeliveryComplete(key="key-1", name="message.txt"))
        await pilot.pause()
        assert not app.is_running
    assert app.return_value == 0

