"""What makes a cold start quick changes no result: exceptions on demand, the cached dictionaries."""

from __future__ import annotations

import pickle

import pytest
import simplemma
import spacy
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from coach.lemmatizer import _CachedDictionaries, is_known, lemma
from coach.nlp.components import ExceptionsOnDemand, without_word_abbreviations

TEXTS = {
    "nl": ["Bel me a.s. maandag, o.a. over 20% korting (d.w.z. nu)!", "'t Is z'n idee, m.a.w. niet 't mijne.",
           "Zie art. 5 e.d. Bel me. Ok?", "a . s . en a. s. en (a.s.)"],
    "en": ["I can't, won't and shouldn't. Mr. Smith's offer, e.g. 20% off!", "U.S. vs. U.K.: etc... :-) <3",
           "Don't call me at 5 p.m. i.e. later."],
}


def _tokenizers(lang: str) -> tuple[Tokenizer, callable]:
    nlp = spacy.blank(lang)
    defaults = nlp.Defaults
    options = dict(
        prefix_search=compile_prefix_regex(defaults.prefixes).search,
        suffix_search=compile_suffix_regex(defaults.suffixes).search,
        infix_finditer=compile_infix_regex(defaults.infixes).finditer,
        token_match=defaults.token_match, url_match=defaults.url_match,
    )
    rules = without_word_abbreviations(defaults.tokenizer_exceptions, lang)
    return Tokenizer(nlp.vocab, rules=rules, **options), lambda: ExceptionsOnDemand(nlp.vocab, rules=rules, **options)


def _tokens(tokenizer, text: str) -> list[tuple[str, str]]:
    return [(t.text, t.whitespace_) for t in tokenizer(text)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_exceptions_on_demand_tokenize_as_all_exceptions_do(lang):
    complete, on_demand = _tokenizers(lang)
    shared = on_demand()
    for text in TEXTS[lang] + [f"zie {key} hier" for key in list(complete.rules)[::25]]:
        assert _tokens(on_demand(), text) == _tokens(complete, text), text
        assert _tokens(shared, text) == _tokens(complete, text), text


def test_exceptions_on_demand_hand_over_all_exceptions_when_asked():
    complete, on_demand = _tokenizers("nl")
    tokenizer = on_demand()
    assert tokenizer.rules == complete.rules
    copy = pickle.loads(pickle.dumps(on_demand()))
    assert copy.rules == complete.rules
    assert _tokens(copy, TEXTS["nl"][0]) == _tokens(complete, TEXTS["nl"][0])


def test_a_completed_engine_and_a_cold_one_give_the_same_reports():
    from coach import Engine

    cold, warm = Engine(), Engine()
    warm.warm_up(["nl", "en"])
    cold.warm_up(["nl", "en"], complete=False)
    for lang, texts in TEXTS.items():
        for text in texts:
            assert cold.analyze(text, lang=lang) == warm.analyze(text, lang=lang)


WORDS = ["belde", "gebeld", "aangesloten", "huizen", "offertes", "netwerkborrel", "ge-mailed", "zo'n",
         "xyzzyq", "Koffie", "calls", "won't", "half-price", "recruiting", "meetings"]


def test_lemmas_are_simplemmas_own():
    for word in WORDS:
        for lang in ("nl", "en"):
            assert lemma(word, lang) == simplemma.lemmatize(word.lower(), lang=lang).lower().replace("_", "")
            assert is_known(word, lang) == simplemma.is_known(word, lang)


def test_the_cached_dictionary_equals_simplemmas_and_a_damaged_cache_is_ignored(tmp_path, monkeypatch):
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    decoded = DefaultDictionaryFactory().get_dictionary("en")
    built = _CachedDictionaries().get_dictionary("en")
    assert list(tmp_path.glob("*.pickle"))
    cached = _CachedDictionaries().get_dictionary("en")
    words = ["calls", "meetings", "went", "Went", "xyzzyq", "won't", "half-price", "recruiting"]
    for dictionary in (built, cached, pickle.loads(pickle.dumps(cached))):
        assert len(dictionary) == len(decoded)
        assert all(dictionary.get(word) == decoded.get(word) for word in words)
    assert sorted(w for w in cached if w.startswith("zeb")) == sorted(w for w in decoded if w.startswith("zeb"))
    for path in tmp_path.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert _CachedDictionaries().get_dictionary("en").get("went") == decoded.get("went")


def test_the_cached_choice_of_exceptions_is_the_dictionarys(tmp_path, monkeypatch):
    rules = spacy.blank("nl").Defaults.tokenizer_exceptions
    monkeypatch.setenv("COACH_NO_CACHE", "1")
    fresh = without_word_abbreviations(rules, "nl")
    assert "me." not in fresh and "art." in fresh
    monkeypatch.delenv("COACH_NO_CACHE")
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    assert without_word_abbreviations(rules, "nl") == fresh
    assert without_word_abbreviations(rules, "nl") == fresh  # now from the cache


def test_the_dictionary_loads_without_a_usable_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COACH_CACHE_DIR", str(blocker / "cache"))
    assert _CachedDictionaries().get_dictionary("en").get("went") == "go"
    monkeypatch.setenv("COACH_NO_CACHE", "1")
    assert _CachedDictionaries().get_dictionary("en").get("went") == "go"


def test_an_index_replayed_from_its_recipe_finds_what_the_index_finds():
    from coach.nlp.matching import PatternIndex
    from coach.rules.phrases import compile_segments
    from coach.rules.rulepack import word_splitter

    nlp = spacy.blank("en")
    nlp.add_pipe("coach_sentences")
    nlp.add_pipe("coach_lemmatizer", config={"lang": "en"})
    split = word_splitter("en")
    built = PatternIndex(nlp.vocab)
    # "number" is one of spaCy's own symbols, with a small id rather than a hash
    phrases = ["call|ring me? today", "*club ... join", "only? <num> seat|spot left", "book ... call", "=ASAP",
               "give me his number"]
    built.add("a", [compile_segments(p, "en", split) for p in phrases], 4)
    built.add("b", [compile_segments("book ... call", "en", split)], 2)
    replayed = PatternIndex(nlp.vocab)
    replayed.replay(pickle.loads(pickle.dumps(built.recipe)))
    doc = nlp("Call me today to book a call, ASAP! Only 3 seats left; netwerkclubs, join. Give me his number?")
    found = built.find(doc)
    assert found["b"] and "Give me his number" in {doc[s:e].text for s, e in found["a"]}
    assert replayed.find(doc) == found


def _reports(lang: str) -> list:
    from coach import Engine
    from coach.rules.rulepack import _load_rules

    _load_rules.cache_clear()  # the in-process cache; the disk cache is what is tested
    engine = Engine()
    return [engine.analyze(text, lang=lang) for text in TEXTS[lang] + ["Bel me voor een vrijblijvende offerte!"]]


def test_an_engine_built_from_the_cache_and_one_from_a_damaged_cache_report_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    first = _reports("nl")
    assert len(list(tmp_path.glob("*.pickle"))) >= 3  # the rule book and both pattern indexes
    assert _reports("nl") == first
    for path in tmp_path.glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:50])
    assert _reports("nl") == first
    monkeypatch.setenv("COACH_NO_CACHE", "1")
    assert _reports("nl") == first
