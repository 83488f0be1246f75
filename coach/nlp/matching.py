"""Match many token patterns fast: plain word sequences go to a PhraseMatcher trie.

spaCy's Matcher evaluates every set predicate (``{"LEMMA": {"IN": [...]}}``) in Python
for every token, so a few hundred alternatives make it slow. Most of coach's patterns are
sequences of alternatives and optional words: expanded, they become plain lemma or
lower-case sequences, which a PhraseMatcher finds in one pass whatever their number.
Only what cannot be expanded (regular expressions, ``*``/``+`` operators) stays in the
Matcher. Patterns split at their gaps are matched part by part and joined afterwards.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from itertools import product

from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import get_lang_class
from spacy.vocab import Vocab

from coach.nlp.view import DocView, doc_view
from coach.rules.phrases import TokenPattern

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
        #: The language's most frequent words, anchored on only when a pattern has nothing rarer.
        self._common = frozenset(get_lang_class(vocab.lang).Defaults.stop_words) if vocab.lang else frozenset()
        self.matcher = Matcher(vocab)
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        #: Patterns with regular expressions, by the expressions they need: such a
        #: Matcher runs only on texts where some word matches every one of them.
        self.gated: dict[frozenset[str], Matcher] = {}
        #: Patterns matched in Python from the positions of a required word, indexed by
        #: that word (attribute and value) or by its regular expression, so that a text only
        #: tries the patterns whose anchor it contains.
        self.anchored: list[AnchoredPattern] = []
        #: Per attribute (LEMMA, LOWER), the anchored patterns by the value of their anchor word.
        self._anchored_by_value: dict[str, dict[str, list[AnchoredPattern]]] = {
            "LEMMA": defaultdict(list), "LOWER": defaultdict(list)}
        self._anchored_by_regex: dict[str, list[AnchoredPattern]] = defaultdict(list)
        #: key -> [(part keys, gap)] for patterns split at their gaps.
        self.chains: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
        self._part_keys: dict[str, str] = {}
        self._chains_by_first: dict[str, list[tuple[str, list[str], int]]] = defaultdict(list)
        self._seen: dict[str, set] = defaultdict(set)
        self._word_wildcards: dict[str, frozenset[str]] = {}
        self._compiled: dict[str, re.Pattern[str]] = {}
        #: Each step of building the index, in order, with plain values only: ``replay``
        #: rebuilds the index from it without expanding or compiling a phrase again.
        self.recipe: list[tuple] = []

    def add(self, key: str, segmented: list[list[TokenPattern]], gap: int) -> None:
        """Add patterns, each given as its contiguous parts (one part: no gap)."""
        for segments in segmented:
            if len(segments) == 1:
                self._add_plain(key, segments[0])
                continue
            keys = []
            for segment in segments:
                # Parts such as "ik|we|wij" recur in many phrases: match each distinct part once.
                signature = json.dumps(segment, sort_keys=True)
                part_key = self._part_keys.get(signature)
                if part_key is None:
                    part_key = f"part#{len(self._part_keys)}"
                    self._add_part(signature, part_key)
                    self._add_plain(part_key, segment)
                keys.append(part_key)
            self._add_chain(key, keys, gap)

    def replay(self, recipe: list[tuple]) -> None:
        """Add what another index's ``recipe`` holds, as that index added it."""
        steps = {"part": self._add_part, "chain": self._add_chain, "pattern": self._add_pattern,
                 "words": self._add_words}
        for step, *arguments in recipe:
            steps[step](*arguments)

    def _add_part(self, signature: str, part_key: str) -> None:
        self.recipe.append(("part", signature, part_key))
        self._part_keys[signature] = part_key

    def _add_chain(self, key: str, part_keys: list[str], gap: int) -> None:
        self.recipe.append(("chain", key, part_keys, gap))
        self.chains[key].append((part_keys, gap))
        self._chains_by_first[part_keys[0]].append((key, part_keys, gap))

    def _add_plain(self, key: str, pattern: TokenPattern) -> None:
        variants = expand(pattern)
        attrs = [_phrase_attr(v) for v in variants] if variants is not None else []
        # The Matcher's cost grows with its number of patterns: expand only into the tries.
        if variants is None or not all(attrs):
            self._add_pattern(key, pattern)
            return
        # The tries hold the string ids of the values a pattern Doc would have (a lemma as given,
        # a word's LOWER as str.lower; get_string_id, not a bare hash, as spaCy's own symbols
        # such as "number" have small ids): ten thousand pattern Docs and their lexemes, or
        # even the strings of their words, were a large part of a cold start.
        seen = self._seen[key]
        words: dict[str, list[tuple[int, ...]]] = {"LEMMA": [], "LOWER": []}
        for variant, attr in zip(variants, attrs):
            values = [next(iter(spec.values())) for spec in variant]
            ids = tuple(get_string_id(v if attr == "LEMMA" else v.lower()) for v in values)
            if (attr, ids) not in seen:
                seen.add((attr, ids))
                words[attr].append(ids)
        self._add_words(key, words["LEMMA"], words["LOWER"])

    def _add_pattern(self, key: str, pattern: TokenPattern) -> None:
        """A pattern the tries cannot hold: anchored, gated by its regexes, or in the Matcher."""
        self.recipe.append(("pattern", key, pattern))
        anchored = AnchoredPattern.compile(key, pattern, self._common)
        wildcards = wildcards_in(pattern)
        for regex in wildcards:
            self._compiled.setdefault(regex, re.compile(regex))
        if anchored is not None:
            anchored.order = len(self.anchored)
            self.anchored.append(anchored)
            if anchored.anchor_values is not None:
                for value in anchored.anchor_values:
                    self._anchored_by_value[anchored.anchor_attr][value].append(anchored)
            else:
                self._anchored_by_regex[anchored.anchor_regex].append(anchored)
        elif wildcards:
            self.gated.setdefault(wildcards, Matcher(self.vocab)).add(key, [pattern])
        else:
            self.matcher.add(key, [pattern])

    def _add_words(self, key: str, lemmas: list[tuple[int, ...]], lowers: list[tuple[int, ...]]) -> None:
        """Plain word sequences, as string ids, into the tries (one call per trie keeps the order)."""
        self.recipe.append(("words", key, lemmas, lowers))
        self._seen[key].update([("LEMMA", h) for h in lemmas] + [("LOWER", h) for h in lowers])
        if lemmas:
            self.by_lemma.add(key, lemmas)
        if lowers:
            self.by_lower.add(key, lowers)

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
        view = doc_view(doc)
        regex_hits: dict[str, list[int]] = defaultdict(list)
        if self._compiled:
            known_words = self._word_wildcards
            for i, word in enumerate(view.lowers):
                wildcards = known_words.get(word)
                if wildcards is None:
                    wildcards = self._wildcards_of(word)
                for regex in wildcards:
                    regex_hits[regex].append(i)
            present = set(regex_hits)
            matchers += [m for needed, m in self.gated.items() if needed <= present]
        for matcher in matchers:
            if len(matcher):
                for key, start, end in matcher(doc):
                    found[strings[key]].append((start, end))
        if self.anchored:
            positions: dict[str, dict[str, list[int]]] = {"LEMMA": defaultdict(list), "LOWER": defaultdict(list)}
            for attr, words in (("LEMMA", view.lemmas), ("LOWER", view.lowers)):
                at = positions[attr]
                for i, word in enumerate(words):
                    at[word].append(i)
            present: dict[int, AnchoredPattern] = {}
            for attr, by_value in self._anchored_by_value.items():
                # Only the text's words that anchor a pattern: a set intersection, not a lookup per word.
                for value in positions[attr].keys() & by_value.keys():
                    for pattern in by_value[value]:
                        present[id(pattern)] = pattern
            for regex in regex_hits:
                for pattern in self._anchored_by_regex.get(regex, ()):
                    present[id(pattern)] = pattern
            # In the order the patterns were added, so results do not depend on the text.
            for pattern in sorted(present.values(), key=lambda p: p.order):
                spans = pattern.find(view, positions, regex_hits)
                if spans:
                    found[pattern.key].extend(spans)
        for first_key in [k for k in found if k in self._chains_by_first]:
            for key, part_keys, gap in self._chains_by_first[first_key]:
                found[key].extend(join_parts(doc, [found.get(k, ()) for k in part_keys], gap))
        return found


class AnchoredPattern:
    """A short token pattern matched in Python from the positions of one required word.

    Supports plain, IN and NOT_IN values on LEMMA and LOWER, REGEX on LOWER, caseless signs on
    ORTH ("%", "€"), IS_ALPHA, IS_SPACE and IS_PUNCT flags, and optional words; anything else is
    left to spaCy's Matcher.
    """

    def __init__(self, key: str, specs: list[tuple[bool, object]], anchor: int, anchor_attr: str,
                 anchor_values: frozenset[str] | None, anchor_regex: str | None):
        self.key = key
        self.specs = specs  # (optional, predicate(view, i) -> bool)
        self.anchor = anchor
        self.anchor_attr = anchor_attr
        self.anchor_values = anchor_values
        self.anchor_regex = anchor_regex
        #: Position among the index's anchored patterns (set by ``PatternIndex``).
        self.order = 0
        #: The specs from the anchor on, and those before it from the nearest back (``_reach``).
        self._after = specs[anchor:]
        self._before = specs[anchor - 1::-1] if anchor else []

    @classmethod
    def compile(cls, key: str, pattern: TokenPattern, common: frozenset[str] = frozenset()) -> "AnchoredPattern | None":
        """The pattern anchored at its rarest required word (``common`` words are tried last)."""
        specs = []
        anchors = []
        for index, spec in enumerate(pattern):
            op = spec.get("OP")
            if op not in (None, "?"):
                return None
            body = {k: v for k, v in spec.items() if k != "OP"}
            predicate = _predicate(body)
            if predicate is None:
                return None
            specs.append((op == "?", predicate))
            if op is None and len(body) == 1:
                attr, value = next(iter(body.items()))
                if attr in ("LEMMA", "LOWER") and (isinstance(value, str) or set(value) == {"IN"}):
                    values = frozenset([value] if isinstance(value, str) else map(str, value["IN"]))
                    anchors.append((index, attr, values, None))
                elif attr == "LOWER" and isinstance(value, dict) and set(value) == {"REGEX"}:
                    anchors.append((index, attr, None, value["REGEX"]))
        if not anchors or not specs:
            return None
        # A pattern is tried on every text that has its anchor: "i" or "your" would have it
        # tried on nearly every text, a rarer word of the same pattern on few.
        anchor = min(anchors, key=lambda a: (_anchor_cost(a[2], common), a[0]))
        return cls(key, specs, *anchor)

    def find(self, view: "DocView", positions: dict[str, dict[str, list[int]]],
             regex_hits: dict[str, list[int]]) -> list[tuple[int, int]]:
        if self.anchor_values is not None:
            by_value = positions[self.anchor_attr]
            hits = sorted({p for value in self.anchor_values for p in by_value.get(value, ())})
        else:
            hits = regex_hits.get(self.anchor_regex, [])
        found = set()
        length = len(view)
        # A match splits at its anchor: the words before it end at the hit and the anchor and
        # the words after it start there, so each side is explored once per hit.
        for hit in hits:
            ends = _reach(view, self._after, hit, 1, length)
            if ends:
                for start in _reach(view, self._before, hit, -1, length):
                    found.update((start, end) for end in ends)
        return sorted(found)


def _reach(view, specs, i: int, step: int, length: int) -> set[int]:
    """Where ``specs`` can end when matched from the boundary before token ``i`` onwards
    (``step`` 1), or start when matched backwards from the boundary at ``i`` (``step`` -1): all
    the paths through the optional words at once."""
    frontier = {i}
    for optional, predicate in specs:
        reached = set(frontier) if optional else set()
        for j in frontier:
            token = j if step == 1 else j - 1
            if 0 <= token < length and predicate(view, token):
                reached.add(j + step)
        if not reached:
            return reached
        frontier = reached
    return frontier


def _anchor_cost(values: frozenset[str] | None, common: frozenset[str]) -> int:
    """How often an anchor is expected in a text: common words cost most, a regular expression
    (which may match many words) costs as much as a few rare ones."""
    if values is None:
        return 5
    return sum(20 if value in common else 1 for value in values)


def _predicate(body: dict):
    """A test of one token in a DocView, or None when the spec needs spaCy's Matcher."""
    tests = []
    for attr, value in body.items():
        if attr in ("LEMMA", "LOWER"):
            column = "lemmas" if attr == "LEMMA" else "lowers"
            if isinstance(value, str):
                tests.append(lambda v, i, c=column, x=value: getattr(v, c)[i] == x)
            elif isinstance(value, dict) and set(value) == {"IN"}:
                allowed = frozenset(map(str, value["IN"]))
                tests.append(lambda v, i, c=column, a=allowed: getattr(v, c)[i] in a)
            elif isinstance(value, dict) and set(value) == {"NOT_IN"}:
                refused = frozenset(map(str, value["NOT_IN"]))
                tests.append(lambda v, i, c=column, r=refused: getattr(v, c)[i] not in r)
            elif isinstance(value, dict) and set(value) == {"REGEX"} and attr == "LOWER":
                compiled = re.compile(value["REGEX"])
                tests.append(lambda v, i, r=compiled: r.search(v.lowers[i]) is not None)
            else:
                return None
        elif attr == "ORTH" and isinstance(value, str) and value.lower() == value.upper():
            # A caseless sign ("%", "€") is its own lowercase form.
            tests.append(lambda v, i, x=value: v.lowers[i] == x)
        elif attr == "IS_ALPHA" and isinstance(value, bool):
            tests.append(lambda v, i, x=value: v.alpha[i] == x)
        elif attr == "IS_SPACE" and isinstance(value, bool):
            tests.append(lambda v, i, x=value: v.space[i] == x)
        elif attr == "IS_PUNCT" and isinstance(value, bool):
            tests.append(lambda v, i, x=value: (v.skip[i] and not v.space[i]) == x)
        else:
            return None
    if len(tests) == 1:
        return tests[0]
    return lambda v, i: all(test(v, i) for test in tests)


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
