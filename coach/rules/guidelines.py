"""The guideline catalogue: the documented do's and don'ts every rule cites."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from coach.errors import RulePackError
from coach.paths import rules_dir
from coach.rules import rulecache


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    nl: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return getattr(self, str(lang))


class Guideline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: Literal["dont", "do"]
    family: Literal["hard-sell", "recruiting", "take-without-give", "give"]
    source: list[str] = []
    title: Bilingual
    explanation: Bilingual


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    guidelines: list[Guideline]

    @property
    def entries(self) -> list[Guideline]:
        return self.guidelines

    def ids(self) -> set[str]:
        return {g.id for g in self.guidelines}

    def get(self, guideline_id: str) -> Guideline:
        for guideline in self.guidelines:
            if guideline.id == guideline_id:
                return guideline
        raise KeyError(guideline_id)


def catalogue_path() -> Path:
    return rules_dir() / "guidelines.yaml"


@lru_cache(maxsize=4)
def _load(path: Path) -> Catalogue:
    # Parsing and validating the catalogue took a twentieth of a cold ``coach check``.
    return rulecache.cached(rulecache.key_of("guidelines", [path]), Catalogue, lambda: _read(path))


def _read(path: Path) -> Catalogue:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulePackError(path, f"cannot read the guideline catalogue ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulePackError(
            path, f"invalid YAML: {getattr(exc, 'problem', exc)}", line=mark.line + 1 if mark else None
        ) from None
    try:
        catalogue = Catalogue.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RulePackError(path, f"{where}: {first['msg']}") from None
    seen: set[str] = set()
    for guideline in catalogue.guidelines:
        if guideline.id in seen:
            raise RulePackError(path, f"guideline id {guideline.id} is listed twice")
        seen.add(guideline.id)
    return catalogue


def load_catalogue(path: Path | None = None) -> Catalogue:
    return _load(path or catalogue_path())
