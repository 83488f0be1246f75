"""`coach rules`: listing, counts and --lint as a user runs them."""

from __future__ import annotations

from coach.cli.main import main
from tests.conftest import DATA


def run_rules(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["rules", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_of_the_builtin_packs_passes(capsys):
    code, out, _ = run_rules(capsys, "--lint")
    assert code == 0
    assert out.strip().endswith("0 problems in nl, en")


def test_lint_names_each_problem_and_fails(capsys):
    pack = DATA / "packs" / "lint.yaml"
    code, out, err = run_rules(capsys, "--lint", "--lang", "en", "--pack", str(pack))
    assert code == 1
    assert f"{pack}:8: rule test-same-lemma:" in out
    assert f"{pack}:11: rule test-cut-option:" in out
    assert "3 problems in en" in out
    assert err == ""


def test_lint_of_a_broken_pack_is_one_error_line(capsys):
    pack = DATA / "packs" / "broken-yaml.yaml"
    code, out, err = run_rules(capsys, "--lint", "--lang", "en", "--pack", str(pack))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and str(pack) in err


def test_counts_per_language(capsys):
    code, out, _ = run_rules(capsys, "--counts")
    assert code == 0
    assert out.startswith("nl: ") and "\nen: " in out
