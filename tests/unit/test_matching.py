"""Matching copes with inflection, separable verbs, compounds and address forms."""

from __future__ import annotations

import pytest

from coach import Engine
from tests.conftest import DATA


@pytest.fixture(scope="module")
def notation_engine() -> Engine:
    return Engine(extra_packs=[DATA / "packs" / "notation.yaml"], builtin=False)


def _marked(engine: Engine, text: str, rule: str, lang: str = "nl") -> list[str]:
    report = engine.analyze(text, lang=lang)
    return [f.text for f in report.findings if f.rule == rule]


@pytest.mark.parametrize("text, expected", [
    ("Bel me gerust op als je vragen hebt.", "Bel me gerust op"),
    ("Ik belde je vorige week op over de offerte.", "belde je vorige week op"),
    ("Zal ik je morgen opbellen?", "opbellen"),
    ("Sluit je vandaag nog bij ons aan!", "Sluit je vandaag nog bij ons aan"),
    ("Ik ben vorig jaar aangesloten bij de club.", "aangesloten"),
])
def test_separable_verbs_and_inflection(notation_engine, text, expected):
    assert expected in _marked(notation_engine, text, "test-separable")


def test_a_gap_does_not_cross_a_sentence(notation_engine):
    assert _marked(notation_engine, "Bel me. Ik ga op vakantie.", "test-separable") == []


@pytest.mark.parametrize("word", ["netwerkclub", "lidmaatschapsgeld", "Lidmaatschap", "businessclubs"])
def test_compounds(notation_engine, word):
    assert _marked(notation_engine, f"Denk eens na over {word} bij ons.", "test-compound") == [word]


@pytest.mark.parametrize("form", ["verkocht", "verkopen", "verkoopt"])
def test_lemmas(notation_engine, form):
    assert _marked(notation_engine, f"Hij heeft websites {form}.", "test-lemma") == [form]


def test_exact_words_ignore_lemmas(notation_engine):
    assert _marked(notation_engine, "Book a demo today", "test-exact", "en") == ["demo"]
    assert _marked(notation_engine, "Book some demos today", "test-exact", "en") == []


def test_numbers(notation_engine):
    assert _marked(notation_engine, "Get 20% off this week", "test-num", "en") == ["20% off"]


def test_requires_another_phrase_in_the_sentence(notation_engine):
    assert _marked(notation_engine, "Join us: membership is cheap.", "test-requires", "en") == ["membership"]
    assert _marked(notation_engine, "Membership is cheap. Join us.", "test-requires", "en") == []


def test_address_reader(notation_engine):
    assert _marked(notation_engine, "You would love our chapter.", "test-reader", "en") == ["chapter"]
    assert _marked(notation_engine, "He talked about his chapter.", "test-reader", "en") == []


def test_offsets_quote_the_text_as_given(notation_engine):
    text = "Hé 👋\r\n\r\nWist je dat wij websites verkopen? “Café” ✓"
    report = notation_engine.analyze(text, lang="nl")
    assert report.findings
    for finding in report.findings:
        assert text[finding.start : finding.end] == finding.text
        line = text.split("\n")[finding.line - 1]
        assert line[finding.column - 1 :].startswith(finding.text)
