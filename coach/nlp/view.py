"""An array view of a Doc — words, lemmas, sentence bounds — built once per text.

The context checks and scores look at many words around each match; reading them from
plain lists avoids creating a spaCy Token object per look.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LEMMA, LOWER, SENT_START
from spacy.tokens import Doc


@dataclass
class DocView:
    lowers: list[str]
    #: Filled in by the lemmatizer when the view exists before lemmas do.
    lemmas: list[str]
    alpha: list[bool]
    #: Punctuation or whitespace: not a word.
    skip: list[bool]
    space: list[bool]
    #: Character offset of each token in the text.
    idx: list[int]
    #: Token index where each sentence starts, ascending, beginning with 0.
    sent_starts: list[int]
    text: str

    def __len__(self) -> int:
        return len(self.lowers)

    def sentence(self, i: int) -> tuple[int, int]:
        """Token bounds ``(start, end)`` of the sentence holding token ``i``."""
        k = bisect.bisect_right(self.sent_starts, i) - 1
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self)
        return self.sent_starts[k], end

    def sentences(self) -> list[tuple[int, int]]:
        bounds = self.sent_starts + [len(self)]
        return [(bounds[k], bounds[k + 1]) for k in range(len(self.sent_starts))]

    def starts_sentence(self, i: int) -> bool:
        k = bisect.bisect_left(self.sent_starts, i)
        return k < len(self.sent_starts) and self.sent_starts[k] == i

    def first_word(self, start: int, end: int) -> int:
        for i in range(start, end):
            if not self.skip[i]:
                return i
        return start

    def span_text(self, start: int, end: int) -> str:
        first = self.idx[start] if start < len(self) else len(self.text)
        last = self.idx[end] if end < len(self) else len(self.text)
        return self.text[first:last]

    def any_word_in(self, words: set[str] | frozenset[str], start: int, end: int) -> bool:
        return any(w in words for w in self.lowers[start:end])


def doc_view(doc: Doc) -> DocView:
    """The view of ``doc``, built on first use unless a component already made it."""
    view = doc._.coach_view
    if view is None:
        view = build_view(doc, doc.text)
        doc._.coach_view = view
    return view


def build_view(doc: Doc, text: str) -> DocView:
    strings = doc.vocab.strings
    if len(doc) == 0:
        return DocView([], [], [], [], [], [], [0], text)
    rows = doc.to_array([LOWER, LEMMA, IS_ALPHA, IS_PUNCT, IS_SPACE, IDX, SENT_START]).tolist()
    lowers, lemmas, alpha, skip, space, idx, starts = [], [], [], [], [], [], []
    for i, (lower, lemma, is_alpha, is_punct, is_space, offset, sent_start) in enumerate(rows):
        lowers.append(strings[lower])
        lemmas.append(strings[lemma] if lemma else lowers[-1])
        alpha.append(bool(is_alpha))
        skip.append(bool(is_punct or is_space))
        space.append(bool(is_space))
        idx.append(offset)
        if i == 0 or sent_start == 1:
            starts.append(i)
    return DocView(lowers, lemmas, alpha, skip, space, idx, starts, text)
