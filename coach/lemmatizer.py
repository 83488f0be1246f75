"""Dictionary lemmas from simplemma, cached per distinct word rather than per token."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import simplemma
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory
from simplemma.utils import normalize_token

from coach.rules import rulecache

#: The lemma every number, amount and percentage gets ("20", "20%", "€500", "1.250,00").
NUMBER_LEMMA = "<num>"
_NUMBER = re.compile(r"^[€$£]?\d+([.,]\d+)*%?[€$£]?$")


class _CachedDictionaries(DefaultDictionaryFactory):
    """simplemma's own dictionaries, kept decoded in coach's cache.

    Decoding a shipped dictionary takes a quarter of a second at every start (Dutch); the
    pickled result of the same data file loads in a quarter of that. The entries are the
    very ones simplemma decodes, so every lemma stays the same.
    """

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        data = Path(simplemma.__file__).parent / "strategies" / "dictionaries" / "data" / f"{lang}.plzma"
        key = rulecache.key_of(f"simplemma:{lang}:{simplemma.__version__}", [data])
        return rulecache.cached(key, Mapping, lambda: super(_CachedDictionaries, self)._get_dictionary_uncached(lang))


_DICTIONARIES = _CachedDictionaries()
#: As ``simplemma.lemmatize`` and ``simplemma.is_known`` (same strategies, same defaults),
#: reading the cached dictionaries.
_LEMMATIZER = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_DICTIONARIES))
_LOOKUP = DictionaryLookupStrategy(_DICTIONARIES)


def is_known(word: str, lang: str) -> bool:
    """Is ``word`` an entry of simplemma's dictionary for ``lang``? (As ``simplemma.is_known``.)"""
    if not word:
        raise ValueError("Wrong input value: empty string")
    return _LOOKUP.get_lemma(normalize_token(word), lang) is not None


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """Lower-cased lemma of ``word``; Dutch separable participles lose simplemma's ``_``."""
    lower = word.lower()
    if _NUMBER.match(lower):
        return NUMBER_LEMMA
    if not any(ch.isalpha() for ch in lower):
        return lower
    found = _LEMMATIZER.lemmatize(lower, lang=lang)
    return found.lower().replace("_", "")
