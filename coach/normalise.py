"""Undo the tricks that hide words from the rules, keeping a map back to the text as given.

``normalise(text)`` returns a :class:`NormalisedText`: the text the pipeline should read and
the offsets to report on the original. What it undoes (each step keeps sentences intact):

- Latin text after a right-to-left override is put back in reading order;
- invisible and format characters (zero-width space/joiners, word joiner, BOM, soft hyphen,
  bidi marks, variation selectors) are removed;
- compatibility forms are folded with NFKC (full-width, circled and mathematical letters,
  ligatures, no-break and thin spaces), combining marks that compose with nothing
  (strike-through, "zalgo") are dropped, and accents no Dutch or English letter carries
  ("ḱ", "ř") are taken off;
- Cyrillic and Greek look-alike letters in Latin words, small capitals and squared letters
  are mapped to their Latin twins;
- digits and signs standing for letters inside words are mapped back ("k0rting", "0fferte",
  "l1d", "gr@tis") when the result is a Dutch or English word, or when every swapped sign sits
  between letters;
- words spelled out letter by letter ("k o r t i n g", "g-r-a-t-i-s") are joined, and split
  into known words when a whole phrase was spelled out ("g r a t i s o f f e r t e");
- lone surrogates (left by surrogateescape decoding) read as U+FFFD;
- a line break inside a paragraph that only wraps a sentence (the line does not end one,
  the next is no list item, quote or greeting) reads as a space.

The first three steps and the letter joins change the length of the text (each keeps an
OffsetMap); the others replace characters one for one. Texts longer than ``CHUNK_CHARS`` are cut into chunks at
paragraph (else line, sentence, word) boundaries so the pipeline's cost stays linear.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from coach.report import Finding, Report, Scores, SentenceActs, Suppression, verdict_of

#: Texts longer than this are analysed in chunks cut at paragraph boundaries.
CHUNK_CHARS = 20_000

# --- offset maps --------------------------------------------------------------------------------


@dataclass
class OffsetMap:
    """Maps positions of one text back to the text it was made from.

    ``edits`` are sorted, non-overlapping ``(new_start, new_end, old_start, old_end)``: the new
    characters ``[new_start, new_end)`` came from the old characters ``[old_start, old_end)``
    (an empty new range is a deletion). Outside the edits the texts agree one for one.
    """

    edits: list[tuple[int, int, int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def add(self, new_start: int, new_end: int, old_start: int, old_end: int) -> None:
        if self.edits:
            ns, ne, os_, oe = self.edits[-1]
            if ne == new_start and oe == old_start:
                # Touching edits merge, so that a lookup never lands between two of them.
                self.edits[-1] = (ns, new_end, os_, old_end)
                return
        self.edits.append((new_start, new_end, old_start, old_end))
        self._starts.append(new_start)

    def start(self, position: int) -> int:
        """The old position of the character that starts at new ``position``."""
        k = bisect.bisect_right(self._starts, position) - 1
        if k < 0:
            return position
        ns, ne, os_, oe = self.edits[k]
        if position < ne:
            return os_
        return oe + (position - ne)

    def end(self, position: int) -> int:
        """The old position just after the character that ends before new ``position``."""
        k = bisect.bisect_left(self._starts, position) - 1
        if k < 0:
            return position
        ns, ne, os_, oe = self.edits[k]
        if position <= ne:
            return oe
        return oe + (position - ne)


class _Builder:
    """Collects the pieces of a new text and the map back to the old one."""

    def __init__(self, old: str):
        self.old = old
        self.pieces: list[str] = []
        self.length = 0
        self.copied_to = 0  # old position up to which everything is accounted for
        self.map = OffsetMap()

    def copy_to(self, old_position: int) -> None:
        if old_position > self.copied_to:
            piece = self.old[self.copied_to:old_position]
            self.pieces.append(piece)
            self.length += len(piece)
            self.copied_to = old_position

    def replace(self, old_start: int, old_end: int, new: str) -> None:
        self.copy_to(old_start)
        self.map.add(self.length, self.length + len(new), old_start, old_end)
        self.pieces.append(new)
        self.length += len(new)
        self.copied_to = old_end

    def result(self) -> tuple[str, OffsetMap | None]:
        if not self.map.edits:
            return self.old, None
        self.copy_to(len(self.old))
        return "".join(self.pieces), self.map


# --- step 1: invisible characters and compatibility forms ---------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: Invisible characters that are not of category Cf but are used the same way.
_ALSO_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0" + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or char in _ALSO_INVISIBLE or 0xE0100 <= ord(char) <= 0xE01EF


def _mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _latin(char: str) -> bool:
    code = ord(char)
    return char.isalpha() and (code < 0x250 or 0x1E00 <= code <= 0x1EFF)


def _fold_letter(char: str) -> str:
    """A Latin letter with an accent no Dutch or English word has ("ḱ", "ř") as its bare letter."""
    code = ord(char)
    if (0x100 <= code <= 0x24F or 0x1E00 <= code <= 0x1EFF) and char.isalpha():
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            return base
    return char


_FOREIGN_ACCENTED = re.compile(r"[\u0100-\u024f\u1e00-\u1eff]")


def _fold_compatibility(text: str) -> tuple[str, OffsetMap | None]:
    builder = _Builder(text)
    for run in _NON_ASCII.finditer(text):
        chunk = run.group()
        if unicodedata.is_normalized("NFKC", chunk) and not _FOREIGN_ACCENTED.search(chunk) and not any(
            _invisible(c) or _mark(c) for c in chunk
        ):
            continue
        position, end = run.start(), run.end()
        if position > builder.copied_to and _mark(chunk[0]):
            position -= 1  # the marks belong to the ASCII letter before them
        # One cluster at a time: a character with the combining marks that follow it.
        while position < end:
            if _invisible(text[position]):
                builder.replace(position, position + 1, "")
                position += 1
                continue
            after = position + 1
            while after < end and (_mark(text[after]) or _invisible(text[after])):
                after += 1
            cluster = text[position:after]
            folded = unicodedata.normalize("NFKC", "".join(c for c in cluster if not _invisible(c)))
            # On a Latin letter, marks that compose with nothing (strike-through, "zalgo")
            # only hide it; other scripts need theirs.
            if folded and _latin(folded[0]):
                folded = folded[0] + "".join(c for c in folded[1:] if not _mark(c))
            elif folded and _mark(folded[0]):
                folded = folded.lstrip("".join(c for c in folded if _mark(c)))
            folded = "".join(_fold_letter(c) for c in folded)
            if folded != cluster:
                builder.replace(position, after, folded)
            position = after
    return builder.result()


_REVERSED = re.compile("\u202e([^\u202c\u2069\n]*)(?:[\u202c\u2069]|$)", re.MULTILINE)
_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _unreverse(text: str) -> tuple[str, OffsetMap | None]:
    """Latin text after a right-to-left override reads in reverse: "\u202egnitrok" shows
    "korting". Put it back in reading order (Hebrew or Arabic text is left as it is)."""
    if "\u202e" not in text:
        return text, None
    builder = _Builder(text)
    for match in _REVERSED.finditer(text):
        inside = match.group(1)
        if _LATIN_LETTER.search(inside) and not _RIGHT_TO_LEFT.search(inside):
            builder.replace(match.start(), match.end(), inside[::-1])
    return builder.result()


# --- step 2: look-alike letters from other scripts ----------------------------------------------

#: Cyrillic and Greek letters that look like a Latin letter in common fonts.
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "ï", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ո": "n",
    "А": "A", "В": "B", "Е": "E", "Ё": "Ë", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "Ï", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
    "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
# "Fancy text" generators: small capitals, and squared or negative letters that NFKC leaves.
_LOOKALIKES.update(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz"))
for _first in (0x1F130, 0x1F150, 0x1F170):
    _LOOKALIKES.update((chr(_first + k), chr(ord("A") + k)) for k in range(26))
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)
_CYRILLIC_OR_GREEK = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u1d00-\u1d22\ua730\ua731\U0001f130-\U0001f149\U0001f150-\U0001f169"
    r"\U0001f170-\U0001f189]"
)
_LETTERS = re.compile(r"(?:[^\W\d_]|[\U0001f130-\U0001f189])+")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _map_lookalikes(text: str) -> str:
    """Latin twins for look-alikes in words written in Latin letters (same length)."""
    if not _CYRILLIC_OR_GREEK.search(text):
        return text
    latin_text = len(_LATIN_LETTER.findall(text)) > len(_CYRILLIC_OR_GREEK.findall(text))
    pieces: list[str] = []
    done = 0
    for word in _LETTERS.finditer(text):
        value = word.group()
        if not _CYRILLIC_OR_GREEK.search(value):
            continue
        # A word of look-alikes and Latin letters only; all look-alikes only in a Latin text,
        # so that Russian or Greek text stays what it is.
        if not all(c in _LOOKALIKES or _LATIN_LETTER.match(c) for c in value):
            continue
        if not (latin_text or _LATIN_LETTER.search(value)):
            continue
        pieces.append(text[done:word.start()])
        pieces.append(value.translate(_LOOKALIKE_TABLE))
        done = word.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# --- step 3: digits and signs for letters -------------------------------------------------------

_SWAPS = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
#: A digit or sign touching a letter: the place to look for a swapped word.
_SWAP_HINT = re.compile(r"[^\W\d_][0-9@$]|[0-9@$][^\W\d_]")
_WORD_START = re.compile(r"(?:[^\W_]|[@$])*$")
_WORD_END = re.compile(r"(?:[^\W_]|[@$])*")
_MAX_SPELLINGS = 16
_NUMBER_SUFFIXES = frozenset(
    "e de ste st nd rd th am pm u h k m x km kg cm mm ml gb mb kb hz uur min sec jr mln".split()
)


@lru_cache(maxsize=65536)
def is_word(word: str) -> bool:
    """Is ``word`` (any case) a Dutch or English word simplemma knows?"""
    from coach.lemmatizer import is_known  # simplemma loads on first use: most texts never need it

    lower = word.lower()
    return is_known(lower, "nl") or is_known(lower, "en")


def _spellings(token: str) -> list[str]:
    """Every reading of ``token`` with each swap sign replaced by a letter (capped)."""
    upper = token.upper() == token and any(c.isalpha() for c in token)
    readings = [""]
    for position, char in enumerate(token):
        options = _SWAPS.get(char)
        if options is None:
            readings = [r + char for r in readings]
            continue
        if char == "1" and _next_to_vowel_only(token, position):
            options = "li"  # "Be1", "1ead": a vowel beside it, no consonant: an l more likely
        if upper:
            options = options.upper()
        readings = [r + o for r in readings for o in options][:_MAX_SPELLINGS]
    return readings


_VOWELS = frozenset("aeiouyAEIOUY")


def _next_to_vowel_only(token: str, position: int) -> bool:
    neighbours = [token[k] for k in (position - 1, position + 1) if 0 <= k < len(token) and token[k].isalpha()]
    return bool(neighbours) and all(c in _VOWELS for c in neighbours)


def _unswap_token(token: str) -> str | None:
    letters = sum(c.isalpha() for c in token)
    swaps = [i for i, c in enumerate(token) if c in _SWAPS]
    if len(token) < 3 or letters < 2 or not swaps or any(c.isdigit() and c not in _SWAPS for c in token):
        return None
    if is_word(token):
        return None
    suffix = token.lstrip("0123457")
    number = len(token) - len(suffix)
    if number and (suffix.lower() in _NUMBER_SUFFIXES or (number > 1 and len(suffix) < 3)):
        return None  # "4de", "1st", "10am", "5km": a number with a suffix
    readings = _spellings(token)
    for reading in readings:
        if is_word(reading):
            return reading
    inner = all(0 < i < len(token) - 1 and token[i - 1].isalpha() and token[i + 1].isalpha() for i in swaps)
    if inner and letters >= 4 and "@" not in token and "$" not in token:
        return readings[0]
    return None


def _unswap_digits(text: str) -> str:
    """Letters for digits and signs inside words: "k0rting" -> "korting" (same length)."""
    pieces: list[str] = []
    copied = scanned = 0
    for hint in _SWAP_HINT.finditer(text):
        if hint.start() < scanned:
            continue  # inside the word just looked at
        start = _WORD_START.search(text, max(scanned, hint.start() - 64), hint.start()).start()
        scanned = _WORD_END.match(text, hint.start()).end()
        reading = _unswap_token(text[start:scanned])
        if reading is None:
            continue
        pieces.append(text[copied:start])
        pieces.append(reading)
        copied = scanned
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


# --- step 4: words spelled out letter by letter -------------------------------------------------

_SPELLED = re.compile(
    r"(?<![\w@$])[^\W_]"
    r"(?P<sep> {1,3}|\t| ?[.\-_*·•|/+~] ?)"
    r"[^\W_@$]"
    r"(?:(?P=sep)[^\W_]|(?P=sep)[@$])+"
    r"(?![\w@$])"
)
_MAX_SEGMENTED = 40


def _segments(word: str) -> list[int] | None:
    """Cut points that split ``word`` into the fewest known words ("u", "a" and "i" may stand alone)."""
    n = len(word)
    if n > _MAX_SEGMENTED:
        return None
    best: list[list[int] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(0, end):
            before = best[start]
            piece = word[start:end]
            if before is None or (len(piece) == 1 and piece not in "uai") or not is_word(piece):
                continue
            if best[end] is None or len(before) + 1 < len(best[end]):  # type: ignore[arg-type]
                best[end] = before + [end]
    found = best[n]
    return found[:-1] if found is not None and len(found) <= 4 else None


def _join_spelled(text: str) -> tuple[str, OffsetMap | None]:
    builder = _Builder(text)
    for match in _SPELLED.finditer(text):
        separator = match.group("sep")
        span = match.group()
        letters = span[::len(separator) + 1]
        alphabetic = sum(c.isalpha() for c in letters)
        if alphabetic * 2 < len(letters):
            continue  # digits spaced out are a number or a phone number
        minimum = 3 if separator.strip() == "" else 5  # "t.e.m.", "i.p.v." are abbreviations
        if len(letters) < minimum:
            continue
        readable = _unswap_digits(letters) if any(c in _SWAPS for c in letters) else letters
        cuts: list[int] = []
        if not is_word(readable):
            cuts = _segments(readable.lower()) or []
            if len(letters) < 5 and not cuts:
                continue  # "a b c": too short to be sure it hides a word
        # Keep each letter where it is; drop the separators, except at the cuts between words.
        step = len(separator) + 1
        base = match.start()
        for k in range(1, len(letters)):
            gap_start = base + (k - 1) * step + 1
            builder.replace(gap_start, gap_start + len(separator), " " if k in cuts else "")
    return builder.result()


# --- step 5: lines that only wrap a sentence ----------------------------------------------------

_SENTENCE_END = tuple(".!?…")
_LIST_ITEM = re.compile(r"\s*(?:[-*•–—]\s|\d{1,3}[.)]\s|[a-zA-Z][.)]\s)")
_QUOTE = re.compile(r"\s*[>|]")
_OPENERS = "\"'“‘„«([€$£"
#: Lines that stand on their own: a web or mail address, a phone number, a time, a header.
_OWN_LINE = re.compile(
    r"\s*(?:www\.|https?://|\S+@\S+\.\w|\+?\(?\d[\d ()\-]{6,}\d\s*$|\d{1,2}[:.u]\d{2}\b)",
    re.IGNORECASE,
)
_HEADER = re.compile(r"\s*[\w-]{2,20}:\s")
#: Wrapped prose fills its lines; greetings, names and signature lines are short.
_WRAPPED_WIDTH = 50
_WRAPPED_WIDTH_BEFORE_CAPITAL = 60


def _unwrap_lines(text: str) -> str:
    """A space for each line break inside a paragraph that only wraps a sentence (same length).

    A break stays when the line ends a sentence (. ! ? : ; or an emoji), when either line is
    blank, a list item, a quote, an address, a phone number, a time or a header, and when the
    next line starts with a digit or a capital after a short line: greetings, names,
    signatures and agendas keep their own lines.
    """
    if "\n" not in text:
        return text
    chars: list[str] | None = None
    lines = text.split("\n")
    position = 0
    for k in range(len(lines) - 1):
        line = lines[k]
        position += len(line)
        if _joins(line.strip(), lines[k + 1]):
            if chars is None:
                chars = list(text)
            chars[position] = " "
            if line.endswith("\r"):
                chars[position - 1] = " "
        position += 1
    return text if chars is None else "".join(chars)


def _joins(line: str, following: str) -> bool:
    if not line or not following.strip():
        return False
    last = line[-1]
    if line.endswith(_SENTENCE_END) or unicodedata.category(last)[0] == "S" or _mark(last) or _invisible(last):
        return False
    # A list item may wrap onto the next line; a quote is set aside line by line.
    if _QUOTE.match(line) or _QUOTE.match(following) or _LIST_ITEM.match(following):
        return False
    if _OWN_LINE.match(line) or _OWN_LINE.match(following):
        return False
    if any(_HEADER.match(l) and len(l.strip()) < _WRAPPED_WIDTH for l in (line, following)):
        return False  # "Verzonden: vrijdag 8 november", "Onderwerp: ..."
    first = following.lstrip().lstrip(_OPENERS)[:1]
    if first.islower():
        return not line.endswith(",") or len(line) >= _WRAPPED_WIDTH
    if line.endswith((",", ":", ";")) or line[0].isdigit() or " | " in line:
        return False
    if first.isdigit():
        return len(line) >= _WRAPPED_WIDTH
    return first.isalpha() and len(line) >= _WRAPPED_WIDTH_BEFORE_CAPITAL


# --- the result ---------------------------------------------------------------------------------


@dataclass
class NormalisedText:
    """The text the pipeline reads, and how to find each of its spans in the text as given."""

    original: str
    text: str
    maps: tuple[OffsetMap, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` in the normalised text as a span of the original."""
        if start >= end:
            for offset_map in reversed(self.maps):
                start = end = offset_map.start(start)
            return start, end
        for offset_map in reversed(self.maps):
            start, end = offset_map.start(start), offset_map.end(end)
        return start, end

    def chunks(self, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
        """``(offset, text)`` pieces of at most ``limit`` characters, cut where paragraphs end."""
        return [(start, self.text[start:end]) for start, end in chunk_bounds(self.text, limit)]

    def restore(self, parts: Sequence[tuple[int, Report]]) -> Report:
        """One report on the original text from the reports of the chunks at their offsets."""
        whole = len(parts) == 1 and parts[0][0] == 0
        report = parts[0][1] if whole else merge_reports(parts)
        if whole and not self.changed:
            return report
        line_starts = [0] + [m.end() for m in re.finditer("\n", self.original)]
        findings = [self._finding(f, line_starts) for f in report.findings]
        suppressed = [self._suppression(s) for s in report.suppressed]
        acts = [self._sentence(a) for a in report.acts]
        return report.model_copy(update={"findings": findings, "suppressed": suppressed, "acts": acts})

    def _finding(self, finding: Finding, line_starts: list[int]) -> Finding:
        start, end = self.span(finding.start, finding.end)
        text = self.original[start:end]
        line = bisect.bisect_right(line_starts, start)
        hidden = _squash(text) != _squash(finding.text)
        return finding.model_copy(update={
            "start": start, "end": end, "text": text, "line": line,
            "column": start - line_starts[line - 1] + 1,
            "normalised": hidden, "read_as": finding.text if hidden else None,
        })

    def _sentence(self, item: SentenceActs) -> SentenceActs:
        start, end = self.span(item.start, item.end)
        return item.model_copy(update={"start": start, "end": end, "text": self.original[start:end]})

    def _suppression(self, item: Suppression) -> Suppression:
        start, end = self.span(item.start, item.end)
        return item.model_copy(update={"start": start, "end": end, "text": self.original[start:end]})


def _squash(text: str) -> str:
    # Wrapping and spacing are layout, not hiding: only other differences count.
    return " ".join(text.split())


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalise(text: str) -> NormalisedText:
    """The text with hiding tricks undone; see the module's docstring for what is undone."""
    maps: list[OffsetMap] = []
    # Lone surrogates (what surrogateescape makes of undecodable bytes) cannot be encoded,
    # and the pipeline stores every word as UTF-8: they read as U+FFFD, one for one.
    current = text if text.isascii() else _SURROGATE.sub("\ufffd", text)
    for step in (_unreverse, _fold_compatibility, _join_spelled):
        current, offset_map = step(current)
        if offset_map is not None:
            maps.append(offset_map)
    for same_length in (_map_lookalikes, _unswap_digits, _unwrap_lines):
        current = same_length(current)
    return NormalisedText(original=text, text=current, maps=tuple(maps))


def identity(text: str) -> NormalisedText:
    """The text as it is, for callers that want no normalisation (benchmarks, comparisons)."""
    return NormalisedText(original=text, text=text)


# --- chunks -------------------------------------------------------------------------------------

_BOUNDARIES = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n"), re.compile(r"[.!?]\s+"), re.compile(r"\s+"))


def chunk_bounds(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into pieces of at most ``limit`` characters: after the last paragraph end
    within the limit, else the last line end, sentence end or space; else at the limit."""
    if len(text) <= limit:
        return [(0, len(text))]
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = None
        for boundary in _BOUNDARIES:
            # Only the second half of the window: pieces stay large, the search stays linear.
            last = None
            for match in boundary.finditer(text, start + limit // 2, window_end):
                last = match
            if last is not None:
                cut = last.end()
                break
        if cut is None or cut <= start:
            cut = window_end
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def merge_reports(parts: Sequence[tuple[int, Report]]) -> Report:
    """The reports of consecutive chunks as one: offsets shifted, counts added, verdict anew.

    Lines and columns are left for :meth:`NormalisedText.restore` to set on the original.
    Document-level rules (balance, metrics) have judged each chunk on its own.
    """
    findings: list[Finding] = []
    suppressed: list[Suppression] = []
    acts: list[SentenceActs] = []
    guidelines: dict = {}
    model_scores: dict[str, float] = {}
    for offset, report in parts:
        findings += [f.model_copy(update={"start": f.start + offset, "end": f.end + offset})
                     for f in report.findings]
        suppressed += [s.model_copy(update={"start": s.start + offset, "end": s.end + offset})
                       for s in report.suppressed]
        acts += [a.model_copy(update={"start": a.start + offset, "end": a.end + offset}) for a in report.acts]
        guidelines.update(report.guidelines)
        # The classifier judged each chunk: the text is as strong as its strongest chunk.
        for category, score in report.model_scores.items():
            model_scores[category] = max(score, model_scores.get(category, 0.0))
    return parts[0][1].model_copy(update={
        "findings": findings, "suppressed": suppressed, "guidelines": guidelines, "acts": acts,
        "model_scores": model_scores,
        "verdict": verdict_of(findings), "scores": _add_scores([r.scores for _, r in parts]),
    })


def _add_scores(scores: Iterable[Scores]) -> Scores:
    totals = dict.fromkeys(("words", "sentences", "asks", "gives", "questions", "self_refs", "reader_refs"), 0)
    seconds = 0.0
    for score in scores:
        for key in totals:
            totals[key] += getattr(score, key)
        seconds += score.speaking_seconds
    referenced = totals["self_refs"] + totals["reader_refs"]
    return Scores(
        **totals, speaking_seconds=round(seconds, 1),
        reader_focus=round(totals["reader_refs"] / referenced, 3) if referenced else 0.5,
    )


def reveal(text: str) -> str:
    """``text`` with its hidden characters and look-alike letters spelled out, for people."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if _invisible(char) or _mark(char):
            out.append(f"⟨U+{ord(char):04X}⟩")
        elif char in _LOOKALIKES:
            out.append(f"⟨{unicodedata.name(char, 'U+%04X' % ord(char)).lower()}⟩")
        else:
            out.append(char)
    return "".join(out)
