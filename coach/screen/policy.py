"""The house policy (coach.yaml): which findings block or hold a message, house rule packs, the allowlist."""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator,
)
from pydantic_core import PydanticCustomError

from coach.inputs import describe_read_error
from coach.errors import PolicyError
from coach.report import verdict_of, Category, FLAG_CATEGORIES, Finding, Mode, Report, Severity, Verdict
from coach.screen.model import Message
from coach.yamlfile import YamlProblem, check_limits, read_yaml_text, yaml_problem

DEFAULT_POLICY_NAME = "coach.yaml"
_VERDICT_RANK = {Verdict.OK: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}


class _PolicyModel(BaseModel):
    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        # Our own check instead of extra="forbid": it names the key and suggests the right one.
        if isinstance(data, dict):
            known = list(cls.model_fields)
            for key in data:
                if key not in known:
                    close = difflib.get_close_matches(str(key), known, n=1)
                    hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(known)
                    raise PydanticCustomError(
                        "unknown_key", "unknown key {key_text}; " + hint.replace("{", "(").replace("}", ")"),
                        {"key": key, "key_text": repr(key)},
                    )
        return data


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Condition(_PolicyModel):
    """Findings that make a message block or review: all the given keys must hold."""

    category: list[Category] = Field(default_factory=list, description="one category or a list")
    rule: list[str] = Field(default_factory=list, description="rule ids; * and ? are wildcards")
    severity: Severity = Field(Severity.WARNING, description="the minimum severity, after mode weighting")
    count: int = Field(1, ge=1, description="how many such findings it takes")
    _where: str = PrivateAttr("")
    _path: str = PrivateAttr("")
    _rule_where: str = PrivateAttr("")

    _list_category = field_validator("category", mode="before")(_as_list)
    _list_rule = field_validator("rule", mode="before")(_as_list)

    @field_validator("category")
    @classmethod
    def _breaches_only(cls, value: list[Category]) -> list[Category]:
        if Category.GIVE in value:
            raise ValueError("'give' is praise, not a breach; use " + ", ".join(c.value for c in FLAG_CATEGORIES))
        return value

    def matching(self, findings: Sequence[Finding]) -> list[Finding]:
        return [f for f in findings if self.covers(f) and f.severity.rank >= self.severity.rank]

    def covers(self, finding: Finding) -> bool:
        """Does this condition speak about the finding (whatever its severity)?"""
        if finding.category is Category.GIVE:
            return False
        if self.category and finding.category not in self.category:
            return False
        return not self.rule or any(fnmatch.fnmatchcase(finding.rule, p) for p in self.rule)

    def describe(self) -> str:
        what = " or ".join(c.value for c in self.category) or "any category"
        if self.rule:
            what += " (rule " + " or ".join(self.rule) + ")"
        text = f"{what} at {self.severity.value} or above"
        if self.count > 1:
            text = f"{self.count}× " + text
        return text + (f" [{self._where}]" if self._where else "")


class VerdictRules(_PolicyModel):
    """Per verdict, the conditions that lead to it; ``block`` wins over ``review``."""

    block: list[Condition] = []
    review: list[Condition] = []
    otherwise: Literal["engine", "ok"] = Field(
        "engine",
        description="flags that no condition names: judged as the engine judges them, or let through",
    )


class ModeSettings(_PolicyModel):
    verdicts: VerdictRules | None = None


class AllowEntry(_PolicyModel):
    """Messages that are fine whatever the engine finds: every key given must match."""

    sender: str | None = Field(None, description="sender address; * and ? are wildcards (*@ourclub.nl)")
    id: str | None = Field(None, description="a message id, exactly")
    subject: str | None = Field(None, description="text the subject contains (any case)")
    text: str | None = Field(None, description="text the message contains (any case, any spacing)")
    regex: str | None = Field(None, description="a Python regular expression searched in the message")
    note: str | None = Field(None, description="why, shown in the report")
    _where: str = PrivateAttr("")
    _pattern: re.Pattern | None = PrivateAttr(None)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _has_matcher(self) -> "AllowEntry":
        if not any((self.sender, self.id, self.subject, self.text, self.regex)):
            raise ValueError("an allow entry needs at least one of sender, id, subject, text, regex")
        if self.regex:
            self._pattern = re.compile(self.regex)
        return self

    def matches(self, message: Message) -> bool:
        if self.sender and not (
            message.sender and fnmatch.fnmatchcase(message.sender.lower(), self.sender.lower())
        ):
            return False
        if self.id and message.id != self.id:
            return False
        if self.subject and self.subject.casefold() not in (message.subject or "").casefold():
            return False
        if self.text and _squash(self.text) not in _squash(message.text):
            return False
        if self._pattern and not self._pattern.search(message.text):
            return False
        return True

    def describe(self) -> str:
        label = self.note or ", ".join(
            f"{key} {value!r}" for key, value in
            (("sender", self.sender), ("id", self.id), ("subject", self.subject),
             ("text", self.text), ("regex", self.regex)) if value
        )
        return label + (f" [{self._where}]" if self._where else "")


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


class Decision(BaseModel):
    """A verdict, why, and the finding behind it."""

    model_config = ConfigDict(frozen=True)
    verdict: Verdict
    reason: str
    finding: Finding | None = None
    allowed_by: str | None = None


class Policy(_PolicyModel):
    """A house policy; ``Policy()`` is the default: the engine's verdicts, no packs, no allowlist."""

    version: Literal[1] = 1
    mode: Mode = Field(Mode.MESSAGE, description="the mode messages are screened in (--mode overrides)")
    lang: Literal["auto", "nl", "en"] = Field("auto", description="the language (--lang overrides)")
    verdicts: VerdictRules | None = Field(None, description="omit to use the engine's own verdicts")
    modes: dict[Mode, ModeSettings] = Field(default_factory=dict, description="per-mode verdicts")
    packs: list[str] = Field(default_factory=list, description="house rule packs, relative to this file")
    allow: list[AllowEntry] = []
    _source: str | None = PrivateAttr(None)
    _list_packs = field_validator("packs", mode="before")(_as_list)
    _pack_paths: list[Path] = PrivateAttr(default_factory=list)

    @property
    def source(self) -> str | None:
        """The policy file, or None for the built-in default."""
        return self._source

    @property
    def pack_paths(self) -> list[Path]:
        return list(self._pack_paths)

    def verdicts_for(self, mode: Mode) -> VerdictRules | None:
        settings = self.modes.get(mode)
        if settings is not None and settings.verdicts is not None:
            return settings.verdicts
        return self.verdicts

    def allowed_by(self, message: Message) -> AllowEntry | None:
        return next((entry for entry in self.allow if entry.matches(message)), None)

    def decide(self, report: Report, message: Message) -> Decision:
        flags = sorted(report.flags(), key=lambda f: f.start)
        entry = self.allowed_by(message)
        if entry is not None:
            # The finding stays in the report, so a reviewer sees what the allowlist let through.
            shown = _engine_decision(report.verdict, flags, "").finding
            return Decision(verdict=Verdict.OK, reason=f"allowed: {entry.describe()}",
                            finding=shown, allowed_by=entry.describe())
        rules = self.verdicts_for(report.mode)
        if rules is None:
            return _engine_decision(report.verdict, flags, "engine verdict")
        decision = Decision(verdict=Verdict.OK, reason="no flags" if not flags else "no condition met")
        for verdict, conditions in ((Verdict.BLOCK, rules.block), (Verdict.REVIEW, rules.review)):
            for condition in conditions:
                matched = condition.matching(flags)
                if len(matched) >= condition.count:
                    decision = Decision(verdict=verdict, reason=f"{verdict.value}: {condition.describe()}",
                                        finding=matched[0])
                    break
            if decision.verdict is not Verdict.OK:
                break
        if rules.otherwise == "engine":
            conditions = rules.block + rules.review
            unnamed = [f for f in flags if not any(c.covers(f) for c in conditions)]
            fallback = _engine_decision(verdict_of(unnamed), unnamed,
                                        "engine verdict for findings the policy does not name")
            if _VERDICT_RANK[fallback.verdict] > _VERDICT_RANK[decision.verdict]:
                return fallback
        return decision


def _engine_decision(verdict: Verdict, flags: list[Finding], label: str) -> Decision:
    if verdict is Verdict.OK or not flags:
        return Decision(verdict=verdict, reason="no flags" if not flags else label)
    worst = max(f.severity.rank for f in flags)
    finding = next(f for f in flags if f.severity.rank == worst)
    return Decision(verdict=verdict, reason=f"{label}: {finding.category.value} at {finding.severity.value}",
                    finding=finding)


# --- loading -----------------------------------------------------------------------------------


def find_policy(explicit: str | None, cwd: Path | None = None) -> Path | None:
    """``--policy FILE``, else ``coach.yaml`` in the working directory, else None (defaults)."""
    if explicit:
        return Path(explicit)
    if cwd is None:
        # Relative, so reports name "coach.yaml" rather than where the run happened.
        candidate = Path(DEFAULT_POLICY_NAME)
    else:
        candidate = cwd / DEFAULT_POLICY_NAME
    return candidate if candidate.is_file() else None


def load_policy(path: Path | None) -> Policy:
    """The validated policy; raises PolicyError naming the file, line and key of the first problem."""
    if path is None:
        return Policy()
    name = str(path)
    try:
        text = read_yaml_text(path)
        check_limits(text)
    except YamlProblem as exc:
        raise PolicyError(f"{name}{f':{exc.line}' if exc.line else ''}: {exc.problem}") from None
    except OSError as exc:
        raise PolicyError(describe_read_error(name, exc, "policy file")) from None
    data, lines = _parse_with_lines(text, name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(f"{name}:1: the policy must be a mapping of keys (version, verdicts, allow, ...)")
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_first_problem(exc, lines, name)) from None
    policy._source = name
    _attach_lines(policy, lines, name)
    policy._pack_paths = _resolve_packs(policy, path, lines, name)
    return policy


def check_rule_names(policy: Policy, known: Iterable[str]) -> None:
    """Raise PolicyError for a ``rule`` in the verdicts that names none of the ``known`` rules.

    A misspelt rule id would silently never match, letting through what it should stop.
    """
    known = sorted(set(known))
    sections = [policy.verdicts] + [settings.verdicts for settings in policy.modes.values()]
    for rules in sections:
        if rules is None:
            continue
        for condition in rules.block + rules.review:
            for pattern in condition.rule:
                if any(fnmatch.fnmatchcase(rule_id, pattern) for rule_id in known):
                    continue
                close = difflib.get_close_matches(pattern.replace("*", "").replace("?", ""), known, n=1, cutoff=0.6)
                wildcard = any(c in pattern for c in "*?[")
                problem = f"no rule matches {pattern!r}" if wildcard else f"unknown rule {pattern!r}"
                hint = f"did you mean {close[0]!r}?" if close else "'coach rules' lists the rules in force"
                where = condition._rule_where or policy.source or DEFAULT_POLICY_NAME
                raise PolicyError(f"{where}: {condition._path}.rule: {problem}; {hint}")


def _resolve_packs(policy: Policy, path: Path, lines: dict[tuple, int], name: str) -> list[Path]:
    resolved = []
    for index, pack in enumerate(policy.packs):
        pack_path = (path.parent / pack).resolve()
        if not pack_path.is_file():
            line = lines.get(("packs", index), 1)
            raise PolicyError(f"{name}:{line}: packs[{index}]: no rule pack at {pack} ({pack_path})")
        resolved.append(pack_path)
    return resolved


def _attach_lines(policy: Policy, lines: dict[tuple, int], name: str) -> None:
    def mark(rules: VerdictRules | None, prefix: tuple) -> None:
        if rules is None:
            return
        for verdict in ("block", "review"):
            for index, condition in enumerate(getattr(rules, verdict)):
                line = lines.get(prefix + (verdict, index))
                condition._where = f"{name}:{line}" if line else name
                rule_line = lines.get(prefix + (verdict, index, "rule"), line)
                condition._rule_where = f"{name}:{rule_line}" if rule_line else name
                condition._path = _dotted(prefix + (verdict, index))

    mark(policy.verdicts, ("verdicts",))
    for mode, settings in policy.modes.items():
        mark(settings.verdicts, ("modes", mode.value, "verdicts"))
    for index, entry in enumerate(policy.allow):
        line = lines.get(("allow", index))
        entry._where = f"{name}:{line}" if line else name


def _parse_with_lines(text: str, name: str) -> tuple[Any, dict[tuple, int]]:
    """The YAML data, and the 1-based line of every key and list item by its path."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters at once
        problem = yaml_problem(exc)
        raise PolicyError(f"{name}: {problem.problem}") from None
    lines: dict[tuple, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines

        def build(node: yaml.Node, path: tuple) -> Any:
            if isinstance(node, yaml.MappingNode):
                result: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    key = loader.construct_object(key_node, deep=True)
                    if not isinstance(key, (str, int, float, bool)) and key is not None:
                        raise PolicyError(f"{name}:{key_node.start_mark.line + 1}: a key must be a plain word")
                    line = key_node.start_mark.line + 1
                    if key in result:
                        raise PolicyError(f"{name}:{line}: {_dotted(path + (key,))}: duplicate key")
                    lines[path + (key,)] = line
                    result[key] = build(value_node, path + (key,))
                return result
            if isinstance(node, yaml.SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    lines[path + (index,)] = item.start_mark.line + 1
                    items.append(build(item, path + (index,)))
                return items
            return loader.construct_object(node, deep=True)

        return build(node, ()), lines
    except yaml.YAMLError as exc:
        problem = yaml_problem(exc)
        line = f":{problem.line}" if problem.line else ""
        raise PolicyError(f"{name}{line}: {problem.problem}") from None
    finally:
        loader.dispose()


def _first_problem(exc: ValidationError, lines: dict[tuple, int], name: str) -> str:
    def located(error: dict) -> tuple[int, str, str]:
        loc = tuple(error["loc"])
        if error["type"] == "unknown_key":
            loc = loc + (error["ctx"]["key"],)
        line = 1
        for end in range(len(loc), -1, -1):
            if loc[:end] in lines:
                line = lines[loc[:end]]
                break
        message = error["msg"]
        if error["type"] == "missing":
            message = "is required"
        return line, _dotted(loc), message

    line, key, message = min((located(e) for e in exc.errors()), key=lambda item: item[0])
    return f"{name}:{line}: {key or 'policy'}: {message}"


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        if part == "[key]":
            continue  # pydantic's marker for "the key itself" of a mapping
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
