"""``coach screen`` with the inputs organisers really get: hostile, odd and broken ones.

Each test is one case from issue 12: before the fix it hung, lost a message, destroyed an
input, printed a traceback or reported success on failure.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
HARDENING = ROOT / "tests" / "data" / "screen" / "hardening"
ORGANISER = ROOT / "tests" / "data" / "screen" / "organiser"
DISCOUNT = "Alleen deze week 20% korting op al mijn pakketten!\n"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def screen(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["screen", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def coach(*args: str, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    """Run coach in a child process; a hang fails the test instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True,
                          timeout=timeout, **options)


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- evasion ------------------------------------------------------------------------------------

def test_hidden_words_are_flagged_and_counted_as_obfuscated(folder, capsys):
    (folder / "plain.txt").write_text("Bel me voor een vrijblijvende offerte!\n")
    (folder / "zwsp.txt").write_text("Bel me voor een vrijblijvende offer\u200bte!\n")
    (folder / "spaced.txt").write_text("Bel me voor een vrijblijvende o f f e r t e!\n")
    code, out, err = screen(capsys, "plain.txt", "zwsp.txt", "spaced.txt", "--report", "r.jsonl")
    assert code == 1
    rows = {row["id"]: row for row in rows_of(folder / "r.jsonl")}
    assert [rows[name]["verdict"] for name in ("plain.txt", "zwsp.txt", "spaced.txt")] == ["review"] * 3
    assert [rows[name]["obfuscated"] for name in ("plain.txt", "zwsp.txt", "spaced.txt")] == [False, True, True]
    assert rows["spaced.txt"]["first_text"] == "Bel me voor een vrijblijvende o f f e r t e"
    assert "Obfuscated: 2 messages hid flagged words" in out
    assert "REVIEW  zwsp.txt  hard-sell" in out and "[obfuscated]" in out


# --- encodings ----------------------------------------------------------------------------------

def test_an_excel_export_in_windows_1252_keeps_its_accents_and_euros(folder, capsys):
    shutil.copy(HARDENING / "excel-1252.csv", folder)
    code, out, err = screen(capsys, "excel-1252.csv", "--report", "r.csv", "--board", "board.md")
    assert code == 1
    assert "excel-1252.csv: read as Windows-1252 (not UTF-8)" in err
    with open(folder / "r.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["warnings"] for row in rows] == ["", "", ""]
    assert rows[1]["first_text"] == "20% korting" and rows[1]["verdict"] == "block"
    board = (folder / "board.md").read_text(encoding="utf-8")
    assert "\ufffd" not in board and "20% korting" in board


@pytest.mark.parametrize("name", ["utf16-export.csv", "utf16-posts.jsonl"])
def test_utf16_exports_are_read_row_by_row(folder, capsys, name):
    shutil.copy(HARDENING / name, folder)
    code, out, err = screen(capsys, name, "--report", "r.jsonl")
    rows = rows_of(folder / "r.jsonl")
    assert [row["verdict"] for row in rows][:2] == ["ok", "block"]
    assert all(row["verdict"] != "error" for row in rows)
    assert code == 1


# --- nothing hangs ------------------------------------------------------------------------------

def test_a_folder_with_a_fifo_a_socket_and_a_symlink_loop_is_screened_in_seconds(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "post.txt").write_text(DISCOUNT)
    os.mkfifo(inbox / "pipe")
    os.mkfifo(inbox / "pipe.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(inbox / "socket"))
    os.symlink("loop", inbox / "loop")
    (inbox / "sub").mkdir()
    os.symlink("..", inbox / "sub" / "up")
    started = time.monotonic()
    try:
        result = coach("screen", "inbox", "--jobs", "1", "--report", "r.jsonl", cwd=tmp_path, timeout=60)
    finally:
        listener.close()
    assert time.monotonic() - started < 60
    assert "Traceback" not in result.stderr
    assert result.returncode == 2  # the loop is a file that cannot be read
    err = result.stderr.splitlines()
    assert "coach: skipped inbox/pipe: not a regular file (a named pipe)" in err
    assert "coach: skipped inbox/pipe.txt: not a regular file (a named pipe)" in err
    assert "coach: skipped inbox/socket: not a regular file (a socket)" in err
    assert "coach: skipped inbox/sub/up: a folder already screened (a loop of symbolic links)" in err
    rows = rows_of(tmp_path / "r.jsonl")
    assert [(row["source"], row["verdict"]) for row in rows] == [("inbox/loop", "error"), ("inbox/post.txt", "block")]
    assert rows[0]["reason"] == "a loop of symbolic links, not a file"


def test_a_named_pipe_given_by_name_is_an_error_row_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "post.txt").write_text(DISCOUNT)
    result = coach("screen", "pipe", "post.txt", "--jobs", "1", "--list", "all", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "ERROR   pipe  not a regular file (a named pipe); pipe its contents in with '-' instead" in result.stdout
    assert "BLOCK   post.txt" in result.stdout


def test_a_file_that_vanishes_or_grows_while_screened_is_reported_not_fatal(folder):
    from coach.screen.sources import plan_inputs, read_inputs
    from coach.screen.tables import FieldNames

    (folder / "gone.txt").write_text(DISCOUNT)
    (folder / "posts.jsonl").write_text(json.dumps({"id": 1, "text": "Hallo"}) + "\n")
    plan = plan_inputs(["gone.txt", "posts.jsonl"])
    (folder / "gone.txt").unlink()
    with open(folder / "posts.jsonl", "a") as grow:
        grow.write(json.dumps({"id": 2, "text": DISCOUNT}) + "\n")
    notices: list[str] = []
    items = list(read_inputs(plan, FieldNames(), notices.append))
    assert [(i.kind, i.error) for i in items] == [
        ("error", "vanished after it was listed; not screened"), ("text", None), ("text", None),
    ]
    assert any(n.startswith("posts.jsonl: grew while it was screened") for n in notices)


def test_a_pathological_message_is_an_error_row_and_the_rest_is_screened(folder, capsys):
    (folder / "huge.txt").write_text("Dit is een heel lange zin over netwerken en koffie. " * 40_000)
    (folder / "post.txt").write_text(DISCOUNT)
    code, out, err = screen(capsys, "huge.txt", "post.txt", "--time-limit", "0.05", "--list", "all")
    assert code == 2
    assert "ERROR   huge.txt  the analysis took longer than 0.05 s (--time-limit); not analysed" in out
    assert "BLOCK   post.txt" in out


# --- outputs never touch inputs -----------------------------------------------------------------

@pytest.mark.parametrize("option, target, problem", [
    ("--report", "v.jsonl", "--report v.jsonl: is one of the inputs"),
    ("--board", "v.jsonl", "--board v.jsonl: is one of the inputs"),
    ("--report", "./v.jsonl", "--report ./v.jsonl: is one of the inputs"),
    ("--report", "inbox/report.jsonl", "--report inbox/report.jsonl: lies inside the screened folder inbox"),
    ("--board", "inbox/sub/board.md", "--board inbox/sub/board.md: lies inside the screened folder inbox"),
])
def test_an_output_onto_an_input_is_refused_and_the_input_stays_intact(folder, capsys, option, target, problem):
    (folder / "v.jsonl").write_text(json.dumps({"id": 1, "text": DISCOUNT}) + "\n")
    (folder / "inbox" / "sub").mkdir(parents=True)
    (folder / "inbox" / "post.txt").write_text(DISCOUNT)
    before = (folder / "v.jsonl").read_bytes()
    code, out, err = screen(capsys, "v.jsonl", "inbox", option, target)
    assert code == 2
    assert err.startswith(f"coach: {problem}") and err.count("\n") == 1
    assert out == ""
    assert (folder / "v.jsonl").read_bytes() == before
    assert sorted(p.name for p in (folder / "inbox").rglob("*")) == ["post.txt", "sub"]


def test_a_symbolic_link_to_an_input_is_refused_as_an_output(folder, capsys):
    (folder / "v.jsonl").write_text(json.dumps({"id": 1, "text": DISCOUNT}) + "\n")
    os.symlink("v.jsonl", folder / "link.jsonl")
    code, _, err = screen(capsys, "v.jsonl", "--report", "link.jsonl")
    assert code == 2 and "is one of the inputs" in err
    assert (folder / "v.jsonl").read_text().startswith('{"id": 1')


def test_a_full_disk_is_an_error_not_a_success(folder, capsys):
    (folder / "post.txt").write_text(DISCOUNT)
    code, out, err = screen(capsys, "post.txt", "--report", "/dev/full")
    assert code == 2
    assert err == "coach: cannot write /dev/full: the disk is full; no report was written\n"
    assert "Wrote the report" not in out
    assert Path("/dev/full").exists() and not Path("/dev/full").is_file()


def test_an_unwritable_report_folder_is_one_line_before_anything_is_screened(folder, capsys):
    (folder / "post.txt").write_text(DISCOUNT)
    # /proc refuses new files even to root, as a read-only folder does to everyone else.
    code, out, err = screen(capsys, "post.txt", "--board", "/proc/board.md")
    assert code == 2
    assert err.startswith("coach: cannot write /proc/board.md: ") and err.endswith("; nothing was screened\n")
    assert err.count("\n") == 1 and out == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_read_only_report_folder_is_one_line(folder, capsys):
    (folder / "post.txt").write_text(DISCOUNT)
    (folder / "ro").mkdir()
    (folder / "ro").chmod(0o500)
    code, _, err = screen(capsys, "post.txt", "--report", "ro/r.jsonl")
    assert code == 2 and err == "coach: cannot write ro/r.jsonl: permission denied; nothing was screened\n"


def test_a_closed_pipe_is_one_line_and_exit_2(tmp_path):
    export = tmp_path / "posts.jsonl"
    export.write_text("".join(json.dumps({"id": n, "text": DISCOUNT}) + "\n" for n in range(3000)))
    command = f"{sys.executable} -m coach screen posts.jsonl --jobs 1 --list all -q | head -n 1"
    result = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180)
    assert result.stdout.startswith("BLOCK ") and result.stdout.count("\n") == 1
    assert result.stderr == "coach: cannot write to standard output: the reader went away (broken pipe)\n"
    assert result.returncode == 2


def test_sigterm_leaves_no_temporary_file_and_the_previous_report(tmp_path):
    export = tmp_path / "big.jsonl"
    with export.open("w") as out:
        for n in range(40000):
            out.write(json.dumps({"id": n, "text": f"Bericht {n}: zullen we koffie drinken?"}) + "\n")
    (tmp_path / "report.csv").write_text("the previous report\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "screen", "big.jsonl", "--report", "report.csv", "--board", "b.md",
         "--list", "all", "--jobs", "2", "--batch-size", "16"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert process.stdout.readline().startswith("OK ")  # screening has started
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 143
    assert err.strip().splitlines()[-1] == "coach: terminated (SIGTERM); nothing half-written was left behind"
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "report.csv"]
    assert (tmp_path / "report.csv").read_text() == "the previous report\n"


# --- mail ---------------------------------------------------------------------------------------

def test_a_from_line_without_headers_does_not_hide_a_message(folder, capsys):
    shutil.copy(HARDENING / "hidden-from.mbox", folder)
    code, out, err = screen(capsys, "hidden-from.mbox", "--report", "r.jsonl")
    assert code == 1
    rows = rows_of(folder / "r.jsonl")
    assert [(r["source"], r["verdict"]) for r in rows] == [
        ("hidden-from.mbox:1", "ok"), ("hidden-from.mbox:8", "block"), ("hidden-from.mbox:11", "ok"),
    ]
    assert rows[1]["warnings"][0].startswith("the 'From ' line that starts this message is not followed by mail headers")


@pytest.mark.parametrize("name", ["flowed.eml", "br.eml"])
def test_a_sentence_broken_over_lines_in_mail_is_still_found(folder, capsys, name):
    shutil.copy(HARDENING / name, folder)
    code, out, err = screen(capsys, name, "--report", "r.jsonl")
    [row] = rows_of(folder / "r.jsonl")
    assert row["first_rule"] == "nl-call-to-buy" and row["verdict"] == "review" and code == 1
    assert row["first_text"] == "Bel me voor een vrijblijvende offerte" if name == "flowed.eml" else \
        row["first_text"] == "Bel me\nvoor een vrijblijvende offerte"
    assert row["obfuscated"] is False


def test_every_text_part_of_a_multipart_mail_is_screened_and_the_worst_counts(folder, capsys):
    shutil.copy(HARDENING / "two-parts.eml", folder)
    code, out, err = screen(capsys, "two-parts.eml", "--report", "r.jsonl")
    [row] = rows_of(folder / "r.jsonl")
    assert code == 1
    assert row["verdict"] == "block" and row["first_rule"] == "nl-discount-urgency"
    assert row["reason"].endswith("(in text part 2 of 2)")


# --- policy and options -------------------------------------------------------------------------

def test_a_policy_naming_an_unknown_rule_is_refused_with_a_suggestion(folder, capsys):
    (folder / "post.txt").write_text(DISCOUNT)
    (folder / "coach.yaml").write_text("version: 1\nverdicts:\n  block:\n    - rule: nl-discount-urgncy\n")
    code, out, err = screen(capsys, "post.txt")
    assert code == 2 and out == ""
    assert err == ("coach: coach.yaml:4: verdicts.block[0].rule: unknown rule 'nl-discount-urgncy'; "
                   "did you mean 'nl-discount-urgency'?\n")


def test_a_wildcard_matching_no_rule_is_refused_and_house_rules_are_known(folder, capsys):
    shutil.copy(ORGANISER / "house-rules.yaml", folder)
    (folder / "post.txt").write_text(DISCOUNT)
    (folder / "coach.yaml").write_text(
        "packs: [house-rules.yaml]\nverdicts:\n  review:\n    - rule: [house-*, nl-discount-urgency]\n"
        "modes:\n  pitch:\n    verdicts:\n      block:\n        - rule: hous-paid-*\n")
    code, out, err = screen(capsys, "post.txt")
    assert code == 2
    assert err == ("coach: coach.yaml:9: modes.pitch.verdicts.block[0].rule: no rule matches 'hous-paid-*'; "
                   "did you mean 'house-paid-networks'?\n")


def test_jobs_are_capped_at_the_number_of_cpus_with_a_note(folder, capsys):
    from coach.screen.runner import default_jobs

    (folder / "post.txt").write_text(DISCOUNT)
    code = main(["screen", "post.txt", "--jobs", "1000"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"coach: --jobs 1000 is more than the {default_jobs()} CPUs of this machine; using {default_jobs()}" in err


@pytest.mark.parametrize("policy, problem", [
    ("version: 1\nallow: " + "[" * 500 + "]" * 500 + "\n", "coach.yaml:2: nested more than 40 levels deep"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
     + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
     + "version: 1\n", "expands to more than 250,000 values once its aliases are followed"),
])
def test_yaml_bombs_in_a_policy_are_refused_in_one_line_and_quickly(folder, capsys, policy, problem):
    (folder / "coach.yaml").write_text(policy)
    (folder / "post.txt").write_text(DISCOUNT)
    started = time.monotonic()
    code, out, err = screen(capsys, "post.txt")
    assert code == 2 and problem in err and err.count("\n") == 1
    assert time.monotonic() - started < 30


def test_internal_errors_exit_3_with_one_line_and_a_pointer_to_debug(folder, capsys, monkeypatch):
    from coach.screen import summary

    def broken(self, result):
        raise RuntimeError("boom")

    monkeypatch.setattr(summary.Summary, "add", broken)
    (folder / "post.txt").write_text(DISCOUNT)
    code, out, err = screen(capsys, "post.txt")
    assert code == 3
    assert err == "coach: internal error (RuntimeError: boom); this is a bug — run again with --debug for the details\n"
    code = main(["screen", "--debug", "--jobs", "1", "post.txt"])
    err = capsys.readouterr().err
    assert code == 3 and "Traceback" in err and "RuntimeError: boom" in err
