"""Sentence acts are read from the grammar of a sentence, in Dutch and in English."""

from __future__ import annotations

import pytest

from coach.nlp.acts import dutch_stems
from coach.report import Language

CASES = [
    # (lang, sentence, act it must have, act it must not have)
    ("en", "Call me for a free quote.", "request", None),
    ("en", "Join us next Thursday.", "request", None),
    ("en", "Could you introduce me to your manager?", "request", None),
    ("en", "I was wondering if you could refer me to your hiring manager.", "request", None),
    ("en", "Would you be open to a coffee next week?", "request", None),
    ("en", "Can I guest post on your blog?", "request", None),
    ("en", "Thank you for the chat yesterday.", "thanks", "request"),
    ("en", "I'd love to hear how the launch went.", "wish", None),
    ("en", "Let's grab a coffee next week.", "proposal", None),
    ("en", "I can introduce you to Mary if that helps.", "offer", "request"),
    ("en", "We help small shops get more customers.", "self-presentation", "request"),
    ("en", "How did your first year in business go?", "question-about-reader", "request"),
    ("en", "Come along to our open breakfast as our guest.", "invitation", None),
    ("nl", "Bel me voor een vrijblijvende offerte.", "request", None),
    ("nl", "Mag ik je foto gratis gebruiken voor mijn artikel?", "request", None),
    ("nl", "Stuur me even je gegevens.", "request", None),
    ("nl", "Neemt u gerust contact op.", "request", None),
    ("nl", "Kun je me voorstellen aan je contactpersoon?", "request", None),
    ("nl", "Zou u tijd hebben voor een gesprek?", "request", None),
    ("nl", "Ik wil graag even kennismaken.", "wish", None),
    ("nl", "Laten we binnenkort koffie drinken.", "proposal", None),
    ("nl", "Zullen we volgende week bellen?", "proposal", None),
    ("nl", "Ik help je graag verder met je boekhouding.", "offer", "request"),
    ("nl", "Wij leveren zonneschermen in heel Drenthe.", "self-presentation", "request"),
    ("nl", "Bedankt voor het fijne gesprek.", "thanks", "request"),
    ("nl", "Hoe gaat het met je nieuwe zaak?", "question-about-reader", "request"),
]


@pytest.mark.parametrize("lang, text, has, lacks", CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_sentence_acts(engine, lang, text, has, lacks):
    doc = engine.pipeline(Language(lang))(text)
    acts = next(iter(doc.sents))._.coach_acts
    assert has in acts, sorted(acts)
    if lacks:
        assert lacks not in acts, sorted(acts)


def test_the_report_lists_each_sentence_with_its_acts(engine):
    text = "Thanks for yesterday. Could you send me the slides?"
    report = engine.analyze(text, lang="en")
    assert [(a.text, "request" in a.acts) for a in report.acts] == [
        ("Thanks for yesterday.", False), ("Could you send me the slides?", True),
    ]
    assert all(text[a.start:a.end] == a.text for a in report.acts)


@pytest.mark.parametrize("infinitive, stem", [
    ("bellen", "bel"), ("sturen", "stuur"), ("nemen", "neem"), ("leven", "leef"), ("lezen", "lees"),
    ("sluiten", "sluit"), ("plannen", "plan"),
])
def test_dutch_imperative_stems(infinitive, stem):
    assert stem in dutch_stems(infinitive)
