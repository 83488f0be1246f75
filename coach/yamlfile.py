"""Read YAML files, remembering the line on which each mapping starts for error messages.

Rule packs and policies come from users, so YAML is checked against limits before it is
built into objects: its size, how deeply it nests, and how many values it expands to once
aliases are followed (a few lines of anchors can otherwise expand to billions of values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml

ModelT = TypeVar("ModelT")

LINE_KEY = "__line__"
#: Limits for YAML written by users; the largest built-in rule pack is 62 KB, 8 levels deep
#: and expands to about 1,600 values.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 40
MAX_YAML_VALUES = 250_000


#: libyaml's parser when PyYAML was built with it (about ten times faster); same results.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    pass


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


class YamlProblem(Exception):
    def __init__(self, problem: str, line: int | None):
        super().__init__(problem)
        self.problem = problem
        self.line = line


def read_yaml_text(path: Path) -> str:
    """The text of a YAML file within the size limit; raises YamlProblem or OSError.

    Only regular files are read (a named pipe would make the read wait for ever).
    """
    from coach.errors import NotRegularFileError
    from coach.inputs import open_regular

    try:
        handle = open_regular(path, describe=False)
    except NotRegularFileError as exc:
        raise YamlProblem(f"not a regular file ({exc.kind})", None) from None
    with handle:
        data = handle.read(MAX_YAML_BYTES + 1)
    if len(data) > MAX_YAML_BYTES:
        raise YamlProblem(f"larger than {MAX_YAML_BYTES // (1024 * 1024)} MB; split it into smaller files", None)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"not UTF-8 text (byte {exc.start})", None) from None


def check_limits(text: str) -> None:
    """Raise YamlProblem when ``text`` nests too deeply, expands to too many values, or holds
    an alias inside the value it names (which would never end).

    Works on the parser's events, which need no recursion and build nothing. libyaml reads
    ahead and stops at its own nesting limit before our count gets there, so a text it
    rejects is checked again with the pure-Python parser, which names the real problem.
    """
    try:
        _check_limits(text, _SafeLoader, strict=_SafeLoader is not yaml.SafeLoader)
    except yaml.YAMLError:
        _check_limits(text, yaml.SafeLoader, strict=False)


def _check_limits(text: str, loader, strict: bool) -> None:
    depth = 0
    values = 0
    sizes: dict[str, int] = {}
    open_collections: list[tuple[str | None, int]] = []
    try:
        for event in yaml.parse(text, Loader=loader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in open_collections):
                    raise YamlProblem(f"the alias *{event.anchor} is inside the value it names (a loop)", line)
                values += sizes.get(event.anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                values += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                values += 1
                depth += 1
                open_collections.append((event.anchor, values))
                if depth > MAX_YAML_DEPTH:
                    raise YamlProblem(f"nested more than {MAX_YAML_DEPTH} levels deep", line)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
                anchor, started = open_collections.pop()
                if anchor:
                    sizes[anchor] = values - started + 1
            if values > MAX_YAML_VALUES:
                raise YamlProblem(
                    f"expands to more than {MAX_YAML_VALUES:,} values once its aliases are followed "
                    "(aliases of aliases multiply); write the values out or use fewer aliases", line,
                )
    except yaml.YAMLError:
        if strict:
            raise
        # the loader reports the syntax error with its line


def read_yaml(path: Path) -> Any:
    """Parsed YAML with a ``__line__`` key in every mapping; raises YamlProblem or OSError."""
    text = read_yaml_text(path)
    check_limits(text)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise yaml_problem(exc) from None


def yaml_problem(exc: yaml.YAMLError) -> YamlProblem:
    """A YAML syntax error as one line and the line of the file it is on."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.reader.ReaderError):
        problem = f"character #x{exc.character:04x} is not allowed in YAML" if isinstance(exc.character, int) \
            else "the file is not valid text"
    return YamlProblem(f"invalid YAML: {' '.join(str(problem).split())}", mark.line + 1 if mark else None)


def line_of(value: Any) -> int | None:
    return value.get(LINE_KEY) if isinstance(value, dict) else None


def strip_lines(value: Any) -> Any:
    """The same data without the line markers, ready for validation."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def locate_error(value: Any, loc: tuple) -> int | None:
    """The line of the innermost mapping along a pydantic error location."""
    line = line_of(value)
    for key in loc:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            break
        line = line_of(value) or line
    return line


def read_rules_file(path: Path, model: "type[ModelT]", what: str) -> "ModelT":
    """A built-in rules file (language profile, lexicon) read and validated into ``model``;
    any problem is one RulePackError naming the file, the line and what is wrong."""
    from pydantic import ValidationError

    from coach.errors import RulePackError

    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise RulePackError(path, f"{what} not found") from None
    except OSError as exc:
        raise RulePackError(path, f"cannot read the {what} ({exc.strerror})") from None
    except YamlProblem as exc:
        raise RulePackError(path, exc.problem, line=exc.line) from None
    try:
        return model.model_validate(strip_lines(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise RulePackError(path, f"{key}: {first['msg']}", line=locate_error(raw, first["loc"]) or line_of(raw)) from None
