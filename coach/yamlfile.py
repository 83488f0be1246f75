"""Read YAML files, remembering the line on which each mapping starts for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
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


def read_yaml(path: Path) -> Any:
    """Parsed YAML with a ``__line__`` key in every mapping; raises YamlProblem or OSError."""
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlProblem(
            f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
            mark.line + 1 if mark else None,
        ) from None


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
