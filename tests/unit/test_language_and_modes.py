"""Language detection per text, and how the mode weighs the same words."""

from __future__ import annotations

import pytest

from coach import Engine, Language, Mode
from coach.errors import CoachError
from coach.language import detect_language, parse_language
from tests.conftest import DATA


@pytest.mark.parametrize("text, expected", [
    ("ik zoek nog opdrachten, ken jij iemand?", Language.NL),
    ("Heeft u even tijd voor een kop koffie volgende week?", Language.NL),
    ("Allez, ge moet zeker eens langskomen op ons ontbijt!", Language.NL),
    ("come visit our chapter as my guest — membership is only $500 a year", Language.EN),
    ("Quick question: would you be open to a call?", Language.EN),
    ("👍", Language.NL),
])
def test_detect_language(text, expected):
    assert detect_language(text) is expected


def test_unknown_language_is_a_clear_error():
    with pytest.raises(CoachError, match="unknown language 'fr'"):
        parse_language("fr")


@pytest.fixture(scope="module")
def notation_engine() -> Engine:
    return Engine(extra_packs=[DATA / "packs" / "notation.yaml"], builtin=False)


def _severities(engine: Engine, text: str, mode: Mode, rule: str) -> list[str]:
    report = engine.analyze(text, lang="nl", mode=mode)
    return [f.severity.value for f in report.findings if f.rule == rule]


def test_selling_weighs_more_in_a_follow_up(notation_engine):
    text = "Bel me even op, dan regelen we het."
    assert _severities(notation_engine, text, Mode.PITCH, "test-separable") == ["warning"]
    assert _severities(notation_engine, text, Mode.FOLLOW_UP, "test-separable") == ["error"]


def test_recruiting_weighs_more_in_a_message(notation_engine):
    text = "Denk eens aan onze netwerkclub."
    assert _severities(notation_engine, text, Mode.PITCH, "test-compound") == ["warning"]
    assert _severities(notation_engine, text, Mode.MESSAGE, "test-compound") == ["error"]
    assert notation_engine.analyze(text, lang="nl", mode=Mode.MESSAGE).verdict.value == "block"


def test_forced_language_is_reported_as_forced(notation_engine):
    report = notation_engine.analyze("Hello there", lang="nl")
    assert report.language is Language.NL and report.language_detected is False
