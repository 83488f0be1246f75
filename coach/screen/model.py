"""Pydantic models that travel through a screening run: raw items, messages and result rows."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ScreenVerdict(str, Enum):
    """The engine's verdicts plus ``error`` for a message that could not be read or analysed."""

    OK = "ok"
    REVIEW = "review"
    BLOCK = "block"
    ERROR = "error"

    @property
    def needs_attention(self) -> bool:
        return self is not ScreenVerdict.OK


class RawItem(_Model):
    """What a reader found, before decoding: cheap to make in the main process.

    ``kind`` says what the worker must do: ``text`` is ready to analyse, ``email`` holds the
    raw bytes of one mail for the worker to parse, ``error`` is a read failure to pass on.
    """

    kind: Literal["text", "email", "error"]
    #: Where the item was found, as a user can locate it: a path, ``path:line`` or ``path:row``.
    source: str
    #: The stable id; for mail the Message-ID, when there is one, replaces it.
    id: str
    #: The file (or ``-`` for standard input) the item came from, for per-source totals.
    origin: str
    text: str | None = None
    data: bytes | None = None
    sender: str | None = None
    subject: str | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    #: Set when the item is the last one of a file that ends mid-line.
    truncated: bool = False
    #: Bytes of input this item accounts for, for the progress bar.
    nbytes: int = 0


class Message(_Model):
    """One decoded message, ready for the engine."""

    id: str
    source: str
    origin: str
    text: str
    #: The other text parts of a multipart mail (an HTML part that differs from the plain
    #: one, text attachments): each is screened too, and the worst verdict counts.
    other_parts: tuple[str, ...] = ()
    sender: str | None = None
    subject: str | None = None
    #: Non-blank lines of quoted replies and signatures that were left out of ``text``.
    set_aside_lines: int = 0
    warnings: tuple[str, ...] = ()


class FirstFinding(_Model):
    """The finding behind a verdict, as shown in one report row."""

    rule: str
    category: str
    severity: str
    line: int
    text: str
    message: str


class ScreenResult(_Model):
    """One row of the screening report: what happened to one message."""

    index: int
    id: str
    source: str
    origin: str
    sender: str | None = None
    subject: str | None = None
    verdict: ScreenVerdict
    #: Why: the read error, the policy condition or allowlist entry, or the engine's verdict.
    reason: str = ""
    categories: tuple[str, ...] = ()
    flags: int = 0
    #: Flag count per category and per rule, for the summary.
    category_counts: dict[str, int] = {}
    rule_counts: dict[str, int] = {}
    first: FirstFinding | None = None
    set_aside_lines: int = 0
    language: str | None = None
    mode: str | None = None
    warnings: tuple[str, ...] = ()
    allowed_by: str | None = None
    #: Some finding was found only after undoing hidden characters, look-alikes or spacing.
    obfuscated: bool = False
    #: The full engine report (``Report.to_json_dict()``), kept only for ``--format json``.
    report: dict | None = None
