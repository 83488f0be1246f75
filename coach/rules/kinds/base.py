"""Fields every rule has, whatever its kind, and the defaults the loader fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from coach.report import Category, Mode, Severity

Handling = Literal["suppress", "ignore"]


class ContextOptions(BaseModel):
    """How a match reacts to its surroundings; the defaults suit most rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    negation: Handling = "suppress"
    quotation: Handling = "suppress"
    reported: Handling = "suppress"
    warning: Handling = "suppress"
    #: At least one of these phrases must occur in ``scope`` for the match to count.
    requires: list[str] = []
    #: None of these phrases may occur in ``scope``.
    excludes: list[str] = []
    scope: Literal["sentence", "text"] = "sentence"
    #: ``reader``: the sentence must speak to the reader (you, je, jij, u ...).
    address: Literal["any", "reader"] = "any"


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    flag: list[str] = []
    pass_: list[str] = Field(default=[], alias="pass")


class RuleBase(BaseModel):
    """A rule as written in a pack; ``kind`` picks the subclass."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: str
    category: Category
    severity: Severity = Severity.WARNING
    guidelines: list[str] = Field(min_length=1)
    message: str = Field(min_length=1)
    suggestion: str | None = None
    #: A drop-in replacement for the matched words, offered as a one-key fix.
    replacement: str | None = None
    #: For take-without-give rules: the match is an ask, weighed against the text's gives.
    #: False for behaviours no give excuses, such as cutting out the person who introduced you.
    ask: bool = True
    #: Severity in a given mode, overriding the engine's mode weighting.
    mode_severity: dict[Mode, Severity] = {}
    context: ContextOptions = ContextOptions()
    examples: Examples = Examples()

    _source: Path | None = PrivateAttr(default=None)
    _line: int | None = PrivateAttr(default=None)

    @field_validator("guidelines")
    @classmethod
    def _upper_ids(cls, ids: list[str]) -> list[str]:
        return [i.strip().upper() for i in ids]

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def line(self) -> int | None:
        return self._line

    def locate(self, source: Path, line: int | None) -> None:
        self._source = source
        self._line = line
