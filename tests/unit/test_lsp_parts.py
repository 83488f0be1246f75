"""The language server's parts: settings from editors, prose of Markdown and mail, positions in client units."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls", reason="coach lsp needs the lsp extra: pip install -e '.[lsp]'")

from lsprotocol import types  # noqa: E402
from pygls.workspace.position_codec import PositionCodec  # noqa: E402

from coach.lsp.diagnostics import TextPositions  # noqa: E402
from coach.lsp.prose import prose_of  # noqa: E402
from coach.lsp.settings import LspSettings, SettingsError  # noqa: E402
from coach.report import Mode  # noqa: E402


def test_settings_nested_or_flat_and_none_keeps_the_old():
    nested = LspSettings.from_client({"coach": {"mode": "pitch", "extraPacks": ["house.yaml"], "debounceMs": 50}})
    assert nested.mode is Mode.PITCH and nested.extra_packs == ["house.yaml"] and nested.debounce_ms == 50
    assert LspSettings.from_client({"lang": "nl"}).lang == "nl"
    assert LspSettings.from_client(None, nested) is nested


@pytest.mark.parametrize("raw, problem", [
    ({"mode": "sales"}, "coach settings: mode: Input should be 'pitch', 'follow-up' or 'message'"),
    ({"debounceMs": -1}, "coach settings: debounceMs: Input should be greater than or equal to 0"),
    ({"extra_packs": "x"}, "coach settings: extra_packs: Input should be a valid list"),
    ("pitch", "coach settings must be an object of keys (mode, lang, extraPacks, policy, debounceMs), not 'pitch'"),
])
def test_bad_settings_name_the_key(raw, problem):
    with pytest.raises(SettingsError) as error:
        LspSettings.from_client(raw)
    assert str(error.value) == problem


def test_prose_keeps_every_offset_and_line_break():
    markdown = "Zie [de site](https://x.nl/20%-korting) en `code 20% korting`.\n\n~~~\nkorting\n~~~\nEinde."
    prose = prose_of(markdown, "markdown")
    assert len(prose) == len(markdown) and prose.count("\n") == markdown.count("\n")
    assert "korting" not in prose and "Einde." in prose and "de site" in prose
    assert prose_of(markdown, "plaintext") == markdown


def test_mail_keeps_the_subject_and_the_body_but_not_headers_or_signature():
    mail = "From: a@b.nl\nSubject: Deze week\n korting\n\nHoi,\nBel me.\n-- \nJan, 20% korting\n"
    prose = prose_of(mail, "mail")
    assert len(prose) == len(mail)
    assert "a@b.nl" not in prose and "Subject" not in prose
    assert "Deze week\n korting" in prose and "Bel me." in prose and "20%" not in prose


@pytest.mark.parametrize("encoding, character", [("utf-16", 7), ("utf-8", 9), ("utf-32", 6)])
def test_positions_in_the_clients_units_and_back(encoding: str, character: int):
    text = "Eerste\r\nHoi 😀 ja, korting."
    positions = TextPositions(text, PositionCodec(encoding))
    offset = text.index("ja")
    assert positions.position(offset) == types.Position(line=1, character=character)
    assert positions.offset(types.Position(line=1, character=character)) == offset
    assert positions.offset(types.Position(line=9, character=0)) == len(text)
