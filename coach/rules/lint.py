"""Lint rule packs and word classes for notation that does not mean what it looks like.

Two mistakes load without an error and change what a rule matches:

- alternatives that collapse to one lemma (``client|clients``, ``bel|belt``): a bare word
  already matches every form, so the second option is noise that hides what the rule means;
- an option of an ``a|b`` alternative that the tokenizer reads as several words
  (``walk-through``, ``won't``): an alternative stands for one word, so coach matches such an
  option as a phrase of its own (``coach.rules.phrases.split_alternatives``); the pack should say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
import re
from dataclasses import dataclass
from pathlib import Path

from coach.rules.kinds import RuleBase
from coach.lemmatizer import lemma
from coach.rules.lexicon import CLASS_REFERENCE, NOTATION, lexicon_path, load_lexicon
from coach.rules.phrases import is_clitic, wildcard_regex
from coach.rules.rulepack import load_rules, word_splitter


@dataclass(frozen=True)
class LintProblem:
    """One problem: where it is (file, line, rule or class) and what is wrong."""

    path: Path
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{place}: {self.where}: {self.message}"


def lint_language(lang: str, extra_packs: Sequence[str | Path] = ()) -> list[LintProblem]:
    """Every lint problem in the language's word classes, built-in packs and ``extra_packs``."""
    split = word_splitter(lang)
    problems = lint_lexicon(lang, split)
    for rule in load_rules(lang, extra_packs).rules:
        problems.extend(lint_rule(rule, lang, split))
    return problems


def lint_lexicon(lang: str, split: Callable[[str], list[str]]) -> list[LintProblem]:
    path = lexicon_path(lang)
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []
    for name, entries in load_lexicon(lang).classes.items():
        line = next((n for n, text in enumerate(lines, 1) if text.strip().startswith(f"{name}:")), None)
        where = f"class <{name}>"
        # One-word lemma entries of a class become one "a|b|c" alternative when a rule uses it.
        single = [e for e in entries if " " not in e and not e.startswith("=") and "*" not in e]
        for message in _alternative_problems(single, lang, split):
            problems.append(LintProblem(path, line, where, message))
    return problems


def lint_rule(rule: RuleBase, lang: str, split: Callable[[str], list[str]]) -> list[LintProblem]:
    path = rule.source or Path("?")
    texts: list[str] = list(getattr(rule, "phrases", []) or [])
    texts += list(rule.context.requires) + list(rule.context.excludes)
    problems = []
    seen: set[str] = set()
    for text in texts:
        for word in text.split():
            word = word[:-1] if word.endswith("?") and len(word) > 1 else word
            if "|" not in word or CLASS_REFERENCE.fullmatch(word) or word in seen:
                continue
            seen.add(word)
            options = [o for o in word.split("|") if o]
            for message in _alternative_problems(options, lang, split):
                problems.append(LintProblem(path, rule.line, f"rule {rule.id}", f"{word!r}: {message}"))
    return problems


def _alternative_problems(options: Iterable[str], lang: str, split: Callable[[str], list[str]]) -> list[str]:
    options = list(options)
    if any("*" in o for o in options):
        # With a wildcard the whole group matches word forms by pattern, not by lemma.
        return _wildcard_group_problems(options)
    problems = []
    by_lemma: dict[str, list[str]] = {}
    for option in options:
        if option in NOTATION or option.startswith("<"):
            continue
        pieces = [option] if is_clitic(option) else split(option)
        if len(pieces) > 1:
            problems.append(
                f"{option!r} is read as {len(pieces)} words ({' '.join(pieces)}), but an alternative "
                "stands for one word: coach matches it as a phrase of its own; write it so"
            )
            continue
        by_lemma.setdefault(lemma(option, lang), []).append(option)
    for base, same in by_lemma.items():
        if len(same) > 1:
            problems.append(
                f"{' and '.join(repr(s) for s in same)} are one lemma ({base!r}): a bare word already "
                "matches every form; keep one"
            )
    return problems


def _wildcard_group_problems(options: list[str]) -> list[str]:
    problems = []
    for option in options:
        covering = [
            other for other in options
            if other != option and re.fullmatch(wildcard_regex(other), option.lower())
        ]
        if covering:
            problems.append(f"{option!r} is already matched by {covering[0]!r} (a wildcard group matches word forms); drop it")
    return problems
