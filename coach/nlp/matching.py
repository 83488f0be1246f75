"""Match many token patterns fast: plain word sequences go to a PhraseMatcher trie.

spaCy's Matcher evaluates every set predicate (``{"LEMMA": {"IN": [...]}}``) in Python
for every token, so a few hundred alternatives make it slow. Most of coach's patterns are
sequences of alternatives and optional words: expanded, they become plain lemma or
lower-case sequences, which a PhraseMatcher finds in one pass whatever their number.
Only what cannot be expanded (regular expressions, ``*``/``+`` operators) stays in the
Matcher. Patterns split at their gaps are matched part by part and joined afterwards.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import product

from spacy.attrs import LOWER
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from coach.nlp.view import doc_view
from coach.phrases import TokenPattern

#: Beyond this many plain sequences a pattern stays in the Matcher as it is.
MAX_EXPANSION = 3000
_PLAIN_KEYS = ("LEMMA", "LOWER")


def expand(pattern: TokenPattern) -> list[TokenPattern] | None:
    """Every variant of a pattern without set predicates or optional words, or None when it
    holds something that cannot be expanded (a regular expression, a ``*``/``+`` operator)."""
    choices: list[list[dict | None]] = []
    for spec in pattern:
        op = spec.get("OP")
        body = {k: v for k, v in spec.items() if k != "OP"}
        if op not in (None, "?") or not body:
            return None
        sets = {k: v for k, v in body.items() if isinstance(v, dict)}
        if any(set(v) != {"IN"} for v in sets.values()) or len(sets) > 1:
            return None
        if sets:
            key, value = next(iter(sets.items()))
            rest = {k: v for k, v in body.items() if k != key}
            options: list[dict | None] = [{key: str(v), **rest} for v in value["IN"]]
        else:
            options = [body]
        if op == "?":
            options.append(None)
        choices.append(options)
    size = 1
    for options in choices:
        size *= len(options)
    if size > MAX_EXPANSION:
        return None
    variants = []
    for combination in product(*choices):
        variant = [spec for spec in combination if spec is not None]
        if variant:
            variants.append(variant)
    return variants


def wildcards_in(pattern: TokenPattern) -> frozenset[str]:
    """The regular expressions a pattern tests words against."""
    found = set()
    for spec in pattern:
        for value in spec.values():
            if isinstance(value, dict) and "REGEX" in value:
                found.add(value["REGEX"])
    return frozenset(found)


class PatternIndex:
    """Token patterns under string keys; ``find(doc)`` returns ``key -> [(start, end)]``."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.matcher = Matcher(vocab)
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        #: Patterns with regular expressions, by the expressions they need: such a
        #: Matcher runs only on texts where some word matches every one of them.
        self.gated: dict[frozenset[str], Matcher] = {}
        #: key -> [(part keys, gap)] for patterns split at their gaps.
        self.chains: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
        self._chain_count: dict[str, int] = defaultdict(int)
        self._chains_by_first: dict[str, list[tuple[str, list[str], int]]] = defaultdict(list)
        self._seen: dict[str, set] = defaultdict(set)
        self._word_wildcards: dict[str, frozenset[str]] = {}
        self._compiled: dict[str, re.Pattern[str]] = {}

    def add(self, key: str, segmented: list[list[TokenPattern]], gap: int) -> None:
        """Add patterns, each given as its contiguous parts (one part: no gap)."""
        for segments in segmented:
            if len(segments) == 1:
                self._add_plain(key, segments[0])
                continue
            index = self._chain_count[key]
            self._chain_count[key] += 1
            keys = [f"{key}#{index}.{part}" for part in range(len(segments))]
            for part_key, segment in zip(keys, segments):
                self._add_plain(part_key, segment)
            self.chains[key].append((keys, gap))
            self._chains_by_first[keys[0]].append((key, keys, gap))

    def _add_plain(self, key: str, pattern: TokenPattern) -> None:
        variants = expand(pattern)
        # The Matcher's cost grows with its number of patterns: expand only into the tries.
        if variants is not None and not all(_phrase_attr(v) for v in variants):
            variants = None
        if variants is None:
            wildcards = wildcards_in(pattern)
            if wildcards:
                for regex in wildcards:
                    self._compiled.setdefault(regex, re.compile(regex))
                self.gated.setdefault(wildcards, Matcher(self.vocab)).add(key, [pattern])
            else:
                self.matcher.add(key, [pattern])
            return
        for variant in variants:
            signature = tuple(tuple(sorted(spec.items())) for spec in variant)
            if signature in self._seen[key]:
                continue
            self._seen[key].add(signature)
            words = [next(iter(spec.values())) for spec in variant]
            if _phrase_attr(variant) == "LEMMA":
                self.by_lemma.add(key, [Doc(self.vocab, words=words, lemmas=words)])
            else:
                self.by_lower.add(key, [Doc(self.vocab, words=words)])

    def _wildcards_of(self, word: str) -> frozenset[str]:
        known = self._word_wildcards.get(word)
        if known is None:
            known = frozenset(r for r, compiled in self._compiled.items() if compiled.search(word))
            if len(self._word_wildcards) < 500_000:
                self._word_wildcards[word] = known
        return known

    def find(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        strings = self.vocab.strings
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        matchers = [self.by_lemma, self.by_lower, self.matcher]
        if self.gated:
            present: set[str] = set()
            for lower_hash in doc.count_by(LOWER):
                present.update(self._wildcards_of(strings[lower_hash]))
            matchers += [m for needed, m in self.gated.items() if needed <= present]
        for matcher in matchers:
            if len(matcher):
                for key, start, end in matcher(doc):
                    found[strings[key]].append((start, end))
        for first_key in [k for k in found if k in self._chains_by_first]:
            for key, part_keys, gap in self._chains_by_first[first_key]:
                found[key].extend(join_parts(doc, [found.get(k, ()) for k in part_keys], gap))
        return found


def _phrase_attr(variant: TokenPattern) -> str | None:
    """LEMMA or LOWER when a variant is a plain word sequence on that one attribute."""
    attrs = {k for spec in variant for k in spec}
    if len(attrs) == 1 and all(len(spec) == 1 for spec in variant):
        attr = attrs.pop()
        return attr if attr in ("LEMMA", "LOWER") else None
    return None


def join_parts(doc: Doc, parts: list, gap: int) -> list[tuple[int, int]]:
    """Chain matches of consecutive parts: each next part starts within ``gap`` words of the
    previous one's end, in the same sentence; the nearest next part is taken."""
    if not all(parts):
        return []
    view = doc_view(doc)
    joined = []
    for start, end in parts[0]:
        for following in parts[1:]:
            nearest = min(
                ((s, e) for s, e in following
                 if end <= s <= end + gap and not any(view.starts_sentence(i) for i in range(end, s + 1))),
                default=None,
            )
            if nearest is None:
                break
            end = nearest[1]
        else:
            joined.append((start, end))
    return joined
