"""``coach lsp`` driven over stdio as an editor drives it: initialize, didOpen, didChange, hover, codeAction, shutdown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="coach lsp needs the lsp extra: pip install -e '.[lsp]'")

from lsp_client import LspClient  # noqa: E402

import coach  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"
#: A rule pack whose rule has a replacement ("onze superdeal" -> "ons aanbod").
REPLACEMENT_PACK = DATA / "studio" / "replacements.yaml"

DUTCH_PITCH = (
    "Goedemorgen allemaal! Ik ben Sanne van Helder Advies.\n"
    "Wij helpen kmo's met hun boekhouding. Bel me voor een vrijblijvende offerte, deze week 20% korting!\n"
)
SEVERITY = {"error": 1, "warning": 2, "info": 3}


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def check_json(path: Path, *options: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "coach", "check", "--format", "json", *options, str(path)],
        capture_output=True, text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["reports"][0]


def open_document(client: LspClient, uri: str, text: str, language: str = "plaintext", version: int = 1) -> None:
    client.notify("textDocument/didOpen", {
        "textDocument": {"uri": uri, "languageId": language, "version": version, "text": text},
    })


@pytest.fixture
def client():
    started = LspClient()
    yield started
    started.close()


def test_diagnostics_are_the_findings_of_coach_check_at_the_same_positions(client, tmp_path: Path):
    pitch = tmp_path / "pitch.txt"
    pitch.write_text(DUTCH_PITCH, encoding="utf-8")
    expected = check_json(pitch)
    assert expected["findings"], "the test pitch must have findings"

    capabilities = client.initialize(root_uri=tmp_path.as_uri())["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
    open_document(client, uri_of(pitch), DUTCH_PITCH)
    diagnostics = client.diagnostics(uri_of(pitch), version=1)

    seen = [(d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["code"], d["severity"])
            for d in diagnostics]
    wanted = [(f["line"], f["column"], f["rule"], SEVERITY[f["severity"]] if f["category"] != "give" else 4)
              for f in expected["findings"]]
    assert seen == wanted
    for diagnostic, finding in zip(diagnostics, expected["findings"]):
        assert diagnostic["source"] == "coach"
        lines = diagnostic["message"].splitlines()
        assert lines[0] == finding["message"]
        # The guideline (id and title, in the text's language) and the suggestion are in the message.
        guideline = finding["guidelines"][0]
        assert any(line.startswith("richtlijn: ") and guideline in line
                   and expected["guidelines"][guideline]["title"] in line for line in lines)
        if finding["suggestion"]:
            assert f"beter: {finding['suggestion']}" in lines
        end = diagnostic["range"]["end"]
        assert (end["line"], end["character"]) == (finding["line"] - 1, finding["column"] - 1 + len(finding["text"]))
    assert client.shutdown() == 0


def test_typing_is_debounced_and_changes_move_the_diagnostics(client, tmp_path: Path):
    uri = uri_of(tmp_path / "draft.txt")
    client.initialize(options={"debounceMs": 400})
    open_document(client, uri, "Hallo.")
    assert client.diagnostics(uri, version=1) == []

    # Five keystrokes in a burst, as an editor sends them (incremental changes).
    typed = "Bel me!"
    for index, char in enumerate(typed[:5]):
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2 + index},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 6 + index},
                                          "end": {"line": 0, "character": 6 + index}}, "text": char}],
        })
    # One more change replaces the whole text (a paste), so the final text is known.
    text = "Hallo.\nDeze week 20% korting op alles!"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 7}, "contentChanges": [{"text": text}]})
    diagnostics = client.diagnostics(uri, version=7)
    client.settle(1.0)
    stale = [n for n in client.notifications if n["method"] == "textDocument/publishDiagnostics"]
    assert stale == [], "a burst of changes must be analysed once, for the latest text"

    expected = coach.analyze(text, lang="auto", mode="message")
    assert [(d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in diagnostics] == [
        (f.line - 1, f.column - 1) for f in expected.findings
    ]
    assert any(d["code"] == f.rule for d in diagnostics for f in expected.flags())
    assert client.shutdown() == 0


def test_code_action_applies_the_rules_replacement_and_hover_explains(client, tmp_path: Path):
    uri = uri_of(tmp_path / "note.txt")
    client.initialize(options={"coach": {"extraPacks": [str(REPLACEMENT_PACK)], "lang": "nl"}})
    text = "Beste Piet,\nDit is onze superdeal voor jou."
    open_document(client, uri, text)
    diagnostics = client.diagnostics(uri, version=1)
    superdeal = next(d for d in diagnostics if d["code"] == "studio-test-superdeal")
    assert superdeal["range"] == {"start": {"line": 1, "character": 7}, "end": {"line": 1, "character": 21}}

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri},
        "range": superdeal["range"],
        "context": {"diagnostics": [superdeal], "only": ["quickfix"]},
    })
    fixes = [a for a in actions if "studio-test-superdeal" in a["title"]]
    assert len(fixes) == 1
    assert fixes[0]["kind"] == "quickfix"
    assert fixes[0]["edit"]["changes"][uri] == [{"range": superdeal["range"], "newText": "ons aanbod"}]

    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 10}})
    report = coach.Engine(extra_packs=[REPLACEMENT_PACK]).analyze(text, lang="nl", mode="message")
    assert hover["contents"]["kind"] == "markdown"
    assert report.guidelines["D8"].explanation in hover["contents"]["value"]
    assert hover["range"] == superdeal["range"]
    nothing = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}})
    assert nothing is None
    assert client.shutdown() == 0


def test_settings_change_the_mode_and_a_bad_setting_is_one_message(client, tmp_path: Path):
    uri = uri_of(tmp_path / "follow-up.txt")
    text = "Leuk je gisteren te spreken! Bel me voor een vrijblijvende offerte."
    client.initialize()
    open_document(client, uri, text)
    as_message = client.diagnostics(uri, version=1)

    client.notify("workspace/didChangeConfiguration", {"settings": {"coach": {"mode": "follow-up"}}})
    as_follow_up = client.diagnostics(uri, version=1)
    expected = coach.analyze(text, lang="auto", mode="follow-up")
    assert [d["severity"] for d in as_follow_up] == [SEVERITY[f.severity.value] for f in expected.findings]
    assert as_follow_up != as_message, "the mode should change what the editor shows"

    client.notify("workspace/didChangeConfiguration", {"settings": {"coach": {"mdoe": "pitch"}}})
    shown = client.wait_for_notification("window/showMessage")
    assert shown["type"] == 1
    assert shown["message"].startswith("coach settings: unknown key 'mdoe'; known keys: mode, lang, extraPacks")
    # The server still works with the settings it had.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text + " "}]})
    assert [d["severity"] for d in client.diagnostics(uri, version=2)] == [d["severity"] for d in as_follow_up]
    assert client.shutdown() == 0


def test_pulled_configuration_and_a_house_policy(client, tmp_path: Path):
    (tmp_path / "coach.yaml").write_text("version: 1\nmode: follow-up\npacks: [house.yaml]\n", encoding="utf-8")
    (tmp_path / "house.yaml").write_text(REPLACEMENT_PACK.read_text(encoding="utf-8"), encoding="utf-8")
    uri = uri_of(tmp_path / "mail.txt")
    text = "Dit is onze superdeal. Bel me voor een vrijblijvende offerte."
    client.initialize(root_uri=tmp_path.as_uri())
    open_document(client, uri, text)
    client.diagnostics(uri, version=1)

    # An editor with the pull model says only that something changed; the server asks for "coach".
    client.configuration = {"policy": "coach.yaml"}
    client.notify("workspace/didChangeConfiguration", {"settings": None})
    diagnostics = client.diagnostics(uri, version=1)
    expected = coach.Engine(extra_packs=[tmp_path / "house.yaml"]).analyze(text, lang="auto", mode="follow-up")
    assert [(d["code"], d["severity"]) for d in diagnostics] == [
        (f.rule, SEVERITY[f.severity.value]) for f in expected.findings
    ]
    assert "studio-test-superdeal" in [d["code"] for d in diagnostics]
    assert client.shutdown() == 0


def test_positions_count_utf16_units_as_editors_do(client, tmp_path: Path):
    uri = uri_of(tmp_path / "emoji.txt")
    text = "Hoi 👋 allemaal! Deze week 20% korting."
    client.initialize(encodings=["utf-16"])
    open_document(client, uri, text)
    diagnostics = client.diagnostics(uri, version=1)
    finding = coach.analyze(text).findings[0]
    # The emoji is one code point but two UTF-16 units: the editor's column is one further.
    assert diagnostics[0]["range"]["start"] == {"line": 0, "character": finding.start + 1}
    assert client.shutdown() == 0


def test_markdown_code_and_mail_headers_are_not_prose(client, tmp_path: Path):
    client.initialize()
    markdown = "# Nieuwsbrief\n\nWelkom!\n\n```\nDeze week 20% korting\n```\n"
    open_document(client, "file:///tmp/news.md", markdown, language="markdown")
    assert client.diagnostics("file:///tmp/news.md", version=1) == []
    mail = "To: piet@example.nl\nSubject: Deze week 20% korting\n\nHoi Piet,\n"
    open_document(client, "file:///tmp/draft.eml", mail, language="mail")
    diagnostics = client.diagnostics("file:///tmp/draft.eml", version=1)
    assert [d["range"]["start"]["line"] for d in diagnostics if d["severity"] <= 2] == [1]
    client.notify("textDocument/didClose", {"textDocument": {"uri": "file:///tmp/draft.eml"}})
    assert client.diagnostics("file:///tmp/draft.eml") == []
    assert client.shutdown() == 0


def test_a_broken_rule_pack_is_one_message_and_fixing_the_settings_recovers(client, tmp_path: Path):
    broken = tmp_path / "house.yaml"
    broken.write_text(
        "language: nl\nrules:\n  - id: house-x\n    kind: phrasal\n    category: hard-sell\n    severity: warning\n"
        "    guidelines: [D8]\n    message: x\n    phrases: [korting]\n",
        encoding="utf-8",
    )
    uri = uri_of(tmp_path / "pitch.txt")
    client.initialize(options={"extraPacks": [str(broken)]})
    open_document(client, uri, DUTCH_PITCH)
    shown = client.wait_for_notification("window/showMessage")
    assert shown["type"] == 1 and str(broken) in shown["message"] and "phrasal" in shown["message"]
    assert "\n" not in shown["message"]
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": DUTCH_PITCH + "!"}]})
    client.settle(1.0)
    assert not [n for n in client.notifications if n["method"] == "window/showMessage"], "the same error twice"

    client.notify("workspace/didChangeConfiguration", {"settings": {"coach": {"extraPacks": []}}})
    assert client.diagnostics(uri, version=2)
    assert client.shutdown() == 0
