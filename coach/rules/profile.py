"""Per-language word lists that drive context checks and scores (``rules/context/*.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from coach.paths import rules_dir
from coach.yamlfile import read_rules_file


class LanguageProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    #: Words that negate what follows (or, within a short reach, what precedes).
    negators: list[str] = Field(min_length=1)
    #: Words and punctuation that end the reach of a negator.
    clause_breaks: list[str] = []
    #: Phrases that, before a match in a past-tense sentence, make it a story about others.
    third_person: list[str] = []
    #: Subjects that make a present-tense sentence a general statement about others.
    generic_subjects: list[str] = []
    #: Irregular past-tense forms (regular ones are recognised by their ending).
    past_markers: list[str] = []
    #: Phrases in which a negator does not negate the behaviour.
    negation_exceptions: list[str] = []
    #: Phrases that turn a sentence into a warning against a behaviour.
    warning_cues: list[str] = []
    #: Names a text gives a scheme only when it comments on it ("pyramid scheme", "MLM"):
    #: one such name, not negated, makes every match in the text talk about the behaviour.
    commentary_cues: list[str] = []
    #: Words that refer to the writer, and to the reader.
    self_words: list[str] = Field(min_length=1)
    reader_words: list[str] = Field(min_length=1)
    #: Regular expressions for the header line of a quoted earlier e-mail.
    reply_headers: list[str] = []
    #: Words per minute when a pitch is spoken aloud.
    speaking_rate_wpm: int = Field(150, ge=60, le=300)


def profile_path(lang: str) -> Path:
    return rules_dir() / "context" / f"{lang}.yaml"


@lru_cache(maxsize=8)
def load_profile(lang: str) -> LanguageProfile:
    return read_rules_file(profile_path(lang), LanguageProfile, "language profile")
