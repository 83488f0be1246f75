"""An engine that replays recorded reports, so the studio's snapshots change only when the UI does.

The rule packs are tuned all the time; snapshots of the layout should not churn with every message
edit. Pilot tests use the real engine. Re-record after a change to the report schema with
``python tests/functional/recorded_engine.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUDIO_DATA = ROOT / "tests" / "data" / "studio"
RECORDINGS = STUDIO_DATA / "recorded-reports.json"

#: (fixture file or "" for an empty text, mode) pairs the snapshot tests analyse.
RECORDED = [
    ("", "message"),
    ("", "pitch"),
    ("pitch_nl.txt", "pitch"),
    ("pitch_nl.txt", "message"),
    ("follow_up_en.txt", "follow-up"),
]


def fixture_text(name: str) -> str:
    return (STUDIO_DATA / name).read_text(encoding="utf-8").rstrip("\n") if name else ""


class RecordedEngine:
    """``analyze`` answers from the recordings; an unrecorded text is a test bug, not a fallback."""

    def __init__(self) -> None:
        from coach.report import Report

        recordings = json.loads(RECORDINGS.read_text(encoding="utf-8"))
        self._reports = {(entry["text"], entry["mode"]): Report.model_validate(entry["report"]) for entry in recordings}

    def analyze(self, text: str, *, mode: str = "message", lang: str = "auto", source: str = "-"):
        key = (text, str(getattr(mode, "value", mode)))
        if key not in self._reports:
            raise KeyError(f"no recorded report for mode {key[1]} and text {text[:40]!r}; re-record the reports")
        return self._reports[key]


def record() -> None:
    sys.path.insert(0, str(ROOT))
    from coach import Engine

    engine = Engine(extra_packs=[STUDIO_DATA / "replacements.yaml"])
    entries = []
    for name, mode in RECORDED:
        text = fixture_text(name)
        entries.append({"text": text, "mode": mode, "report": engine.analyze(text, mode=mode).to_json_dict()})
    RECORDINGS.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {len(entries)} reports in {RECORDINGS.relative_to(ROOT)}")


if __name__ == "__main__":
    record()
