"""Nested cross-validation of the classifier's whole choice, on the real dev pages only.

``make models`` chooses thresholds and vetoes on held-out dev pages, and the best of many
choices looks better on those pages than it will on new ones. This check redoes the whole
choice without each quarter of the pages, trains the model as ``make models`` does on the
rest, and scores the quarter it never saw, as the engine decides, here with one fixed cap on
the synthetic traps (``classifier.TRAP_CAPS``) at a time. It is slow (several minutes per cap
and language) and never reads a test split.

    python -m coach.training.nested nl --caps 0.03 0.08
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
from dataclasses import dataclass

from spacy.tokens import Doc

from coach.training import classifier as trained

OUTER_FOLDS = 4
#: Not the classifier's own seed, so the outer folds are not its inner ones.
OUTER_SEED = 99


class _Subset:
    """Readings of some real dev texts, in the shape ``choose_thresholds`` reads."""

    def __init__(self, readings: trained.Readings, indices: list[int]):
        self._readings, self._indices = readings, indices
        self.featurised = [readings.featurised[k] for k in indices]
        self.flagged = [readings.flagged[k] for k in indices]

    def gates(self, nlp, indices):
        gates = self._readings.gates(nlp, [self._indices[k] for k in indices])
        return {k: gates[self._indices[k]] for k in indices}


@dataclass
class NestedResult:
    rules_f1: list[float]
    rules_alarms: float
    f1: list[float]
    alarms: float

    @property
    def macro(self) -> float:
        return sum(self.f1) / len(self.f1)

    @property
    def rules_macro(self) -> float:
        return sum(self.rules_f1) / len(self.rules_f1)


def nested(lang: str, trap_cap: float) -> NestedResult:
    """Held-out F1 per category and share of clean texts flagged, rules alone and with the model."""
    synthetic_items, real_items = trained.training_items(lang)
    synthetic, real = trained.Readings(synthetic_items, lang), trained.Readings(real_items, lang)
    borrowed = trained.borrowed_texts(lang)
    sources = sorted({source for _, _, source in real_items})
    random.Random(OUTER_SEED).shuffle(sources)
    rows = []
    for outer in range(OUTER_FOLDS):
        held = {s for k, s in enumerate(sources) if k % OUTER_FOLDS == outer}
        inside = [k for k, item in enumerate(real_items) if item[2] not in held]
        outside = [k for k, item in enumerate(real_items) if item[2] in held]
        with contextlib.redirect_stdout(io.StringIO()):  # the inner choice's own report
            thresholds, vetoes = trained.choose_thresholds(
                _Subset(real, inside), synthetic, lang, borrowed, trap_caps=(trap_cap,))
        nlp = trained.train(synthetic.featurised + borrowed + [real.featurised[k] for k in inside], lang)
        gates = real.gates(nlp, outside)
        for k in outside:
            cats = nlp(Doc(nlp.vocab, words=real.featurised[k][0])).cats
            rows.append((cats, real.featurised[k][1], gates[k], real.flagged[k], thresholds, vetoes))
    rules_only = ({label: trained.SILENT for label in trained.LABELS}, {label: 0.0 for label in trained.LABELS})
    rules_f1, rules_alarms = trained.scores_of(
        [(trained.decided(cats, gate, flags, *rules_only), labels) for cats, labels, gate, flags, _, _ in rows])
    f1, alarms = trained.scores_of(
        [(trained.decided(cats, gate, flags, thresholds, vetoes), labels)
         for cats, labels, gate, flags, thresholds, vetoes in rows])
    return NestedResult(rules_f1, rules_alarms, f1, alarms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m coach.training.nested", description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="+", choices=["nl", "en"])
    parser.add_argument("--caps", nargs="+", type=float, default=[0.03, 0.08],
                        help="caps on the synthetic traps to compare (default: 0.03 0.08)")
    args = parser.parse_args(argv)
    for lang in args.languages:
        for cap in args.caps:
            result = nested(lang, cap)
            print(f"{lang} trap cap {cap:.0%}: rules alone macro-F1 {result.rules_macro:.3f} "
                  f"({result.rules_alarms:.1%} clean flagged); with the model "
                  + " / ".join(f"{x:.3f}" for x in result.f1)
                  + f" macro {result.macro:.3f} ({result.alarms:.1%} clean flagged)", flush=True)


if __name__ == "__main__":
    main()
