"""Partitions: reading every partition of an input in order gives what reading it whole gives."""

import json
import shutil
from pathlib import Path

import pytest

from coach.screen.partitions import (
    BigFile, FileGroup, FileSlice, partition_units, plan_file, read_partition,
)
from coach.screen.sources import plan_inputs, read_inputs
from coach.screen.tables import FieldNames

DATA = Path(__file__).resolve().parents[1] / "data" / "screen"


def whole(paths, named=FieldNames()):
    notices = []
    items = list(read_inputs(plan_inputs(paths), named, notices.append))
    return items, notices


def partitioned(paths, target, named=FieldNames()):
    """Items and notices as a cluster would produce them, plus the partitions used."""
    notices, items, parts, unreadable = [], [], [], []
    for unit in partition_units(plan_inputs(paths), target):
        if isinstance(unit, BigFile):
            file_plan = plan_file(unit, target, named)
            assert file_plan.problem is None
            notices.extend(file_plan.notices)
            parts.extend(file_plan.slices)
        else:
            parts.append(unit)
        for part in parts[len(parts) - (len(file_plan.slices) if isinstance(unit, BigFile) else 1):]:
            items.extend(read_partition(part, named, notices.append, unreadable.append))
    assert unreadable == []
    return items, notices, parts


def mail(n: int, body: str, sender: str = "jan@example.nl") -> str:
    return (f"From {sender} Mon Jun  3 08:00:{n % 60:02d} 2024\nFrom: {sender}\nSubject: Bericht {n}\n"
            f"Message-ID: <m{n}@example.nl>\nContent-Type: text/plain; charset=utf-8\n\n{body}\n\n")


@pytest.fixture
def tricky(tmp_path, monkeypatch):
    """Inputs whose boundaries are easy to get wrong, in a folder named relative to the cwd."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    bodies = [
        "Wie kent er een goede fotograaf?",
        "Ik zoek nog leden.\n\nFrom the desk of Jan: this line is no separator.\nTot ziens.",
        ">From here the escaped line.\nAlleen deze week 20% korting!",
        "Line one\nFrom jan@example.nl Tue Jun 4 2024\nSubject: not after a blank line, so body text",
        "Kort.",
    ]
    mbox = "Preamble line that is not a mail\n\n" + "".join(mail(n, bodies[n % len(bodies)] * (1 + n % 3))
                                                          for n in range(40))
    (folder / "list.mbox").write_text(mbox[:-2] + "cut off", encoding="utf-8")  # last mail truncated
    rows = ["id;Afzender;Bericht"]
    for n in range(60):
        text = {0: '"Een bericht\nover twee regels; met ""quotes"""', 1: "", 2: "Word lid van onze club"}[n % 3]
        rows.append(f"{n if n % 7 else ''};lid{n}@example.nl;{text}")
        if n % 11 == 5:
            rows.append("")  # a blank line is no record, but counts as a row
        if n % 13 == 4:
            rows.append("broken;row")
    (folder / "leden.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode() + b"\n\xff;x;ongeldig\n")
    # The columns are chosen from the first object with a text column ("message"); later lines
    # also have "text", which a slice choosing on its own would prefer.
    lines = ['["not", "an", "object"]', '{"name": "no text column yet"}', "{not json",
             json.dumps({"message": "Hallo allemaal", "id": "first"})]
    for n in range(50):
        lines.append(json.dumps({"id": f"p{n}", "message": f"Bericht {n}: koffie?", "text": "not this one",
                                 "author": f"u{n}@example.nl"}) if n % 9 else "")
        if n % 10 == 3:
            lines.append(json.dumps({"other": 1}))
    (folder / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "note.txt").write_text("Zullen we koffie drinken?\n", encoding="utf-8")
    shutil.copy(DATA / "formats" / "outlook-reply.eml", folder / "reply.eml")
    return folder


@pytest.mark.parametrize("target", [64, 300, 1000, 4096, 1 << 20])
def test_reading_the_partitions_in_order_gives_the_same_items_and_notices(tricky, target):
    expected_items, expected_notices = whole(["in"])
    items, notices, parts = partitioned(["in"], target)
    assert items == expected_items
    assert sorted(notices) == sorted(expected_notices)
    if target <= 1000:
        assert sum(isinstance(p, FileSlice) for p in parts) > 10  # the big files were split


def test_named_fields_are_honoured_in_every_slice(tricky):
    named = FieldNames(text="text", id="author")
    assert partitioned(["in/posts.jsonl"], 200, named)[:2] == whole(["in/posts.jsonl"], named)


def test_mbox_slices_start_on_messages_and_count_lines(tricky):
    parts = partitioned(["in/list.mbox"], 500)[2]
    text = Path("in/list.mbox").read_bytes()
    assert parts[0].start == 0 and parts[-1].end == len(text)
    for before, after in zip(parts, parts[1:]):
        assert before.end == after.start
        assert text[after.start:].startswith(b"From jan@example.nl")
        assert text[:after.start].count(b"\n") + 1 == after.first_line
        assert after.first_line == before.last_line + 1


def test_csv_slices_carry_the_header_and_start_on_a_row(tricky):
    parts = partitioned(["in/leden.csv"], 200)[2]
    assert len(parts) > 5
    header = Path("in/leden.csv").read_bytes().split(b"\r\n", 1)[0] + b"\r\n"
    assert all(p.prefix == header for p in parts[1:])
    assert parts[0].prefix == b""
    assert [p.first_line for p in parts[1:]] == [p.last_line + 1 for p in parts[:-1]]


def test_a_report_of_ours_is_skipped_from_where_it_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ["{broken", json.dumps({"index": 1, "id": "a", "source": "x", "sender": None, "subject": None,
                                    "verdict": "ok", "reason": ""})]
    lines += [json.dumps({"text": f"row {n}"}) for n in range(40)]
    Path("old.jsonl").write_text("\n".join(lines) + "\n")
    items, notices, parts = partitioned(["old.jsonl"], 100)
    assert (items, notices) == whole(["old.jsonl"])
    assert [i.error for i in items] == ["invalid JSON: Expecting property name enclosed in double quotes (column 2)"]
    assert len(parts) == 1  # the slices after the report's first line hold nothing to read


def test_small_files_are_grouped_and_big_ones_planned_apart(tricky):
    units = partition_units(plan_inputs(["in"]), 1000)
    kinds = [(type(u).__name__, [f.file.path for f in u.files] if isinstance(u, FileGroup) else u.file.path)
             for u in units]
    assert kinds == [
        ("BigFile", "in/leden.csv"), ("BigFile", "in/list.mbox"),
        ("FileGroup", ["in/note.txt"]), ("BigFile", "in/posts.jsonl"), ("FileGroup", ["in/reply.eml"]),
    ]
    assert all(Path(f.location).is_absolute() for u in units if isinstance(u, FileGroup) for f in u.files)


def test_a_file_the_worker_cannot_open_is_named_and_its_rows_accounted_for(tricky):
    unit = next(u for u in partition_units(plan_inputs(["in"]), 1000) if isinstance(u, BigFile))
    slices = plan_file(unit, 1000, FieldNames()).slices
    Path("in/leden.csv").rename("in/moved.csv")
    assert plan_file(unit, 1000, FieldNames()).problem == "No such file or directory"
    unreadable = []
    items = list(read_partition(slices[1], FieldNames(), print, unreadable.append))
    assert [u.model_dump() for u in unreadable] == [{"path": "in/leden.csv", "reason": "No such file or directory"}]
    assert [(i.kind, i.source) for i in items] == [("error", f"in/leden.csv:{slices[1].first_line}")]
    assert items[0].error == (f"cannot be read on a screening worker (No such file or directory); rows "
                              f"{slices[1].first_line}-{slices[1].last_line} were not screened")
    group = next(u for u in partition_units(plan_inputs(["in"]), 1000) if isinstance(u, FileGroup))
    Path("in/note.txt").unlink()
    unreadable.clear()
    items = list(read_partition(group, FieldNames(), print, unreadable.append))
    assert [u.path for u in unreadable] == ["in/note.txt"]
    assert [(i.source, i.error) for i in items] == [("in/note.txt", "vanished after it was listed; not screened")]
