"""Render reports for people (coloured text) and for programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape

from coach.normalise import reveal
from coach.text import plural
from coach.report import Category, Finding, Report, Severity, Verdict

CATEGORY_STYLE = {
    Category.HARD_SELL: "bold red",
    Category.RECRUITING: "bold magenta",
    Category.TAKE_WITHOUT_GIVE: "bold yellow",
    Category.GIVE: "bold green",
}
SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
VERDICT_STYLE = {Verdict.OK: "bold green", Verdict.REVIEW: "bold yellow", Verdict.BLOCK: "bold red"}
LABELS = {
    "nl": {"guideline": "richtlijn", "suggestion": "beter", "normalised": "verhuld geschreven, gelezen als",
           "as_given": "zoals geschreven"},
    "en": {"guideline": "guideline", "suggestion": "try", "normalised": "hidden spelling, read as",
           "as_given": "as written"},
}


def render_text(report: Report, console: Console, explain: bool = False) -> None:
    lang = report.language.value
    labels = LABELS[lang]
    detected = "detected" if report.language_detected else "forced"
    console.print(
        f"[bold]{escape(report.source)}[/]  [dim]{lang} ({detected}) · mode {report.mode.value}[/]"
    )
    if not report.findings:
        console.print("  [dim]no findings[/]")
    for finding in report.findings:
        _render_finding(report, finding, console, labels, explain)
    if explain and report.suppressed:
        console.print("  [dim]set aside by context:[/]")
        for item in report.suppressed:
            console.print(
                f"    [dim]{item.start}-{item.end} {item.category.value} “{escape(_one_line(item.text))}” "
                f"({item.rule}): {item.reason}[/]"
            )
    elif explain:
        console.print("  [dim]nothing was set aside by context[/]")
    if explain and report.acts:
        console.print("  [dim]sentence acts:[/]")
        for sentence in report.acts:
            console.print(
                f"    [dim]{sentence.start}-{sentence.end} {', '.join(sentence.acts)}: "
                f"“{escape(_one_line(sentence.text))}”[/]"
            )
    s = report.scores
    console.print(
        f"  [dim]scores:[/] {plural(s.words, 'word')} · {plural(s.sentences, 'sentence')}"
        f" · asks {s.asks} · gives {s.gives}"
        f" · questions to the reader {s.questions} · focus on the reader {s.reader_focus:.0%}"
        f" (I/we {s.self_refs}, you {s.reader_refs}) · ~{s.speaking_seconds:.0f}s spoken"
    )
    counts = _count_flags(report.findings)
    console.print(
        f"  verdict: [{VERDICT_STYLE[report.verdict]}]{report.verdict.value.upper()}[/]"
        + (f" [dim]({counts})[/]" if counts else "")
    )


def _render_finding(report: Report, finding: Finding, console: Console, labels: dict[str, str],
                    explain: bool) -> None:
    category = finding.category
    console.print(
        f"  {finding.line}:{finding.column}  [{CATEGORY_STYLE[category]}]{category.value}[/]"
        f" [{SEVERITY_STYLE[finding.severity]}]{finding.severity.value}[/]"
        f"  “{escape(_one_line(finding.text))}”  [dim]{finding.rule}[/]"
    )
    if finding.normalised:
        console.print(f"      [bold]{labels['normalised']}[/] “{escape(_one_line(finding.read_as or ''))}”")
        if explain:
            console.print(f"      [dim]{labels['as_given']}:[/] “{escape(_one_line(reveal(finding.text), 160))}”")
    console.print(f"      {escape(finding.message)}")
    titles = "; ".join(
        f"{gid} {escape(report.guidelines[gid].title)}" if gid in report.guidelines else gid
        for gid in finding.guidelines
    )
    console.print(f"      [dim]{labels['guideline']}:[/] {titles}")
    if finding.suggestion:
        console.print(f"      [dim]{labels['suggestion']}:[/] {escape(finding.suggestion)}")


def _count_flags(findings: Iterable[Finding]) -> str:
    flags = [f for f in findings if f.is_flag]
    errors = sum(1 for f in flags if f.severity is Severity.ERROR)
    warnings = len(flags) - errors
    parts = []
    if errors:
        parts.append(plural(errors, "error"))
    if warnings:
        parts.append(plural(warnings, "warning"))
    return ", ".join(parts)


def _one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def render_json(reports: list[Report], errors: list[dict[str, str]] | None = None) -> str:
    payload: dict = {"reports": [r.to_json_dict() for r in reports]}
    if errors:
        payload["errors"] = errors
    return json.dumps(payload, ensure_ascii=False, indent=2)
