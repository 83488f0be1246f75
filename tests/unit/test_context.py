"""Talk about a behaviour is not the behaviour: negation, quotes, warnings, stories."""

from __future__ import annotations

import pytest

from coach import Engine
from tests.conftest import DATA


@pytest.fixture(scope="module")
def behaviour_engine() -> Engine:
    return Engine(extra_packs=[DATA / "packs" / "behaviour.yaml"], builtin=False)


def _outcome(engine: Engine, text: str, lang: str) -> str | None:
    """None when the rule's match stands, else the reason it was set aside."""
    report = engine.analyze(text, lang=lang)
    if any(f.rule == "test-behaviour" for f in report.findings):
        return None
    reasons = [s.reason for s in report.suppressed if s.rule == "test-behaviour"]
    assert reasons, f"the rule did not match {text!r} at all"
    return reasons[0]


@pytest.mark.parametrize("text, lang, reason", [
    ("Ik kom hier niet om te verkopen.", "nl", "negated"),
    ("Ik wil je absoluut niets verkopen, beloofd.", "nl", "negated"),
    ("I'm not here to sell you anything.", "en", "negated"),
    ("No pitch, promise.", "en", "negated"),
    ("Selling is not why I came.", "en", "negated"),
    ("Hij zei letterlijk: “wij verkopen de beste software”.", "nl", "quoted"),
    ('Someone wrote "let me pitch you our tool" on the wall.', "en", "quoted"),
    ("Dank je!\n\nOp di 3 jun. 2025 om 09:12 schreef Jan <jan@x.nl>:\n> Kan ik je een offerte sturen?", "nl", "earlier mail"),
    ("Thanks!\n\nOn Tue, 3 Jun 2025 at 09:12, Jane wrote:\n\nCan I pitch you our plan?", "en", "earlier mail"),
    ("Rekruteringsgesprekken doe je beter ergens anders, niet bij ons.", "nl", "warning against it"),
    ("Recruiting talks belong elsewhere, not at our events.", "en", "warning against it"),
    ("Please avoid:\n- trying to sell at the table\n- long monologues", "en", "warning against it"),
    ("Vorige maand probeerde een man me aan tafel een verzekering te verkopen.", "nl", "story about someone else"),
    ("Last week a guy tried to sell me insurance over coffee.", "en", "story about someone else"),
    ("Mensen die alleen komen verkopen, haken snel af.", "nl", "general statement about others"),
    ("It is an MLM: you buy the starter kit, then you recruit your friends.", "en", "commentary on such schemes"),
    ("Dit is gewoon een piramidespel. Je moet vooral anderen rekruteren.", "nl", "commentary on such schemes"),
    # A negator after the name negates something else, not the name.
    ("Je vindt MLM niet eng, maar je moet wel rekruteren.", "nl", "commentary on such schemes"),
])
def test_context_sets_matches_aside(behaviour_engine, text, lang, reason):
    assert _outcome(behaviour_engine, text, lang) == reason


@pytest.mark.parametrize("text, lang", [
    ("Aarzel niet om een offerte te vragen.", "nl"),
    ("Don't hesitate: let me pitch you our plan.", "en"),
    ("Wij verkopen websites, bel me maar.", "nl"),
    ("I'd love to pitch you our plan over coffee.", "en"),
    ("Not only do we sell the best plans, they are cheap.", "en"),
    # A recruiter's denial names the scheme too, and is no commentary on it.
    ("This is not a pyramid scheme, so let me pitch you the plan.", "en"),
    ("Het is geen piramidespel, dus laat me je het plan even pitchen: wij verkopen het samen.", "nl"),
    # A message pasted with its quotation marks is the message itself, not a quote in a text.
    ("“Goedemorgen, wij verkopen de beste software en ik bel u graag even.”", "nl"),
    ('"Hi Sam, I would love to pitch you our plan over a quick call next week."', "en"),
])
def test_the_behaviour_itself_stands(behaviour_engine, text, lang):
    assert _outcome(behaviour_engine, text, lang) is None


def test_explanations_are_in_the_report(behaviour_engine):
    report = behaviour_engine.analyze("I'm not here to sell.", lang="en")
    assert [(s.rule, s.text, s.reason) for s in report.suppressed] == [("test-behaviour", "sell", "negated")]
