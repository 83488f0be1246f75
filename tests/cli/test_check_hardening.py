"""``coach check`` against hidden words, odd files, huge texts and closed outputs (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli.main import main

PITCH = "Goedemorgen! Bel me voor een vrijblijvende offerte, deze week 20% korting!"


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def coach(*args: str, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True,
                          timeout=timeout, **options)


@pytest.mark.parametrize("hidden", [
    PITCH.replace("offerte", "offer\u200bte").replace("korting", "kor\u00adting"),
    PITCH.replace("offerte", "o f f e r t e").replace("korting", "k o r t i n g"),
    PITCH.replace("offerte", "0fferte").replace("korting", "k0rting"),
    PITCH.replace("offerte", "\u043efferte").replace("korting", "ｋｏｒｔｉｎｇ"),
])
def test_each_trick_gets_the_plain_findings_at_the_offsets_of_the_file(tmp_path, capsys, hidden):
    plain, evasive = tmp_path / "plain.txt", tmp_path / "hidden.txt"
    plain.write_text(PITCH, encoding="utf-8")
    evasive.write_text(hidden, encoding="utf-8")
    code, out, _ = run_check(capsys, str(plain), str(evasive), "--format", "json")
    assert code == 1
    expected, got = json.loads(out)["reports"]
    assert got["verdict"] == expected["verdict"] == "block"
    assert [f["rule"] for f in got["findings"]] == [f["rule"] for f in expected["findings"]]
    for finding in got["findings"]:
        assert hidden[finding["start"]:finding["end"]] == finding["text"]
    hidden_findings = [f for f in got["findings"] if f["normalised"]]
    assert {f["rule"] for f in hidden_findings} == {"nl-call-to-buy", "nl-discount-urgency"}
    assert {f["read_as"] for f in hidden_findings} == {
        f["text"] for f in expected["findings"] if f["rule"] in ("nl-call-to-buy", "nl-discount-urgency")
    }


def test_text_output_says_what_was_read_and_explain_shows_the_hidden_characters(tmp_path, capsys):
    path = tmp_path / "hidden.txt"
    path.write_text("Nu 20% kor\u00adting als je deze week tekent.", encoding="utf-8")
    code, out, _ = run_check(capsys, str(path), "--color", "never")
    assert "verhuld geschreven, gelezen als “20% korting”" in out
    assert "U+00AD" not in out
    code, out, _ = run_check(capsys, str(path), "--color", "never", "--explain")
    assert "zoals geschreven: “20% kor⟨U+00AD⟩ting”" in out


def test_a_named_pipe_is_refused_at_once_and_the_other_files_are_checked(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "pitch.txt").write_text(PITCH)
    result = coach("check", "pipe", "pitch.txt", "--format", "json", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr == "coach: pipe: not a regular file (a named pipe); pipe its contents in with '-' instead\n"
    assert [r["source"] for r in json.loads(result.stdout)["reports"]] == ["pitch.txt"]


def test_a_device_and_a_symlink_loop_are_one_line_each(tmp_path, capsys):
    os.symlink("loop", tmp_path / "loop")
    code, out, err = run_check(capsys, "/dev/zero", str(tmp_path / "loop"))
    assert code == 2
    assert err.splitlines() == [
        "coach: /dev/zero: not a regular file (a device); pipe its contents in with '-' instead",
        f"coach: {tmp_path / 'loop'}: a loop of symbolic links, not a file",
    ]


def test_a_text_over_a_million_characters_is_analysed_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "long.txt"
    path.write_text(("Leuk je te zien op het ontbijt, we spraken over de ringweg.\n\n" * 17_000) + PITCH)
    assert path.stat().st_size > 1_000_000
    code, out, err = run_check(capsys, str(path), "--format", "json")
    assert code == 1 and err == ""
    [report] = json.loads(out)["reports"]
    text = path.read_text()
    assert [f["text"] for f in report["findings"] if f["rule"] == "nl-call-to-buy"] == ["Bel me voor een vrijblijvende offerte"]
    assert all(text[f["start"]:f["end"]] == f["text"] for f in report["findings"])
    assert report["findings"][0]["line"] == 34_001


def test_a_text_that_runs_out_of_time_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "long.txt"
    path.write_text("Dit is een heel lange zin over netwerken en koffie. " * 40_000)
    (tmp_path / "pitch.txt").write_text(PITCH)
    code, out, err = run_check(capsys, str(path), str(tmp_path / "pitch.txt"), "--time-limit", "0.05", "--format", "json")
    assert code == 2
    assert err == f"coach: {path}: the analysis took longer than 0.05 s (--time-limit); not analysed\n"
    assert [r["source"] for r in json.loads(out)["reports"]] == [str(tmp_path / "pitch.txt")]


def test_output_to_a_closed_pipe_or_a_full_disk_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text((PITCH + "\n") * 20_000)  # megabytes of JSON: far more than a pipe holds
    closed = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} -m coach check long.txt | head -n 2"],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )
    assert closed.stdout.startswith("long.txt  nl (detected)") and closed.stdout.count("\n") == 2
    assert closed.stderr == "coach: cannot write to standard output: the reader went away (broken pipe)\n"
    assert closed.returncode == 2
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "coach", "check", "long.txt"], cwd=tmp_path,
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=180)
    assert result.returncode == 2
    assert result.stderr == "coach: cannot write to standard output: No space left on device\n"


def test_an_engine_bug_exits_3_with_one_line(tmp_path, capsys, monkeypatch):
    from coach import engine

    class Broken:
        def warm_up(self, langs, **options):
            pass

        def analyze_many(self, texts, **options):
            raise ZeroDivisionError("division by zero")

        def analyze(self, text, **options):
            raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(engine, "default_engine", lambda: Broken())
    (tmp_path / "pitch.txt").write_text(PITCH)
    code, out, err = run_check(capsys, str(tmp_path / "pitch.txt"))
    assert code == 3
    assert err.splitlines()[-1] == ("coach: internal error (ZeroDivisionError: division by zero); this is a bug "
                                    "— run again with --debug for the details")
