"""Dictionary lemmas from simplemma, cached per distinct word rather than per token."""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma

#: The lemma every number, amount and percentage gets ("20", "20%", "€500", "1.250,00").
NUMBER_LEMMA = "<num>"
_NUMBER = re.compile(r"^[€$£]?\d+([.,]\d+)*%?[€$£]?$")


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """Lower-cased lemma of ``word``; Dutch separable participles lose simplemma's ``_``."""
    lower = word.lower()
    if _NUMBER.match(lower):
        return NUMBER_LEMMA
    if not any(ch.isalpha() for ch in lower):
        return lower
    found = simplemma.lemmatize(lower, lang=lang)
    return found.lower().replace("_", "")
