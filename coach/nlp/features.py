"""What the trained classifier reads: lemmas, plus each sentence's acts and word classes.

Feeding the acts and classes in as words lets a bag-of-words model learn combinations such
as "a request about a meeting and the writer's offering" from few examples, the same way
frame rules are written, and makes it less dependent on the exact words of its training texts.
"""

from __future__ import annotations

from spacy.tokens import Doc

from coach.nlp.view import doc_view

SENTENCE_MARK = "<s>"


def feature_words(doc: Doc, start: int = 0, end: int | None = None) -> list[str]:
    """Feature words of the sentences that start within tokens ``start:end`` of ``doc``."""
    view = doc_view(doc)
    end = len(view) if end is None else end
    acts = doc._.coach_acts or []
    classes = doc._.coach_classes or {}
    by_token: dict[int, list[str]] = {}
    for name, spans in classes.items():
        for s, _ in spans:
            by_token.setdefault(s, []).append(f"cls:{name}")
    words: list[str] = []
    for k, (s, e) in enumerate(view.sentences()):
        if s < start or s >= end:
            continue
        words.append(SENTENCE_MARK)
        sentence_acts = sorted(acts[k]) if k < len(acts) else []
        words.extend(f"act:{a}" for a in sentence_acts)
        # Act x class pairs, the frame rules' own vocabulary: "request+meeting".
        present = sorted({name for i in range(s, e) for name in by_token.get(i, ())})
        words.extend(f"{a}+{c[4:]}" for a in sentence_acts for c in present)
        for i in range(s, e):
            words.extend(by_token.get(i, ()))
            if not view.skip[i] or view.lowers[i] == "?":
                words.append(view.lemmas[i])
    return words or [SENTENCE_MARK]


def feature_doc(vocab, doc: Doc, start: int = 0, end: int | None = None) -> Doc:
    return Doc(vocab, words=feature_words(doc, start, end))
