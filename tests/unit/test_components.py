"""coach's spaCy components, each added to a plain ``spacy.blank`` pipeline."""

from __future__ import annotations

import spacy

import coach.nlp.components  # noqa: F401 - registers the factories
from coach.report import Scores


def test_lemmatizer_sets_dictionary_lemmas():
    nlp = spacy.blank("nl")
    nlp.add_pipe("coach_lemmatizer", config={"lang": "nl"})
    doc = nlp("Ik belde hem, hij had me gebeld en is aangesloten.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["belde"] == lemmas["gebeld"] == "bellen"
    assert lemmas["aangesloten"] == "aansluiten"


def test_sentences_end_at_final_punctuation_and_line_breaks():
    nlp = spacy.blank("en")
    nlp.add_pipe("coach_sentences")
    doc = nlp("Hi Jan\nthanks for yesterday\n\n- one\n- two. Three? Yes!! Done")
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "Hi Jan", "thanks for yesterday", "- one", "- two.", "Three?", "Yes!!", "Done",
    ]


def test_tokenizer_keeps_sentence_ends_after_everyday_words():
    config = {"nlp": {"tokenizer": {"@tokenizers": "coach_tokenizer.v1", "lang": "nl"}}}
    nlp = spacy.blank("nl", config=config)
    assert [t.text for t in nlp("Bel me. Zie art. 5")] == ["Bel", "me", ".", "Zie", "art.", "5"]


def test_document_rules_score_the_text():
    nlp = spacy.blank("en")
    nlp.add_pipe("coach_sentences")
    nlp.add_pipe("coach_lemmatizer", config={"lang": "en"})
    nlp.add_pipe("coach_rules", config={"lang": "en"})
    nlp.add_pipe("coach_context", config={"lang": "en"})
    nlp.add_pipe("coach_document_rules", config={"lang": "en"})
    doc = nlp("I run a bakery and I love it. What are you working on? How is your team?")
    scores: Scores = doc._.coach_scores
    assert (scores.self_refs, scores.reader_refs, scores.questions) == (2, 2, 2)
    assert scores.reader_focus == 0.5
    assert scores.words == 17 and scores.sentences == 3
