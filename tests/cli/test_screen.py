"""``coach screen`` as an organiser uses it: a folder of exports, a policy, reports, exit codes."""

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
ORGANISER = ROOT / "tests" / "data" / "screen" / "organiser"


@pytest.fixture
def organiser(tmp_path, monkeypatch) -> Path:
    """A copy of the organiser's folder (inbox/, coach.yaml, house-rules.yaml) as the working directory."""
    folder = tmp_path / "club"
    shutil.copytree(ORGANISER, folder)
    monkeypatch.chdir(folder)
    return folder


def fingerprints(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_organiser_screens_a_folder_with_mbox_mails_and_csv(organiser, capsys):
    before = fingerprints(organiser / "inbox")
    code = main(["screen", "inbox", "--report", "report.csv", "--board", "board.html"])
    out, err = capsys.readouterr()
    assert code == 2  # two messages could not be read
    assert fingerprints(organiser / "inbox") == before  # nothing read was changed

    assert "Screened: 13 messages from 5 sources; policy: coach.yaml" in out
    for line in ("  ok      6", "  review  2", "  block   3", "  error   2"):
        assert line in out.splitlines()
    assert "(1 let through by the policy's allowlist)" in out
    assert "ERROR   inbox/exports/posts.csv:4  broken row: 2 fields where the header has 4" in out
    assert "ERROR   inbox/mail/broken.eml  the text part is not valid base64" in out
    assert "BLOCK   inbox/list.mbox:17  <goldcircle-1@makelaardij-jansen.nl>" in out
    assert "Wrote the report to report.csv (13 rows)" in out
    assert "ignored 1 file(s) that are not messages: inbox/flyer.png" in err
    assert "inbox/exports/posts.csv: text from 'body', id from 'id'" in err

    with open(organiser / "report.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 13
    by_id = {row["id"]: row for row in rows}
    assert by_id["<goldcircle-1@makelaardij-jansen.nl>"]["verdict"] == "block"
    assert by_id["<goldcircle-1@makelaardij-jansen.nl>"]["first_rule"] == "house-paid-networks"
    assert by_id["<reply-piet-1@bakkerij-piet.nl>"]["verdict"] == "ok"
    assert by_id["<reply-piet-1@bakkerij-piet.nl>"]["set_aside_lines"] == "7"
    assert by_id["<ontbijt-2024-06@ourclub.nl>"]["allowed_by"].startswith("our own free event announcements")
    assert by_id["inbox/mail/broken.eml"]["verdict"] == "error"
    board = (organiser / "board.html").read_text(encoding="utf-8")
    assert "Messages needing attention (5)" in board
    assert "Messages that could not be read (2)" in board


def test_same_input_and_policy_give_byte_identical_reports(organiser, capsys):
    outputs = {}
    for jobs in ("1", "2"):
        for name in ("r.jsonl", "r.csv", "r.json", "r.md"):
            option = ["--board", f"{jobs}-{name}"] if name.endswith(".md") else ["--report", f"{jobs}-{name}"]
            assert main(["screen", "inbox", "--jobs", jobs, "--quiet", *option]) == 2
            outputs[(jobs, name)] = (organiser / f"{jobs}-{name}").read_bytes()
    capsys.readouterr()
    for name in ("r.jsonl", "r.csv", "r.json", "r.md"):
        assert outputs[("1", name)] == outputs[("2", name)]
    assert main(["screen", "inbox", "--jobs", "2", "--quiet", "--report", "again.jsonl"]) == 2
    assert (organiser / "again.jsonl").read_bytes() == outputs[("1", "r.jsonl")]
    full = json.loads(outputs[("1", "r.json")])
    blocked = next(m for m in full["messages"] if m["verdict"] == "block")
    assert blocked["report"]["findings"]


def test_exit_codes_zero_when_all_ok_and_one_when_something_needs_review(organiser, capsys):
    fine = organiser / "fine.txt"
    fine.write_text("Wat fijn dat je donderdag bij het ontbijt was. Hoe gaat het met je verbouwing?\n")
    assert main(["screen", str(fine), "--jobs", "1"]) == 0
    export = organiser / "thanks.csv"
    export.write_text("id,text\n1,Dank voor de koffie!\n2,Tot donderdag bij het ontbijt.\n")
    assert main(["screen", str(export), "--jobs", "1"]) == 0
    blast = organiser / "blast.txt"
    blast.write_text("Aanmelden kan tot vrijdag, op is op!\n")
    assert main(["screen", "blast.txt", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "REVIEW  blast.txt  hard-sell" in out


def test_a_bad_policy_is_one_line_naming_file_line_and_key(organiser, capsys):
    (organiser / "coach.yaml").write_text("version: 1\nverdicts:\n  block:\n    - categorie: recruiting\n")
    assert main(["screen", "inbox"]) == 2
    out, err = capsys.readouterr()
    assert err == "coach: coach.yaml:4: verdicts.block[0].categorie: unknown key 'categorie'; did you mean 'category'?\n"
    assert out == ""


def test_without_a_policy_the_engines_verdicts_apply(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "post.txt").write_text("Alleen deze week 20% korting op al mijn pakketten!\n")
    assert main(["screen", "post.txt", "--jobs", "1", "--report", "-"]) == 1
    out, err = capsys.readouterr()
    row = json.loads(out)
    expected = {"warning": "review", "error": "block"}[row["first_severity"]]
    assert row["verdict"] == expected
    assert row["reason"] == f"engine verdict: hard-sell at {row['first_severity']}"
    assert "policy: built-in defaults" in err  # the summary moves to stderr with --report -


@pytest.mark.parametrize("argv, problem", [
    (["screen", "x", "--format", "csv"], "--format needs --report FILE"),
    (["screen", "x", "--jobs", "0"], "--jobs must be 1 or more"),
    (["screen", "-", "-"], "standard input ('-') can be read only once"),
    (["screen", "x", "--report", "no/such/dir/r.csv"], "the folder"),
])
def test_usage_errors_exit_2_with_one_line(argv, problem, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: ") and problem in err and err.count("\n") == 1


def test_missing_input_is_an_error_row_and_the_rest_is_screened(organiser, capsys):
    assert main(["screen", "gone.mbox", "inbox/mail/welcome.eml", "--jobs", "1", "--report", "r.jsonl"]) == 2
    rows = [json.loads(line) for line in (organiser / "r.jsonl").read_text().splitlines()]
    assert [(r["id"], r["verdict"], r["reason"]) for r in rows] == [
        ("gone.mbox", "error", "no such file or folder"),
        ("<welcome-sanne@ourclub.nl>", "ok", "no flags"),
    ]


def _run(args, **options):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "coach", "screen", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def test_piped_standard_input_is_screened(organiser):
    process = _run(["--jobs", "1"], stdin=subprocess.PIPE)
    out, err = process.communicate("Word lid van GoldCircle, dan krijg je elke week leads.\n", timeout=120)
    assert process.returncode == 1, err
    assert "BLOCK   -  recruiting" in out
    assert "standard input: read as text" in err
    assert "\x1b" not in out + err  # no progress bar or colours when piped


def test_ctrl_c_stops_cleanly_without_a_half_report(tmp_path):
    export = tmp_path / "big.jsonl"
    with export.open("w") as out:
        for n in range(40000):
            out.write(json.dumps({"id": n, "text": f"Bericht {n}: zullen we koffie drinken?"}) + "\n")
    report = tmp_path / "report.csv"
    report.write_text("the previous report\n")
    before = hashlib.sha256(export.read_bytes()).hexdigest()
    process = _run([str(export), "--report", str(report), "--list", "all", "--jobs", "2", "--batch-size", "16"],
                   cwd=tmp_path)
    first = process.stdout.readline()  # screening has started
    assert first.startswith("OK ")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Screening interrupted: " in out
    assert "coach: interrupted: no report was written" in err
    assert "Traceback" not in err
    assert report.read_text() == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "report.csv"]
    assert hashlib.sha256(export.read_bytes()).hexdigest() == before
