"""Normalisation: each hiding trick gets the plain text's finding, at the offsets of the text as given."""

import pytest

from coach.normalise import CHUNK_CHARS, chunk_bounds, normalise

DISCOUNT = "Nu 20% korting als je deze week tekent."
QUOTE = "Bel me voor een vrijblijvende offerte!"
MEMBER = "Word lid van onze club!"

#: (trick, text as an evader writes it, the same text written plainly, rule expected in both)
TRICKS = [
    ("zero-width space", "Bel me voor een vrijblijvende offer\u200bte!", QUOTE, "nl-call-to-buy"),
    ("soft hyphen", "Nu 20% kor\u00adting als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("joiners and word joiner", "Nu 20% k\u200co\u200dr\u2060ting als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("byte-order mark inside", "Nu 20% kor\ufeffting als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("full-width letters", "Nu 20% ｋｏｒｔｉｎｇ als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("mathematical bold letters", "Nu 20% 𝐤𝐨𝐫𝐭𝐢𝐧𝐠 als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("strike-through marks", "Nu 20% k\u0336o\u0336r\u0336t\u0336i\u0336n\u0336g\u0336 als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("Cyrillic o", "Bel me voor een vrijblijvende \u043efferte!", QUOTE, "nl-call-to-buy"),
    ("Greek omicron and epsilon", "Bel me voor een vrijblijvende \u03bfffert\u03b5!", QUOTE, "nl-call-to-buy"),
    ("zero for o", "Nu 20% k0rting als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("zero at the start", "Bel me voor een vrijblijvende 0fferte!", QUOTE, "nl-call-to-buy"),
    ("one for i", "Word l1d van onze club!", MEMBER, "nl-become-member"),
    ("capitals and a zero", "Nu 20% K0RTING als je deze week tekent.", "Nu 20% KORTING als je deze week tekent.", "nl-discount-urgency"),
    ("spelled out with spaces", "Nu 20% k o r t i n g als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("spelled out with spaces, one word", "Bel me voor een vrijblijvende o f f e r t e!", QUOTE, "nl-call-to-buy"),
    ("two words spelled out in one run", "Bel me voor een g r a t i s o f f e r t e!", "Bel me voor een gratis offerte!", "nl-call-to-buy"),
    ("a word and a word spelled out in one run", "Ik geef u k o r t i n g als je deze week tekent.", "Ik geef u korting als je deze week tekent.", "nl-special-price"),
    ("spelled out with dots", "Nu 20% k.o.r.t.i.n.g als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("spelled out with hyphens", "Nu 20% k-o-r-t-i-n-g als je deze week tekent.", DISCOUNT, "nl-discount-urgency"),
    ("English, spelled out", "Get 20% o f f, this week only!", "Get 20% off, this week only!", "en-discount-urgency"),
    ("English, zero for o", "Get 20% 0ff, this week only!", "Get 20% off, this week only!", "en-discount-urgency"),
    ("English, three for e", "Become a m3mber of our chapter today!", "Become a member of our chapter today!", "en-become-member"),
]


@pytest.mark.parametrize("trick, hidden, plain, rule", TRICKS, ids=[t[0] for t in TRICKS])
def test_each_trick_gets_the_plain_finding_at_the_original_offsets(engine, trick, hidden, plain, rule):
    plain_report = engine.analyze(plain)
    assert rule in {f.rule for f in plain_report.findings}, "the plain text must be flagged first"
    report = engine.analyze(hidden)
    assert report.verdict == plain_report.verdict
    finding = next(f for f in report.findings if f.rule == rule)
    assert hidden[finding.start:finding.end] == finding.text
    assert finding.normalised is True
    assert finding.read_as == next(f.text for f in plain_report.findings if f.rule == rule)
    assert (finding.line, finding.column) == (1, finding.start + 1)


def test_untouched_findings_are_not_marked_normalised(engine):
    report = engine.analyze("Nu 20% k0rting als je deze week tekent.")
    deadline = next(f for f in report.findings if f.rule == "nl-deadline-deal")
    assert deadline.normalised is False and deadline.read_as is None
    assert all(not f.normalised for f in engine.analyze(DISCOUNT).findings)


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000"])
def test_no_break_and_thin_spaces_read_as_spaces(engine, space):
    text = QUOTE.replace(" offerte", space + "offerte")
    [finding] = [f for f in engine.analyze(text).findings if f.rule == "nl-call-to-buy"]
    assert text[finding.start:finding.end] == finding.text
    assert finding.normalised is False  # spacing is layout, not hiding


def test_a_sentence_wrapped_over_two_lines_is_found_and_not_called_hidden(engine):
    text = ("Beste Anna,\n\nVolgende week kom ik graag bij je langs. Bel me voor een vrijblijvende\n"
            "offerte, dan plannen we meteen een moment.\n\nGroet,\nPiet")
    [finding] = [f for f in engine.analyze(text).findings if f.rule == "nl-call-to-buy"]
    assert finding.text == "Bel me voor een vrijblijvende\nofferte"
    assert text[finding.start:finding.end] == finding.text
    assert (finding.line, finding.column) == (3, text.split("\n")[2].index("Bel") + 1)
    assert finding.normalised is False


def test_windows_line_ends_inside_a_sentence(engine):
    text = "Bel me voor een\r\nvrijblijvende offerte!"
    [finding] = [f for f in engine.analyze(text).findings if f.rule == "nl-call-to-buy"]
    assert text[finding.start:finding.end] == finding.text


@pytest.mark.parametrize("text", [
    "Hoi Jan,\nIk wil je graag uitnodigen.",
    "Met vriendelijke groet\nPiet Jansen\nDirecteur Jansen Bouw\n06 12345678\nwww.jansenbouw.nl",
    "Agenda:\n09:30 koffie\n10:00 rondje voorstellen\n- punt een\n- punt twee",
    "Dit is de eerste zin\n> en dit is een citaat",
    "Van: Piet\nVerzonden: maandag 3 juni 2024 10:00\nOnderwerp: ontbijt",
    "Wat een mooie ochtend was het 🎉\nTot de volgende keer!",
])
def test_lines_that_stand_on_their_own_keep_their_line_breaks(text):
    assert normalise(text).text == text


@pytest.mark.parametrize("text", [
    "Café 4de etage, 1e keer, 10am, 5km, mp3, Win10, B2B, 3500AB, 06-12345678, € 20,- per uur",
    "Mail info@gratis.nl of kijk op www.voorbeeld.nl/pagina?id=10",
    "t.e.m. vrijdag, i.p.v. maandag, n.a.v. ons gesprek, a.s.a.p.",
    "Privet: Привет, как дела? Καλημέρα σας.",
    "Plan A of plan B, en optie c.",
    "नमस्ते दुनिया — שָׁלוֹם",
    "Kies a, b of c: ze zijn alle drie goed.",
])
def test_ordinary_text_is_left_alone(text):
    assert normalise(text).text == text


def test_russian_text_keeps_its_letters_but_a_latin_word_with_one_cyrillic_letter_is_mapped():
    assert normalise("Привет, коллеги").text == "Привет, коллеги"
    assert normalise("Gratis \u043eff\u0435rte").text == "Gratis offerte"


def test_offsets_of_spans_around_removed_characters():
    text = "a\u200bb k o r t i n g  z"
    normalised = normalise(text)
    assert normalised.text == "ab korting  z"
    start = normalised.text.index("korting")
    assert normalised.span(start, start + 7) == (text.index("k o"), text.index("g  z") + 1)
    assert normalised.span(0, 2) == (0, 3)  # "ab" covers the zero-width space between
    assert normalised.span(1, 2) == (2, 3)  # "b" alone starts after it


def test_long_texts_are_cut_at_paragraph_ends_into_bounded_chunks():
    paragraph = "Dit is een alinea over netwerken en over elkaar helpen. " * 20
    text = "\n\n".join([paragraph] * 200)
    bounds = chunk_bounds(text)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(end - start <= CHUNK_CHARS for start, end in bounds)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(text[end - 2:end] == "\n\n" for _, end in bounds[:-1])
    unbroken = "x" * (CHUNK_CHARS * 2 + 5)
    assert chunk_bounds(unbroken) == [(0, CHUNK_CHARS), (CHUNK_CHARS, 2 * CHUNK_CHARS), (2 * CHUNK_CHARS, len(unbroken))]


def test_a_text_over_a_million_characters_is_analysed_with_offsets_into_the_original(engine):
    filler = "We spraken elkaar op het ontbijt over de nieuwe ringweg en de plannen van de gemeente.\n\n"
    text = filler * 12_000 + "Nu 20% k0rting als je deze week tekent.\n\n" + filler * 100
    assert len(text) > 1_000_000
    report = engine.analyze(text)
    [finding] = [f for f in report.findings if f.rule == "nl-discount-urgency"]
    assert text[finding.start:finding.end] == finding.text == "20% k0rting"
    assert finding.line == 24_001 and finding.normalised
    assert report.scores.words == 16 * 12_100 + 8 and report.scores.sentences == 12_101


@pytest.mark.parametrize("word", [
    "ᴋᴏʀᴛɪɴɢ",                 # small capitals
    "🅺🅾🆁🆃🅸🅽🅶",              # negative squared letters
    "ⓚⓞⓡⓣⓘⓝⓖ",                # circled letters
    "k\u0301orting",           # an accent no Dutch word has, as a combining mark
    "\u1e31orting",            # the same, precomposed
    "\u202egnitrok\u202c",     # written backwards behind a right-to-left override
])
def test_fancy_text_and_reversed_text_read_as_the_plain_word(engine, word):
    text = f"Nu 20% {word} als je deze week tekent."
    [finding] = [f for f in engine.analyze(text).findings if f.rule == "nl-discount-urgency"]
    assert text[finding.start:finding.end] == finding.text
    assert finding.read_as.lower() == "20% korting"


def test_dutch_accents_are_kept():
    text = "Kom vóór vrijdag naar één van onze cafés; naïef, ruïne, coördinatie, Curaçao."
    assert normalise(text).text == text
