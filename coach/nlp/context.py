"""Decide whether a rule match is the behaviour itself or only talk about it.

A match is set aside when it is negated ("ik kom niet om te verkopen"), quoted, part of
an earlier e-mail below a reply header, inside a warning against the behaviour, or part
of a story or general statement about other people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.nlp.view import DocView
from coach.rules.profile import LanguageProfile

NEGATED = "negated"
QUOTED = "quoted"
EARLIER_MAIL = "earlier mail"
WARNING = "warning against it"
STORY = "story about someone else"
GENERAL = "general statement about others"
COMMENTARY = "commentary on such schemes"

#: How far (in words) a negator reaches before and after a match.
NEGATION_REACH_BEFORE = 6
NEGATION_REACH_AFTER = 3
#: How far (in words) before a scheme's name a negator makes it a denial ("not a pyramid scheme").
NEGATION_REACH_DENIAL = 3
MAX_QUOTE_CHARS = 400
#: When quotations hold at least this share of a text's characters, the text is the quoted
#: message itself (pasted with its quotation marks), not a text that quotes someone.
WHOLE_TEXT_QUOTE_SHARE = 0.7

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
    if regions.quotes and _share(text, regions.quotes) >= WHOLE_TEXT_QUOTE_SHARE:
        regions.quotes = []
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


def _share(text: str, ranges: list[tuple[int, int]]) -> float:
    """The share of the text's non-space characters inside ``ranges``."""
    total = sum(not c.isspace() for c in text)
    inside = sum(not c.isspace() for s, e in ranges for c in text[s:e])
    return inside / total if total else 0.0


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

    def regions(self, text: str) -> Regions:
        return find_regions(text, self.reply_headers)

    def reason(self, view: DocView, start: int, end: int, first: int, last: int,
               cues: dict[str, list[tuple[int, int]]], regions: Regions, options,
               own_words: frozenset[str] = frozenset()) -> str | None:
        """Why tokens ``start:end`` (characters ``first:last``) are not the behaviour itself."""
        if options.quotation == "suppress":
            if regions.in_earlier_mail(first, last):
                return EARLIER_MAIL
            if regions.quoted(first, last):
                return QUOTED
        sent = view.sentence(start)
        if options.negation == "suppress" and self._negated(view, sent, start, end, cues, own_words):
            return NEGATED
        if options.warning == "suppress" and self._warned(view, sent, start, end, cues):
            return WARNING
        if options.reported == "suppress":
            reported = self._reported(view, sent, start, cues)
            if reported:
                return reported
            if self._commentary(view, cues):
                return COMMENTARY
        return None

    def _commentary(self, view: DocView, cues) -> bool:
        """Whether the text names a scheme the way only its critics do ("MLM", "pyramid
        scheme"); a recruiter's denial ("this is not a pyramid scheme") does not count."""
        exceptions = cues.get("negexc", ())
        # Only a negator just before the name denies it: "dat je MLM niet eng vindt" still
        # comments on MLM.
        return any(
            not self._negator_before(view, view.sentence(s)[0], s, NEGATION_REACH_DENIAL, exceptions)
            for s, _ in cues.get("commentary", ())
        )

    def _warned(self, view: DocView, sent: tuple[int, int], start: int, end: int, cues) -> bool:
        # "Don't hesitate" urges rather than warns: exception phrases neutralise cues in them.
        exceptions = cues.get("negexc", ())
        warnings = [
            (s, e) for s, e in cues.get("warning", ())
            if not any(xs <= s and e <= xe for xs, xe in exceptions)
        ]
        if _cue_in(warnings, sent[0], sent[1], exclude=(start, end)):
            return True
        # A list item under a header such as "Please avoid:" inherits the header's warning.
        if not _BULLET.match(view.span_text(*sent)) and not view.span_text(sent[0] - 1, sent[0]).endswith("\n"):
            return False
        previous = sent
        while previous[0] > 0:
            previous = view.sentence(previous[0] - 1)
            text = view.span_text(*previous)
            if _BULLET.match(text.lstrip("\n")) or not text.strip():
                continue
            if text.rstrip().endswith(":"):
                return _cue_in(warnings, *previous) or view.any_word_in(self.negators, *previous)
            return False
        return False

    def _reported(self, view: DocView, sent: tuple[int, int], start: int, cues) -> str | None:
        generic = [c for c in cues.get("generic", ()) if sent[0] <= c[0] and c[1] <= start]
        if generic and generic[0][0] <= view.first_word(*sent) + 1:
            if not view.any_word_in(self.reader_words, *sent):
                return GENERAL
        third = [c for c in cues.get("third", ()) if sent[0] <= c[0] and c[1] <= start]
        if third and any(self._is_past(view, i, sent) for i in range(*sent)):
            return STORY
        return None

    def _is_past(self, view: DocView, i: int, sent: tuple[int, int]) -> bool:
        lower, lemma = view.lowers[i], view.lemmas[i]
        if lower in self.past_markers:
            return True
        if not view.alpha[i] or lemma == lower or len(lower) < 4:
            return False
        if self.lang == "en":
            return lower.endswith("ed")
        if self.lang == "nl":
            if lower.endswith(("de", "te", "den", "ten")) and lemma.endswith("en"):
                return True
            # A participle tells of the past only beside a perfect-tense auxiliary.
            return (lower.startswith("ge") and lower.endswith(("d", "t")) and lemma.endswith("en")
                    and view.any_word_in(_DUTCH_PERFECT, *sent))
        return False

    def _negated(self, view: DocView, sent: tuple[int, int], start: int, end: int, cues,
                 own_words: frozenset[str] = frozenset()) -> bool:
        exceptions = cues.get("negexc", ())
        # A negator in a gap of the match ("ik stuur je geen offerte") negates it too, unless
        # the rule itself asks for that word.
        for i in range(start + 1, end - 1):
            if (view.lowers[i] not in own_words and view.lemmas[i] not in own_words
                    and self._is_negator(view, i, exceptions)):
                return True
        if self._negator_before(view, sent[0], start, NEGATION_REACH_BEFORE, exceptions):
            return True
        for i in range(end, min(sent[1], end + NEGATION_REACH_AFTER)):
            if view.lowers[i] in self.clause_breaks:
                break
            if self._is_negator(view, i, exceptions):
                return True
        return False

    def _negator_before(self, view: DocView, sent_start: int, start: int, reach: int, exceptions) -> bool:
        """Whether a negator stands within ``reach`` words before ``start``, in its clause."""
        for i in range(start - 1, max(sent_start, start - reach) - 1, -1):
            if self._is_negator(view, i, exceptions):
                return True
            if view.lowers[i] in self.clause_breaks:
                return False
        return False

    def _is_negator(self, view: DocView, i: int, exceptions) -> bool:
        if view.lowers[i] not in self.negators:
            return False
        return not any(s <= i < e for s, e in exceptions)


def _cue_in(spans, start: int, end: int, exclude: tuple[int, int] | None = None) -> bool:
    for s, e in spans:
        if start <= s and e <= end:
            if exclude and exclude[0] <= s and e <= exclude[1]:
                continue
            return True
    return False
