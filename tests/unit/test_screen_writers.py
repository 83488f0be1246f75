"""Report files: rows a spreadsheet opens, full JSON, board reports, and atomic writing."""

import csv
import json
import os
from pathlib import Path

import pytest

from coach.screen.board import BoardReport
from coach.screen.model import FirstFinding, ScreenResult, ScreenVerdict
from coach.screen.summary import Summary, attention_line, render_summary
from coach.screen.writers import COLUMNS, AtomicFile, ReportWriter, format_for


def result(index: int, verdict: str = "ok", **fields) -> ScreenResult:
    base = dict(index=index, id=f"m{index}", source=f"list.mbox:{index}", origin="list.mbox",
                verdict=ScreenVerdict(verdict))
    base.update(fields)
    return ScreenResult(**base)


BLOCKED = result(
    2, "block", sender="jan@example.nl", subject="<Club>", reason="block: recruiting",
    categories=("recruiting", "hard-sell"), flags=2,
    category_counts={"recruiting": 1, "hard-sell": 1}, rule_counts={"house-paid": 1, "nl-x": 1},
    first=FirstFinding(rule="house-paid", category="recruiting", severity="error", line=3,
                       text="=HYPERLINK(\"x\")", message="No paid networks."),
)
FAILED = result(3, "error", reason="broken row: 2 fields where the header has 4")
RESULTS = [result(1, set_aside_lines=4), BLOCKED, FAILED]


def write_report(tmp_path: Path, fmt: str) -> Path:
    target = tmp_path / f"report.{fmt}"
    writer = ReportWriter(str(target), fmt, policy="coach.yaml")
    summary = Summary(policy="coach.yaml")
    for r in RESULTS:
        writer.write(r)
        summary.add(r)
    writer.finish(summary.to_dict())
    return target


def test_csv_report_opens_in_a_spreadsheet(tmp_path):
    target = write_report(tmp_path, "csv")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 4
    blocked = dict(zip(COLUMNS, rows[2]))
    assert blocked["verdict"] == "block"
    assert blocked["categories"] == "recruiting; hard-sell"
    # A finding that looks like a formula must not run as one.
    assert blocked["first_text"] == "'=HYPERLINK(\"x\")"
    failed = dict(zip(COLUMNS, rows[3]))
    assert (failed["verdict"], failed["reason"]) == ("error", "broken row: 2 fields where the header has 4")


def test_jsonl_report_has_one_row_per_message_in_column_order(tmp_path):
    lines = write_report(tmp_path, "jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["verdict"] for r in rows] == ["ok", "block", "error"]
    assert list(rows[1]) == list(COLUMNS)
    assert rows[0]["set_aside_lines"] == 4
    assert rows[1]["first_rule"] == "house-paid"


def test_json_report_holds_messages_and_summary(tmp_path):
    data = json.loads(write_report(tmp_path, "json").read_text(encoding="utf-8"))
    assert data["format"] == "coach-screen/1"
    assert [m["id"] for m in data["messages"]] == ["m1", "m2", "m3"]
    assert data["summary"]["verdicts"] == {"ok": 1, "review": 0, "block": 1, "error": 1}
    assert "report" in data["messages"][0]


def test_report_format_comes_from_the_option_or_the_file_name():
    assert format_for("out.csv", None) == "csv"
    assert format_for("out.json", None) == "json"
    assert format_for("out.txt", None) == "jsonl"
    assert format_for("out.csv", "jsonl") == "jsonl"


def test_an_unfinished_report_never_replaces_the_previous_one(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("previous run\n")
    writer = ReportWriter(str(target), "csv", policy=None)
    writer.write(RESULTS[0])
    assert target.read_text() == "previous run\n"
    writer.discard()
    assert target.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_atomic_file_leaves_nothing_behind_on_an_exception_and_normal_permissions_on_success(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(KeyboardInterrupt):
        with AtomicFile(str(target)) as out:
            out.stream.write("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    with AtomicFile(str(target)) as out:
        out.stream.write("whole")
    assert target.read_text() == "whole"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_summary_counts_and_exit_code():
    summary = Summary()
    for r in RESULTS:
        summary.add(r)
    data = summary.to_dict()
    assert data["verdicts"] == {"ok": 1, "review": 0, "block": 1, "error": 1}
    assert data["categories"] == {"hard-sell": 1, "recruiting": 1}
    assert data["top_senders"] == {"jan@example.nl": 2}
    assert summary.exit_code() == 2
    lines = render_summary(summary)
    assert "  block   1" in lines
    assert "  jan@example.nl  2 flags, 1 message to look at" in lines


@pytest.mark.parametrize("results, code", [([result(1)], 0), ([result(1), result(2, "review")], 1),
                                            ([result(1, "review"), result(2, "error")], 2)])
def test_exit_codes_follow_coach_check(results, code):
    summary = Summary()
    for r in results:
        summary.add(r)
    assert summary.exit_code() == code


def test_attention_lines_say_what_and_where():
    assert attention_line(BLOCKED) == (
        'BLOCK   list.mbox:2  m2  from jan@example.nl  recruiting, hard-sell: '
        '"=HYPERLINK("x")" (house-paid, error, line 3)'
    )
    assert attention_line(FAILED) == "ERROR   list.mbox:3  m3  broken row: 2 fields where the header has 4"


@pytest.mark.parametrize("name", ["board.md", "board.html"])
def test_board_report_lists_attention_and_errors_escaped(tmp_path, name):
    target = tmp_path / name
    board = BoardReport(str(target))
    summary = Summary(policy="coach.yaml")
    for r in RESULTS:
        board.add(r)
        summary.add(r)
    board.finish(summary)
    text = target.read_text(encoding="utf-8")
    assert "Messages needing attention (1)" in text
    assert "Messages that could not be read (1)" in text
    assert "broken row: 2 fields where the header has 4" in text
    if name.endswith(".html"):
        assert "&lt;Club&gt;" in text and "<Club>" not in text
    else:
        assert "\\<Club\\>" in text
    assert list(tmp_path.iterdir()) == [target]
