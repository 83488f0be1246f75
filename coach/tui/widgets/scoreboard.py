"""The scoreboard: verdict, give/take balance, questions, focus, length and speaking time."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from coach.text import plural
from coach.report import Mode, Report, Verdict

#: Targets for an elevator pitch, in seconds of speaking.
PITCH_TARGETS = (30, 60)

VERDICT_STYLE = {
    Verdict.OK: "bold $text-success",
    Verdict.REVIEW: "bold $text-warning",
    Verdict.BLOCK: "bold $text-error",
}

#: Short enough for the scoreboard at 80 columns.
VERDICT_BADGE = {
    Verdict.OK: "✓ OK",
    Verdict.REVIEW: "! REVIEW",
    Verdict.BLOCK: "✗ BLOCK",
}

VERDICT_LABEL = {
    Verdict.OK: "OK: good to send",
    Verdict.REVIEW: "REVIEW before sending",
    Verdict.BLOCK: "BLOCK: rewrite first",
}


def speaking_verdicts(seconds: float) -> list[tuple[int, bool]]:
    """For each pitch target, whether the estimated speaking time fits within it."""
    return [(target, seconds <= target) for target in PITCH_TARGETS]


def scoreboard_content(report: Report) -> Content:
    """The scoreboard lines for one report."""
    scores = report.scores
    rows: list[tuple[str, Content | str]] = [
        ("Verdict", Content.styled(VERDICT_BADGE[report.verdict], VERDICT_STYLE[report.verdict])),
        ("Give/take", f"{plural(scores.gives, 'give')} · {plural(scores.asks, 'ask')}"),
        ("Questions", f"{scores.questions} to the reader"),
    ]
    if scores.self_refs + scores.reader_refs:
        you = round(scores.reader_focus * 100)
        focus_style = "$text-success" if scores.reader_focus >= 0.5 else "$text-warning"
        rows.append(("Focus", Content.assemble((f"you {you}%", focus_style), f" · I/we {100 - you}%")))
    else:
        rows.append(("Focus", Content.styled("no I/we or you yet", "dim")))
    rows.append(("Words", f"{scores.words} · {plural(scores.sentences, 'sentence')}"))
    if report.mode is Mode.PITCH:
        parts: list[Content | str | tuple[str, str]] = [f"{scores.speaking_seconds:.0f} s "]
        for target, fits in speaking_verdicts(scores.speaking_seconds):
            mark, style = ("✓", "$text-success") if fits else ("✗", "$text-error")
            parts.append((f" {mark}{target} s", style))
        rows.append(("Speaking", Content.assemble(*parts)))
    return _table(rows)


def _table(rows: list[tuple[str, Content | str]]) -> Content:
    width = max(len(label) for label, _ in rows) + 1
    lines: list[Content | str | tuple[str, str]] = []
    for number, (label, value) in enumerate(rows):
        if number:
            lines.append("\n")
        lines.append((label.ljust(width), "dim"))
        lines.append(value)
    return Content.assemble(*lines)


class Scoreboard(Static):
    """Shows the scores of the latest report, or what the studio is waiting for."""

    def on_mount(self) -> None:
        self.show_waiting("Loading language models…")

    def show_waiting(self, text: str) -> None:
        self.update(Content.styled(text, "dim italic"))

    def show_report(self, report: Report) -> None:
        self.update(scoreboard_content(report))
