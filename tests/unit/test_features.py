"""What the trained classifier reads of a text: its lemmas in order, then its acts and classes once."""

from __future__ import annotations

from coach.nlp.features import SENTENCE_MARK, feature_words
from coach.report import Language


def test_lemmas_keep_their_order_and_marks_come_once(engine):
    doc = engine.pipeline(Language.EN)("Could you book a call with me? Could you book a call on Monday?")
    words = feature_words(doc)
    marks = [w for w in words if w.startswith(("act:", "cls:")) or "+" in w]
    lemmas = words[: len(words) - len(marks)]
    assert lemmas.count(SENTENCE_MARK) == 2
    assert lemmas[1:4] == ["could", "you", "book"]
    assert "act:request" in marks and "cls:meeting" in marks and "request+meeting" in marks
    # Said twice, still one mark each: the model reads what a text does, not how often.
    assert len(marks) == len(set(marks))
    assert words[len(lemmas):] == sorted(marks)


def test_a_sentence_reads_only_its_own_marks(engine):
    doc = engine.pipeline(Language.EN)("Thanks for the talk yesterday. Could you book a call with me?")
    first_end = next(iter(doc.sents)).end
    first = feature_words(doc, 0, first_end)
    assert "act:thanks" in first and "act:request" not in first
    assert "act:request" in feature_words(doc, first_end)
