"""Set aside quoted replies and signatures in a mail body, so they are not held against the sender."""

from __future__ import annotations

import re
from typing import NamedTuple

_QUOTED = re.compile(r"^\s*>")
_SIGNATURE_DELIMITER = re.compile(r"^--\s?$")
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|oorspronkelijk bericht|oorspronkelijke bericht|origineel bericht"
    r"|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD_MARKER = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|doorgestuurd bericht|weitergeleitete nachricht)\s*-{2,}"
    r"|begin forwarded message\s*:|begin doorgestuurd bericht\s*:)\s*$",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|doorst|tr|wg)\s*:", re.IGNORECASE)
_REPLY_SUBJECT = re.compile(r"^\s*(re|antw|aw|sv)\s*:", re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\*?(from|van|von|de)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?(sent|verzonden|date|datum|gesendet|envoyé)\s*:", re.IGNORECASE)
# An attribution must carry a date, time or address (a digit or an @): "On Monday I wrote:" is
# the sender's own sentence, and treating it as a quote would let anything after it slip through.
_ATTRIBUTION = (
    re.compile(r"^\s*on\s.{0,300}\bwrote\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*op\s.{0,300}\bschreef\b.{0,200}:\s*$", re.IGNORECASE),
    re.compile(r"^.{1,200}\s(wrote|schreef)(\sop\s.{1,120})?\s*:\s*$", re.IGNORECASE),
)
_DATE_OR_ADDRESS = re.compile(r"[\d@]")
_CLOSING = re.compile(
    r"^\s*(met\s+)?(vriendelijke|hartelijke|hartelijke|warme|beste|zonnige)?\s*"
    r"(groet|groeten|groetjes)\s*[,.!]?\s*$"
    r"|^\s*(mvg|m\.v\.g\.?|gr\.?|kind regards|best regards|warm regards|warmest regards|regards"
    r"|best wishes|all the best|best|cheers|thanks|many thanks|thank you|sincerely"
    r"|yours sincerely|yours truly|tot ziens|tot snel|hartelijk dank|dank je wel|bedankt)"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_POSTSCRIPT = re.compile(r"^\s*p\.?\s?s\.?\b", re.IGNORECASE)
#: A closing followed by more than this many lines is not a signature block but more message.
_MAX_SIGNATURE_LINES = 8


class CleanBody(NamedTuple):
    text: str
    #: Non-blank lines left out of ``text``.
    set_aside: int


def is_forward(subject: str | None) -> bool:
    return bool(subject and _FORWARD_SUBJECT.match(subject))


def is_reply(subject: str | None) -> bool:
    return bool(subject and _REPLY_SUBJECT.match(subject))


def set_aside_quotes(body: str, *, subject: str | None = None) -> CleanBody:
    """The sender's own words: quoted replies, reply history and the signature left out.

    A forwarded message keeps everything: what someone forwards to a list is what they send.
    """
    lines = body.splitlines()
    if is_forward(subject) or any(_FORWARD_MARKER.match(line) for line in lines):
        return CleanBody(body, 0)
    keep = [True] * len(lines)

    cut = _history_start(lines)
    for i in range(cut, len(lines)):
        keep[i] = False

    i = 0
    while i < cut:
        span = _attribution_span(lines, i, cut)
        if span:
            for j in range(i, i + span):
                keep[j] = False
            i += span
            continue
        if _QUOTED.match(lines[i]):
            keep[i] = False
        i += 1

    _set_aside_closing(lines, keep)

    kept = [line for line, k in zip(lines, keep) if k]
    set_aside = sum(1 for line, k in zip(lines, keep) if not k and line.strip())
    while kept and not kept[-1].strip():
        kept.pop()
    return CleanBody("\n".join(kept), set_aside)


def _history_start(lines: list[str]) -> int:
    """Index of the first line of reply history or signature, or ``len(lines)``."""
    for i, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line) or _ORIGINAL_MESSAGE.match(line):
            return i
        if _HEADER_FROM.match(line) and any(
            _HEADER_SENT.match(following) for following in lines[i + 1 : i + 5]
        ):
            return i
        span = _attribution_span(lines, i, len(lines))
        if span and not _quote_follows(lines, i + span):
            # A plain-text top-post quotes the original without "> ": all of it is history.
            return i
    return len(lines)


def _attribution_span(lines: list[str], start: int, stop: int) -> int:
    """How many lines (1-3, when a mailer wrapped it) an attribution at ``start`` takes, or 0."""
    if not lines[start].strip() or _QUOTED.match(lines[start]):
        return 0
    for span in (1, 2, 3):
        if start + span > stop:
            break
        window = lines[start : start + span]
        if not window[-1].rstrip().endswith(":"):
            continue
        if not all(line.strip() for line in window):
            break
        joined = " ".join(line.strip() for line in window)
        if not _DATE_OR_ADDRESS.search(joined):
            continue
        # Only "On ... wrote:" / "Op ... schreef" is known to wrap; "X wrote:" must fit one line.
        patterns = _ATTRIBUTION if span == 1 else _ATTRIBUTION[:2]
        if any(pattern.match(joined) for pattern in patterns):
            return span
    return 0


def _quote_follows(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return bool(_QUOTED.match(line))
    return True


def _set_aside_closing(lines: list[str], keep: list[bool]) -> None:
    kept_indices = [i for i, k in enumerate(keep) if k]
    for position in range(len(kept_indices) - 1, -1, -1):
        i = kept_indices[position]
        if not _CLOSING.match(lines[i]):
            continue
        tail = [j for j in kept_indices[position + 1 :] if lines[j].strip()]
        has_words_before = any(lines[j].strip() for j in kept_indices[:position])
        if (
            has_words_before
            and len(tail) <= _MAX_SIGNATURE_LINES
            and not any(_POSTSCRIPT.match(lines[j]) for j in tail)
        ):
            for j in kept_indices[position:]:
                keep[j] = False
        return
