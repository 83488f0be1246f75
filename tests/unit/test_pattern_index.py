"""coach's own pattern matching finds exactly what spaCy's Matcher finds."""

from __future__ import annotations

from collections import defaultdict

import pytest
import spacy
from spacy.matcher import Matcher

import coach.nlp.components  # noqa: F401 - registers the factories
from coach.nlp.matching import AnchoredPattern, PatternIndex, expand
from coach.nlp.view import doc_view

PATTERNS = [
    [{"LEMMA": {"IN": ["call", "ring"]}}, {"LOWER": "me", "OP": "?"}, {"IS_SPACE": False, "OP": "?"}, {"LEMMA": "today"}],
    [{"IS_SPACE": False}, {"LEMMA": "off"}, {"LOWER": {"REGEX": r"^\w*order\w*$"}}],
    [{"LOWER": "only", "OP": "?"}, {"LEMMA": "<num>"}, {"LEMMA": {"IN": ["seat", "spot"]}}, {"LEMMA": "left"}],
    [{"LOWER": {"REGEX": r"^\w*club(?:s)?$"}}, {"IS_PUNCT": True, "OP": "?"}, {"LEMMA": "join"}],
    # Caseless signs on ORTH, NOT_IN and IS_ALPHA (the Dutch discount and small-talk rules).
    [{"LEMMA": "<num>"}, {"ORTH": "%", "OP": "?"}, {"LEMMA": "off"}],
    [{"ORTH": "€"}, {"LEMMA": "<num>"}, {"LOWER": {"IN": ["off", "discount"]}}],
    [{"LOWER": "the"}, {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["club", "order"]}}],
]
TEXTS = [
    "Call me today or ring today, and call me now today!",
    "Get 20% off preorders and 10 off orders; off order.",
    "Only 3 seats left, 2 spots left, only seat left.",
    "Netwerkclubs, join! The club join club: join.",
    "Take 20% off, 20 off or € 5 discount: the deal, the club, the 3 orders.",
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("coach_sentences")
    nlp.add_pipe("coach_lemmatizer", config={"lang": "en"})
    return nlp


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("text", TEXTS)
def test_anchored_pattern_agrees_with_spacy(nlp, pattern, text):
    doc = nlp(text)
    matcher = Matcher(nlp.vocab)
    matcher.add("x", [pattern])
    expected = sorted({(s, e) for _, s, e in matcher(doc)})
    view = doc_view(doc)
    positions = {"LEMMA": defaultdict(list), "LOWER": defaultdict(list)}
    for i, (lemma, lower) in enumerate(zip(view.lemmas, view.lowers)):
        positions["LEMMA"][lemma].append(i)
        positions["LOWER"][lower].append(i)
    hits = defaultdict(list)
    for regex in {v["REGEX"] for spec in pattern for v in spec.values() if isinstance(v, dict) and "REGEX" in v}:
        import re

        hits[regex] = [i for i, w in enumerate(view.lowers) if re.search(regex, w)]
    anchored = AnchoredPattern.compile("x", pattern)
    assert anchored is not None
    assert anchored.find(view, positions, hits) == expected


def test_alternatives_expand_into_plain_sequences():
    variants = expand([{"LEMMA": {"IN": ["a", "b"]}}, {"LOWER": "x", "OP": "?"}])
    assert sorted(map(str, variants)) == sorted(map(str, [
        [{"LEMMA": "a"}, {"LOWER": "x"}], [{"LEMMA": "a"}], [{"LEMMA": "b"}, {"LOWER": "x"}], [{"LEMMA": "b"}],
    ]))


def test_index_joins_parts_across_a_gap_within_a_sentence(nlp):
    index = PatternIndex(nlp.vocab)
    index.add("k", [[[{"LEMMA": "call"}], [{"LOWER": "back"}]]], gap=3)
    assert index.find(nlp("Call them all back. Call. Back"))["k"] == [(0, 4)]
