"""Property tests of every input reader: random and half-valid .eml, .mbox, CSV, JSONL and text.

Whatever the bytes, screening gives one result per message found, an error row carries a
one-line reason, nothing raises, and a good message next to the bad files is still screened.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

from coach.screen.model import ScreenVerdict
from coach.screen.policy import Policy
from coach.screen.runner import BatchScreener, ScreenSettings
from coach.screen.sources import plan_inputs, read_inputs
from coach.screen.tables import FieldNames

GOOD = "Alleen deze week 20% korting op al mijn pakketten!\n"
SUFFIXES = [".eml", ".mbox", ".csv", ".jsonl", ".txt", ""]

text_bits = st.sampled_from([
    "Word lid van onze club!", "Nu 20% k0rting", "Hallo", "é€ü", "\u200b", "\r\n", "\n", "\n\n", ";", ",", '"',
    "'", "\t", "|", "=cmd()", "From ", ">From ", "From a@b Mon Jun  3 08:00:00 2024", "--b1", "--b1--", "=?utf-8?b?",
    "=C3=A9", "<p>", "<br>", "</p>", "<script>", "&amp;", "Content-Type: text/html", "Subject: Re: x",
    "-- ", "> quote", "Op 3 juni 2024 schreef Piet:", "\x00", "\xff", "\udc80",
])
lines = st.lists(st.one_of(text_bits, st.text(max_size=12)), max_size=12).map("".join)


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "surrogateescape" if encoding == "utf-8" else "replace")


encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "cp1251"])


@st.composite
def mboxes(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        separator = draw(st.sampled_from([
            "From a@x Mon Jun  3 08:00:00 2024\n", "From a@x\n", "From \n", "From - Fri Jun 07 10:00:00 2024\n", "",
        ]))
        headers = "".join(draw(st.lists(st.sampled_from([
            "From: a@x\n", "Subject: hallo\n", "Message-ID: <m@x>\n", "Content-Type: text/plain; charset=utf-8\n",
            "Content-Type: multipart/alternative; boundary=b1\n", "Content-Transfer-Encoding: base64\n",
            "Content-Type: text/html\n", "Bogus header line\n", "X-Very: " + "x" * 200 + "\n",
        ]), max_size=5)))
        body = "\n".join(draw(st.lists(lines, max_size=8)))
        blank = draw(st.sampled_from(["\n", "", "\n\n"]))
        parts.append(separator + headers + blank + body + "\n")
    tail = draw(st.sampled_from(["", "\n", "From a@x Mon Jun  3 08:00:00 2024"]))
    return encoded("\n".join(parts) + tail, draw(st.sampled_from(["utf-8", "cp1252"])))


@st.composite
def mails(draw) -> bytes:
    boundary = draw(st.sampled_from(["b1", "b2", ""]))
    headers = draw(st.lists(st.sampled_from([
        "From: Piet <piet@x.nl>", "Subject: =?utf-8?q?Hall=C3=B6?=", "Message-ID: <x@y>", "MIME-Version: 1.0",
        f"Content-Type: multipart/alternative; boundary={boundary}", "Content-Type: text/plain; charset=cp1252",
        "Content-Type: text/plain; format=flowed; delsp=yes", "Content-Type: text/html; charset=utf-8",
        "Content-Type: application/pdf", "Content-Transfer-Encoding: base64",
        "Content-Transfer-Encoding: quoted-printable", "Content-Type: text/plain; charset=klingon",
    ]), max_size=6))
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        part_headers = draw(st.lists(st.sampled_from([
            "Content-Type: text/plain; charset=utf-8", "Content-Type: text/html", "Content-Type: image/png",
            "Content-Disposition: attachment; filename=a.txt", "Content-Transfer-Encoding: base64",
        ]), max_size=3))
        parts.append("\n".join(part_headers) + "\n\n" + "\n".join(draw(st.lists(lines, max_size=5))))
    body = "\n".join(draw(st.lists(lines, max_size=6)))
    if boundary and parts:
        body += "".join(f"\n--{boundary}\n{part}" for part in parts)
        body += draw(st.sampled_from([f"\n--{boundary}--\n", ""]))
    return encoded("\n".join(headers) + draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n"])) + body,
                   draw(st.sampled_from(["utf-8", "cp1252"])))


@st.composite
def csvs(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(["id", "text", "bericht", "afzender", "subject", "x", "", "Text"]),
                           min_size=1, max_size=5))
    rows = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 6))):
        cells = draw(st.lists(st.one_of(lines, lines.map(lambda c: '"' + c.replace('"', '""') + '"')),
                              max_size=len(header) + 1))
        rows.append(delimiter.join(cells))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return encoded(newline.join(rows) + draw(st.sampled_from(["", newline])), draw(encodings))


@st.composite
def jsonls(draw) -> bytes:
    values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), lines),
        lambda children: st.one_of(st.lists(children, max_size=3),
                                   st.dictionaries(st.sampled_from(["id", "text", "body", "from", "post"]),
                                                   children, max_size=4)),
        max_leaves=8,
    )
    records = draw(st.lists(st.one_of(
        st.dictionaries(st.sampled_from(["id", "text", "body", "from", "sender", "post", "x"]), values, max_size=4)
        .map(lambda d: json.dumps(d, ensure_ascii=False)),
        lines,
    ), max_size=6))
    return encoded("\n".join(records) + "\n", draw(encodings))


files = st.one_of(
    st.tuples(st.sampled_from(SUFFIXES), st.binary(max_size=3000)),
    st.tuples(st.sampled_from([".mbox", ""]), mboxes()),
    st.tuples(st.sampled_from([".eml", ""]), mails()),
    st.tuples(st.just(".csv"), csvs()),
    st.tuples(st.just(".jsonl"), jsonls()),
    st.tuples(st.sampled_from([".txt", ".md"]), st.text(max_size=500).map(lambda t: encoded(t, "utf-8"))),
)


def screen_folder(engine, inputs: list[tuple[str, bytes]]) -> tuple[list, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, (suffix, data) in enumerate(inputs):
            (root / f"input-{number}{suffix}").write_bytes(data)
        (root / "zz-good.txt").write_text(GOOD, encoding="utf-8")
        notices: list[str] = []
        plan = plan_inputs([folder])
        items = list(read_inputs(plan, FieldNames(), notices.append))
        screener = BatchScreener(engine, Policy(), ScreenSettings(time_limit=30, full_reports=True))
        results = screener.screen(list(enumerate(items, 1)))
        assert len(results) == len(items)
        return results, notices


@given(st.lists(files, min_size=1, max_size=3))
def test_fuzz_any_bytes_in_any_format_give_one_row_per_message_and_the_good_one_is_screened(engine, inputs):
    results, notices = screen_folder(engine, inputs)
    for result in results:
        assert result.verdict in ScreenVerdict
        if result.verdict is ScreenVerdict.ERROR:
            assert result.reason and "\n" not in result.reason
            assert "Traceback" not in result.reason
        for finding in (result.report or {}).get("findings", []):
            assert 0 <= finding["start"] <= finding["end"]
    assert all("\n" not in notice for notice in notices)
    good = [r for r in results if r.source.endswith("zz-good.txt")]
    assert [r.verdict for r in good] == [ScreenVerdict.BLOCK]
