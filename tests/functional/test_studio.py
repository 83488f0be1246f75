"""Pilot tests of the rehearsal studio: what a member sees while writing, fixing, saving and quitting."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from studio_helpers import paste, settle
from textual.widgets import OptionList

from coach.report import Category
from coach.tui.drafts import DraftStore
from coach.tui.screens.dialogs import PathScreen, RestoreDraftScreen, UnsavedChangesScreen
from coach.tui.screens.help import HelpScreen
from coach.tui.widgets.editor import Editor

HARD_SELL = "Deze week 20% korting op alle pakketten!"
#: Flagged by the test pack's rule, whose fix replaces "onze superdeal" with "ons aanbod".
SUPERDEAL = "Dit is onze superdeal."
FIXED = "Dit is ons aanbod."


def finding_rules(app) -> list[str]:
    report = app.studio.editor.report
    return [finding.rule for finding in report.findings] if report else []


def flagged_passages(app, category: Category = Category.HARD_SELL) -> list[str]:
    report = app.studio.editor.report
    return [finding.text for finding in report.findings if finding.category is category] if report else []


async def test_typing_goes_straight_into_the_focused_editor(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.focused, Editor)
        await pilot.press(*"Hallo")
        assert app.studio.editor.text == "Hallo"


async def test_hard_sell_sentence_is_highlighted_and_listed(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"Nu 20% korting!")
        await settle(pilot)
        report = app.studio.editor.report
        flags = [f for f in report.findings if f.category is Category.HARD_SELL]
        assert flags, "the hard-sell sentence should be flagged"
        flag = flags[0]
        # The panel lists it, with its category and message.
        option_list = app.screen.query_one("#findings", OptionList)
        prompts = [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]
        assert any("hard-sell" in prompt and flag.message in prompt for prompt in prompts)
        # The passage is drawn in the hard-sell style in the editor.
        editor = app.studio.editor
        line = editor.get_line(0)
        hard_sell_style = editor.get_component_rich_style("editor--hard-sell", partial=True)
        styled = {(span.start, span.end) for span in line.spans if span.style == hard_sell_style}
        assert (flag.start, flag.end) in styled
        assert flag.text == "20% korting"


async def test_pasted_dutch_pitch_shows_findings_and_detected_language(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Bel me voor een vrijblijvende offerte, deze week 20% korting!")
        await settle(pilot)
        assert any("korting" in passage for passage in flagged_passages(app))
        language = str(app.screen.query_one("#status-language").render())
        assert "nl (detected)" in language


async def test_choosing_a_finding_moves_the_cursor_to_its_passage(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Hallo allemaal.\n" + HARD_SELL)
        await settle(pilot)
        editor = app.studio.editor
        flag = next(f for f in editor.report.findings if f.category is Category.HARD_SELL)
        await pilot.press("tab")
        assert isinstance(app.focused, OptionList)
        await pilot.press("enter")
        assert app.focused is editor
        start = editor.document.get_location_from_index(flag.start)
        end = editor.document.get_location_from_index(flag.end)
        assert editor.selection == (start, end)
        assert start[0] == 1  # the second line


async def test_applying_the_fix_replaces_the_passage_and_the_finding_goes(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, SUPERDEAL)
        await settle(pilot)
        assert "studio-test-superdeal" in finding_rules(app)
        await pilot.press("home", *["right"] * 10)  # into "onze superdeal"
        await pilot.press("ctrl+r")
        assert app.studio.editor.text == FIXED
        await settle(pilot)
        assert "studio-test-superdeal" not in finding_rules(app)
        # The fix is one undoable step.
        await pilot.press("ctrl+z")
        assert app.studio.editor.text == SUPERDEAL


async def test_fix_applies_to_the_finding_chosen_in_the_panel(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, SUPERDEAL)
        await settle(pilot)
        await pilot.press("tab", "ctrl+r")
        assert app.studio.editor.text == FIXED


async def test_quitting_with_unsaved_text_asks_first(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Nog niet bewaard")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("escape")
        assert app.screen is app.studio
        assert app.is_running
        await pilot.press("ctrl+q", "d")
    assert app.return_value == 0
    assert DraftStore().load(None) is None


async def test_quitting_without_changes_does_not_ask(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_draft_is_autosaved_while_typing(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Bijna klaar")
        store = DraftStore()
        for _ in range(500):
            await pilot.pause(0.02)
            draft = store.load(None)
            if draft is not None and draft.text == "Bijna klaar":
                break
        else:
            raise AssertionError(f"the draft on disk is {store.load(None)!r}")
        assert app.is_running, "autosave happens while the studio is open, not only on quit"


async def test_draft_is_offered_back_after_a_restart(make_app):
    first = make_app(mode="pitch")
    async with first.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Mijn pitch voor vrijdag")
        await pilot.press("ctrl+q", "k")
    second = make_app()
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(second.screen, RestoreDraftScreen)
        await pilot.press("r")
        assert second.studio.editor.text == "Mijn pitch voor vrijdag"
        assert second.studio.mode == "pitch"
        assert second.studio.modified


async def test_discarded_draft_is_not_offered_again(make_app):
    first = make_app()
    async with first.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Weg ermee")
        await pilot.press("ctrl+q", "k")
    second = make_app()
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert second.studio.editor.text == ""
    assert DraftStore().load(None) is None


async def test_open_edit_and_save_a_file(make_app, tmp_path: Path):
    document = tmp_path / "pitch.md"
    document.write_text("Hallo, ik ben Sanne.", encoding="utf-8")
    app = make_app(path=document)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.studio.editor.text == "Hallo, ik ben Sanne."
        assert not app.studio.modified
        await pilot.press("end")
        await paste(pilot, " Wat doe jij?")
        assert app.studio.modified
        await pilot.press("ctrl+s")
        assert document.read_text(encoding="utf-8") == "Hallo, ik ben Sanne. Wat doe jij?"
        assert not app.studio.modified
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_save_as_for_new_text(make_app, tmp_path: Path):
    target = tmp_path / "nieuw.txt"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Nieuwe tekst")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PathScreen)
        path_input = app.screen.query_one("#path-input")
        path_input.value = str(target)
        await pilot.press("enter")
        assert target.read_text(encoding="utf-8") == "Nieuwe tekst"
        assert app.studio.path == target
        assert not app.studio.modified


async def test_open_dialog_loads_the_chosen_file(make_app, tmp_path: Path):
    document = tmp_path / "notes.txt"
    document.write_text("Leuk je te spreken.", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PathScreen)
        app.screen.query_one("#path-input").value = str(document)
        await pilot.press("enter")
        await pilot.pause()
        assert app.studio.editor.text == "Leuk je te spreken."
        assert app.studio.path == document


async def test_export_markdown_and_json(make_app, tmp_path: Path):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, HARD_SELL)
        await settle(pilot)
        for name in ("report.md", "report.json"):
            await pilot.press("f9")
            assert isinstance(app.screen, PathScreen)
            app.screen.query_one("#path-input").value = str(tmp_path / name)
            await pilot.press("enter")
            await pilot.pause()
        report = app.studio.editor.report
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Coach report: unsaved text")
    assert "20% korting" in markdown and "hard-sell" in markdown
    exported = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert exported == report.to_json_dict()


async def test_mode_and_language_switch_from_keys_and_palette(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Ik help bedrijven hun boekhouding op orde te krijgen. Wie kent een goede bakker?")
        await settle(pilot)
        await pilot.press("f2", "f2")
        await settle(pilot)
        assert app.studio.mode == "follow-up"
        assert app.studio.editor.report.mode.value == "follow-up"
        assert "follow-up" in str(app.screen.query_one("#status-mode").render())
        await pilot.press("f3")
        await settle(pilot)
        assert app.studio.lang == "nl"
        assert not app.studio.editor.report.language_detected
        await pilot.press("ctrl+p")
        await pilot.press(*"pitch")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.studio.mode == "pitch"
        scoreboard = str(app.screen.query_one("#scoreboard").render())
        assert "Speaking" in scoreboard and "30 s" in scoreboard and "60 s" in scoreboard


async def test_help_lists_bindings_and_guidelines(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        markdown = app.screen._markdown()
        assert "Apply the suggested replacement" in markdown
        assert "A network is not a revenue machine" in markdown
        await pilot.press("escape")
        assert app.screen is app.studio


async def test_first_screen_is_drawn_while_the_engine_loads(make_app, studio_engine):
    release = threading.Event()

    def slow_engine_load():
        release.wait(timeout=30)
        return studio_engine

    app = make_app(engine=None, engine_factory=slow_engine_load)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "loading language models" in str(app.screen.query_one("#status-state").render())
        await pilot.press(*"20% korting")
        assert app.studio.editor.text == "20% korting"
        release.set()
        await settle(pilot)
        assert app.studio.editor.report is not None
        assert flagged_passages(app) == ["20% korting"]


async def test_default_engine_runs_in_its_own_process_and_stops_with_the_studio(data_dir):
    from coach.tui.app import StudioApp
    from coach.tui.engine_process import EngineProcess

    app = StudioApp(theme="textual-dark")
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, HARD_SELL)
        await settle(pilot, max_pauses=6000)  # the child loads spaCy first: seconds, not a blink
        assert isinstance(app.engine, EngineProcess)
        assert "20% korting" in flagged_passages(app)
        child = app.engine._process
    assert child.poll() is not None, "the engine process outlived the studio"


async def test_stale_results_are_discarded(make_app, studio_engine):
    first_call = threading.Event()
    release = threading.Event()
    reports = {}

    def slow_analyze(text, **options):
        if text and not first_call.is_set():
            first_call.set()
            release.wait(timeout=30)
        reports[text] = studio_engine.analyze(text, **options)
        return reports[text]

    class Wrapper:
        analyze = staticmethod(slow_analyze)

    app = make_app(engine=Wrapper())
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Deze week 20% korting!")
        while not first_call.is_set():
            await pilot.pause(0.01)
        await paste(pilot, " Wat doe jij?")
        release.set()
        await settle(pilot)
        editor = app.studio.editor
        assert editor.text == "Deze week 20% korting! Wat doe jij?"
        assert "Deze week 20% korting!" in reports, "the first text was analysed"
        assert editor.report is reports[editor.text], "but only the report of the latest text is shown"


async def test_ctrl_q_from_a_dialog_still_asks_about_unsaved_text(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, "Nog te bewaren")
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PathScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("k")
    assert DraftStore().load(None).text == "Nog te bewaren"


async def test_a_failing_engine_leaves_the_editor_usable(make_app):
    from coach.errors import RulePackError

    def broken_engine():
        raise RulePackError("rules/nl/hard-sell.yaml", "invalid YAML", line=3)

    app = make_app(engine=None, engine_factory=broken_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "analysis unavailable" in str(app.screen.query_one("#status-state").render())
        assert "rules/nl/hard-sell.yaml:3" in str(app.screen.query_one("#finding-detail").render())
        await pilot.press(*"Nog steeds")
        assert app.studio.editor.text == "Nog steeds"
