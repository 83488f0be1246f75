"""Train the second-opinion classifier (spaCy ``textcat_multilabel``) for one language.

Trained on the labelled corpora — the synthetic corpus (all splits but test) and the real
corpus's dev split, never its test split — with a fixed seed, so ``make models`` gives the
same weights on the same data. Per category, the threshold at which the model adds a finding
and the veto below which it overrules a rule's flag are chosen on the real dev split by
cross-validation over its source pages (the model never scores a page it was trained on),
scored the way ``coach.decide`` decides (see ``_joint_thresholds``). Weights, thresholds and
vetoes go to ``models/classifier-<lang>/``.

Usage: python -m coach.training.classifier [nl|en ...]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
import json
from functools import lru_cache
import random
import sys
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import fix_random_seed

from spacy.tokens import Doc

from coach.decide import MODEL_GUIDELINES, MODEL_MIN_WORDS, VETO_MAX_WORDS, decide, lone_flags, model_openings
from coach.engine import Engine
from coach.evaluation import read_corpus
from coach.nlp.features import feature_words
from coach.nlp.view import doc_view
from coach.normalise import normalise
from coach.report import Language, Mode
from coach.paths import PROJECT_ROOT, classifier_dir
from coach.report import FLAG_CATEGORIES

SEED = 13
#: Six passes and single words (no word pairs): cross-validated on the real dev pages, mean
#: average precision en 0.586 -> 0.606, nl 0.557 -> 0.588 against twelve passes over pairs.
EPOCHS = 6
FOLDS = 4
#: Cross-validation rounds, each with the pages dealt into folds anew. With one round the chosen
#: thresholds jumped by 0.1-0.2 between retrains on nearly the same texts (nl recruiting 0.55,
#: 0.75, 0.65); pooling three rounds' held-out scores steadies the choice.
REPEATS = 3
MIN_PRECISION = 0.7
#: Most held-out real clean texts the model may flag (in any category).
MAX_CLEAN_ALARMS = 0.03
#: Caps on the share of the synthetic traps (clean texts this project wrote) the model may flag,
#: strictest first. The traps are our own texts, so they guard rather than decide: a looser cap
#: is taken only where held-out real dev says it pays by at least ``MIN_TRAP_CAP_GAIN`` (in
#: Dutch the 3% cap kept the model silent in two categories while its held-out hard-sell
#: precision was 0.81 at recall 0.59). ``python -m coach.training.nested`` measures, by nested
#: cross-validation over the real dev pages, what a fixed cap buys; it cannot settle the choice,
#: as the rules were written from dev's misses and leave the model fewer openings there than
#: in new text (see the README).
TRAP_CAPS = (0.03, 0.08)
MIN_TRAP_CAP_GAIN = 0.01
LABELS = [c.value for c in FLAG_CATEGORIES]
#: Dutch has few real labelled texts: its model also learns from the English ones (measured
#: on Dutch dev pages held out: best-F1 thresholds exist for all three categories instead of
#: one; English gains nothing from Dutch texts, so it borrows none).
BORROW_FROM = {"nl": "en"}
CORPUS = PROJECT_ROOT / "tests" / "corpus"


def training_items(lang: str):
    synthetic = sorted(CORPUS.glob(f"{lang}.jsonl")) + sorted((CORPUS / "extra").glob(f"{lang}-*.jsonl"))
    real = CORPUS / "real" / f"{lang}.jsonl"
    # The synthetic test split stays out too, so that its scores still measure something.
    items = [(i.text, i.labels, None) for i in read_corpus(synthetic) if i.split != "test"]
    real_dev = [(i.text, i.labels, i.source) for i in read_corpus([real], split="dev")] if real.exists() else []
    return items, real_dev


@lru_cache(maxsize=1)
def _reading_engine() -> Engine:
    """One engine (without a classifier) reads every training text: pipelines are built once."""
    return Engine(classifier=False)


def featurise(items, lang: str):
    """(feature words, labels, source) for each (text, labels, source): what the model reads."""
    return Readings(items, lang).featurised


@dataclass(frozen=True)
class RuleFlags:
    """The categories the rules flag in a text, and those of them a veto may overrule (a lone
    flag in a text long enough to judge: ``coach.decide.overrule_unlikely_flags``)."""

    categories: frozenset[str]
    vetoable: frozenset[str]


class Readings:
    """The engine's reading of training texts, each read once: what the model reads of them,
    what the rules found, and, for any model, where the engine would let that model speak
    (``coach.decide.model_openings``)."""

    def __init__(self, items, lang: str):
        pipeline = _reading_engine().pipeline(Language(lang))
        # The engine reads texts normalised (hidden characters, look-alikes undone): so does training.
        self.texts = [normalise(text).text for text, _, _ in items]
        self.docs = list(pipeline.pipe(self.texts))
        self.judge = pipeline.get_pipe("coach_context").judge
        self.featurised = [(feature_words(doc), labels, source) for doc, (_, labels, source) in zip(self.docs, items)]
        reports = [decide(doc, pipeline, source="-", language=Language(lang), mode=Mode.MESSAGE, detected=False)
                   for doc in self.docs]
        #: Per text, the categories no rule spoke in (any finding, a note included, leaves it to the rules).
        self.unspoken = [
            [c for c in MODEL_GUIDELINES if c not in {f.category for f in report.findings}] for report in reports
        ]
        #: The categories the rules flag, and those a veto may overrule.
        self.flagged = [
            RuleFlags(frozenset(f.category.value for f in report.findings if f.is_flag),
                      frozenset(c.value for c in lone_flags(report.findings))
                      if MODEL_MIN_WORDS <= len(text.split()) <= VETO_MAX_WORDS else frozenset())
            for report, text in zip(reports, self.texts)
        ]

    def gates(self, nlp, indices) -> dict[int, frozenset[str]]:
        """Per text, the categories in which ``nlp`` could add a finding that context keeps."""
        scorer = _SentenceScorer(nlp)
        return {
            k: frozenset(
                category.value
                for category, (_, reason) in model_openings(
                    self.docs[k], scorer, self.judge, self.texts[k], self.unspoken[k]).items()
                if reason is None
            )
            for k in indices
        }


class _SentenceScorer:
    """A trained textcat in the shape ``coach.decide`` reads a classifier: sentence scores."""

    def __init__(self, nlp):
        self.nlp = nlp

    def sentence_scores(self, doc: Doc, label: str) -> list[tuple[float, int, int]]:
        view = doc_view(doc)
        return [
            (self.nlp(Doc(self.nlp.vocab, words=feature_words(doc, start, end))).cats[label], start, end)
            for start, end in view.sentences() if not all(view.skip[start:end])
        ]


def train(texts_labels, lang: str):
    """A blank pipeline with a bag-of-words multilabel classifier, trained with a fixed seed."""
    fix_random_seed(SEED)
    nlp = spacy.blank(lang)
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
        "ngram_size": 1, "no_output_layer": False, "length": 65536,
    }})
    for label in LABELS:
        textcat.add_label(label)
    examples = [
        Example.from_dict(Doc(nlp.vocab, words=words), {"cats": {l: float(l in labels) for l in LABELS}})
        for words, labels, _ in texts_labels
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(SEED)
    for _ in range(EPOCHS):
        rng.shuffle(examples)
        for start in range(0, len(examples), 16):
            nlp.update(examples[start:start + 16], sgd=optimizer, drop=0.2)
    return nlp


def choose_thresholds(real_readings: Readings, trap_readings: Readings, lang: str,
                      borrowed=(), trap_caps: tuple[float, ...] = TRAP_CAPS,
                      ) -> tuple[dict[str, float], dict[str, float]]:
    """Per category, the threshold at which the model adds a finding and the veto below which
    it overrules a rule's flag, chosen on held-out real dev pages (see ``_joint_thresholds``).

    Scored as the engine decides: the model speaks only where ``coach.decide.model_openings``
    lets it (given ``real_readings``/``trap_readings``), and a rule finding counts as found.
    Clean texts that were held out count towards ``MAX_CLEAN_ALARMS``; the synthetic dev
    split's clean texts (traps: negations, warnings, stories), scored by a model trained
    without them, count towards a cap from ``trap_caps`` (strictest first; see ``TRAP_CAPS``).
    """
    synthetic, real_dev = trap_readings.featurised, real_readings.featurised
    sources = sorted({s for _, _, s in real_dev})
    scored: list[tuple[dict[str, float], list[str], frozenset[str], RuleFlags]] = []
    for repeat in range(REPEATS):
        # Each repeat deals the pages into folds anew: every text is scored REPEATS times, by
        # models trained without it, and the thresholds are chosen on all those scores.
        dealt = sources[:]
        random.Random(SEED + repeat).shuffle(dealt)
        for fold in range(FOLDS):
            held = {s for k, s in enumerate(dealt) if k % FOLDS == fold}
            nlp = train(synthetic + list(borrowed) + [i for i in real_dev if i[2] not in held], lang)
            indices = [k for k, item in enumerate(real_dev) if item[2] in held]
            gates = real_readings.gates(nlp, indices)
            for k in indices:
                scored.append((nlp(Doc(nlp.vocab, words=real_dev[k][0])).cats, real_dev[k][1], gates[k],
                               real_readings.flagged[k]))
    nlp = train([item for item in synthetic if item[1]] + list(borrowed) + real_dev, lang)
    clean = [k for k, item in enumerate(synthetic) if not item[1]]
    trap_gates = trap_readings.gates(nlp, clean)
    trap_scores = [(nlp(Doc(nlp.vocab, words=synthetic[k][0])).cats, trap_gates[k]) for k in clean]
    report_curve([(cats, labels) for cats, labels, _, _ in scored])
    # The rules' right flags on our own corpus, each scored by a model trained without it (two
    # halves): a veto must not overrule many of them (the synthetic floors guard them too).
    guarded = []
    for half in (0, 1):
        guard = train([item for k, item in enumerate(synthetic) if k % 2 != half] + list(borrowed) + real_dev, lang)
        guarded += [
            (guard(Doc(guard.vocab, words=synthetic[k][0])).cats, synthetic[k][1], trap_readings.flagged[k])
            for k in range(half, len(synthetic), 2)
        ]
    allowed = veto_choices(guarded)
    thresholds, vetoes, value = _joint_thresholds(scored, trap_scores, allowed, trap_caps[0])
    for cap in trap_caps[1:]:
        looser = _joint_thresholds(scored, trap_scores, allowed, cap)
        print(f"  synthetic traps flagged at most {cap:.0%}: held-out value {looser[2]:.3f} against {value:.3f}")
        if looser[2] >= value + MIN_TRAP_CAP_GAIN:
            thresholds, vetoes, value = looser
    for label in LABELS:
        if thresholds[label] < SILENT:
            print(f"  chosen {label:18} threshold {thresholds[label]:.2f}, veto below {vetoes[label]:.2f}")
        else:
            print(f"  {label:18} no threshold meets the caps: the model stays silent; veto below {vetoes[label]:.2f}")
    f1s, alarms = _as_decided(scored, thresholds, vetoes)
    print("  held-out F1 with the rules: " + ", ".join(f"{l} {f:.3f}" for l, f in zip(LABELS, f1s))
          + f"; real clean texts flagged: {alarms:.1%}")
    return thresholds, vetoes


#: A threshold the model never reaches: it stays silent in that category.
SILENT = 1.01
#: Thresholds tried per category.
GRID = [step / 100 for step in range(30, 100, 5)] + [SILENT]


#: Rule flags are overruled below these scores (0: never).
VETO_GRID = [0.0, 0.02, 0.05, 0.1]
#: The largest share of the rules' right flags on the synthetic corpus a veto may overrule.
#: At 5% the guard let through vetoes that broke a synthetic test floor in three retrains of
#: four: a category has 13-20 positives there, so 5% is the floor's whole margin. At 2% one
#: right flag of 66 could still go, and that one broke the synthetic Dutch take-without-give
#: floor (0.89 < 0.92) after the feature change of the seventh session: now none may go.
MAX_VETO_LOSS = 0.0
#: The share of clean texts coach may flag (the project's target); each point above it costs
#: the choice one point of macro-F1.
TARGET_ALARMS = 0.05


def veto_choices(guarded) -> list[list[float]]:
    """Per category, the vetoes that overrule at most ``MAX_VETO_LOSS`` of the rules' right
    flags on our own corpus, each text scored by a model trained without it."""
    choices = []
    for label in LABELS:
        right = [(cats[label], label in flags.vetoable) for cats, labels, flags in guarded
                 if label in flags.categories and label in labels]
        lost = {v: sum(1 for score, vetoable in right if vetoable and score < v) for v in VETO_GRID}
        choices.append([v for v in VETO_GRID if lost[v] <= MAX_VETO_LOSS * len(right)])
        print(f"  {label:18} synthetic right flags a veto would overrule: "
              + ", ".join(f"below {v:.2f}: {lost[v]} of {len(right)}" for v in VETO_GRID[1:]))
    return choices


def _joint_thresholds(scored, trap_scores, allowed_vetoes: list[list[float]], trap_cap: float,
                      ) -> tuple[dict[str, float], dict[str, float], float]:
    """Thresholds (the model adds a finding) and vetoes (it overrules a rule's flag) per
    category, chosen together on the held-out texts as the engine decides.

    The choice maximises the held-out macro-F1 (rules included) less the share of clean texts
    flagged above ``TARGET_ALARMS``, such that the model's own findings, in any category,
    reach at most ``MAX_CLEAN_ALARMS`` of the real clean texts and ``trap_cap`` of the synthetic traps, and
    each category's findings are at least ``MIN_PRECISION`` right (three or more of them).
    Capping each category apart let the alarms add up: measured by nested cross-validation
    over the real dev pages, three per-category caps of 3% flagged about 10% of the clean texts
    held out; one cap over all categories stays near its value.
    """
    import numpy

    scores = numpy.array([[cats[l] for l in LABELS] for cats, _, _, _ in scored])
    gold = numpy.array([[l in labels for l in LABELS] for _, labels, _, _ in scored], dtype=bool)
    open_ = numpy.array([[l in gate for l in LABELS] for _, _, gate, _ in scored], dtype=bool)
    fixed = numpy.array([[l in f.categories - f.vetoable for l in LABELS] for _, _, _, f in scored], dtype=bool)
    vetoable = numpy.array([[l in f.vetoable for l in LABELS] for _, _, _, f in scored], dtype=bool)
    clean = ~gold.any(axis=1)
    trap_open = numpy.array([[l in gate for l in LABELS] for _, gate in trap_scores], dtype=bool).reshape(-1, len(LABELS))
    trap_values = numpy.array([[cats[l] for l in LABELS] for cats, _ in trap_scores]).reshape(-1, len(LABELS))
    usable = {}
    for k, label in enumerate(LABELS):
        for threshold in GRID:
            added = open_[:, k] & (scores[:, k] >= threshold)
            right = int((added & gold[:, k]).sum())
            usable[label, threshold] = threshold == SILENT or (
                right >= 3 and right / max(1, int(added.sum())) >= MIN_PRECISION)
    best = ({l: SILENT for l in LABELS}, {l: 0.0 for l in LABELS})
    best_value = -1.0
    for combination in itertools.product(GRID, repeat=len(LABELS)):
        if not all(usable[l, t] for l, t in zip(LABELS, combination)):
            continue
        limits = numpy.array(combination)
        added = open_ & (scores >= limits)
        if _share(list(added[clean].any(axis=1))) > MAX_CLEAN_ALARMS:
            continue
        if _share(list((trap_open & (trap_values >= limits)).any(axis=1))) > trap_cap:
            continue
        for vetoes in itertools.product(*allowed_vetoes):
            found = added | fixed | (vetoable & (scores >= numpy.array(vetoes)))
            tp = (found & gold).sum(axis=0)
            wrong = (found ^ gold).sum(axis=0)
            f1 = float(numpy.mean(numpy.where(tp > 0, 2 * tp / numpy.maximum(1, 2 * tp + wrong), 0.0)))
            alarms = float(found[clean].any(axis=1).mean()) if clean.any() else 0.0
            value = f1 - max(0.0, alarms - TARGET_ALARMS)
            if value > best_value:
                best, best_value = (dict(zip(LABELS, combination)), dict(zip(LABELS, vetoes))), value
    return best[0], best[1], best_value


def decided(cats, gate, flags: RuleFlags, thresholds, vetoes) -> set[str]:
    """The categories the engine flags in a text: the model's where it may speak and its score
    reaches the threshold, the rules' unless a veto overrules them."""
    return {l for l in LABELS if (l in gate and cats[l] >= thresholds[l])
            or (l in flags.categories and (l not in flags.vetoable or cats[l] >= vetoes[l]))}


def scores_of(found) -> tuple[list[float], float]:
    """F1 per category and the share of clean texts flagged, of (flagged categories, labels) pairs."""
    f1s = []
    for label in LABELS:
        tp = sum(1 for f, labels in found if label in f and label in labels)
        wrong = sum(1 for f, labels in found if (label in f) != (label in labels))
        f1s.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    clean = [f for f, labels in found if not labels]
    return f1s, _share([bool(f) for f in clean])


def _as_decided(scored, thresholds, vetoes) -> tuple[list[float], float]:
    """Held-out F1 per category and the share of clean texts flagged, as the engine decides."""
    return scores_of([(decided(cats, gate, flags, thresholds, vetoes), labels)
                      for cats, labels, gate, flags in scored])


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def average_precision(scored, label: str) -> float:
    """Held-out average precision of one label: its ranking quality, whatever the threshold."""
    ranked = sorted(scored, key=lambda item: -item[0][label])
    positives = sum(1 for _, labels in ranked if label in labels)
    hits, total = 0, 0.0
    for rank, (_, labels) in enumerate(ranked, 1):
        if label in labels:
            hits += 1
            total += hits / rank
    return total / positives if positives else 0.0


def report_curve(scored) -> None:
    """Held-out precision and recall at a few thresholds, so a retrain shows what it gives."""
    print("  held-out average precision: " + ", ".join(
        f"{label} {average_precision(scored, label):.3f}" for label in LABELS))
    for label in LABELS:
        points = []
        for threshold in (0.3, 0.5, 0.7, 0.9):
            tp = sum(1 for cats, labels in scored if cats[label] >= threshold and label in labels)
            fp = sum(1 for cats, labels in scored if cats[label] >= threshold and label not in labels)
            fn = sum(1 for cats, labels in scored if cats[label] < threshold and label in labels)
            points.append(f"{threshold:.1f}: P {tp / (tp + fp) if tp + fp else 1:.2f} R {tp / (tp + fn) if tp + fn else 1:.2f}")
        print(f"  held-out {label:18} " + "; ".join(points))


def borrowed_texts(lang: str) -> list:
    """The other language's texts (featurised, without a source) that ``lang``'s model also
    learns from (``BORROW_FROM``). The acts, classes and their pairs are the same words in
    both languages, so those texts teach them too; their lemmas simply never occur here."""
    if lang not in BORROW_FROM:
        return []
    other = BORROW_FROM[lang]
    return [(words, labels, None) for items in training_items(other) for words, labels, _ in featurise(items, other)]


def build(lang: str) -> None:
    synthetic_items, real_items = training_items(lang)
    synthetic_readings, real_readings = Readings(synthetic_items, lang), Readings(real_items, lang)
    synthetic, real_dev = synthetic_readings.featurised, real_readings.featurised
    borrowed = borrowed_texts(lang)
    thresholds, vetoes = (
        choose_thresholds(real_readings, synthetic_readings, lang, borrowed)
        if real_dev else ({l: SILENT for l in LABELS}, {l: 0.0 for l in LABELS})
    )
    nlp = train(synthetic + borrowed + real_dev, lang)
    out = classifier_dir(lang)
    nlp.to_disk(out)
    (out / "coach.json").write_text(json.dumps({
        "thresholds": thresholds, "vetoes": vetoes, "seed": SEED, "epochs": EPOCHS,
        "trained_on": {"synthetic": len(synthetic), "real_dev": len(real_dev), "borrowed": len(borrowed)},
    }, indent=2) + "\n", encoding="utf-8")
    print(f"{out}: {len(synthetic)} synthetic + {len(real_dev)} real dev texts; thresholds {thresholds}; vetoes {vetoes}")


if __name__ == "__main__":
    for language in sys.argv[1:] or ["nl", "en"]:
        build(language)
