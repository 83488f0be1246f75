"""Property test of ``coach check`` on random files: one line per bad input, the good ones reported."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

from coach.cli.main import main

GOOD = "Bel me voor een vrijblijvende offerte, deze week 20% korting!"

contents = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogateescape")),
    st.sampled_from(["utf-8", "utf-16", "cp1252", "cp1251", "utf-32"]).flatmap(
        lambda encoding: st.text(max_size=300).map(lambda t: t.encode(encoding, "replace"))),
)


@given(st.lists(contents, min_size=1, max_size=4))
def test_fuzz_check_gives_one_error_line_per_bad_file_and_reports_the_rest(files):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, data in enumerate(files):
            path = Path(folder) / f"text-{number}.txt"
            path.write_bytes(data)
            paths.append(str(path))
        good = Path(folder) / "good.txt"
        good.write_text(GOOD, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", *paths, str(good), "--format", "json"])
    payload = json.loads(out.getvalue())
    errors = payload.get("errors", [])
    reports = payload["reports"]
    assert len(reports) + len(errors) == len(files) + 1
    assert reports[-1]["source"] == str(good) and reports[-1]["verdict"] == "block"
    for line in err.getvalue().splitlines():
        assert line.startswith(f"coach: {folder}/text-"), line
    assert len(err.getvalue().splitlines()) >= len(errors)
    assert code == (2 if errors else 1)
