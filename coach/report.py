"""Pydantic models of what an analysis returns: findings, scores and the report."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Category(str, Enum):
    HARD_SELL = "hard-sell"
    RECRUITING = "recruiting"
    TAKE_WITHOUT_GIVE = "take-without-give"
    GIVE = "give"


#: The categories that describe a breach of etiquette (``give`` is praise).
FLAG_CATEGORIES: tuple[Category, ...] = (
    Category.HARD_SELL,
    Category.RECRUITING,
    Category.TAKE_WITHOUT_GIVE,
)


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def raised(self, steps: int) -> "Severity":
        order = list(Severity)
        return order[max(0, min(len(order) - 1, self.rank + steps))]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Mode(str, Enum):
    PITCH = "pitch"
    FOLLOW_UP = "follow-up"
    MESSAGE = "message"


class Verdict(str, Enum):
    OK = "ok"
    REVIEW = "review"
    BLOCK = "block"


class Language(str, Enum):
    NL = "nl"
    EN = "en"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=False)


class Finding(_Model):
    """One marked passage: ``text == source_text[start:end]``."""

    rule: str
    category: Category
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    guidelines: list[str]
    suggestion: str | None = None
    #: A concrete drop-in replacement for ``text``, when the rule has one.
    replacement: str | None = None
    line: int = Field(description="1-based line of ``start``")
    column: int = Field(description="1-based column of ``start``")
    #: ``rules`` for a rule match; ``model`` for the trained classifier's second opinion,
    #: which points at the sentence that drives it.
    origin: Literal["rules", "model"] = "rules"
    #: Found only after undoing hidden characters, look-alike letters, swapped digits or
    #: spaced-out letters (see coach.normalise); ``read_as`` is then the text as matched.
    normalised: bool = False
    read_as: str | None = None

    @property
    def is_flag(self) -> bool:
        """A flag is a breach at warning level or above; info findings are notes."""
        return self.category is not Category.GIVE and self.severity.rank >= Severity.WARNING.rank


class Suppression(_Model):
    """A rule match that context showed not to be the behaviour itself."""

    rule: str
    category: Category
    start: int
    end: int
    text: str
    reason: str


class Scores(_Model):
    words: int = 0
    sentences: int = 0
    asks: int = 0
    gives: int = 0
    questions: int = Field(0, description="questions addressed to the reader")
    self_refs: int = Field(0, description="I/me/my/we/our words")
    reader_refs: int = Field(0, description="you/your (je/jij/u) words")
    reader_focus: float = Field(
        0.0, description="reader_refs / (self_refs + reader_refs); 0.5 is balanced"
    )
    speaking_seconds: float = Field(0.0, description="estimated time to say the text aloud")


def verdict_of(findings: "Iterable[Finding]") -> Verdict:
    """block when any flag is an error, review when any is a warning, else ok."""
    worst = max((f.severity.rank for f in findings if f.is_flag), default=-1)
    if worst >= Severity.ERROR.rank:
        return Verdict.BLOCK
    if worst >= Severity.WARNING.rank:
        return Verdict.REVIEW
    return Verdict.OK


class SentenceActs(_Model):
    """What one sentence does to its reader (``coach.nlp.acts``): request, offer, wish ..."""

    start: int
    end: int
    text: str
    acts: list[str]


class GuidelineText(_Model):
    title: str
    explanation: str


class Report(_Model):
    source: str = "-"
    language: Language
    language_detected: bool = Field(
        True, description="False when the language was forced by the caller"
    )
    mode: Mode
    verdict: Verdict
    findings: list[Finding]
    scores: Scores
    suppressed: list[Suppression] = []
    #: Title and explanation, in the report's language, of every guideline cited.
    guidelines: dict[str, GuidelineText] = {}
    #: The trained classifier's probability per flag category (empty without a model), and
    #: the confidence above which it may add a finding where the rules found none.
    model_scores: dict[str, float] = {}
    model_thresholds: dict[str, float] = {}
    #: The acts of every sentence that does one, in order (character offsets, like findings).
    acts: list[SentenceActs] = []

    def flags(self) -> list[Finding]:
        return [f for f in self.findings if f.is_flag]

    def categories(self) -> list[Category]:
        """Flag categories present, in canonical order."""
        present = {f.category for f in self.flags()}
        return [c for c in FLAG_CATEGORIES if c in present]

    def to_json_dict(self) -> dict:
        """The documented, stable JSON shape of one report."""
        return self.model_dump(mode="json")
