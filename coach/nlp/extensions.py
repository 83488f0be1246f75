"""Custom Doc attributes, all under the ``coach_`` prefix, registered in one place."""

import bisect

from spacy.tokens import Doc, Span

#: name -> meaning; each defaults to None until its component has run.
DOC_ATTRIBUTES = {
    "coach_candidates": "list[Candidate]: rule matches, with context verdicts",
    "coach_cues": "dict[str, list[tuple[int, int]]]: token spans of context cues",
    "coach_scores": "coach.report.Scores of the document",
    "coach_view": "coach.nlp.view.DocView: words, lemmas and sentence bounds as lists",
    "coach_classes": "dict[str, list[tuple[int, int]]]: token spans of each lexicon word class",
    "coach_acts": "list[frozenset[str]]: the acts of each sentence, in order",
}


def _sentence_acts(span: Span) -> frozenset[str]:
    """The acts of the sentence that holds the span's first token."""
    from coach.nlp.view import doc_view

    doc = span.doc
    acts = doc._.coach_acts
    if not acts or len(span) == 0:
        return frozenset()
    starts = doc_view(doc).sent_starts
    return acts[bisect.bisect_right(starts, span.start) - 1]


def register_extensions() -> None:
    for name in DOC_ATTRIBUTES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Span.has_extension("coach_acts"):
        Span.set_extension("coach_acts", getter=_sentence_acts)
