"""Sentence acts: what each sentence does to its reader, read from its grammar.

Acts are found from the form of the sentence, not from lists of whole phrases: an
imperative (a bare verb first — in Dutch the stem: "bel", "stuur", "sluit … aan"), a modal
first with a second-person subject ("could you", "kun je", "zou u"), the writer with a wish
verb ("I'd love to", "ik wil graag"), "let's"/"laten we", questions, offers of help, a
self-presentation. The words these checks look for are word classes in the lexicon.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import lru_cache

from coach.lemmatizer import lemma as lemma_of
from coach.nlp.view import DocView
from coach.paths import rules_dir

REQUEST = "request"
INVITATION = "invitation"
OFFER = "offer"
SELF_PRESENTATION = "self-presentation"
WISH = "wish"
PROPOSAL = "proposal"
QUESTION = "question"
READER_QUESTION = "question-about-reader"
THANKS = "thanks"

ACTS = (REQUEST, INVITATION, OFFER, SELF_PRESENTATION, WISH, PROPOSAL, QUESTION, READER_QUESTION, THANKS)

#: Words that may stand before the verb of an imperative ("Please call", "Gewoon even bellen").
_LEAD_IN = {
    "en": {"please", "pls", "just", "so", "and", "now", "then", "kindly", "simply", "also", "do", "oh", "ok", "okay"},
    "nl": {"dus", "en", "gewoon", "alsjeblieft", "alstublieft", "graag", "even", "ook", "nu", "oh", "ok", "oké"},
}
_VOWELS = set("aeiou")


@lru_cache(maxsize=4)
def verb_list(lang: str) -> frozenset[str]:
    path = rules_dir() / "lexicon" / "verbs" / f"{lang}.txt"
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=20_000)
def dutch_stems(infinitive: str) -> frozenset[str]:
    """The stems of a Dutch infinitive: bellen -> bel, sturen -> stuur, leven -> leef."""
    if not infinitive.endswith("en") or len(infinitive) < 4:
        return frozenset()
    base = infinitive[:-2]
    stems = {base}
    if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
        stems.add(base[:-1])                                   # bellen -> bel
    if len(base) >= 2 and base[-2] in _VOWELS and base[-1] not in _VOWELS and (len(base) < 3 or base[-3] not in _VOWELS):
        stems.add(base[:-1] + base[-2] + base[-1])             # sturen -> stuur, nemen -> neem
    for stem in list(stems):
        if stem.endswith("v"):
            stems.add(stem[:-1] + "f")
        if stem.endswith("z"):
            stems.add(stem[:-1] + "s")
    return frozenset(stems)


class ActTagger:
    """Gives each sentence its acts, from the view of a Doc and its word-class hits."""

    def __init__(self, lang: str):
        self.lang = lang
        self.lead_in = _LEAD_IN.get(lang, set())
        self.verbs = verb_list(lang)

    def tag(self, view: DocView, classes: dict[str, list[tuple[int, int]]]) -> list[frozenset[str]]:
        per_sentence: list[frozenset[str]] = []
        bounds = view.sentences()
        starts = [s for s, _ in bounds]
        hits_by_sentence: list[dict[str, list[tuple[int, int]]]] = [dict() for _ in bounds]
        for name, spans in classes.items():
            for s, e in spans:
                k = bisect.bisect_right(starts, s) - 1
                hits_by_sentence[k].setdefault(name, []).append((s, e))
        for (start, end), hits in zip(bounds, hits_by_sentence):
            per_sentence.append(frozenset(self._acts(view, start, end, hits)))
        return per_sentence

    def _acts(self, view: DocView, start: int, end: int, hits: dict[str, list[tuple[int, int]]]) -> Iterable[str]:
        words = [i for i in range(start, end) if not view.skip[i]]
        if not words:
            return ()
        acts: set[str] = set()
        lowers = view.lowers
        question = "?" in lowers[start:end]
        has = lambda name: name in hits  # noqa: E731
        first = self._first_content_word(view, words)
        if question:
            acts.add(QUESTION)
        if has("thanks") and any(s <= words[1 if len(words) > 1 else 0] for s, _ in hits["thanks"]):
            acts.add(THANKS)
        # Imperative: a bare verb first, no subject before it.
        if first is not None and self._is_imperative(view, first, words):
            acts.add(REQUEST)
        # A modal with the reader as its subject: "could you", "kun je", "zou u", "if you could".
        if self._modal_with_reader(view, words, hits):
            acts.add(REQUEST)
        # Asking leave: "Can I guest post on your blog?", "Mag ik je foto gebruiken?".
        if question and first is not None and self._modal_with_writer(first, hits):
            acts.add(REQUEST)
        if has("please") or self._let_me_know(view, words):
            acts.add(REQUEST)
        # "Are you open to", "Would you be interested", "Heb je zin/tijd", "Sta je open voor".
        if has("open-to") and has("reader-subject") and (question or has("modal")):
            acts.add(REQUEST)
        if has("proposal"):
            acts.add(PROPOSAL)
        if has("wish-verb") and (has("self-subject") or self._starts_with(hits, "wish-verb", words)):
            acts.add(WISH)
        if has("offer-frame") and (has("give-verb") or self._offer_is_whole(hits)):
            acts.add(OFFER)
        if has("self-intro") or (not question and self._near(hits, "self-subject", "business-verb", 3)):
            acts.add(SELF_PRESENTATION)
        if has("invite-verb") and (acts & {REQUEST, WISH, PROPOSAL} or has("reader")):
            acts.add(INVITATION)
        if question and has("reader") and not acts & {REQUEST, PROPOSAL, WISH}:
            acts.add(READER_QUESTION)
        return acts

    def _first_content_word(self, view: DocView, words: list[int]) -> int | None:
        for i in words[:4]:
            if view.lowers[i] not in self.lead_in:
                return i
        return None

    def _is_imperative(self, view: DocView, i: int, words: list[int]) -> bool:
        lower = view.lowers[i]
        if not view.alpha[i]:
            return False
        following = [j for j in words if j > i][:1]
        next_word = view.lowers[following[0]] if following else ""
        if self.lang == "en":
            if lower not in self.verbs or view.lemmas[i] != lower:
                return False
            # "Thank you", "Hope you're well", "Love your post" greet rather than ask.
            if lower in _EN_NOT_REQUESTS or next_word in ("i", "we"):
                return False
            return True
        if self.lang == "nl":
            infinitive = view.lemmas[i]
            if lower == infinitive or lower in _NL_NOT_REQUESTS or infinitive in _NL_NOT_REQUESTS:
                return False
            stems = dutch_stems(infinitive) or dutch_stems(lemma_of(lower, "nl"))
            if lower in stems:
                # "Bel je me?" asks; "Ken je iemand" asks the reader: still a request to them.
                return next_word not in ("ik", "we", "wij", "hij", "zij", "ze", "het")
            # The polite imperative "Neemt u contact op", "Belt u ons".
            return lower.endswith("t") and lower[:-1] in stems and next_word == "u"
        return False

    def _modal_with_reader(self, view: DocView, words: list[int], hits) -> bool:
        modals = hits.get("modal", ())
        readers = hits.get("reader-subject", ())
        for ms, me in modals:
            for rs, _ in readers:
                if rs == me or (rs < ms and ms - rs == 1 and self._after_if(view, rs, words)):
                    return True
        return False

    @staticmethod
    def _modal_with_writer(first: int, hits) -> bool:
        """The question opens with a modal whose subject, right after it, is the writer."""
        return any(ms == first and any(ss == me for ss, _ in hits.get("self-subject", ()))
                   for ms, me in hits.get("modal", ()))

    def _after_if(self, view: DocView, i: int, words: list[int]) -> bool:
        before = [j for j in words if j < i][-2:]
        return any(view.lowers[j] in ("if", "whether", "of", "als") for j in before)

    def _let_me_know(self, view: DocView, words: list[int]) -> bool:
        lowers = [view.lowers[i] for i in words]
        text = " ".join(lowers)
        if self.lang == "en":
            return "let me know" in text or "let us know" in text or "feel free" in text or "get in touch" in text
        return "laat me weten" in text or "laat het me weten" in text or "laat maar weten" in text or "laat even weten" in text or "neem contact" in text

    @staticmethod
    def _near(hits, first: str, then: str, reach: int) -> bool:
        return any(0 <= ts - fe <= reach for _, fe in hits.get(first, ()) for ts, _ in hits.get(then, ()))

    @staticmethod
    def _starts_with(hits, name: str, words: list[int]) -> bool:
        return any(s <= words[0] + 1 for s, _ in hits.get(name, ()))

    @staticmethod
    def _offer_is_whole(hits) -> bool:
        # Offer phrases that carry their own verb of giving ("let me know if I can", "zoals beloofd").
        return any(e - s >= 4 for s, e in hits.get("offer-frame", ()))


_EN_NOT_REQUESTS = frozenset({
    "thank", "hope", "love", "welcome", "congratulate", "wish", "look", "say", "see", "note",
    "enjoy", "remember", "happen", "be", "have", "do", "get", "go", "want", "need", "like",
    "think", "know", "find", "feel", "seem", "guess", "bet", "mean", "work", "run", "sound", "hear",
})
_NL_NOT_REQUESTS = frozenset({
    "bedanken", "danken", "hopen", "groeten", "feliciteren", "wensen", "zijn", "hebben", "worden",
    "zullen", "kunnen", "willen", "mogen", "moeten", "gaan", "staan", "liggen", "zitten", "blijven",
    "vinden", "denken", "weten", "zien", "horen", "lijken", "blijken", "heten", "doen",
})
