"""The feedback panel: the findings of the latest analysis, with their guidelines and suggestions."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from coach.text import plural
from coach.report import Category, Finding, Report

SortOrder = Literal["position", "severity"]

#: Theme variables for each category, so dark and light themes both keep contrast.
CATEGORY_COLOUR = {
    Category.HARD_SELL: "$text-error",
    Category.RECRUITING: "$text-warning",
    Category.TAKE_WITHOUT_GIVE: "$text-primary",
    Category.GIVE: "$text-success",
}


def finding_marker(finding: Finding) -> Content:
    """A coloured category tag: ``■ hard-sell``, or ``+ give`` for praise, ``· note`` for info."""
    if finding.category is Category.GIVE:
        return Content.styled(f"+ {finding.category.value}", f"bold {CATEGORY_COLOUR[finding.category]}")
    if not finding.is_flag:
        return Content.styled(f"· {finding.category.value} (note)", CATEGORY_COLOUR[finding.category])
    return Content.styled(f"■ {finding.category.value}", f"bold {CATEGORY_COLOUR[finding.category]}")


def sort_findings(findings: list[Finding], order: SortOrder) -> list[int]:
    """Indices of ``findings`` in display order; severity puts flags first, praise last."""
    indices = list(range(len(findings)))
    if order == "position":
        return sorted(indices, key=lambda i: (findings[i].start, findings[i].end))
    return sorted(
        indices,
        key=lambda i: (
            findings[i].category is Category.GIVE,
            -findings[i].severity.rank,
            findings[i].start,
        ),
    )


def _listing(report: Report) -> list[tuple]:
    """What the panel shows of a report; equal listings need no redraw."""
    return [
        (f.rule, f.category, f.severity, f.line, f.column, f.text, f.message, f.suggestion, f.replacement, f.guidelines)
        for f in report.findings
    ]


class FindingDetail(Static):
    """Everything about one finding: message, suggestion, replacement and guidelines."""


class FeedbackPanel(Vertical):
    """Lists findings; highlighting one shows its details, selecting one jumps to its passage."""

    BINDINGS = [
        Binding("s", "toggle_sort", "Sort", id="feedback.sort", tooltip="Sort by position or by severity"),
        Binding(
            "g",
            "toggle_explanations",
            "Explain",
            id="feedback.explain",
            tooltip="Show or hide the explanation of each cited guideline",
        ),
        Binding(
            "escape", "back_to_editor", "Editor", id="feedback.editor", show=False, tooltip="Back to the text"
        ),
    ]

    order_by: reactive[SortOrder] = reactive("position")
    show_explanations: reactive[bool] = reactive(False)

    class FindingSelected(Message):
        """The user chose a finding (Enter or click) to go to its passage."""

        def __init__(self, panel: FeedbackPanel, index: int, finding: Finding) -> None:
            super().__init__()
            self.panel = panel
            self.index = index
            self.finding = finding

        @property
        def control(self) -> FeedbackPanel:
            return self.panel

    class EditorRequested(Message):
        """The user asked to go back to typing."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._report: Report | None = None
        self._order: list[int] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="feedback-heading")
        yield OptionList(id="findings", compact=True)
        with VerticalScroll(id="finding-detail-scroll"):
            yield FindingDetail("", id="finding-detail")

    def on_mount(self) -> None:
        self.show_status("Loading language models…")

    # -- what is shown ----------------------------------------------------------------------

    @property
    def report(self) -> Report | None:
        return self._report

    @property
    def highlighted_index(self) -> int | None:
        """Index (into the report's findings) of the highlighted finding."""
        position = self.query_one("#findings", OptionList).highlighted
        if position is None or position >= len(self._order):
            return None
        return self._order[position]

    def show_status(self, text: str) -> None:
        """A state message in place of findings (loading, failure)."""
        self._report = None
        self._order = []
        self.query_one("#findings", OptionList).clear_options()
        self.query_one("#feedback-heading", Label).update("")
        self.query_one("#finding-detail", FindingDetail).update(text)

    def show_report(self, report: Report) -> None:
        previous = self._finding_key(self.highlighted_index)
        unchanged = self._report is not None and _listing(self._report) == _listing(report)
        self._report = report
        if unchanged:
            # Typing after the last finding changes nothing listed: keep the list (and its scroll).
            return
        self._rebuild(keep=previous)

    def highlight_finding(self, index: int | None) -> None:
        """Highlight a finding in the list without selecting it (the editor cursor is on it)."""
        if index is None or index not in self._order:
            return
        option_list = self.query_one("#findings", OptionList)
        option_list.highlighted = self._order.index(index)

    def _finding_key(self, index: int | None) -> tuple[str, str] | None:
        if index is None or self._report is None or index >= len(self._report.findings):
            return None
        finding = self._report.findings[index]
        return finding.rule, finding.text

    def _rebuild(self, keep: tuple[str, str] | None = None) -> None:
        report = self._report
        option_list = self.query_one("#findings", OptionList)
        if report is None:
            return
        findings = report.findings
        self._order = sort_findings(findings, self.order_by)
        option_list.clear_options()
        option_list.add_options(
            Option(self._option_prompt(findings[index]), id=f"finding-{index}") for index in self._order
        )
        self._update_heading(report)
        if not findings:
            self.query_one("#finding-detail", FindingDetail).update(
                Content.from_markup("[$text-success]No flags.[/] Nothing in this text breaks a networking guideline.")
            )
            return
        target = 0
        if keep is not None:
            for position, index in enumerate(self._order):
                if self._finding_key(index) == keep:
                    target = position
                    break
        option_list.highlighted = target
        self._show_detail(self._order[target])

    def _update_heading(self, report: Report) -> None:
        flags = len(report.flags())
        gives = sum(1 for finding in report.findings if finding.category is Category.GIVE)
        notes = len(report.findings) - flags - gives
        parts = [plural(flags, 'flag'), plural(gives, 'give')]
        if notes:
            parts.append(plural(notes, 'note'))
        heading = Content.assemble((" · ".join(parts), "bold"), (f" · by {self.order_by} (s)", "dim"))
        self.query_one("#feedback-heading", Label).update(heading)

    @staticmethod
    def _option_prompt(finding: Finding) -> Content:
        return Content.assemble(
            finding_marker(finding),
            (f"  {finding.line}:{finding.column}", "dim"),
            ("  fixable" if finding.replacement is not None else "", "dim italic"),
            "\n",
            finding.message,
        )

    def _show_detail(self, index: int) -> None:
        report = self._report
        if report is None or index >= len(report.findings):
            return
        finding = report.findings[index]
        parts: list[Content | str | tuple[str, str]] = [
            finding_marker(finding),
            (f" · {finding.severity.value} · {finding.line}:{finding.column}", "dim"),
            "\n",
            ("“", "dim"),
            (finding.text, "italic"),
            ("”", "dim"),
            "\n",
            finding.message,
        ]
        if finding.suggestion:
            parts += ["\n", ("Try: ", "bold"), finding.suggestion]
        if finding.replacement is not None:
            replacement = finding.replacement or "(remove it)"
            parts += ["\n", ("Fix: ", "bold"), "“", (replacement, "italic"), "”", ("  ctrl+r applies", "dim")]
        for guideline_id in finding.guidelines:
            guideline = report.guidelines.get(guideline_id)
            title = guideline.title if guideline else ""
            parts += ["\n", (f"{guideline_id} ", "bold"), title]
            if self.show_explanations and guideline is not None:
                parts += ["\n", (guideline.explanation, "dim")]
        if finding.guidelines and not self.show_explanations:
            parts += ["\n", ("g: explain the guideline", "dim italic")]
        self.query_one("#finding-detail", FindingDetail).update(Content.assemble(*parts))

    # -- events -----------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#findings")
    def _finding_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        index = self.highlighted_index
        if index is not None:
            self._show_detail(index)

    @on(OptionList.OptionSelected, "#findings")
    def _finding_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = self.highlighted_index
        if index is not None and self._report is not None:
            self.post_message(self.FindingSelected(self, index, self._report.findings[index]))

    def watch_order_by(self) -> None:
        if self._report is not None:
            self._rebuild(keep=self._finding_key(self.highlighted_index))

    def watch_show_explanations(self) -> None:
        index = self.highlighted_index
        if index is not None:
            self._show_detail(index)

    def action_toggle_sort(self) -> None:
        self.order_by = "severity" if self.order_by == "position" else "position"

    def action_toggle_explanations(self) -> None:
        self.show_explanations = not self.show_explanations

    def action_back_to_editor(self) -> None:
        self.post_message(self.EditorRequested())

    def focus_findings(self) -> None:
        self.query_one("#findings", OptionList).focus()
