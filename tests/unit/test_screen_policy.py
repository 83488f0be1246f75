"""The house policy: loading with clear errors, and the verdicts it gives."""

from pathlib import Path

import pytest

from coach.errors import PolicyError
from coach.report import Category, Finding, Language, Mode, Report, Scores, Severity, Verdict
from coach.report import verdict_of
from coach.screen.model import Message
from coach.screen.policy import Policy, find_policy, load_policy

ROOT = Path(__file__).resolve().parents[2]


def finding(category: str, severity: str, rule: str = "some-rule", start: int = 0) -> Finding:
    return Finding(rule=rule, category=Category(category), severity=Severity(severity), start=start,
                   end=start + 4, text="word", message="m", guidelines=["D2"], line=1, column=start + 1)


def report(*findings: Finding, mode: Mode = Mode.MESSAGE) -> Report:
    return Report(language=Language.NL, mode=mode, verdict=verdict_of(findings),
                  findings=list(findings), scores=Scores())


def message(text: str = "tekst", sender: str | None = "jan@example.nl", id: str = "m1",
            subject: str | None = None) -> Message:
    return Message(id=id, source="x", origin="x", text=text, sender=sender, subject=subject)


def write(tmp_path: Path, text: str, name: str = "coach.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- loading ---------------------------------------------------------------------------------

def test_the_example_policy_in_the_repository_is_valid():
    policy = load_policy(ROOT / "coach.example.yaml")
    assert policy.verdicts is not None
    assert policy.allow


def test_no_policy_file_means_the_engines_verdicts(tmp_path):
    assert find_policy(None, cwd=tmp_path) is None
    write(tmp_path, "version: 1\n")
    assert find_policy(None, cwd=tmp_path) == tmp_path / "coach.yaml"
    assert find_policy("other.yaml", cwd=tmp_path) == Path("other.yaml")
    assert load_policy(None).verdicts is None


def test_a_misspelt_key_is_named_with_its_line_and_a_suggestion(tmp_path):
    path = write(tmp_path, "version: 1\nverdicts:\n  block:\n    - category: recruiting\nalow: []\n")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert str(raised.value) == f"{path}:5: alow: unknown key 'alow'; did you mean 'allow'?"


def test_a_bad_value_deep_inside_is_named_with_its_own_line(tmp_path):
    path = write(tmp_path, (
        "verdicts:\n"
        "  block:\n"
        "    - category: recruiting\n"
        "      severity: fatal\n"
    ))
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:4: verdicts.block[0].severity: ")
    assert "'info', 'warning' or 'error'" in message
    assert "\n" not in message


@pytest.mark.parametrize("text, line, key, problem", [
    ("verdicts:\n  review:\n    - category: give\n", 3, "verdicts.review[0].category", "praise"),
    ("allow:\n  - note: only a note\n", 2, "allow[0]", "at least one of sender"),
    ("allow:\n  - regex: '(unclosed'\n", 2, "allow[0].regex", "invalid regular expression"),
    ("mode: speech\n", 1, "mode", "pitch"),
    ("modes:\n  pitch:\n    verdicts:\n      otherwise: maybe\n", 4, "modes.pitch.verdicts.otherwise", "engine"),
    ("verdicts:\n  block:\n    - count: 0\n", 3, "verdicts.block[0].count", "greater than or equal to 1"),
])
def test_policy_problems_name_file_line_and_key(tmp_path, text, line, key, problem):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: {key}: ")
    assert problem in message


def test_yaml_syntax_errors_and_duplicate_keys_give_a_line(tmp_path):
    path = write(tmp_path, "version: 1\nverdicts:\n  block: [\n")
    with pytest.raises(PolicyError, match=rf"^{path}:\d+: invalid YAML: "):
        load_policy(path)
    path = write(tmp_path, "version: 1\nmode: pitch\nmode: message\n")
    with pytest.raises(PolicyError, match=rf"^{path}:3: mode: duplicate key$"):
        load_policy(path)
    path = write(tmp_path, "- just a list\n")
    with pytest.raises(PolicyError, match=rf"^{path}:1: the policy must be a mapping"):
        load_policy(path)


def test_rule_packs_resolve_relative_to_the_policy_file(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "house.yaml").write_text("language: any\nrules: []\n")
    path = write(tmp_path, "packs:\n  - rules/house.yaml\n  - missing.yaml\n")
    with pytest.raises(PolicyError, match=rf"^{path}:3: packs\[1\]: no rule pack at missing.yaml"):
        load_policy(path)
    path = write(tmp_path, "packs:\n  - rules/house.yaml\n")
    assert load_policy(path).pack_paths == [(tmp_path / "rules" / "house.yaml").resolve()]


def test_missing_policy_file_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="no such policy file"):
        load_policy(tmp_path / "nope.yaml")


# --- verdicts --------------------------------------------------------------------------------

def test_without_verdict_rules_the_engines_verdict_stands():
    policy = Policy()
    decision = policy.decide(report(finding("hard-sell", "warning")), message())
    assert decision.verdict is Verdict.REVIEW
    assert decision.reason == "engine verdict: hard-sell at warning"
    assert policy.decide(report(), message()).verdict is Verdict.OK


def test_block_and_review_conditions_decide_and_block_wins(tmp_path):
    policy = load_policy(write(tmp_path, (
        "verdicts:\n"
        "  block:\n"
        "    - category: recruiting\n"
        "      severity: error\n"
        "  review:\n"
        "    - category: [hard-sell, recruiting]\n"
    )))
    both = report(finding("hard-sell", "warning", start=0), finding("recruiting", "error", start=10))
    decision = policy.decide(both, message())
    assert decision.verdict is Verdict.BLOCK
    assert decision.finding.category is Category.RECRUITING
    assert decision.reason == f"block: recruiting at error or above [{tmp_path / 'coach.yaml'}:3]"
    assert policy.decide(report(finding("recruiting", "warning")), message()).verdict is Verdict.REVIEW


def test_count_and_rule_wildcards(tmp_path):
    policy = load_policy(write(tmp_path, (
        "verdicts:\n"
        "  block:\n"
        "    - rule: house-*\n"
        "  review:\n"
        "    - category: hard-sell\n"
        "      count: 3\n"
        "  otherwise: ok\n"
    )))
    two = report(finding("hard-sell", "warning", start=0), finding("hard-sell", "warning", start=9))
    assert policy.decide(two, message()).verdict is Verdict.OK
    three = report(*(finding("hard-sell", "warning", start=i * 9) for i in range(3)))
    assert policy.decide(three, message()).verdict is Verdict.REVIEW
    house = report(finding("recruiting", "warning", rule="house-paid-networks"))
    assert policy.decide(house, message()).verdict is Verdict.BLOCK


def test_flags_the_policy_does_not_name_fall_back_to_the_engine(tmp_path):
    path = write(tmp_path, "verdicts:\n  review:\n    - category: recruiting\n")
    policy = load_policy(path)
    # A recruiting error is named (review), a take-without-give error is not: the engine blocks it.
    decision = policy.decide(report(finding("recruiting", "error"), finding("take-without-give", "error", start=9)),
                             message())
    assert decision.verdict is Verdict.BLOCK
    assert decision.reason.startswith("engine verdict for findings the policy does not name")
    # Named alone, the policy's milder verdict holds although the engine would block.
    assert policy.decide(report(finding("recruiting", "error")), message()).verdict is Verdict.REVIEW
    lenient = load_policy(write(tmp_path, "verdicts:\n  review:\n    - category: recruiting\n  otherwise: ok\n"))
    assert lenient.decide(report(finding("hard-sell", "error")), message()).verdict is Verdict.OK


def test_info_findings_and_praise_never_count():
    policy = Policy.model_validate({"verdicts": {"block": [{}]}})
    assert policy.decide(report(finding("give", "warning"), finding("hard-sell", "info")), message()).verdict \
        is Verdict.OK


def test_per_mode_verdicts_override_the_defaults(tmp_path):
    policy = load_policy(write(tmp_path, (
        "verdicts:\n  block:\n    - category: hard-sell\n"
        "modes:\n  pitch:\n    verdicts:\n      review:\n        - category: hard-sell\n"
    )))
    assert policy.decide(report(finding("hard-sell", "warning")), message()).verdict is Verdict.BLOCK
    pitch = report(finding("hard-sell", "warning"), mode=Mode.PITCH)
    assert policy.decide(pitch, message()).verdict is Verdict.REVIEW


def test_allowlist_by_sender_and_text_together(tmp_path):
    policy = load_policy(write(tmp_path, (
        "allow:\n"
        "  - sender: '*@ourclub.nl'\n"
        "    text: gratis   ontbijt\n"
        "    note: our own free events\n"
    )))
    flagged = report(finding("hard-sell", "error"))
    own = message("Het GRATIS\nontbijt, op is op!", sender="Events@OurClub.nl")
    decision = policy.decide(flagged, own)
    assert decision.verdict is Verdict.OK
    assert decision.allowed_by == f"our own free events [{tmp_path / 'coach.yaml'}:2]"
    assert decision.finding.category is Category.HARD_SELL  # what was let through stays visible
    # The same words from someone else, or another text from the organiser, are judged as usual.
    assert policy.decide(flagged, message("Het gratis ontbijt", sender="jan@example.nl")).verdict is Verdict.BLOCK
    assert policy.decide(flagged, message("Koop nu", sender="events@ourclub.nl")).verdict is Verdict.BLOCK


def test_allowlist_by_id_subject_and_regex():
    policy = Policy.model_validate({"allow": [
        {"id": "<a@x>"}, {"subject": "nieuwsbrief"}, {"regex": r"^\[Aankondiging\]"},
    ]})
    flagged = report(finding("recruiting", "error"))
    assert policy.decide(flagged, message(id="<a@x>")).verdict is Verdict.OK
    assert policy.decide(flagged, message(subject="Onze Nieuwsbrief juni")).verdict is Verdict.OK
    assert policy.decide(flagged, message("[Aankondiging] ontbijt")).verdict is Verdict.OK
    assert policy.decide(flagged, message("Zie [Aankondiging]")).verdict is Verdict.BLOCK
