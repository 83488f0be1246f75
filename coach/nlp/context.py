"""Decide whether a rule match is the behaviour itself or only talk about it.

A match is set aside when it is negated ("ik kom niet om te verkopen"), quoted, part of
an earlier e-mail below a reply header, inside a warning against the behaviour, or part
of a story or general statement about other people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from coach.profile import LanguageProfile

NEGATED = "negated"
QUOTED = "quoted"
EARLIER_MAIL = "earlier mail"
WARNING = "warning against it"
STORY = "story about someone else"
GENERAL = "general statement about others"

#: How far (in words) a negator reaches before and after a match.
NEGATION_REACH_BEFORE = 6
NEGATION_REACH_AFTER = 3
MAX_QUOTE_CHARS = 400

_CLOSERS = {"“": "”", "„": "”“", "«": "»", "‹": "›", '"': '"', "‘": "’", "'": "'", "”": "”"}
_DUTCH_PERFECT = frozenset({"heeft", "had", "hebben", "hadden", "heb", "hebt"})
_BULLET = re.compile(r"^\s*(?:[-*•·–—>]|\d+[.)])\s*")


@dataclass
class Regions:
    """Character ranges in which what is written is not the writer's own current words."""

    quotes: list[tuple[int, int]] = field(default_factory=list)
    earlier_mail: list[tuple[int, int]] = field(default_factory=list)

    @staticmethod
    def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in ranges)

    def quoted(self, start: int, end: int) -> bool:
        return self._inside(self.quotes, start, end)

    def in_earlier_mail(self, start: int, end: int) -> bool:
        return self._inside(self.earlier_mail, start, end)


def find_regions(text: str, reply_headers: list[re.Pattern[str]]) -> Regions:
    regions = Regions()
    i = 0
    length = len(text)
    while i < length:
        ch = text[i]
        closers = _CLOSERS.get(ch)
        if closers and _opens(text, i):
            j = i + 1
            limit = min(length, i + MAX_QUOTE_CHARS)
            while j < limit:
                if text[j] in closers and _closes(text, j) and j > i + 1:
                    regions.quotes.append((i, j + 1))
                    i = j
                    break
                if text.startswith("\n\n", j):
                    break
                j += 1
        i += 1
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(">"):
            regions.earlier_mail.append((offset, offset + len(line)))
        elif stripped and any(h.search(line) for h in reply_headers):
            regions.earlier_mail.append((offset, length))
            break
        offset += len(line)
    return regions


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{:;,-—–") and not after.isspace()


def _closes(text: str, j: int) -> bool:
    before = text[j - 1]
    after = text[j + 1] if j + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


class ContextJudge:
    """Applies one language's profile to the candidates of a Doc."""

    def __init__(self, profile: LanguageProfile, lang: str):
        self.lang = lang
        self.negators = {w.lower() for w in profile.negators}
        self.clause_breaks = {w.lower() for w in profile.clause_breaks}
        self.reader_words = {w.lower() for w in profile.reader_words}
        self.past_markers = {w.lower() for w in profile.past_markers}
        self.reply_headers = [re.compile(p, re.IGNORECASE) for p in profile.reply_headers]

    def regions(self, doc: Doc) -> Regions:
        return find_regions(doc.text, self.reply_headers)

    def reason(self, doc: Doc, start: int, end: int, cues: dict[str, list[tuple[int, int]]],
               regions: Regions, options, own_words: frozenset[str] = frozenset()) -> str | None:
        """Why the tokens ``start:end`` are not the behaviour itself, or None."""
        span = doc[start:end]
        first, last = span.start_char, span.end_char
        if options.quotation == "suppress":
            if regions.in_earlier_mail(first, last):
                return EARLIER_MAIL
            if regions.quoted(first, last):
                return QUOTED
        sent = doc[start].sent
        if options.negation == "suppress" and self._negated(doc, sent, start, end, cues, own_words):
            return NEGATED
        if options.warning == "suppress" and self._warned(doc, sent, start, end, cues):
            return WARNING
        if options.reported == "suppress":
            reported = self._reported(sent, start, cues)
            if reported:
                return reported
        return None

    def _warned(self, doc: Doc, sent: Span, start: int, end: int, cues) -> bool:
        # "Don't hesitate" urges rather than warns: exception phrases neutralise cues in them.
        exceptions = cues.get("negexc", ())
        warnings = [
            (s, e) for s, e in cues.get("warning", ())
            if not any(xs <= s and e <= xe for xs, xe in exceptions)
        ]
        cues = {**cues, "warning": warnings}
        if _cue_in(warnings, sent.start, sent.end, exclude=(start, end)):
            return True
        # A list item under a header such as "Please avoid:" inherits the header's warning.
        if not _BULLET.match(sent.text) and not doc[sent.start - 1 : sent.start].text.endswith("\n"):
            return False
        previous = sent
        while previous.start > 0:
            previous = doc[previous.start - 1].sent
            if _BULLET.match(previous.text.lstrip("\n")) or not previous.text.strip():
                continue
            if previous.text.rstrip().endswith(":"):
                return _cue_in(cues.get("warning", ()), previous.start, previous.end) or any(
                    t.lower_ in self.negators for t in previous
                )
            return False
        return False

    def _reported(self, sent: Span, start: int, cues) -> str | None:
        generic = [c for c in cues.get("generic", ()) if sent.start <= c[0] and c[1] <= start]
        if generic and generic[0][0] <= _first_word(sent) + 1:
            if not any(t.lower_ in self.reader_words for t in sent):
                return GENERAL
        third = [c for c in cues.get("third", ()) if sent.start <= c[0] and c[1] <= start]
        if third and any(self._is_past(t) for t in sent):
            return STORY
        return None

    def _is_past(self, token: Token) -> bool:
        lower = token.lower_
        if lower in self.past_markers:
            return True
        if not token.is_alpha or token.lemma_ == lower or len(lower) < 4:
            return False
        if self.lang == "en":
            return lower.endswith("ed")
        if self.lang == "nl":
            if lower.endswith(("de", "te", "den", "ten")) and token.lemma_.endswith("en"):
                return True
            # A participle tells of the past only beside a perfect-tense auxiliary.
            return (lower.startswith("ge") and lower.endswith(("d", "t")) and token.lemma_.endswith("en")
                    and any(t.lower_ in _DUTCH_PERFECT for t in token.sent))
        return False

    def _negated(self, doc: Doc, sent: Span, start: int, end: int, cues, own_words=frozenset()) -> bool:
        exceptions = cues.get("negexc", ())
        # A negator in a gap of the match ("ik stuur je geen offerte") negates it too, unless
        # the rule itself asks for that word.
        for i in range(start + 1, end - 1):
            token = doc[i]
            if token.lower_ not in own_words and token.lemma_ not in own_words and self._is_negator(token, exceptions):
                return True
        for i in range(start - 1, max(sent.start, start - NEGATION_REACH_BEFORE) - 1, -1):
            if self._is_negator(doc[i], exceptions):
                return True
            if doc[i].lower_ in self.clause_breaks:
                break
        for i in range(end, min(sent.end, end + NEGATION_REACH_AFTER)):
            if doc[i].lower_ in self.clause_breaks:
                break
            if self._is_negator(doc[i], exceptions):
                return True
        return False

    def _is_negator(self, token: Token, exceptions) -> bool:
        if token.lower_ not in self.negators:
            return False
        return not any(s <= token.i < e for s, e in exceptions)


def _cue_in(spans, start: int, end: int, exclude: tuple[int, int] | None = None) -> bool:
    for s, e in spans:
        if start <= s and e <= end:
            if exclude and exclude[0] <= s and e <= exclude[1]:
                continue
            return True
    return False


def _first_word(sent: Span) -> int:
    for token in sent:
        if not (token.is_space or token.is_punct or _BULLET.fullmatch(token.text)):
            return token.i
    return sent.start
