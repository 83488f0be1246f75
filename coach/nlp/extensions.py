"""Custom Doc attributes, all under the ``coach_`` prefix, registered in one place."""

from spacy.tokens import Doc

#: name -> meaning; each defaults to None until its component has run.
DOC_ATTRIBUTES = {
    "coach_candidates": "list[Candidate]: rule matches, with context verdicts",
    "coach_cues": "dict[str, list[tuple[int, int]]]: token spans of context cues",
    "coach_scores": "coach.report.Scores of the document",
    "coach_view": "coach.nlp.view.DocView: words, lemmas and sentence bounds as lists",
}


def register_extensions() -> None:
    for name in DOC_ATTRIBUTES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
