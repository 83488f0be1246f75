"""Word classes (``rules/lexicon/<lang>.yaml``): named word sets that rules use as ``<name>``."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from coach.paths import rules_dir
from coach.rules.phrases import split_alternatives
from coach.yamlfile import read_rules_file

#: ``<name>`` in a phrase; ``<num>`` and ``<any>`` are notation, not classes.
CLASS_REFERENCE = re.compile(r"^<([a-z][a-z0-9-]*)>$")
NOTATION = frozenset({"num", "any"})


class Lexicon(BaseModel):
    """Every class of one language: name -> phrases in coach's phrase notation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    classes: dict[str, list[str]]

    @field_validator("classes")
    @classmethod
    def _valid(cls, classes: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, words in classes.items():
            if not re.fullmatch(r"[a-z][a-z0-9-]*", name) or name in NOTATION:
                raise ValueError(f"class name {name!r} must be lower-case words joined by '-', not num/any")
            if not words:
                raise ValueError(f"class {name!r} is empty")
        return classes

    def words(self, name: str) -> list[str]:
        return self.classes[name]

    def unknown(self, name: str) -> str:
        """The problem with an unknown class name, with the nearest known names."""
        near = difflib.get_close_matches(name, list(self.classes), n=2)
        hint = f"; did you mean {' or '.join('<' + n + '>' for n in near)}?" if near else ""
        return f"unknown word class <{name}>{hint} (classes live in rules/lexicon/)"


def lexicon_path(lang: str) -> Path:
    return rules_dir() / "lexicon" / f"{lang}.yaml"


@lru_cache(maxsize=8)
def load_lexicon(lang: str) -> Lexicon:
    return read_rules_file(lexicon_path(lang), Lexicon, "word-class lexicon")


def expand_classes(phrase: str, lexicon: Lexicon) -> list[str]:
    """The phrase with every ``<class>`` replaced by the class's options.

    One-word lemma and wildcard options become one ``a|b|*c`` alternative; exact (``=``) and
    multi-word options each give a phrase of their own, so nothing silently changes meaning.
    Raises KeyError(name) for an unknown class.
    """
    words = phrase.split()
    for position, word in enumerate(words):
        optional = word.endswith("?") and len(word) > 1
        found = CLASS_REFERENCE.match(word[:-1] if optional else word)
        if not found or found.group(1) in NOTATION:
            continue
        name = found.group(1)
        if name not in lexicon.classes:
            raise KeyError(name)
        simple = [w for w in lexicon.classes[name] if " " not in w and not w.startswith("=") and "|" not in w]
        other = [w for w in lexicon.classes[name] if w not in simple]
        variants = []
        if simple:
            variants.append("|".join(simple) + ("?" if optional else ""))
        variants.extend(other)
        head, tail = " ".join(words[:position]), " ".join(words[position + 1:])
        expanded = []
        for variant in variants:
            text = " ".join(part for part in (head, variant, tail) if part)
            expanded.extend(expand_classes(text, lexicon))
        if optional and head and tail:
            expanded.extend(expand_classes(f"{head} {tail}", lexicon))
        return expanded
    return [phrase]


def expand_phrases(phrases: list[str], lang: str) -> list[str]:
    """Every phrase with its word classes expanded (see ``expand_classes``) and its
    several-word alternatives given phrases of their own (see ``split_alternatives``)."""
    if any("<" in p for p in phrases):
        lexicon = load_lexicon(lang)
        phrases = [variant for phrase in phrases for variant in expand_classes(phrase, lexicon)]
    return [variant for phrase in phrases for variant in split_alternatives(phrase)]
