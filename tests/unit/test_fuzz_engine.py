"""Property tests of the engine and normalisation: any text, any trick, never a traceback.

Run with the ``ci`` Hypothesis profile by default (fixed seed); ``make fuzz`` runs ``long``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from hypothesis import assume, given, strategies as st

from coach.normalise import is_word, normalise
from coach.report import Report, verdict_of

#: Characters that hide, reorder or break text: zero-width and bidi controls, soft hyphen,
#: combining marks, variation selectors, odd spaces and line ends, controls, lone surrogates
#: (what surrogateescape leaves of undecodable bytes).
HOSTILE = list(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u0336\u0301\u0308\u20dd\ufe0f\u034f\u00a0\u2009\u202f\u3000\u2028\u2029\u0085\r\n\t\x00\x07\x1b\x7f"
    "\udc80\udcff\ud800"
)
#: Pieces of flagged and clean networking texts, plain and disguised.
PIECES = [
    "Bel me voor een vrijblijvende offerte", "Nu 20% korting", "als je deze week tekent", "Word lid van onze club",
    "Get 20% off", "this week only", "Become a member of our chapter", "k o r t i n g", "o f f e r t e", "0fferte",
    "k0rting", "l1d", "\u043efferte", "ｋｏｒｔｉｎｇ", "a.s.a.p.", "t.e.m.", "i.p.v.", "www.voorbeeld.nl", "info@x.nl",
    "10:30", "06-12345678", "Hoi Jan,", "Met vriendelijke groet", "> citaat", "- punt", "1. punt", "…", "!!", "?",
    "\n", "\n\n", "\r\n", " ", "  ", "Op 3 juni 2024 schreef Piet:", "-- ", "🎉", "👨\u200d👩\u200d👧", "Привет", "Καλημέρα",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(HOSTILE), st.text(max_size=6)), max_size=80)
    .map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(HOSTILE)), max_size=80).map(" ".join),
)


def assert_offsets_valid(report: Report, text: str) -> None:
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for finding in report.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert text[finding.start:finding.end] == finding.text
        line = bisect.bisect_right(line_starts, finding.start)
        assert (finding.line, finding.column) == (line, finding.start - line_starts[line - 1] + 1)
        assert finding.normalised == (finding.read_as is not None)
    for item in report.suppressed:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start:item.end] == item.text
    assert report.verdict == verdict_of(report.findings)


@given(texts)
def test_fuzz_any_text_gets_a_report_with_offsets_into_the_text_as_given(engine, text):
    assert_offsets_valid(engine.analyze(text), text)


@given(st.lists(texts, min_size=1, max_size=6), st.sampled_from(["auto", "nl", "en"]),
       st.sampled_from(["pitch", "follow-up", "message"]))
def test_fuzz_batches_give_the_same_reports_as_single_texts(engine, batch, lang, mode):
    together = list(engine.analyze_many(batch, lang=lang, mode=mode))
    assert len(together) == len(batch)
    for text, report in zip(batch, together):
        assert_offsets_valid(report, text)
        assert report == engine.analyze(text, lang=lang, mode=mode)


@given(texts, st.data())
def test_fuzz_normalised_spans_map_into_the_original_in_order(text, data):
    normalised = normalise(text)
    size = len(normalised.text)
    # Findings are never empty: the spans to map are consecutive, non-empty pieces.
    cuts = sorted(set(data.draw(st.lists(st.integers(0, size), min_size=2, max_size=12))))
    spans = [normalised.span(a, b) for a, b in zip(cuts, cuts[1:])]
    for (start, end), (a, b) in zip(spans, zip(cuts, cuts[1:])):
        assert 0 <= start <= end <= len(text)
        if a < b:
            assert start < end  # a visible character comes from at least one original one
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    assert starts == sorted(starts) and ends == sorted(ends)


# --- every trick on every flagged sentence ------------------------------------------------------

FLAGGED = [
    ("Bel me voor een vrijblijvende offerte!", "nl-call-to-buy"),
    ("Nu 20% korting als je deze week tekent.", "nl-discount-urgency"),
    ("Word lid van onze club!", "nl-become-member"),
    ("Get 20% off, this week only!", "en-discount-urgency"),
    ("Become a member of our chapter today!", "en-become-member"),
]
CYRILLIC = {"o": "\u043e", "e": "\u0435", "a": "\u0430", "c": "\u0441", "p": "\u0440"}
DIGITS = {"o": "0", "e": "3", "a": "4", "i": "1", "l": "1", "s": "5", "t": "7"}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def disguise(word: str, trick: str, position: int, invisible: str) -> str:
    inner = 1 + position % max(1, len(word) - 1)
    if trick == "invisible":
        return word[:inner] + invisible + word[inner:]
    if trick == "spaced":
        return " ".join(word)
    if trick == "dotted":
        return ".".join(word)
    if trick == "full-width":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    if trick == "cyrillic":
        positions = [i for i, c in enumerate(word) if c in CYRILLIC]
        k = positions[position % len(positions)]
        return word[:k] + CYRILLIC[word[k]] + word[k + 1:]
    if trick == "digit":
        positions = [i for i, c in enumerate(word) if c in DIGITS]
        k = positions[position % len(positions)]
        return word[:k] + DIGITS[word[k]] + word[k + 1:]
    if trick == "strike":
        return "".join(c + "\u0336" for c in word)
    raise AssertionError(trick)


def applicable(word: str, trick: str) -> bool:
    if not word.isalpha():
        return False
    if trick in ("spaced", "dotted"):
        return len(word) >= 5  # shorter spelled-out runs are too ambiguous to join (README)
    if trick == "cyrillic":
        return any(c in CYRILLIC for c in word)
    if trick == "digit":
        return len(word) >= 3 and is_word(word) and any(c in DIGITS for c in word)
    return True


@given(st.sampled_from(FLAGGED), st.sampled_from(["invisible", "spaced", "dotted", "full-width", "cyrillic",
                                                   "digit", "strike"]),
       st.integers(0, 50), st.sampled_from(INVISIBLE), st.data())
def test_fuzz_a_disguised_word_gets_the_plain_finding(engine, flagged, trick, position, invisible, data):
    sentence, rule = flagged
    plain = engine.analyze(sentence)
    [plain_finding] = [f for f in plain.findings if f.rule == rule]
    words = [m for m in re.finditer(r"[^\W\d_]+", sentence)
             if m.start() >= plain_finding.start and m.end() <= plain_finding.end and applicable(m.group(), trick)]
    assume(words)
    word = data.draw(st.sampled_from(words))
    disguised_word = disguise(word.group(), trick, position, invisible)
    hidden = sentence[:word.start()] + disguised_word + sentence[word.end():]
    report = engine.analyze(hidden)
    assert_offsets_valid(report, hidden)
    [finding] = [f for f in report.findings if f.rule == rule]
    assert finding.normalised and unicodedata.normalize("NFC", finding.read_as) == plain_finding.text
    assert report.verdict == plain.verdict
