"""The one entry point: ``analyze(text) -> Report``, and ``Engine`` for batches."""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from pathlib import Path

import spacy
from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc

import coach.nlp.components  # noqa: F401 - registers the coach_* factories
from coach.errors import CoachError
from coach.guidelines import load_catalogue
from coach.kinds import ContextOptions
from coach.language import detect_language, parse_language
from coach.modes import severity_in_mode
from coach.nlp.view import doc_view
from coach.paths import classifier_dir, models_dir
from coach.report import (
    Category, Finding, GuidelineText, Language, Mode, Report, SentenceActs, Severity, Suppression, verdict_of,
)



def parse_mode(value: str | Mode) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        raise CoachError(
            f"unknown mode {value!r}: use " + ", ".join(m.value for m in Mode)
        ) from None


class Engine:
    """Holds one spaCy pipeline per language, built on first use and then reused."""

    def __init__(self, extra_packs: Sequence[str | Path] = (), builtin: bool = True,
                 classifier: bool = True):
        """``extra_packs`` add rule packs; ``builtin=False`` leaves out coach's own packs (and the
        classifier trained on them); ``classifier=False`` leaves out the trained second opinion."""
        self.extra_packs = [str(Path(p).resolve()) for p in extra_packs]
        self.builtin = builtin
        self.classifier = classifier
        self._pipelines: dict[Language, SpacyLanguage] = {}
        self._lock = threading.Lock()

    def pipeline(self, lang: Language) -> SpacyLanguage:
        with self._lock:
            if lang not in self._pipelines:
                self._pipelines[lang] = self._build(lang)
            return self._pipelines[lang]

    def _build(self, lang: Language) -> SpacyLanguage:
        overrides = {
            "components.coach_rules.extra_packs": self.extra_packs,
            "components.coach_document_rules.extra_packs": self.extra_packs,
            "components.coach_rules.builtin": self.builtin,
            "components.coach_document_rules.builtin": self.builtin,
        }
        config = spacy.util.load_config(models_dir() / f"{lang.value}.cfg", overrides=overrides)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True)
        if self.builtin and self.classifier:
            add_classifier(nlp, lang)
        return nlp

    def warm_up(self, langs: Iterable[str | Language] = tuple(Language)) -> None:
        for lang in langs:
            self.pipeline(Language(lang))

    def analyze(self, text: str, *, lang: str | Language = "auto", mode: str | Mode = Mode.MESSAGE,
                source: str = "-") -> Report:
        return next(self.analyze_many([text], lang=lang, mode=mode, sources=[source]))

    def analyze_many(self, texts: Iterable[str], *, lang: str | Language = "auto",
                     mode: str | Mode = Mode.MESSAGE, sources: Iterable[str] | None = None,
                     batch_size: int = 64) -> Iterator[Report]:
        """Reports in input order; texts stream through ``nlp.pipe`` in runs of one language."""
        forced = parse_language(lang)
        mode = parse_mode(mode)
        batch: list[tuple[str, str, Language]] = []
        for text, source in zip(texts, sources if sources is not None else repeat("-")):
            batch.append((text, source, forced or detect_language(text)))
            if len(batch) >= batch_size:
                yield from self._run(batch, mode, forced is None, batch_size)
                batch = []
        if batch:
            yield from self._run(batch, mode, forced is None, batch_size)

    def _run(self, batch: list[tuple[str, str, Language]], mode: Mode, detected: bool,
             batch_size: int) -> Iterator[Report]:
        docs: dict[int, Doc] = {}
        for language in dict.fromkeys(item[2] for item in batch):
            indices = [i for i, item in enumerate(batch) if item[2] is language]
            texts = (batch[i][0] for i in indices)
            for i, doc in zip(indices, self.pipeline(language).pipe(texts, batch_size=batch_size)):
                docs[i] = doc
        for i, (text, source, language) in enumerate(batch):
            nlp = self.pipeline(language)
            classifier = nlp.get_pipe(CLASSIFIER) if CLASSIFIER in nlp.pipe_names else None
            yield build_report(docs[i], source=source, language=language, mode=mode, detected=detected,
                               classifier=classifier, judge=nlp.get_pipe("coach_context").judge)


CLASSIFIER = "coach_classifier"
#: A negator somewhere in a whole sentence does not negate what the sentence does, so the
#: classifier's sentence is judged on quotes, earlier mail, warnings and stories only.
SENTENCE_CONTEXT = ContextOptions(negation="ignore")
#: Below this many words a bag-of-words model sees too little to judge ("Hallo" is no pitch).
MODEL_MIN_WORDS = 20
#: The guideline a classifier finding cites, per category.
MODEL_GUIDELINES = {Category.HARD_SELL: ["D8"], Category.RECRUITING: ["D2"], Category.TAKE_WITHOUT_GIVE: ["D4"]}
MODEL_MESSAGES = {
    Language.EN: "No rule matched, but coach's trained classifier reads this text as {category} "
                 "(confidence {score:.0%}); this sentence weighs most.",
    Language.NL: "Geen regel sloeg aan, maar coach's getrainde classifier leest deze tekst als {category} "
                 "(zekerheid {score:.0%}); deze zin weegt het zwaarst.",
}
MODEL_SUGGESTIONS = {
    Language.EN: "Read the sentence as the receiver would: does it sell, recruit or ask without giving?",
    Language.NL: "Lees de zin zoals de ontvanger hem leest: verkoopt, werft of vraagt hij zonder te geven?",
}


def add_classifier(nlp: SpacyLanguage, lang: Language) -> None:
    """Add the trained classifier of ``models/classifier-<lang>`` when ``make models`` made one."""
    if (classifier_dir(lang.value) / "coach.json").exists():
        nlp.add_pipe("coach_classifier", name=CLASSIFIER, config={"lang": lang.value})


def model_findings(doc: Doc, nlp_component, judge, language: Language, findings: list[Finding],
                   line_starts: list[int], text: str) -> tuple[list[Finding], list[Suppression]]:
    """At most one finding per category where no rule spoke and the classifier is confident.

    The sentence that drives the score is judged in context like any rule match: in a quote,
    an earlier mail, a warning, a negation or a story about others it is set aside.
    """
    thresholds = nlp_component.thresholds
    if len(text.split()) < MODEL_MIN_WORDS:
        return [], []
    # Any rule finding in a category, a balanced ask noted as info included, leaves it to the rules.
    flagged = {f.category for f in findings}
    added, set_aside = [], []
    view = doc_view(doc)
    for category in MODEL_GUIDELINES:
        score = doc.cats.get(category.value, 0.0)
        if category in flagged or score < thresholds.get(category.value, 1.0):
            continue
        first, last, start, end = _driving_sentence(doc, nlp_component, category.value)
        rule_id = f"{language.value}-model-{category.value}"
        reason = judge.reason(view, first, last, start, end, doc._.coach_cues or {},
                              judge.regions(view.text), SENTENCE_CONTEXT)
        if reason:
            set_aside.append(Suppression(rule=rule_id, category=category, start=start, end=end,
                                         text=text[start:end], reason=reason))
            continue
        line = bisect.bisect_right(line_starts, start)
        added.append(Finding(
            rule=rule_id, category=category, severity=Severity.WARNING,
            start=start, end=end, text=text[start:end],
            message=MODEL_MESSAGES[language].format(category=category.value, score=score),
            guidelines=MODEL_GUIDELINES[category], suggestion=MODEL_SUGGESTIONS[language],
            line=line, column=start - line_starts[line - 1] + 1, origin="model",
        ))
    return added, set_aside


def _driving_sentence(doc: Doc, component, label: str) -> tuple[int, int, int, int]:
    """Token and character bounds of the sentence's words the classifier scores highest."""
    scored = component.sentence_scores(doc, label)
    _, start, end = max(scored, key=lambda item: item[0])
    span = doc[start:end]
    first = next(t for t in span if not (t.is_space or t.is_punct))
    last = [t for t in span if not t.is_space][-1]
    return first.i, last.i + 1, first.idx, last.idx + len(last.text)


def build_report(doc: Doc, *, source: str, language: Language, mode: Mode, detected: bool,
                 classifier=None, judge=None) -> Report:
    text_of_doc = doc_view(doc).text
    line_starts = [0] + [m.end() for m in re.finditer("\n", text_of_doc)]
    findings: list[Finding] = []
    suppressed: list[Suppression] = []
    for candidate in doc._.coach_candidates or []:
        text = text_of_doc[candidate.start_char : candidate.end_char]
        rule = candidate.rule
        if candidate.suppressed:
            suppressed.append(Suppression(
                rule=rule.id, category=rule.category, start=candidate.start_char,
                end=candidate.end_char, text=text, reason=candidate.suppressed,
            ))
            continue
        line = bisect.bisect_right(line_starts, candidate.start_char)
        findings.append(Finding(
            rule=rule.id, category=rule.category,
            severity=severity_in_mode(rule, candidate.severity, mode),
            start=candidate.start_char, end=candidate.end_char, text=text,
            message=candidate.message, guidelines=list(rule.guidelines),
            suggestion=rule.suggestion, replacement=rule.replacement,
            line=line, column=candidate.start_char - line_starts[line - 1] + 1,
        ))
    model_scores: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    if classifier is not None and doc.cats:
        model_scores = {c.value: round(doc.cats.get(c.value, 0.0), 3) for c in MODEL_GUIDELINES}
        thresholds = dict(classifier.thresholds)
        added, set_aside = model_findings(doc, classifier, judge, language, findings, line_starts, text_of_doc)
        findings.extend(added)
        suppressed.extend(set_aside)
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
    catalogue = load_catalogue()
    cited = dict.fromkeys(g for f in findings for g in f.guidelines)
    guidelines = {
        gid: GuidelineText(
            title=catalogue.get(gid).title[language.value],
            explanation=catalogue.get(gid).explanation[language.value],
        )
        for gid in cited
    }
    return Report(
        source=source, language=language, language_detected=detected, mode=mode,
        verdict=verdict_of(findings), findings=findings, scores=doc._.coach_scores,
        suppressed=suppressed, guidelines=guidelines, model_scores=model_scores,
        model_thresholds=thresholds, acts=sentence_acts(doc),
    )


def sentence_acts(doc: Doc) -> list[SentenceActs]:
    """Each sentence that does something, with its acts, as character offsets into the text."""
    acts = doc._.coach_acts or []
    view = doc_view(doc)
    found = []
    for (start, end), sentence in zip(view.sentences(), acts):
        words = [i for i in range(start, end) if not view.space[i]]
        if sentence and words:
            first, last = view.idx[words[0]], view.idx[words[-1]] + len(doc[words[-1]].text)
            found.append(SentenceActs(start=first, end=last, text=view.text[first:last], acts=sorted(sentence)))
    return found


_default_engine: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    global _default_engine
    with _default_lock:
        if _default_engine is None:
            _default_engine = Engine()
        return _default_engine


def analyze(text: str, *, lang: str | Language = "auto", mode: str | Mode = Mode.MESSAGE,
            source: str = "-") -> Report:
    """Analyse one text with the built-in rule packs."""
    return default_engine().analyze(text, lang=lang, mode=mode, source=source)
