"""Every spaCy factory of coach, registered here with the ``coach_`` prefix.

Each rule component splits ``match`` (find things) from ``set_annotations`` (write
them onto the Doc), as spaCy's own components do.
"""

from __future__ import annotations

import bisect

import numpy
import simplemma
import spacy
from collections.abc import Callable

from spacy.attrs import IDX, IS_PUNCT, LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.util import minibatch as spacy_minibatch

from coach.rules.kinds import FrameRule, MatchingRule
from coach.rules.kinds.frame import undenied
from coach.rules import rulecache
from coach.rules.lexicon import expand_phrases, lexicon_path, load_lexicon
from coach.nlp.acts import ActTagger
from coach.nlp.features import feature_words
from coach.lemmatizer import is_known, lemma
from coach.nlp.candidates import Candidate
from coach.nlp.context import ContextJudge
from coach.nlp.extensions import register_extensions
from coach.rules.phrases import compile_segments
from coach.nlp.matching import PatternIndex
from coach.nlp.view import build_view, doc_view
from coach.rules.kinds.matching import DEFAULT_GAP
from coach.report import Category, Scores
from coach.rules.profile import load_profile
from coach.rules.rulepack import RuleSet, load_rules, use_tokenizer, word_splitter

register_extensions()

#: Compiled patterns depend on spaCy's tokenizer (words split as the text is) and on
#: simplemma's lemmas, besides the rule files and coach's code that the cache keys cover.
_LIBRARIES = f"spacy {spacy.about.__version__}, simplemma {simplemma.__version__}"

#: Context cue lists in the language profile -> the key their matches are stored under.
CUE_LISTS = {
    "warning": "warning_cues",
    "third": "third_person",
    "generic": "generic_subjects",
    "negexc": "negation_exceptions",
    "commentary": "commentary_cues",
}


@registry.tokenizers("coach_tokenizer.v1")
def make_tokenizer(lang: str) -> "Callable[[Language], Tokenizer]":
    def create(nlp: Language) -> Tokenizer:
        # Built once with the trimmed exceptions: replacing the rules of a built tokenizer
        # loads every special case a second time (a third of a cold start).
        defaults = nlp.Defaults
        return ExceptionsOnDemand(
            nlp.vocab,
            rules=without_word_abbreviations(defaults.tokenizer_exceptions, lang),
            prefix_search=compile_prefix_regex(defaults.prefixes).search if defaults.prefixes else None,
            suffix_search=compile_suffix_regex(defaults.suffixes).search if defaults.suffixes else None,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer if defaults.infixes else None,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return create


@registry.tokenizers("coach_words_only.v1")
def make_words_only_tokenizer() -> "Callable[[Language], Tokenizer]":
    """Splits at spaces only: for pipelines that are given words, never text."""
    return lambda nlp: Tokenizer(nlp.vocab)


class ExceptionsOnDemand(Tokenizer):
    """spaCy's tokenizer, taking in each exception only when a text could use it.

    Loading the thousands of exceptions is most of the cost of building a tokenizer (a
    quarter of a second for Dutch), while one short text can use only a few. An exception
    (special case) changes the tokens of a text only if its string, leaving out whitespace,
    occurs in the text without its whitespace: spaCy looks exceptions up by substrings of
    the text and matches them as runs of tokens. So before each text those exceptions are
    added, and every text gets the tokens the complete tokenizer gives it. After
    ``ON_DEMAND_CHARS`` characters, or on ``complete()``, the rest is added too, which
    keeps the steady speed of a long run.
    """

    ON_DEMAND_CHARS = 200_000

    def __init__(self, vocab, rules=None, prefix_search=None, suffix_search=None, infix_finditer=None,
                 token_match=None, url_match=None, **options):
        rules = dict(rules or {})
        # Exceptions of fewer than two characters besides whitespace (" ", "\n", "'") apply
        # almost everywhere: they are added at once; the others wait under their first two.
        at_once = {k: v for k, v in rules.items() if len(_without_space(k)) < 2}
        super().__init__(vocab, at_once, prefix_search, suffix_search, infix_finditer, token_match, url_match,
                         **options)
        #: First two characters -> exception -> (its string without whitespace, its tokens).
        self._waiting: dict[str, dict[str, tuple[str, list]]] = {}
        for key, substrings in rules.items():
            if key not in at_once:
                bare = _without_space(key)
                self._waiting.setdefault(bare[:2], {})[key] = (bare, substrings)
        self._on_demand_left = self.ON_DEMAND_CHARS

    def __call__(self, string):
        if self._waiting:
            self._on_demand_left -= len(string)
            if self._on_demand_left < 0:
                self.complete()
            else:
                self._take_in(string)
        return super().__call__(string)

    def _take_in(self, string: str) -> None:
        bare = _without_space(string)
        starts = {bare[i:i + 2] for i in range(len(bare) - 1)}
        needed = {}
        for start in starts & self._waiting.keys():
            group = self._waiting[start]
            for key in [k for k, (b, _) in group.items() if b in bare]:
                needed[key] = group.pop(key)[1]
            if not group:
                del self._waiting[start]
        # In spaCy's order (sorted), as the complete tokenizer loads them.
        for key in sorted(needed):
            self.add_special_case(key, needed[key])

    def complete(self) -> None:
        """Add every exception still waiting."""
        waiting = {key: substrings for group in self._waiting.values() for key, (_, substrings) in group.items()}
        self._waiting = {}
        for key in sorted(waiting):
            self.add_special_case(key, waiting[key])

    # Everything that reads the exceptions as a whole reads all of them.
    @property
    def rules(self):
        self.complete()
        return Tokenizer.rules.__get__(self)

    @rules.setter
    def rules(self, rules):
        self._waiting = {}
        Tokenizer.rules.__set__(self, rules)

    def explain(self, text):
        self.complete()
        return super().explain(text)

    def to_bytes(self, **kwargs):
        self.complete()
        return super().to_bytes(**kwargs)

    def to_disk(self, path, **kwargs):
        self.complete()
        return super().to_disk(path, **kwargs)


def _without_space(text: str) -> str:
    return "".join(text.split())


def without_word_abbreviations(rules: dict, lang: str) -> dict:
    """The tokenizer exceptions without abbreviations that are also ordinary words ("me.",
    "bel.", "dat."): keeping them glues the full stop to the word and loses the end of the
    sentence."""
    candidates = sorted(k for k in rules if k.endswith(".") and k[:-1].isalpha() and k[:-1].islower())
    # Which candidates are words is kept in the cache: asking the dictionary about hundreds of
    # them would read most of it at every start.
    cache_key = rulecache.key_of(f"word-abbreviations:{lang}:{_LIBRARIES}\0" + "\0".join(candidates), [])
    words = rulecache.cached(cache_key, frozenset, lambda: frozenset(k for k in candidates if is_known(k[:-1], lang)))
    return {key: value for key, value in rules.items() if key not in words}


@Language.factory("coach_sentences", assigns=["token.is_sent_start", "doc._.coach_view"])
def make_sentences(nlp: Language, name: str) -> "Sentences":
    return Sentences()


class Sentences:
    """Sentence starts after final punctuation (as spaCy's sentencizer) and after every line
    break: lists, greetings and signatures are not prose. Works on arrays, not Tokens."""

    punct_chars = frozenset(Sentencizer.default_punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        strings = doc.vocab.strings
        text = doc.text
        rows = doc.to_array([ORTH, IS_PUNCT, IDX]).tolist()
        starts = [-1] * len(rows)
        starts[0] = 1
        seen_final = False
        for i, (orth, is_punct, _) in enumerate(rows):
            final = strings[orth] in self.punct_chars
            if seen_final and not is_punct and not final:
                starts[i] = 1
                seen_final = False
            elif final:
                seen_final = True
        offsets = [row[2] for row in rows]
        position = text.find("\n")
        while position != -1:
            following = bisect.bisect_right(offsets, position)
            if following < len(rows):
                starts[following] = 1
            position = text.find("\n", position + 1)
        doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
        # Doc.text joins every token anew on each access: keep the one built here.
        doc._.coach_view = build_view(doc, text)
        return doc


@Language.factory("coach_lemmatizer", default_config={"lang": "nl"}, assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str, lang: str) -> "Lemmatizer":
    return Lemmatizer(lang)


class Lemmatizer:
    """Sets ``token.lemma_`` from simplemma, looked up once per distinct word."""

    def __init__(self, lang: str):
        self.lang = lang
        self._lemma_of: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        # Lemmas go in as one array of hashes: no Token objects, one lookup per distinct word.
        strings = doc.vocab.strings
        lemma_of = self._lemma_of
        orths = doc.to_array(ORTH)
        hashes = numpy.empty((len(orths), 1), dtype="uint64")
        for i, orth in enumerate(orths.tolist()):
            found = lemma_of.get(orth)
            if found is None:
                found = strings.add(lemma(strings[orth], self.lang))
                if len(lemma_of) < 500_000:
                    lemma_of[orth] = found
            hashes[i, 0] = found
        doc.from_array([LEMMA], hashes)
        view = doc._.coach_view
        if view is not None:
            view.lemmas = [strings[h] for h in hashes[:, 0].tolist()]
        return doc


@Language.factory("coach_acts", default_config={"lang": "nl"}, assigns=["doc._.coach_classes", "doc._.coach_acts"],
                  requires=["token.lemma", "token.is_sent_start"])
def make_act_tagger(nlp: Language, name: str, lang: str) -> "Acts":
    use_tokenizer(lang, nlp.tokenizer)
    return Acts(nlp, lang)


class Acts:
    """Finds the lexicon's word classes in the text and gives each sentence its acts.

    Assigns ``doc._.coach_classes`` (class name -> token spans) and ``doc._.coach_acts`` (one
    set of acts per sentence; ``span._.coach_acts`` reads a sentence's).
    """

    def __init__(self, nlp: Language, lang: str):
        self.lang = lang
        self.index = PatternIndex(nlp.vocab)
        key = rulecache.key_of(f"acts-index:{lang}:{_LIBRARIES}", [lexicon_path(lang)])
        self.index.replay(rulecache.cached(key, list, lambda: self._recipe(nlp.vocab)))
        self.tagger = ActTagger(lang)

    def _recipe(self, vocab) -> list[tuple]:
        index = PatternIndex(vocab)
        split = word_splitter(self.lang)
        for name, words in load_lexicon(self.lang).classes.items():
            index.add(f"class:{name}", [compile_segments(w, self.lang, split) for w in words], DEFAULT_GAP)
        return index.recipe

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, *self.match(doc))
        return doc

    def match(self, doc: Doc) -> tuple[dict[str, list[tuple[int, int]]], list[frozenset[str]]]:
        found = self.index.find(doc)
        classes = {k.partition(":")[2]: v for k, v in found.items() if v and "#" not in k}
        return classes, self.tagger.tag(doc_view(doc), classes)

    def set_annotations(self, doc: Doc, classes, acts) -> None:
        doc._.coach_classes = classes
        doc._.coach_acts = acts


@Language.factory("coach_rules", default_config={"lang": "nl", "extra_packs": [], "builtin": True},
                  assigns=["doc._.coach_candidates", "doc._.coach_cues"], requires=["doc._.coach_acts"])
def make_rule_matcher(nlp: Language, name: str, lang: str, extra_packs: list[str], builtin: bool) -> "RuleMatcher":
    use_tokenizer(lang, nlp.tokenizer)
    return RuleMatcher(nlp, load_rules(lang, extra_packs, builtin))


class RuleMatcher:
    """Finds every span-level rule match and the context cues the judge needs."""

    def __init__(self, nlp: Language, rules: RuleSet):
        self.rules = rules
        self.index = PatternIndex(nlp.vocab)
        # Expanding and compiling every phrase is most of building this component: a rule book
        # read from files keeps the result in the rule cache under that book's key.
        if rules.key:
            key = rulecache.key_of(f"rule-index:{rules.key}:{_LIBRARIES}", [])
            recipe, self.own_words = rulecache.cached(key, tuple, lambda: self._compile(nlp.vocab))
        else:
            recipe, self.own_words = self._compile(nlp.vocab)
        self.index.replay(recipe)
        self.frames = [rule for rule in rules.rules if isinstance(rule, FrameRule)]
        self.by_id = {rule.id: rule for rule in rules.matching}
        self.reader_words = frozenset(w.lower() for w in rules.profile.reader_words)

    def _compile(self, vocab) -> tuple[list[tuple], dict[str, frozenset[str]]]:
        """The recipe of the rule book's pattern index, and each matching rule's own words."""
        rules = self.rules
        index = PatternIndex(vocab)
        split = word_splitter(rules.lang)
        for rule in rules.matching:
            index.add(f"rule:{rule.id}", rule.segmented_patterns(rules.lang, split), rule.gap)
        for rule in rules.rules:
            for tag, phrases in (("req", rule.context.requires), ("exc", rule.context.excludes)):
                if phrases:
                    segmented = [compile_segments(p, rules.lang, split) for p in expand_phrases(phrases, rules.lang)]
                    index.add(f"{tag}:{rule.id}", segmented, DEFAULT_GAP)
        for key, attribute in CUE_LISTS.items():
            phrases = getattr(rules.profile, attribute)
            if phrases:
                index.add(f"cue:{key}", [compile_segments(p, rules.lang, split) for p in expand_phrases(phrases, rules.lang)], DEFAULT_GAP)
        return index.recipe, {rule.id: rule_words(rule, rules.lang) for rule in rules.matching}

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        return self.index.find(doc)

    def set_annotations(self, doc: Doc, found: dict[str, list[tuple[int, int]]]) -> None:
        candidates = []
        for key, spans in found.items():
            kind, _, rule_id = key.partition(":")
            if kind != "rule" or "#" in rule_id or not spans:
                continue
            rule = self.by_id[rule_id]
            # Check each match before trimming overlaps, so a longer match that fails its
            # preconditions cannot hide a shorter one that holds.
            holding = [doc[s:e] for s, e in spans if self._preconditions_hold(doc, rule, s, e, found)]
            for span in filter_spans(holding):
                candidates.append(Candidate(
                    rule=rule, start=span.start, end=span.end,
                    start_char=span.start_char, end_char=span.end_char,
                    severity=rule.severity, message=rule.message, own_words=self.own_words[rule_id],
                ))
        candidates.extend(self._frame_candidates(doc))
        candidates.sort(key=lambda c: (c.start_char, c.end_char, c.rule.id))
        doc._.coach_candidates = candidates
        doc._.coach_cues = {
            k.partition(":")[2]: v for k, v in found.items() if k.startswith("cue:") and "#" not in k
        }

    def _frame_candidates(self, doc: Doc) -> list[Candidate]:
        if not self.frames or doc._.coach_acts is None:
            return []
        view = doc_view(doc)
        sentences = view.sentences()
        classes = doc._.coach_classes or {}
        # Computed once per text for every frame.
        topic_hits = undenied(view.lowers, classes)
        found = []
        for rule in self.frames:
            for start, end in rule.find(sentences, doc._.coach_acts, classes, topic_hits):
                span = doc[start:end]
                # The words of the classes the frame matched are its own: the "don't" of
                # "don't have a budget" is part of the topic, not a negation of it.
                own = frozenset(
                    view.lowers[i] for name in rule.classes() for s, e in classes.get(name, ())
                    if start <= s and e <= end for i in range(s, e)
                )
                found.append(Candidate(
                    rule=rule, start=start, end=end, start_char=span.start_char, end_char=span.end_char,
                    severity=rule.severity, message=rule.message, own_words=own,
                ))
        return found

    def _preconditions_hold(self, doc: Doc, rule: MatchingRule, start: int, end: int, found) -> bool:
        options = rule.context
        view = doc_view(doc)
        sent_start, sent_end = view.sentence(start)
        low, high = (sent_start, sent_end) if options.scope == "sentence" else (0, len(doc))

        def occurs(tag: str) -> bool:
            return any(low <= s and e <= high for s, e in found.get(f"{tag}:{rule.id}", ()))

        if options.requires and not occurs("req"):
            return False
        if options.excludes and occurs("exc"):
            return False
        if options.address == "reader":
            if start != view.first_word(sent_start, sent_end) and not view.any_word_in(
                self.reader_words, sent_start, sent_end
            ):
                return False
        return True


@Language.factory("coach_context", default_config={"lang": "nl"}, requires=["doc._.coach_candidates"],
                  assigns=["doc._.coach_candidates"])
def make_context(nlp: Language, name: str, lang: str) -> "ContextComponent":
    return ContextComponent(ContextJudge(load_profile(lang), lang))


class ContextComponent:
    """Marks candidates that are negated, quoted, warned against or about someone else."""

    def __init__(self, judge: ContextJudge):
        self.judge = judge

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[str | None]:
        candidates = doc._.coach_candidates or []
        if not candidates:
            return []
        view = doc_view(doc)
        regions = self.judge.regions(view.text)
        cues = doc._.coach_cues or {}
        return [
            self.judge.reason(view, c.start, c.end, c.start_char, c.end_char, cues, regions,
                              c.rule.context, c.own_words)
            for c in candidates
        ]

    def set_annotations(self, doc: Doc, reasons: list[str | None]) -> None:
        candidates = doc._.coach_candidates or []
        for candidate, reason in zip(candidates, reasons):
            candidate.suppressed = reason


def rule_words(rule: MatchingRule, lang: str) -> frozenset[str]:
    """Every literal word a rule's patterns name, so its own "geen" is not read as negation."""
    words: set[str] = set()
    for pattern in rule.token_patterns(lang, word_splitter(lang)):
        for spec in pattern:
            for key in ("LEMMA", "LOWER", "ORTH", "TEXT"):
                value = spec.get(key)
                if isinstance(value, str):
                    words.add(value.lower())
                elif isinstance(value, dict) and "IN" in value:
                    words.update(str(v).lower() for v in value["IN"])
    return frozenset(words)


@Language.factory("coach_document_rules", default_config={"lang": "nl", "extra_packs": [], "builtin": True},
                  assigns=["doc._.coach_scores"])
def make_document_rules(nlp: Language, name: str, lang: str, extra_packs: list[str], builtin: bool) -> "DocumentRules":
    return DocumentRules(load_rules(lang, extra_packs, builtin))


class DocumentRules:
    """Scores the text (words, sentences, I/we and you, questions, speaking time) and holds the
    rule book whose document-level kinds ``coach.decide`` applies."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        profile = rules.profile
        self.self_words = {w.lower() for w in profile.self_words}
        self.reader_words = {w.lower() for w in profile.reader_words}
        self.words_per_second = profile.speaking_rate_wpm / 60

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> Scores:
        return self.score(doc)

    def set_annotations(self, doc: Doc, scores: Scores) -> None:
        doc._.coach_scores = scores

    def score(self, doc: Doc) -> Scores:
        """Statistics of the text; ``asks`` and ``gives`` are counted when the report is decided."""
        view = doc_view(doc)
        words = sum(1 for skip in view.skip if not skip)
        self_refs = sum(1 for w in view.lowers if w in self.self_words)
        reader_refs = sum(1 for w in view.lowers if w in self.reader_words)
        sentences = [
            (start, end) for start, end in view.sentences()
            if not all(view.space[start:end])
        ]
        questions = sum(
            1 for start, end in sentences
            if "?" in view.lowers[start:end] and view.any_word_in(self.reader_words, start, end)
        )
        referenced = self_refs + reader_refs
        return Scores(
            words=words,
            sentences=len(sentences),
            questions=questions,
            self_refs=self_refs,
            reader_refs=reader_refs,
            reader_focus=round(reader_refs / referenced, 3) if referenced else 0.5,
            speaking_seconds=round(words / self.words_per_second, 1),
        )


@Language.factory("coach_classifier", default_config={"lang": "nl"},
                  assigns=["doc.cats"], requires=["doc._.coach_acts", "doc._.coach_classes"])
def make_classifier(nlp: Language, name: str, lang: str) -> "Classifier":
    return Classifier(lang)


class Classifier:
    """The trained second opinion (``make models``): category probabilities in ``doc.cats``.

    Reads lemmas plus sentence acts and word classes (``coach.nlp.features``); the
    thresholds chosen on real dev text travel with the weights in ``coach.json``.
    """

    def __init__(self, lang: str):
        import json

        from coach.paths import classifier_dir

        path = classifier_dir(lang)
        # The model reads feature words, never raw text: a blank multi-language pipeline
        # without exceptions or affix rules to build holds it, which keeps cold starts short.
        settings = spacy.util.load_config(path / "config.cfg")["components"]["textcat_multilabel"]
        self.model = spacy.blank("xx", config={"nlp": {"tokenizer": {"@tokenizers": "coach_words_only.v1"}}})
        self.textcat = self.model.add_pipe(
            "textcat_multilabel", config={k: v for k, v in settings.items() if k != "factory"}
        )
        self.textcat.from_disk(path / "textcat_multilabel", exclude=["vocab"])
        settings = json.loads((path / "coach.json").read_text(encoding="utf-8"))
        self.thresholds: dict[str, float] = settings["thresholds"]
        #: Below these scores a rule's flag in that category is overruled (see coach.decide).
        self.vetoes: dict[str, float] = settings.get("vetoes", {})

    def __call__(self, doc: Doc) -> Doc:
        doc.cats = self.score(feature_words(doc))
        return doc

    def pipe(self, docs, batch_size: int = 128):
        """Score docs in batches: the model's cost is mostly per call, not per text."""
        for batch in spacy_minibatch(docs, size=batch_size):
            readings = [Doc(self.model.vocab, words=feature_words(doc)) for doc in batch]
            for doc, reading in zip(batch, self.textcat.pipe(readings, batch_size=batch_size)):
                doc.cats = reading.cats
                yield doc

    def score(self, words: list[str]) -> dict[str, float]:
        return self.textcat(Doc(self.model.vocab, words=words)).cats

    def sentence_scores(self, doc: Doc, label: str) -> list[tuple[float, int, int]]:
        """(score, start token, end token) of every sentence with words, for ``label``."""
        view = doc_view(doc)
        scored = []
        for start, end in view.sentences():
            if all(view.skip[start:end]):
                continue
            scored.append((self.score(feature_words(doc, start, end))[label], start, end))
        return scored

