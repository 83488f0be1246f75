"""A coach Report in the Language Server Protocol's terms: diagnostics, hover text and quick fixes.

Only renders the Report: the severity, message, guideline texts and replacement all come from it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from coach.render import LABELS
from coach.report import Category, Finding, Report, Severity

SOURCE = "coach"

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class TextPositions:
    """Offsets (code points, as in a Report) to LSP positions and back, in the client's encoding."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.text = text
        self.codec = codec
        # LSP lines end at \n, \r\n or \r, as coach's own line numbers do.
        self.line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> types.Position:
        line = bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        return types.Position(line=line, character=self.codec.client_num_units(self.text[start:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The code-point offset of a client position (clamped to its line)."""
        if position.line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[position.line]
        end = self.line_starts[position.line + 1] if position.line + 1 < len(self.line_starts) else len(self.text)
        line = _LINE_BREAK.sub("", self.text[start:end])
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return start + index
            units += self.codec.client_num_units(char)
        return start + len(line)


def severity_of(finding: Finding) -> types.DiagnosticSeverity:
    """Errors, warnings and notes as such; a give-first move is a hint (praise, never a problem)."""
    if finding.category is Category.GIVE:
        return types.DiagnosticSeverity.Hint
    return SEVERITY[finding.severity]


def message_of(report: Report, finding: Finding) -> str:
    """The finding's message, then its guidelines (id and title) and the suggestion, in the text's language."""
    labels = LABELS[report.language.value]
    lines = [finding.message]
    if finding.guidelines:
        titles = "; ".join(
            f"{gid} {report.guidelines[gid].title}" if gid in report.guidelines else gid for gid in finding.guidelines
        )
        lines.append(f"{labels['guideline']}: {titles}")
    if finding.suggestion:
        lines.append(f"{labels['suggestion']}: {finding.suggestion}")
    return "\n".join(lines)


def diagnostics_for(report: Report, positions: TextPositions) -> list[types.Diagnostic]:
    return [
        types.Diagnostic(
            range=positions.range(finding.start, finding.end),
            severity=severity_of(finding),
            code=finding.rule,
            source=SOURCE,
            message=message_of(report, finding),
            data={"rule": finding.rule, "category": finding.category.value},
        )
        for finding in report.findings
    ]


def findings_at(report: Report, offset: int) -> list[Finding]:
    """Findings whose passage holds the offset (the cursor just after a passage counts too)."""
    return [finding for finding in report.findings if finding.start <= offset <= finding.end]


def hover_markdown(report: Report, findings: list[Finding]) -> str:
    """Each finding with its guidelines' explanations, in the text's language."""
    labels = LABELS[report.language.value]
    parts = []
    for finding in findings:
        lines = [f"**{finding.category.value}** · {finding.severity.value} · `{finding.rule}`", "", finding.message]
        for gid in finding.guidelines:
            guideline = report.guidelines.get(gid)
            if guideline is not None:
                lines += ["", f"**{gid} · {guideline.title}**", "", guideline.explanation]
        if finding.suggestion:
            lines += ["", f"*{labels['suggestion']}:* {finding.suggestion}"]
        parts.append("\n".join(lines))
    return "\n\n---\n\n".join(parts)


def replacement_actions(
    uri: str, report: Report, text: str, positions: TextPositions, start: int, end: int,
    diagnostics: list[types.Diagnostic],
) -> list[types.CodeAction]:
    """A quick fix for each finding in [start, end] whose rule has a replacement and whose passage is unchanged."""
    actions = []
    for finding in report.findings:
        if finding.replacement is None or finding.end < start or finding.start > end:
            continue
        if text[finding.start:finding.end] != finding.text:
            continue  # edited since the analysis: its offsets no longer point at the passage
        edit_range = positions.range(finding.start, finding.end)
        related = [d for d in diagnostics if d.code == finding.rule and d.range == edit_range]
        actions.append(types.CodeAction(
            title=f"Replace “{finding.text}” with “{finding.replacement}” ({finding.rule})",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=related or None,
            is_preferred=True,
            edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=edit_range, new_text=finding.replacement)]}),
        ))
    return actions
