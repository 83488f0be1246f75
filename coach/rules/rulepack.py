"""Load YAML rule packs into validated rule models, one clear error per broken rule file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from spacy.matcher import Matcher
from spacy.vocab import Vocab

from coach.errors import RulePackError
from coach.rules import rulecache
from coach.rules.guidelines import catalogue_path, load_catalogue
from coach.rules.kinds import KINDS, BalanceRule, FrameRule, MatchingRule, MetricRule, RuleBase
from coach.rules.lexicon import CLASS_REFERENCE, NOTATION, expand_phrases, lexicon_path, load_lexicon
from coach.paths import rules_dir
from coach.rules.phrases import PhraseSyntaxError, compile_phrase
from coach.rules.profile import LanguageProfile, load_profile, profile_path
from coach.report import Language
from coach.yamlfile import YamlProblem, line_of, locate_error, read_yaml, strip_lines

LANGUAGES = tuple(l.value for l in Language)


class PackHeader(BaseModel):
    """The top of a pack file: which languages it serves and the defaults for its rules."""

    model_config = ConfigDict(extra="forbid")
    language: list[str]
    defaults: dict[str, Any] = {}
    rules: list[Any]

    @field_validator("language", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        if value == "any":
            return list(LANGUAGES)
        return [value] if isinstance(value, str) else value

    @field_validator("language")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for lang in value:
            if lang not in LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)} or 'any'")
        return value


@dataclass(frozen=True)
class RuleSet:
    """Every rule that applies to one language, with its context profile."""

    lang: str
    rules: tuple[RuleBase, ...]
    profile: LanguageProfile
    #: The rule cache's key of the files this book was read from ("": not read from files).
    key: str = ""
    #: The ids of coach's own rules among ``rules`` (not those of extra packs): the trained
    #: classifier was measured against these, and only their flags can be overruled.
    builtin_ids: frozenset[str] = frozenset()

    @property
    def matching(self) -> list[MatchingRule]:
        return [r for r in self.rules if isinstance(r, MatchingRule)]

    @property
    def balances(self) -> list[BalanceRule]:
        return [r for r in self.rules if isinstance(r, BalanceRule)]

    @property
    def metrics(self) -> list[MetricRule]:
        return [r for r in self.rules if isinstance(r, MetricRule)]

    def get(self, rule_id: str) -> RuleBase:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def builtin_pack_paths(lang: str) -> list[Path]:
    return sorted((rules_dir() / lang).glob("*.yaml"))


#: The tokenizer of a pipeline being built, per language: phrases are split with it.
_TOKENIZERS: dict[str, Callable] = {}


def use_tokenizer(lang: str, tokenizer: Callable) -> None:
    """Split phrase words with this tokenizer (the pipeline's own) rather than building one."""
    if lang not in _TOKENIZERS:
        _TOKENIZERS[lang] = tokenizer
        word_splitter.cache_clear()


@lru_cache(maxsize=4)
def word_splitter(lang: str) -> Callable[[str], list[str]]:
    """Split a phrase word the way the pipeline's tokenizer will split the text."""
    tokenizer = _TOKENIZERS.get(lang) or spacy.blank(lang).tokenizer

    def split(word: str) -> list[str]:
        return [t.text for t in tokenizer(word)] or [word]

    return split


def load_rules(lang: str, extra_packs: Sequence[str | Path] = (), builtin: bool = True) -> RuleSet:
    """The built-in packs of ``lang`` (unless ``builtin`` is False) plus ``extra_packs``."""
    return _load_rules(lang, tuple(str(p) for p in extra_packs), builtin)


@lru_cache(maxsize=16)
def _load_rules(lang: str, extra_packs: tuple[str, ...], builtin: bool) -> RuleSet:
    if lang not in LANGUAGES:
        raise RulePackError(rules_dir(), f"unknown language {lang!r}")
    own = builtin_pack_paths(lang) if builtin else []
    paths = own + [Path(p) for p in extra_packs]
    key = rulecache.key_of(f"rules:{lang}", [*paths, lexicon_path(lang), catalogue_path(), profile_path(lang)])
    return rulecache.cached(key, RuleSet, lambda: _read_rules(lang, paths, key, len(own)))


def _read_rules(lang: str, paths: list[Path], key: str, builtin_packs: int) -> RuleSet:
    """The rules of ``paths``, of which the first ``builtin_packs`` are coach's own."""
    known_guidelines = load_catalogue().ids()
    rules: list[RuleBase] = []
    builtin_ids: set[str] = set()
    seen: dict[str, Path] = {}
    for number, path in enumerate(paths):
        for rule in load_pack(path, lang, known_guidelines):
            if rule.id in seen:
                raise RulePackError(
                    path, f"rule id is already used in {seen[rule.id]}", rule=rule.id, line=rule.line
                )
            seen[rule.id] = path
            rules.append(rule)
            if number < builtin_packs:
                builtin_ids.add(rule.id)
    return RuleSet(lang=lang, rules=tuple(rules), profile=load_profile(lang), key=key,
                   builtin_ids=frozenset(builtin_ids))


def load_pack(path: Path, lang: str, known_guidelines: Iterable[str]) -> list[RuleBase]:
    """The pack's rules that apply to ``lang`` (all of them are validated regardless)."""
    path = Path(path)
    if path.is_dir():
        raise RulePackError(path, "is a directory; give a rule pack .yaml file")
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise RulePackError(path, "rule pack not found") from None
    except OSError as exc:
        raise RulePackError(path, f"cannot read the rule pack ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise RulePackError(path, "is not UTF-8 text") from None
    except YamlProblem as exc:
        raise RulePackError(path, exc.problem, line=exc.line) from None
    if not isinstance(raw, dict):
        raise RulePackError(path, "a rule pack must be a mapping with 'language' and 'rules' keys")
    try:
        header = PackHeader.model_validate(strip_lines({k: v for k, v in raw.items() if k != "rules"}) | {"rules": raw.get("rules")})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RulePackError(path, _describe(first, PackHeader), line=locate_error(raw, first["loc"])) from None
    known = set(known_guidelines)
    rules = []
    for raw_rule in header.rules:
        rule = _build_rule(path, raw_rule, header.defaults)
        unknown = [g for g in rule.guidelines if g not in known]
        if unknown:
            raise RulePackError(
                path, f"unknown guideline {', '.join(unknown)} (see rules/guidelines.yaml)",
                rule=rule.id, line=rule.line,
            )
        for target in header.language:
            _check_patterns(path, rule, target)
        if lang in header.language:
            rules.append(rule)
    return rules


def _build_rule(path: Path, raw_rule: Any, defaults: dict[str, Any]) -> RuleBase:
    line = line_of(raw_rule)
    if not isinstance(raw_rule, dict):
        raise RulePackError(path, "each entry under 'rules' must be a mapping", line=line)
    rule_id = raw_rule.get("id")
    kind = raw_rule.get("kind", defaults.get("kind"))
    if kind not in KINDS:
        what = "has no 'kind'" if kind is None else f"has unknown kind {kind!r}"
        raise RulePackError(path, f"{what}; valid kinds: {', '.join(KINDS)}", rule=rule_id, line=line)
    model = KINDS[kind]
    data = {k: v for k, v in strip_lines(defaults).items() if k in model.model_fields}
    data.update(strip_lines(raw_rule))
    data["kind"] = kind
    try:
        rule = model.model_validate(data)
    except ValidationError as exc:
        first = _most_telling(exc)
        raise RulePackError(
            path, _describe(first, model), rule=rule_id, line=locate_error(raw_rule, first["loc"]) or line
        ) from None
    rule.locate(path, line)
    return rule


def _most_telling(exc: ValidationError) -> dict:
    """A misspelt key also shows up as a missing one; the misspelling is what to report."""
    errors = exc.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def _describe(error: dict, model: type[BaseModel]) -> str:
    loc = ".".join(str(p) for p in error["loc"])
    if error["type"] == "extra_forbidden":
        valid = ", ".join(sorted(n if not f.alias else f.alias for n, f in model.model_fields.items()))
        if len(error["loc"]) == 1:
            return f"unknown key {loc!r}; valid keys: {valid}"
        return f"unknown key {loc!r}"
    if error["type"] == "missing":
        return f"missing key {loc!r}"
    return f"{loc}: {error['msg']}"


def _check_classes(path: Path, rule: RuleBase, lang: str) -> None:
    """Every word class a rule names must exist in the language's lexicon."""
    lexicon = load_lexicon(lang)
    named = set(rule.classes()) if isinstance(rule, FrameRule) else set()
    texts = list(getattr(rule, "phrases", [])) + list(rule.context.requires) + list(rule.context.excludes)
    for text in texts:
        for word in text.split():
            found = CLASS_REFERENCE.match(word.rstrip("?"))
            if found and found.group(1) not in NOTATION:
                named.add(found.group(1))
    for name in sorted(named):
        if name not in lexicon.classes:
            raise RulePackError(path, lexicon.unknown(name), rule=rule.id, line=rule.line)


def _check_patterns(path: Path, rule: RuleBase, lang: str) -> None:
    """Compile a rule's patterns once at load time so a bad one is named here, not mid-run."""
    _check_classes(path, rule, lang)
    phrases: list[str] = expand_phrases(list(rule.context.requires) + list(rule.context.excludes), lang)
    try:
        patterns = rule.token_patterns(lang, word_splitter(lang)) if isinstance(rule, MatchingRule) else []
        patterns += [compile_phrase(p, lang, word_splitter(lang)) for p in phrases]
    except PhraseSyntaxError as exc:
        raise RulePackError(path, f"bad phrase: {exc}", rule=rule.id, line=rule.line) from None
    matcher = Matcher(Vocab(), validate=True)
    for index, pattern in enumerate(patterns):
        try:
            matcher.add(f"p{index}", [pattern])
        except Exception as exc:  # spaCy raises several types for one problem: a bad pattern
            detail = " ".join(str(exc).split())[:300]
            raise RulePackError(path, f"bad pattern #{index + 1}: {detail}", rule=rule.id, line=rule.line) from None
