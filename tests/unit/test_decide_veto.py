"""The classifier's veto: a rule flag it is nearly sure is wrong is set aside, with the reason."""

from __future__ import annotations

from coach.decide import OVERRULED, overrule_unlikely_flags
from coach.evaluation import predicted_flags
from coach.report import Category, Finding, Language, Mode, Report, Scores, Severity, verdict_of

LONG = " ".join(["word"] * 25)
SHORT = "Join our club today, only 50 euro."
OWN = {"some-rule"}


def overrule(findings, scores, vetoes, text):
    """The veto as decide applies it, with ``some-rule`` among coach's own rules."""
    return overrule_unlikely_flags(findings, scores, vetoes, text, own_rules=OWN)


def finding(category: str, severity: str = "warning", origin: str = "rules") -> Finding:
    return Finding(rule="some-rule", category=Category(category), severity=Severity(severity), start=0,
                   end=4, text="word", message="m", guidelines=["D2"], line=1, column=1, origin=origin)


def test_a_flag_below_its_veto_is_set_aside_with_the_reason():
    kept, overruled = overrule(
        [finding("recruiting"), finding("hard-sell")], {"recruiting": 0.01, "hard-sell": 0.01},
        {"recruiting": 0.05}, LONG)
    assert [f.category.value for f in kept] == ["hard-sell"]
    [suppression] = overruled
    assert suppression.category is Category.RECRUITING
    assert suppression.reason.startswith(OVERRULED) and "1%" in suppression.reason


def test_flags_at_or_above_the_veto_notes_and_short_texts_stand():
    flags = [finding("recruiting")]
    assert overrule(flags, {"recruiting": 0.05}, {"recruiting": 0.05}, LONG) == (flags, [])
    assert overrule(flags, {"recruiting": 0.0}, {"recruiting": 0.05}, SHORT) == (flags, [])
    # One pushy sentence in a long letter barely moves the whole text's score: no veto there.
    assert overrule(flags, {"recruiting": 0.0}, {"recruiting": 0.05}, LONG * 20) == (flags, [])
    note = [finding("take-without-give", severity="info")]
    assert overrule(note, {"take-without-give": 0.0}, {"take-without-give": 0.05}, LONG) == (note, [])


def test_the_rules_alone_in_eval_count_an_overruled_flag_again():
    kept, overruled = overrule([finding("recruiting")], {"recruiting": 0.0}, {"recruiting": 0.05}, LONG)
    report = Report(language=Language.EN, mode=Mode.MESSAGE, verdict=verdict_of(kept), findings=kept,
                    scores=Scores(), suppressed=overruled)
    assert predicted_flags(report, "both") == []
    assert [flag[0] for flag in predicted_flags(report, "rules")] == ["recruiting"]


def test_only_a_lone_flag_in_its_category_can_be_overruled():
    twice = [finding("recruiting"), finding("recruiting"), finding("hard-sell")]
    kept, overruled = overrule(
        twice, {"recruiting": 0.0, "hard-sell": 0.0}, {"recruiting": 0.05, "hard-sell": 0.05}, LONG)
    # Two recruiting flags: the text pushes twice and the model's doubt does not overrule it.
    assert [f.category.value for f in kept] == ["recruiting", "recruiting"]
    assert [s.category for s in overruled] == [Category.HARD_SELL]
    # A note beside a flag does not make the flag any less alone.
    with_note = [finding("take-without-give"), finding("take-without-give", severity="info")]
    kept, overruled = overrule(with_note, {"take-without-give": 0.0}, {"take-without-give": 0.05}, LONG)
    assert [f.severity for f in kept] == [Severity.INFO] and len(overruled) == 1


def test_a_house_rule_flag_is_never_overruled():
    house = Finding(rule="house-scarcity-blast", category=Category.HARD_SELL, severity=Severity.WARNING, start=0,
                    end=4, text="word", message="m", guidelines=["D8"], line=1, column=1)
    # The vetoes were chosen on coach's own rules; an organiser's house rule is policy, not a guess.
    assert overrule([house], {"hard-sell": 0.0}, {"hard-sell": 0.5}, LONG) == ([house], [])
