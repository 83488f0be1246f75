"""``coach check`` as a user runs it: findings, JSON, exit codes and bad input."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli.main import main

DUTCH_PITCH = (
    "Goedemorgen allemaal! Ik ben Sanne van Helder Advies, wij helpen kmo's met hun "
    "boekhouding. Bel me voor een vrijblijvende offerte, deze week 20% korting!"
)
ENGLISH_INVITE = "Loved meeting you! Come visit our chapter as my guest — membership is only $500 a year."
CLEAN = "Thanks for the coffee this morning, it was lovely to hear about your new bakery."


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def reports_of(out: str) -> list[dict]:
    return json.loads(out)["reports"]


def test_dutch_hard_sell_pitch_cites_guideline_in_dutch(tmp_path, capsys):
    path = write(tmp_path, "pitch.txt", DUTCH_PITCH)
    code, out, _ = run_check(capsys, str(path), "--mode", "pitch", "--format", "json")
    report = reports_of(out)[0]
    assert code == 1
    assert report["language"] == "nl"
    hard_sell = [f for f in report["findings"] if f["category"] == "hard-sell"]
    assert hard_sell
    cited = {g for f in hard_sell for g in f["guidelines"]}
    assert any(report["guidelines"][g]["title"] == _dutch_title(g) for g in cited)


def _dutch_title(guideline_id: str) -> str:
    from coach.rules.guidelines import load_catalogue

    return load_catalogue().get(guideline_id).title.nl


def test_english_chapter_invitation_is_recruiting(tmp_path, capsys):
    path = write(tmp_path, "invite.txt", ENGLISH_INVITE)
    code, out, _ = run_check(capsys, str(path), "--format", "json")
    report = reports_of(out)[0]
    assert code == 1 and report["language"] == "en"
    assert "recruiting" in {f["category"] for f in report["findings"]}


def test_ask_alone_is_take_without_give_but_not_with_an_offer(tmp_path, capsys):
    ask = write(tmp_path, "ask.txt", "ik zoek nog opdrachten, ken jij iemand?")
    both = write(tmp_path, "both.txt", "Ik zoek nog opdrachten, ken jij iemand? Ik stel je trouwens graag "
                 "voor aan Mieke, zij zoekt net iemand zoals jij voor haar webshop.")
    _, out, _ = run_check(capsys, str(ask), str(both), "--format", "json")
    alone, balanced = reports_of(out)
    flags = lambda r: [f for f in r["findings"] if f["category"] == "take-without-give" and f["severity"] != "info"]
    assert flags(alone)
    assert not flags(balanced)
    assert balanced["scores"]["asks"] >= 1 and balanced["scores"]["gives"] >= 1


def test_json_offsets_quote_the_text_as_given(tmp_path, capsys):
    text = "Hé 👋\r\n\r\n" + DUTCH_PITCH + "\r\n"
    path = write(tmp_path, "crlf.txt", b"")
    path.write_bytes(text.encode("utf-8"))
    _, out, _ = run_check(capsys, str(path), "--format", "json")
    report = reports_of(out)[0]
    assert report["findings"]
    for finding in report["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["text"]
        assert set(finding) >= {"rule", "category", "severity", "start", "end", "text", "message",
                                "guidelines", "suggestion"}
    assert report["verdict"] in {"ok", "review", "block"}
    assert set(report["scores"]) >= {"asks", "gives", "questions", "self_refs", "reader_refs", "reader_focus"}


def test_clean_text_exits_zero(tmp_path, capsys):
    code, out, _ = run_check(capsys, str(write(tmp_path, "ok.txt", CLEAN)))
    assert code == 0
    assert "verdict: OK" in out


def test_text_output_names_position_category_guideline_and_verdict(tmp_path, capsys):
    code, out, _ = run_check(capsys, str(write(tmp_path, "pitch.txt", DUTCH_PITCH)))
    assert code == 1
    assert "hard-sell" in out and "richtlijn:" in out and "verdict:" in out
    assert "\x1b[" not in out  # plain when not on a terminal


def test_fail_on_error_lets_warnings_pass(tmp_path, capsys):
    path = write(tmp_path, "ask.txt", "ik zoek nog opdrachten, ken jij iemand?")
    code, _, _ = run_check(capsys, str(path), "--fail-on", "error")
    assert code == 0


def test_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ENGLISH_INVITE.encode())))
    code, out, _ = run_check(capsys, "-", "--format", "json")
    assert code == 1 and reports_of(out)[0]["source"] == "<stdin>"


@pytest.mark.parametrize("name, content, expected", [
    ("empty.txt", "   \n", "is empty"),
    ("binary.bin", b"\x00\x01\x02PNG\x00" * 10, "binary"),
])
def test_bad_input_gets_one_line_and_exit_2_while_others_run(tmp_path, capsys, name, content, expected):
    bad = write(tmp_path, name, content)
    good = write(tmp_path, "good.txt", ENGLISH_INVITE)
    code, out, err = run_check(capsys, str(bad), str(good), "--format", "json")
    assert code == 2
    assert err.count("\n") == 1 and expected in err and str(bad) in err
    assert [r["source"] for r in reports_of(out)] == [str(good)]


def test_missing_path_and_directory(tmp_path, capsys):
    good = write(tmp_path, "good.txt", CLEAN)
    code, out, err = run_check(capsys, str(tmp_path / "nope.txt"), str(tmp_path), str(good), "--format", "json")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "no such file" in lines[0] and "is a directory" in lines[1]
    assert len(reports_of(out)) == 1


def test_windows_1252_is_read_intact_and_said(tmp_path, capsys):
    path = write(tmp_path, "latin1.txt", "Caf\xe9 morgen? Word lid van onze club! Prijs \u20ac 50.".encode("cp1252"))
    code, out, err = run_check(capsys, str(path), "--format", "json")
    assert err == f"coach: {path}: read as Windows-1252 (not UTF-8)\n"
    [report] = reports_of(out)
    assert report["source"] == str(path)
    assert [f["text"] for f in report["findings"] if f["rule"] == "nl-become-member"] == ["Word lid van onze"]


def test_bytes_that_fit_no_encoding_are_replaced_and_said(tmp_path, capsys):
    path = write(tmp_path, "broken.txt", b"Word lid van onze club! \x81\x8d\x90\x9d kapot")
    code, out, err = run_check(capsys, str(path), "--format", "json")
    assert "invalid UTF-8 at byte 24" in err and str(path) in err
    assert reports_of(out)[0]["source"] == str(path)


def test_huge_file_is_refused_clearly(tmp_path, capsys):
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _, err = run_check(capsys, str(big))
    assert code == 2 and "50.0 MB" in err and "coach screen" in err


def test_inputs_are_never_modified(tmp_path, capsys):
    path = write(tmp_path, "pitch.txt", DUTCH_PITCH)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run_check(capsys, str(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_no_traceback_for_user_mistakes(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "coach", "check", str(tmp_path / "missing.txt"), str(tmp_path)],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["check", "--lang", "fr"])
    assert caught.value.code == 2


def test_no_input_on_a_terminal_says_what_to_give(monkeypatch, capsys):
    class Terminal:
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    code, _, err = run_check(capsys)
    assert code == 2 and "give one or more text files" in err
