"""Exporting the studio's report as Markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from coach.report import Category, Mode, Report
from coach.tui.files import write_document
from coach.tui.widgets.scoreboard import VERDICT_LABEL, speaking_verdicts

ExportFormat = Literal["markdown", "json"]


def format_for(path: Path) -> ExportFormat:
    """JSON for a ``.json`` name, Markdown otherwise."""
    return "json" if path.suffix.lower() == ".json" else "markdown"


def report_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2) + "\n"


def report_markdown(report: Report, *, title: str) -> str:
    """A readable report: verdict, scores, then each finding with its guidelines."""
    scores = report.scores
    language = report.language.value + (" (detected)" if report.language_detected else " (set)")
    lines = [
        f"# Coach report: {title}",
        "",
        f"- **Verdict:** {VERDICT_LABEL[report.verdict]}",
        f"- **Mode:** {report.mode.value}",
        f"- **Language:** {language}",
        "",
        "## Scores",
        "",
        "| Measure | Value |",
        "| --- | --- |",
        f"| Words | {scores.words} |",
        f"| Sentences | {scores.sentences} |",
        f"| Gives | {scores.gives} |",
        f"| Asks | {scores.asks} |",
        f"| Questions to the reader | {scores.questions} |",
        f"| I/we words | {scores.self_refs} |",
        f"| You words | {scores.reader_refs} |",
        f"| Reader focus | {round(scores.reader_focus * 100)}% |",
    ]
    if report.mode is Mode.PITCH:
        targets = ", ".join(
            f"{'within' if fits else 'over'} {target} s" for target, fits in speaking_verdicts(scores.speaking_seconds)
        )
        lines.append(f"| Speaking time | {scores.speaking_seconds:.0f} s ({targets}) |")
    flags = [f for f in report.findings if f.category is not Category.GIVE]
    gives = [f for f in report.findings if f.category is Category.GIVE]
    lines += ["", "## Findings", ""]
    if not flags:
        lines.append("No flags: nothing in this text breaks a networking guideline.")
    for finding in flags:
        lines += _finding_lines(finding)
    if gives:
        lines += ["", "## Give-first moves", ""]
        for finding in gives:
            lines += _finding_lines(finding)
    cited = sorted({g for f in report.findings for g in f.guidelines if g in report.guidelines})
    if cited:
        lines += ["", "## Guidelines cited", ""]
        for guideline_id in cited:
            guideline = report.guidelines[guideline_id]
            lines += [f"### {guideline_id}: {guideline.title}", "", guideline.explanation, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _finding_lines(finding) -> list[str]:
    quoted = finding.text.replace("\n", " ")
    lines = [
        f"- **{finding.category.value}** ({finding.severity.value}) at line {finding.line}, "
        f"column {finding.column}: “{quoted}”  ",
        f"  {finding.message}",
    ]
    if finding.suggestion:
        lines.append(f"  - Suggestion: {finding.suggestion}")
    if finding.replacement is not None:
        lines.append(f"  - Replacement: “{finding.replacement}”")
    if finding.guidelines:
        lines.append(f"  - Guidelines: {', '.join(finding.guidelines)}")
    return lines


def export_report(report: Report, path: Path, *, title: str) -> ExportFormat:
    """Write the report to ``path`` in the format its suffix names; returns the format used."""
    export_format = format_for(path)
    content = report_json(report) if export_format == "json" else report_markdown(report, title=title)
    write_document(path, content)
    return export_format
