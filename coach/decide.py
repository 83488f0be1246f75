"""One place decides: a pure function from an analysed Doc to its Report.

The pipeline only finds things: rule matches with their context verdicts
(``doc._.coach_candidates``), the text's statistics (``doc._.coach_scores``), sentence acts
and, where trained, the classifier's probabilities (``doc.cats``). Everything that turns
those into a judgement happens here, in this order: the document-level kinds (balance,
metric) judge the text, the mode weighs each finding, overlaps within a category are pruned
on the final severities, the classifier overrules rule flags it is nearly sure are wrong and
may add a finding where no rule spoke, and the verdict follows from what is left. Shells
read ``Report.verdict`` and nothing else.
"""

from __future__ import annotations

import bisect
from collections.abc import Container, Iterable
import re
from dataclasses import replace

from spacy.language import Language as SpacyLanguage
from spacy.tokens import Doc

from coach.rules.guidelines import load_catalogue
from coach.rules.kinds import ContextOptions, FrameRule
from coach.nlp.candidates import Candidate
from coach.modes import severity_in_mode
from coach.nlp.view import doc_view
from coach.report import (
    Category, Finding, GuidelineText, Language, Mode, Report, SentenceActs, Severity, Suppression,
    verdict_of,
)
from coach.rules.rulepack import RuleSet

CLASSIFIER = "coach_classifier"
#: The start of the reason of a rule flag the classifier overruled (``overrule_unlikely_flags``).
OVERRULED = "overruled by the trained classifier"
#: Below this many words a bag-of-words model sees too little to judge ("Hallo" is no pitch).
MODEL_MIN_WORDS = 20
#: Above this many words a text is longer than any passage the classifier learned from (at
#: most 250 words): one pushy sentence in a long letter barely moves its score, so no veto.
VETO_MAX_WORDS = 300
#: A negator somewhere in a whole sentence does not negate what the sentence does, so the
#: classifier's sentence is judged on quotes, earlier mail, warnings and stories only.
SENTENCE_CONTEXT = ContextOptions(negation="ignore")
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


def decide(doc: Doc, nlp: SpacyLanguage, *, source: str, language: Language, mode: Mode,
           detected: bool) -> Report:
    """The report of an analysed Doc; ``nlp`` is the pipeline that made it (rules, context, model)."""
    rules: RuleSet = nlp.get_pipe("coach_document_rules").rules
    classifier = nlp.get_pipe(CLASSIFIER) if CLASSIFIER in nlp.pipe_names else None
    judge = nlp.get_pipe("coach_context").judge
    view = doc_view(doc)
    text = view.text
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    candidates = doc._.coach_candidates or []

    suppressed = [
        Suppression(rule=c.rule.id, category=c.category, start=c.start_char, end=c.end_char,
                    text=text[c.start_char:c.end_char], reason=c.suppressed)
        for c in candidates if c.suppressed
    ]
    # Copies: the Doc keeps what the pipeline found; severities change only here.
    standing = [replace(c) for c in candidates if not c.suppressed]
    # Asks and gives are counted per passage, before any severity changes.
    passages = without_overlaps(standing)
    asks = [j for j in passages if j.category is Category.TAKE_WITHOUT_GIVE and j.rule.ask]
    gives = [j for j in passages if j.category is Category.GIVE]
    scores = doc._.coach_scores.model_copy(update={"asks": len(asks), "gives": len(gives)})

    for balance in rules.balances:
        settled = balance.judge(len(asks), len(gives))
        if settled is not None:
            ask_rules = {id(j) for j in asks}
            for judged in standing:
                if judged.category is Category.TAKE_WITHOUT_GIVE and judged.rule.ask and (
                    id(judged) in ask_rules or _overlaps_any(judged, asks)
                ):
                    judged.severity, judged.message = settled
    whole = _whole_text(view)
    for metric in rules.metrics:
        if whole is not None and metric.holds(scores):
            start, end = whole
            standing.append(Candidate(rule=metric, start=start, end=end, start_char=view.idx[start],
                                      end_char=_end_char(doc, end), severity=metric.severity,
                                      message=metric.message))
    for judged in standing:
        judged.severity = severity_in_mode(judged.rule, judged.severity, mode)

    findings = [_finding(j, text, line_starts) for j in without_overlaps(standing)]
    model_scores: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    if classifier is not None and doc.cats:
        model_scores = {c.value: round(doc.cats.get(c.value, 0.0), 3) for c in MODEL_GUIDELINES}
        thresholds = dict(classifier.thresholds)
        findings, overruled = overrule_unlikely_flags(findings, doc.cats, classifier.vetoes, text,
                                                      own_rules=rules.builtin_ids)
        suppressed += overruled
        added, set_aside = model_findings(doc, classifier, judge, language, findings, line_starts, text)
        findings += added
        suppressed += set_aside
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Report(
        source=source, language=language, language_detected=detected, mode=mode,
        verdict=verdict_of(findings), findings=findings, scores=scores, suppressed=suppressed,
        guidelines=_guidelines(findings, language), model_scores=model_scores,
        model_thresholds=thresholds, acts=sentence_acts(doc),
    )


def without_overlaps(judged: list[Candidate]) -> list[Candidate]:
    """Within one category keep one finding per passage: the strongest, a phrase rule before a
    frame over the same words (it names the passage more precisely), then the longest."""
    kept: list[Candidate] = []
    ranked = sorted(
        judged,
        key=lambda j: (-j.severity.rank, isinstance(j.rule, FrameRule), -(j.end_char - j.start_char),
                       j.start_char, j.rule.id),
    )
    for candidate in ranked:
        if any(k.category == candidate.category and k.start < candidate.end and candidate.start < k.end
               for k in kept):
            continue
        kept.append(candidate)
    kept.sort(key=lambda j: (j.start_char, j.end_char, j.rule.id))
    return kept


def _overlaps_any(judged: Candidate, others: list[Candidate]) -> bool:
    return any(o.category == judged.category and o.start < judged.end and judged.start < o.end for o in others)


def _finding(judged: Candidate, text: str, line_starts: list[int]) -> Finding:
    rule = judged.rule
    line = bisect.bisect_right(line_starts, judged.start_char)
    return Finding(
        rule=rule.id, category=rule.category, severity=judged.severity,
        start=judged.start_char, end=judged.end_char, text=text[judged.start_char:judged.end_char],
        message=judged.message, guidelines=list(rule.guidelines), suggestion=rule.suggestion,
        replacement=rule.replacement, line=line, column=judged.start_char - line_starts[line - 1] + 1,
    )


def _guidelines(findings: list[Finding], language: Language) -> dict[str, GuidelineText]:
    catalogue = load_catalogue()
    cited = dict.fromkeys(g for f in findings for g in f.guidelines)
    return {
        gid: GuidelineText(title=catalogue.get(gid).title[language.value],
                           explanation=catalogue.get(gid).explanation[language.value])
        for gid in cited
    }


def _whole_text(view) -> tuple[int, int] | None:
    """Token bounds of the text without its surrounding whitespace."""
    words = [i for i, space in enumerate(view.space) if not space]
    return (words[0], words[-1] + 1) if words else None


def _end_char(doc: Doc, end: int) -> int:
    last = doc[end - 1]
    return last.idx + len(last.text)


def overrule_unlikely_flags(findings: list[Finding], scores: dict[str, float], vetoes: dict[str, float],
                            text: str, *, own_rules: Container[str]) -> tuple[list[Finding], list[Suppression]]:
    """A lone rule flag in a category the classifier is nearly sure the text is not (score
    below that category's veto, chosen on real dev text by ``make models``) is set aside, in
    texts the classifier can judge as a whole (``MODEL_MIN_WORDS`` to ``VETO_MAX_WORDS`` words).

    Phrases and frames also fire on texts that only talk about selling or recruiting, such as
    advice on MLM pitches that uses the pitch's own words; the classifier, reading the whole
    text, tells those apart better than one sentence can. Only a category's single flag can be
    overruled (see ``lone_flags``), and only a flag of coach's own rules (``own_rules``): the
    vetoes were chosen on those, and a house rule is its organiser's decision, not a guess about
    intent. Notes (balanced asks) stay.
    """
    if not MODEL_MIN_WORDS <= len(text.split()) <= VETO_MAX_WORDS:
        return findings, []
    lone = lone_flags(findings)
    kept, overruled = [], []
    for finding in findings:
        veto = vetoes.get(finding.category.value, 0.0)
        score = scores.get(finding.category.value)
        alone = finding.is_flag and finding.origin == "rules" and finding.category in lone and finding.rule in own_rules
        if alone and score is not None and score < veto:
            overruled.append(Suppression(
                rule=finding.rule, category=finding.category, start=finding.start, end=finding.end,
                text=finding.text, reason=f"{OVERRULED}: it reads the text as no {finding.category.value} "
                                          f"(score {score:.0%}, below {veto:.0%})",
            ))
        else:
            kept.append(finding)
    return kept, overruled


def lone_flags(findings: Iterable[Finding]) -> set[Category]:
    """The categories in which the rules flag exactly one passage: the only flags a veto may
    overrule. A stray phrase in a clean text is one flag; a text that pushes in two or more
    places says so itself. Measured on real dev by cross-validation (English, veto 0.02): the
    texts' share of clean texts flagged fell from 8.6% to 6.5% with macro-F1 0.479 -> 0.484,
    and on the pages no rule was written from, 17.8% -> 11.6%; vetoing every flag instead cost
    macro-F1 and overruled 4 of 72 right hard-sell flags on the synthetic corpus, lone flags 0.
    """
    counts: dict[Category, int] = {}
    for finding in findings:
        if finding.is_flag and finding.origin == "rules":
            counts[finding.category] = counts.get(finding.category, 0) + 1
    return {category for category, count in counts.items() if count == 1}


def model_openings(doc: Doc, classifier, judge, text: str,
                   categories: Iterable[Category]) -> dict[Category, tuple[tuple[int, int, int, int], str | None]]:
    """Where the classifier may speak, whatever its confidence: per category of ``categories``
    (those no rule spoke in), in a text long enough to judge, the sentence that drives its score
    and the context reason that sets that sentence aside, if any. Training chooses thresholds
    on these same openings.
    """
    if len(text.split()) < MODEL_MIN_WORDS:
        return {}
    view = doc_view(doc)
    regions = judge.regions(text)
    openings = {}
    for category in categories:
        first, last, start, end = _driving_sentence(doc, classifier, category.value)
        reason = judge.reason(view, first, last, start, end, doc._.coach_cues or {}, regions, SENTENCE_CONTEXT)
        openings[category] = ((first, last, start, end), reason)
    return openings


def model_findings(doc: Doc, classifier, judge, language: Language, findings: list[Finding],
                   line_starts: list[int], text: str) -> tuple[list[Finding], list[Suppression]]:
    """At most one finding per category where no rule spoke and the classifier is confident.

    The sentence that drives the score is judged in context like any rule match: in a quote,
    an earlier mail, a warning or a story about others it is set aside.
    """
    # Any rule finding in a category, a balanced ask noted as info included, leaves it to the rules.
    spoken = {f.category for f in findings}
    confident = [
        category for category in MODEL_GUIDELINES
        if category not in spoken
        and doc.cats.get(category.value, 0.0) >= classifier.thresholds.get(category.value, 1.0)
    ]
    openings = model_openings(doc, classifier, judge, text, confident)
    added, set_aside = [], []
    for category, ((_, _, start, end), reason) in openings.items():
        score = doc.cats[category.value]
        rule_id = f"{language.value}-model-{category.value}"
        if reason:
            set_aside.append(Suppression(rule=rule_id, category=category, start=start, end=end,
                                         text=text[start:end], reason=reason))
            continue
        line = bisect.bisect_right(line_starts, start)
        added.append(Finding(
            rule=rule_id, category=category, severity=Severity.WARNING, start=start, end=end,
            text=text[start:end], message=MODEL_MESSAGES[language].format(category=category.value, score=score),
            guidelines=MODEL_GUIDELINES[category], suggestion=MODEL_SUGGESTIONS[language],
            line=line, column=start - line_starts[line - 1] + 1, origin="model",
        ))
    return added, set_aside


def _driving_sentence(doc: Doc, classifier, label: str) -> tuple[int, int, int, int]:
    """Token and character bounds of the words of the sentence the classifier scores highest."""
    _, start, end = max(classifier.sentence_scores(doc, label), key=lambda item: item[0])
    span = doc[start:end]
    first = next(t for t in span if not (t.is_space or t.is_punct))
    last = [t for t in span if not t.is_space][-1]
    return first.i, last.i + 1, first.idx, last.idx + len(last.text)


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
