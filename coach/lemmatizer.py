"""Dictionary lemmas from simplemma, cached per distinct word rather than per token."""

from __future__ import annotations

import pickle
import re
import zlib
from collections.abc import Iterator, Mapping
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


class ShardedDictionary(Mapping[str, str]):
    """One of simplemma's dictionaries as pickled shards, each unpickled when a word needs it.

    A short text looks up a few dozen words: unpickling a whole dictionary for them took
    longer than reading the text's few shards.
    """

    SHARDS = 4096

    def __init__(self, blobs: list[bytes], size: int):
        self._blobs = blobs
        self._shards: list[dict[bytes, bytes] | None] = [None] * len(blobs)
        self._size = size

    @classmethod
    def of(cls, dictionary: Mapping[str, str]) -> "ShardedDictionary":
        shards: list[dict[bytes, bytes]] = [{} for _ in range(cls.SHARDS)]
        for word, value in dictionary.items():
            raw = word.encode()
            shards[zlib.crc32(raw) % cls.SHARDS][raw] = value.encode()
        return cls([pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL) for shard in shards], len(dictionary))

    def __reduce__(self):
        return type(self), (self._blobs, self._size)

    def _shard(self, raw: bytes) -> dict[bytes, bytes]:
        index = zlib.crc32(raw) % len(self._blobs)
        shard = self._shards[index]
        if shard is None:
            shard = self._shards[index] = pickle.loads(self._blobs[index])
        return shard

    def get(self, word: str, default=None):
        raw = word.encode()
        value = self._shard(raw).get(raw)
        return value.decode() if value is not None else default

    def __getitem__(self, word: str) -> str:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return value

    def __iter__(self) -> Iterator[str]:
        for index in range(len(self._blobs)):
            if self._shards[index] is None:
                self._shards[index] = pickle.loads(self._blobs[index])
            yield from (raw.decode() for raw in self._shards[index])

    def __len__(self) -> int:
        return self._size


class _CachedDictionaries(DefaultDictionaryFactory):
    """simplemma's own dictionaries, kept decoded and sharded in coach's cache.

    Decoding a shipped dictionary takes a quarter of a second at every start (Dutch). The
    entries are the very ones simplemma decodes, so every lemma stays the same.
    """

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        data = Path(simplemma.__file__).parent / "strategies" / "dictionaries" / "data" / f"{lang}.plzma"
        # Keyed by the data and this module alone: an edit elsewhere in coach need not store
        # another copy of a dictionary (several megabytes).
        key = rulecache.key_of(f"simplemma:{lang}:{simplemma.__version__}", [data, Path(__file__)], code=False)
        decode = super()._get_dictionary_uncached
        return rulecache.cached(key, ShardedDictionary, lambda: ShardedDictionary.of(decode(lang)))


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
