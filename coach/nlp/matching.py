"""Match many token patterns fast: plain word sequences go to a PhraseMatcher trie.

spaCy's Matcher evaluates every set predicate (``{"LEMMA": {"IN": [...]}}``) in Python
for every token, so a few hundred alternatives make it slow. Most of coach's patterns are
sequences of alternatives and optional words: expanded, they become plain lemma or
lower-case sequences, which a PhraseMatcher finds in one pass whatever their number.
Only what cannot be expanded (regular expressions, ``*``/``+`` operators) stays in the
Matcher. Patterns split at their gaps are matched part by part and joined afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import product

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from coach.phrases import TokenPattern

#: Beyond this many plain sequences a pattern stays in the Matcher as it is.
MAX_EXPANSION = 3000
_PLAIN_KEYS = ("LEMMA", "LOWER")


def expand(pattern: TokenPattern) -> list[TokenPattern] | None:
    """Every plain variant of a pattern, or None when it cannot be expanded."""
    choices: list[list[dict | None]] = []
    for spec in pattern:
        op = spec.get("OP")
        body = {k: v for k, v in spec.items() if k != "OP"}
        if op not in (None, "?") or len(body) != 1:
            return None
        key, value = next(iter(body.items()))
        if key not in _PLAIN_KEYS:
            return None
        if isinstance(value, dict):
            if set(value) != {"IN"}:
                return None
            options: list[dict | None] = [{key: str(v)} for v in value["IN"]]
        elif isinstance(value, str):
            options = [{key: value}]
        else:
            return None
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


class PatternIndex:
    """Token patterns under string keys; ``find(doc)`` returns ``key -> [(start, end)]``."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.matcher = Matcher(vocab)
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        #: key -> [(part keys, gap)] for patterns split at their gaps.
        self.chains: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
        self._chain_count: dict[str, int] = defaultdict(int)
        self._seen: dict[str, set] = defaultdict(set)

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

    def _add_plain(self, key: str, pattern: TokenPattern) -> None:
        variants = expand(pattern)
        if variants is None:
            self.matcher.add(key, [pattern])
            return
        for variant in variants:
            attrs = {next(iter(spec)) for spec in variant}
            words = tuple(next(iter(spec.values())) for spec in variant)
            signature = (tuple(sorted(attrs)), words)
            if signature in self._seen[key]:
                continue
            self._seen[key].add(signature)
            if attrs == {"LEMMA"}:
                self.by_lemma.add(key, [Doc(self.vocab, words=list(words), lemmas=list(words))])
            elif attrs == {"LOWER"}:
                self.by_lower.add(key, [Doc(self.vocab, words=list(words))])
            else:
                self.matcher.add(key, [variant])

    def find(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        strings = self.vocab.strings
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for matcher in (self.by_lemma, self.by_lower, self.matcher):
            if len(matcher):
                for key, start, end in matcher(doc):
                    found[strings[key]].append((start, end))
        for key, chains in self.chains.items():
            for part_keys, gap in chains:
                found[key].extend(join_parts(doc, [found.get(k, ()) for k in part_keys], gap))
        return found


def join_parts(doc: Doc, parts: list, gap: int) -> list[tuple[int, int]]:
    """Chain matches of consecutive parts: each next part starts within ``gap`` words of the
    previous one's end, in the same sentence; the nearest next part is taken."""
    if not all(parts):
        return []
    joined = []
    for start, end in parts[0]:
        for following in parts[1:]:
            nearest = min(
                ((s, e) for s, e in following
                 if end <= s <= end + gap and not any(doc[i].is_sent_start for i in range(end, s + 1))),
                default=None,
            )
            if nearest is None:
                break
            end = nearest[1]
        else:
            joined.append((start, end))
    return joined
