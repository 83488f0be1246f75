"""Measure coach against labelled messages: precision, recall and F1 per language and category."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coach.decide import OVERRULED
from coach.engine import Engine
from coach.errors import InputError
from coach.report import FLAG_CATEGORIES, Mode, Report

FlagLabel = Literal["hard-sell", "recruiting", "take-without-give"]
KIND_MODES = {"pitch": Mode.PITCH, "follow-up": Mode.FOLLOW_UP}


class LabelledSpan(BaseModel):
    model_config = ConfigDict(extra="ignore")
    label: FlagLabel
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str | None = None


class CorpusItem(BaseModel):
    """One labelled message; only ``id``, ``text`` and ``labels`` are required."""

    model_config = ConfigDict(extra="ignore")
    id: str
    text: str = Field(min_length=1)
    labels: list[FlagLabel]
    lang: Literal["nl", "en"] | None = None
    kind: Literal["pitch", "introduction", "follow-up", "message", "invitation", "post", "meta"] = "message"
    spans: list[LabelledSpan] = []
    split: str | None = None
    trap: bool = False
    #: The public address a real passage was copied from (real corpus only).
    source: str | None = None
    why: str | None = None

    @model_validator(mode="after")
    def _spans_fit(self) -> "CorpusItem":
        for span in self.spans:
            if not span.start < span.end <= len(self.text):
                raise ValueError(f"span {span.start}-{span.end} lies outside the text")
            if span.text is not None and self.text[span.start : span.end] != span.text:
                raise ValueError(f"span {span.start}-{span.end} does not quote {span.text!r}")
        return self

    @property
    def mode(self) -> Mode:
        return KIND_MODES.get(self.kind, Mode.MESSAGE)


def read_corpus(paths: Iterable[str | Path], split: str | None = None) -> Iterator[CorpusItem]:
    """Items of the given split (all items when ``split`` is None); bad lines raise InputError."""
    for path in paths:
        path = Path(path)
        try:
            handle = path.open(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    item = CorpusItem.model_validate(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                except ValidationError as exc:
                    first = exc.errors()[0]
                    where = ".".join(str(p) for p in first["loc"]) or "item"
                    raise InputError(f"{path}:{number}: {where}: {first['msg']}") from None
                except UnicodeDecodeError:
                    raise InputError(f"{path}:{number}: not UTF-8") from None
                if split is None or item.split == split:
                    yield item


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class GroupCounts:
    """One row of a ``--by`` table: the three categories pooled, and false alarms on clean items."""

    items: int = 0
    clean: int = 0
    false_alarms: int = 0
    counts: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict:
        return {"items": self.items, "clean_items": self.clean, "false_alarms": self.false_alarms,
                **self.counts.as_dict()}


@dataclass
class ErrorCase:
    id: str
    lang: str
    category: str
    kind: Literal["miss", "false alarm"]
    detail: str


#: What ``coach eval --ablate`` compares: the rules alone, the trained model alone, both.
SOURCES = ("rules", "model", "both")


@dataclass
class Evaluation:
    documents: dict[tuple[str, str], Counts] = field(default_factory=dict)
    spans: dict[tuple[str, str], Counts] = field(default_factory=dict)
    clean: dict[str, list[int]] = field(default_factory=dict)  # lang -> [clean items, flagged]
    items: dict[str, int] = field(default_factory=dict)
    errors: list[ErrorCase] = field(default_factory=list)
    #: ``--by kind|source``: group value -> pooled counts.
    groups: dict[str, GroupCounts] = field(default_factory=dict)
    by: str | None = None

    def languages(self) -> list[str]:
        return sorted(self.items)

    def fp_rate(self, lang: str) -> float:
        total, flagged = self.clean.get(lang, [0, 0])
        return flagged / total if total else 0.0

    def macro_f1(self, lang: str) -> float:
        return sum(self.documents[(lang, c.value)].f1 for c in FLAG_CATEGORIES) / len(FLAG_CATEGORIES)

    def as_dict(self) -> dict:
        result = {
            "languages": {
                lang: {
                    "items": self.items[lang],
                    "clean_items": self.clean.get(lang, [0, 0])[0],
                    "false_positive_rate": round(self.fp_rate(lang), 3),
                    "macro_f1": round(self.macro_f1(lang), 3),
                    "categories": {
                        cat.value: {
                            "document": self.documents[(lang, cat.value)].as_dict(),
                            "span": self.spans[(lang, cat.value)].as_dict(),
                        }
                        for cat in FLAG_CATEGORIES
                    },
                }
                for lang in self.languages()
            },
            "errors": [e.__dict__ for e in self.errors],
        }
        if self.by:
            result["by"] = {"field": self.by, "groups": {k: g.as_dict() for k, g in sorted(self.groups.items())}}
        return result


def evaluate(items: Iterable[CorpusItem], engine: Engine, *, by: str | None = None,
             source: str = "both") -> Evaluation:
    """Score every item; ``source`` picks which findings count (see ``SOURCES``)."""
    result = Evaluation(by=by)
    for item in items:
        report = engine.analyze(item.text, lang=item.lang or "auto", mode=item.mode, source=item.id)
        score_item(result, item, report, source)
    return result


def predicted_flags(report: Report, source: str) -> list[tuple[str, int, int, str]]:
    """(category, start, end, text) of the flags that count for ``source``."""
    if source == "model":
        return [(category, 0, 0, "(model)") for category, score in report.model_scores.items()
                if score >= report.model_thresholds.get(category, 1.0)]
    flags = [(f.category.value, f.start, f.end, f.text) for f in report.flags()
             if source != "rules" or f.origin == "rules"]
    if source == "rules":
        # The rules alone: flags the classifier overruled count again.
        flags += [(s.category.value, s.start, s.end, s.text) for s in report.suppressed
                  if s.reason.startswith(OVERRULED)]
    return flags


def score_item(result: Evaluation, item: CorpusItem, report: Report, source: str = "both") -> None:
    lang = item.lang or report.language.value
    result.items[lang] = result.items.get(lang, 0) + 1
    flags = predicted_flags(report, source)
    group = None
    if result.by:
        key = str(getattr(item, result.by, None) or "(none)")
        group = result.groups.setdefault(key, GroupCounts())
        group.items += 1
    if not item.labels:
        clean = result.clean.setdefault(lang, [0, 0])
        clean[0] += 1
        clean[1] += bool(flags)
        if group:
            group.clean += 1
            group.false_alarms += bool(flags)
    for category in FLAG_CATEGORIES:
        label = category.value
        doc = result.documents.setdefault((lang, label), Counts())
        span = result.spans.setdefault((lang, label), Counts())
        predicted = [(s, e, t) for c, s, e, t in flags if c == label]
        gold = [(s.start, s.end) for s in item.spans if s.label == label]
        expected = label in item.labels
        outcome = Counts()
        if expected and predicted:
            outcome.tp = 1
        elif predicted:
            outcome.fp = 1
            shown = "; ".join(f"“{t}”" for _, _, t in predicted[:3])
            result.errors.append(ErrorCase(item.id, lang, label, "false alarm", shown))
        elif expected:
            outcome.fn = 1
            shown = "; ".join(f"“{item.text[s:e]}”" for s, e in gold[:3])
            result.errors.append(ErrorCase(item.id, lang, label, "miss", shown or "(no span labelled)"))
        doc.add(outcome)
        if group:
            group.counts.add(outcome)
        if not gold:
            continue  # passages labelled without spans (the real corpus) have no span score
        overlapping = lambda a, b: a[0] < b[1] and b[0] < a[1]
        span.tp += sum(1 for p in predicted if any(overlapping(p, g) for g in gold))
        span.fp += sum(1 for p in predicted if not any(overlapping(p, g) for g in gold))
        span.fn += sum(1 for g in gold if not any(overlapping(p, g) for p in predicted))


def compare(before: dict, after: dict) -> list[dict]:
    """Rows of change between two saved ``coach eval --format json`` runs, per language and category."""
    rows = []
    for lang in sorted(set(before.get("languages", {})) | set(after.get("languages", {}))):
        old = before.get("languages", {}).get(lang)
        new = after.get("languages", {}).get(lang)
        if old is None or new is None:
            rows.append({"lang": lang, "category": "(only in one run)"})
            continue
        for category in FLAG_CATEGORIES:
            a = old["categories"][category.value]["document"]
            b = new["categories"][category.value]["document"]
            rows.append({
                "lang": lang, "category": category.value,
                **{metric: (a[metric], b[metric]) for metric in ("precision", "recall", "f1", "fp")},
            })
        rows.append({"lang": lang, "category": "false-positive rate",
                     "rate": (old["false_positive_rate"], new["false_positive_rate"])})
    return rows
