"""The one entry point: ``analyze(text) -> Report``, and ``Engine`` for batches."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from pathlib import Path

import spacy
from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc

from coach.nlp.components import ExceptionsOnDemand  # also registers the coach_* factories
from coach.decide import CLASSIFIER, decide
from coach.errors import CoachError
from coach.language import detect_language, parse_language
from coach.normalise import NormalisedText, normalise
from coach.paths import classifier_dir, models_dir
from coach.report import Language, Mode, Report


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
        # Building makes a few hundred thousand objects that all live on, and no garbage: the
        # collector's passes over them in between took a twentieth of a cold start.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._assemble(lang)
        finally:
            if collecting:
                gc.enable()

    def _assemble(self, lang: Language) -> SpacyLanguage:
        overrides = {
            "components.coach_rules.extra_packs": self.extra_packs,
            "components.coach_document_rules.extra_packs": self.extra_packs,
            "components.coach_rules.builtin": self.builtin,
            "components.coach_document_rules.builtin": self.builtin,
        }
        config = spacy.util.load_config(models_dir() / f"{lang.value}.cfg", overrides=overrides)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True)
        if self.builtin and self.classifier and (classifier_dir(lang.value) / "coach.json").exists():
            nlp.add_pipe("coach_classifier", name=CLASSIFIER, config={"lang": lang.value})
        return nlp

    def warm_up(self, langs: Iterable[str | Language] = tuple(Language), *, complete: bool = True) -> None:
        """Build the pipelines of ``langs`` now. ``complete=False`` leaves the tokenizer
        exceptions to be taken in as texts need them: quicker for a few texts, a little
        slower for each while it lasts."""
        for lang in langs:
            nlp = self.pipeline(Language(lang))
            if complete and isinstance(nlp.tokenizer, ExceptionsOnDemand):
                nlp.tokenizer.complete()

    def analyze(self, text: str, *, lang: str | Language = "auto", mode: str | Mode = Mode.MESSAGE,
                source: str = "-") -> Report:
        return next(self.analyze_many([text], lang=lang, mode=mode, sources=[source]))

    def analyze_many(self, texts: Iterable[str], *, lang: str | Language = "auto",
                     mode: str | Mode = Mode.MESSAGE, sources: Iterable[str] | None = None,
                     batch_size: int = 64) -> Iterator[Report]:
        """Reports in input order; texts stream through ``nlp.pipe`` in runs of one language."""
        forced = parse_language(lang)
        mode = parse_mode(mode)
        batch: list[tuple[NormalisedText, str, Language]] = []
        for text, source in zip(texts, sources if sources is not None else repeat("-")):
            prepared = normalise(text)
            batch.append((prepared, source, forced or detect_language(prepared.text)))
            if len(batch) >= batch_size:
                yield from self._run(batch, mode, forced is None, batch_size)
                batch = []
        if batch:
            yield from self._run(batch, mode, forced is None, batch_size)

    def _run(self, batch: list[tuple[NormalisedText, str, Language]], mode: Mode, detected: bool,
             batch_size: int) -> Iterator[Report]:
        # Each text is read normalised, in chunks (a long text in several), and reported on as given;
        # a chunk's Doc becomes its report at once, so a long text never holds all its Docs.
        chunks = [(i, offset, chunk) for i, item in enumerate(batch) for offset, chunk in item[0].chunks()]
        reports: list[Report | None] = [None] * len(chunks)
        for language in dict.fromkeys(item[2] for item in batch):
            nlp = self.pipeline(language)
            indices = [k for k, (i, _, _) in enumerate(chunks) if batch[i][2] is language]
            texts = (chunks[k][2] for k in indices)
            for k, doc in zip(indices, nlp.pipe(texts, batch_size=batch_size)):
                reports[k] = decide(doc, nlp, source=batch[chunks[k][0]][1], language=language, mode=mode,
                                    detected=detected)
        for i, (prepared, _, _) in enumerate(batch):
            parts = [(offset, reports[k]) for k, (owner, offset, _) in enumerate(chunks) if owner == i]
            yield prepared.restore(parts)  # type: ignore[arg-type]


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
