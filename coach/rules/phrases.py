"""Compile the rule packs' phrase notation into spaCy Matcher token patterns.

Notation, one phrase per string, words separated by spaces:

- ``bel``          matches any form with the same lemma (belde, gebeld, bellen)
- ``=bel``         matches this exact lower-cased word only
- ``*club``        a wildcard on the lower-cased word: compounds such as ``netwerkclub(s)``
- ``offerte|prijs`` alternatives for one word (each lemmatised); an option the tokenizer
  may cut into several words (``half-price``, ``won't``) becomes a phrase of its own
- ``word?``        an optional word
- ``...``          a gap of up to ``gap`` words (separable verbs: ``bel ... op``)
- ``<num>``        a number or percentage; ``<any>`` exactly one word of any kind
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coach.lemmatizer import NUMBER_LEMMA, lemma

TokenPattern = list[dict]

_INFLECTION = r"(?:s|es|en|e|'s|’s)?"


class PhraseSyntaxError(ValueError):
    """A phrase cannot be turned into a token pattern."""


def is_clitic(option: str) -> bool:
    """ "'ve", "'s": one token when cut off a word, though not when the tokenizer reads it alone."""
    return option[:1] in ("'", "’")


def split_alternatives(phrase: str) -> list[str]:
    """The phrase, with each alternatives option that holds more than letters and digits
    (``free|half-price``) moved to a phrase of its own (``free``, ``half-price``).

    One token spec cannot match "half - price", so such an option inside ``a|b`` would never
    match. As a bare word it is split like the text and each part matched by its lemma, which
    is the same as before for a word the tokenizer keeps whole.
    """
    words = phrase.split()
    for position, word in enumerate(words):
        optional = word.endswith("?") and len(word) > 1
        core = word[:-1] if optional else word
        if "|" not in core or "*" in core:
            continue
        options = [o for o in core.split("|") if o]
        apart = [o for o in options if not o.isalnum() and not is_clitic(o) and o not in ("<num>", "<any>")]
        if not apart:
            continue
        joined = [o for o in options if o not in apart]
        variants: list[str | None] = []
        if joined:
            variants.append("|".join(joined) + ("?" if optional else ""))
        variants.extend(apart)
        if optional and not joined:
            variants.append(None)
        expanded = []
        for variant in variants:
            rest = words[:position] + ([variant] if variant else []) + words[position + 1:]
            expanded.extend(split_alternatives(" ".join(rest)))
        return expanded
    return [phrase]


def compile_phrase(
    phrase: str, lang: str, split_word: Callable[[str], list[str]], gap: int = 6
) -> TokenPattern:
    """The whole phrase as one token pattern, gaps included (for validation and inspection)."""
    pattern: TokenPattern = []
    for index, segment in enumerate(compile_segments(phrase, lang, split_word)):
        if index:
            pattern.append({"IS_SENT_START": False, "OP": f"{{0,{gap}}}"})
        pattern.extend(segment)
    return pattern


def compile_segments(phrase: str, lang: str, split_word: Callable[[str], list[str]]) -> list[TokenPattern]:
    """The contiguous parts of a phrase between its ``...`` gaps.

    Matching the parts separately and joining them afterwards is much cheaper than a
    Matcher pattern with a ``{0,n}`` wildcard, which branches at every token.
    """
    words = phrase.strip().split()
    if not words:
        raise PhraseSyntaxError("empty phrase")
    if words[0] == "..." or words[-1] == "...":
        raise PhraseSyntaxError(f"phrase {phrase!r} may not start or end with '...'")
    segments: list[TokenPattern] = [[]]
    for word in words:
        if word == "...":
            if not segments[-1]:
                raise PhraseSyntaxError(f"phrase {phrase!r} has two gaps in a row")
            segments.append([])
            continue
        optional = word.endswith("?") and len(word) > 1
        if optional:
            word = word[:-1]
        specs = _word_specs(word, lang, split_word)
        if optional:
            if len(specs) != 1:
                raise PhraseSyntaxError(f"optional word {word!r} must be a single token")
            specs[0]["OP"] = "?"
        segments[-1].extend(specs)
    # A part made only of optional words ("... over? ...") adds nothing the gaps don't cover.
    return [segment for segment in segments if not all(spec.get("OP") == "?" for spec in segment)]


def _word_specs(word: str, lang: str, split_word: Callable[[str], list[str]]) -> list[dict]:
    if word == "<num>":
        # Some tokenizers keep "20%" whole, others split off the "%".
        return [{"LEMMA": NUMBER_LEMMA}, {"LEMMA": "%", "OP": "?"}]
    if word == "<any>":
        return [{"IS_SPACE": False}]
    if "|" in word:
        options = [w for w in word.split("|") if w]
        if any(o.startswith("=") or o in ("<num>", "<any>") for o in options):
            raise PhraseSyntaxError(f"alternatives {word!r} may only hold words and wildcards")
        if any("*" in o for o in options):
            # A token spec cannot mix LEMMA and LOWER alternatives, so all become regexes.
            return [{"LOWER": {"REGEX": "|".join(wildcard_regex(o) for o in options)}}]
        return [{"LEMMA": {"IN": sorted({lemma(o, lang) for o in options})}}]
    if "*" in word:
        return [{"LOWER": {"REGEX": wildcard_regex(word)}}]
    if word.startswith("="):
        return [{"LOWER": part.lower()} for part in split_word(word[1:])]
    return [{"LEMMA": lemma(part, lang)} for part in split_word(word)]


def wildcard_regex(word: str) -> str:
    body = word.lower()
    if body.strip("*") == "":
        raise PhraseSyntaxError("a wildcard needs at least one letter")
    regex = r"\w*".join(re.escape(part) for part in body.split("*"))
    # A closed end still admits inflection: "*club" matches "netwerkclubs" too.
    return "^" + regex + ("" if body.endswith("*") else _INFLECTION) + "$"
