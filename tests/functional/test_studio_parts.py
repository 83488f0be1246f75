"""The studio's building blocks that need no running app: offsets, drafts, exports, bindings, the command line."""

from __future__ import annotations

import io

from pathlib import Path

import pytest
from textual.binding import Binding

from coach.tui.app import StudioApp
from coach.tui.drafts import Draft, DraftStore
from coach.tui.files import read_document, write_document
from coach.tui.screens.dialogs import PathScreen, RestoreDraftScreen, UnsavedChangesScreen
from coach.tui.screens.help import HelpScreen
from coach.tui.screens.studio import StudioScreen
from coach.tui.textmap import LineIndex, find_edit, shift_span
from coach.tui.widgets.feedback import FeedbackPanel


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_offsets_map_to_editor_rows_and_columns(newline):
    text = newline.join(["Hoi Mark,", "", "Deze week 20% korting!"])
    lines = LineIndex(text)
    start = text.index("20%")
    assert lines.location(start) == (2, 10)
    assert lines.offset((2, 10)) == start
    assert list(lines.pieces(0, len(text))) == [(0, 0, 9), (2, 0, 22)]


def test_a_span_over_a_line_break_is_split_per_line():
    text = "eerste regel\ntweede regel"
    assert list(LineIndex(text).pieces(7, 19)) == [(0, 7, 12), (1, 0, 6)]


def test_edits_shift_later_spans_and_drop_touched_ones():
    old = "Hallo. Deze week 20% korting!"
    span = (old.index("20%"), old.index("20%") + len("20% korting"))
    typed_before = find_edit(old, "Hallo daar. Deze week 20% korting!")
    assert shift_span(span, typed_before) == (span[0] + 5, span[1] + 5)
    typed_inside = find_edit(old, old.replace("20%", "25%"))
    assert shift_span(span, typed_inside) is None
    typed_after = find_edit(old, old + " Echt.")
    assert shift_span(span, typed_after) == span
    assert find_edit(old, old) is None


def test_drafts_are_kept_per_document(tmp_path: Path):
    store = DraftStore(tmp_path)
    document = tmp_path / "pitch.txt"
    store.save(Draft(text="los", mode="pitch"), None)
    store.save(Draft(text="bij bestand", path=str(document)), document)
    assert store.load(None).text == "los"
    assert store.load(document).text == "bij bestand"
    store.discard(None)
    assert store.load(None) is None
    assert store.load(document) is not None


def test_an_unreadable_draft_is_set_aside_not_fatal(tmp_path: Path):
    store = DraftStore(tmp_path)
    slot = store.slot(None)
    slot.parent.mkdir(parents=True)
    slot.write_text("{half", encoding="utf-8")
    assert store.load(None) is None
    assert slot.with_suffix(".unreadable").exists()


def test_saving_writes_the_exact_text_and_an_empty_file_opens(tmp_path: Path):
    document = tmp_path / "pitch.md"
    write_document(document, "regel 1\nregel 2\n")
    assert document.read_bytes() == b"regel 1\nregel 2\n"
    empty = tmp_path / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    assert read_document(empty) == ("", None)


def test_every_studio_binding_has_an_id_and_a_description():
    classes = [StudioApp, StudioScreen, FeedbackPanel, HelpScreen, PathScreen, RestoreDraftScreen, UnsavedChangesScreen]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert binding.description and binding.tooltip, f"{cls.__name__}: {binding.key} is undescribed"


def run_coach(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in-process (a subprocess would re-import spaCy for each test)."""
    from coach.cli.main import main

    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_studio_refuses_a_file_in_a_missing_folder(capsys):
    code, _, err = run_coach(capsys, "studio", "no/such/folder/pitch.txt")
    assert code == 2
    assert err.startswith("coach: no/such/folder/pitch.txt")
    assert "Traceback" not in err


def test_studio_refuses_a_binary_file(capsys, tmp_path: Path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01")
    code, _, err = run_coach(capsys, "studio", str(binary))
    assert code == 2
    assert "binary" in err


def test_studio_without_a_terminal_says_what_to_use_instead(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("piped text"))
    code, _, err = run_coach(capsys)  # no arguments: the studio
    assert code == 2
    assert "needs an interactive terminal" in err


def test_studio_help_documents_file_mode_and_language(capsys):
    code, out, _ = run_coach(capsys, "studio", "--help")
    assert code == 0
    for word in ("FILE", "--mode", "pitch", "follow-up", "--lang", "auto"):
        assert word in out


def test_engine_process_reports_a_broken_rule_pack(tmp_path: Path):
    from coach.tui.engine_process import EngineProcess, EngineProcessError

    broken = tmp_path / "broken.yaml"
    broken.write_text("language: nl\nrules: [\n", encoding="utf-8")
    with EngineProcess(extra_packs=[broken]) as engine:
        with pytest.raises(EngineProcessError, match="broken.yaml"):
            engine.wait_ready()
        with pytest.raises(EngineProcessError, match="not running"):
            engine.analyze("Hallo")
