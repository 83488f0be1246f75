"""Dictionary lemmas from simplemma, cached per distinct word rather than per token."""

from __future__ import annotations

from functools import lru_cache

import simplemma


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """Lower-cased lemma of ``word``; Dutch separable participles lose simplemma's ``_``."""
    lower = word.lower()
    if not any(ch.isalpha() for ch in lower):
        return lower
    found = simplemma.lemmatize(lower, lang=lang)
    return found.lower().replace("_", "")
