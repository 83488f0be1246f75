"""The studio's text editor: highlights flagged passages in place and re-analyses while the user types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from coach.report import Category, Finding, Report
from coach.tui.textmap import LineIndex, find_edit, shift_span

#: Analyses a text; the studio binds mode and language into it.
Analyzer = Callable[[str], Report]

#: Seconds of quiet after a keystroke before the text is analysed again.
DEFAULT_DEBOUNCE = 0.08

_CATEGORY_STYLE = {
    Category.HARD_SELL: "editor--hard-sell",
    Category.RECRUITING: "editor--recruiting",
    Category.TAKE_WITHOUT_GIVE: "editor--take-without-give",
    Category.GIVE: "editor--give",
}


def style_name(finding: Finding) -> str:
    """The editor component class that colours a finding's passage."""
    if finding.category is not Category.GIVE and not finding.is_flag:
        return "editor--note"
    return _CATEGORY_STYLE[finding.category]


@dataclass
class _Mark:
    finding_index: int
    start: int
    end: int
    style: str


class Editor(TextArea):
    """A TextArea that shows the findings of the latest analysis as coloured spans.

    Analysis is debounced, runs in a thread worker one text at a time, and a result
    for a text that has changed since is discarded (and the latest text analysed).
    """

    COMPONENT_CLASSES = {
        "editor--hard-sell",
        "editor--recruiting",
        "editor--take-without-give",
        "editor--give",
        "editor--note",
        "editor--current",
    }

    class AnalysisStarted(Message):
        """The text is being analysed."""

    class AnalysisFinished(Message):
        """A report for the editor's current text is in and its findings are highlighted."""

        def __init__(self, editor: Editor, report: Report, text: str) -> None:
            super().__init__()
            self.editor = editor
            self.report = report
            self.text = text

        @property
        def control(self) -> Editor:
            return self.editor

    class AnalysisFailed(Message):
        """The analyser raised; ``error`` is a one-line description."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, text: str = "", *, debounce: float = DEFAULT_DEBOUNCE, **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("highlight_cursor_line", False)
        super().__init__(text, **kwargs)
        self.debounce = debounce
        self._analyzer: Analyzer | None = None
        self._report: Report | None = None
        self._marks: list[_Mark] = []
        self._marks_by_row: dict[int, list[tuple[int, int, str, int]]] = {}
        self._current_finding: int | None = None
        self._known_text = text
        #: Bumped whenever the text or the analyser changes; results of older generations are stale.
        self._generation = 0
        self._analysis_running = False
        self._analysis_wanted = False
        self._debounce_timer: Timer | None = None

    # -- analysis ---------------------------------------------------------------------------

    @property
    def report(self) -> Report | None:
        """The latest report, for the text as it was when analysed."""
        return self._report

    @property
    def analysis_pending(self) -> bool:
        """True while the shown findings may not match the text (waiting, or analysing)."""
        return self._analysis_running or self._analysis_wanted or self._debounce_timer is not None

    def set_analyzer(self, analyzer: Analyzer | None) -> None:
        """Use a new analyser (e.g. another mode or language) and re-analyse at once."""
        self._analyzer = analyzer
        self._generation += 1
        self.request_analysis(immediately=True)

    def request_analysis(self, *, immediately: bool = False) -> None:
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
            self._debounce_timer = None
        if immediately or self.debounce <= 0:
            self._start_analysis()
        else:
            self._debounce_timer = self.set_timer(self.debounce, self._debounce_elapsed)

    def _debounce_elapsed(self) -> None:
        self._debounce_timer = None
        self._start_analysis()

    def _start_analysis(self) -> None:
        if self._analyzer is None:
            self._analysis_wanted = True
            return
        if self._analysis_running:
            # One analysis at a time: the engine answers one text at a time, and only the latest matters.
            self._analysis_wanted = True
            return
        self._analysis_wanted = False
        self._analysis_running = True
        self.post_message(self.AnalysisStarted())
        self._analyse(self._analyzer, self.text, self._generation)

    @work(thread=True, exclusive=True, group="analysis", exit_on_error=False)
    def _analyse(self, analyzer: Analyzer, text: str, generation: int) -> None:
        try:
            report = analyzer(text)
        except Exception as error:  # the analyser is outside the UI's control; never crash the editor
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            self._deliver(self._analysis_failed, message)
            return
        # Delivered even if cancelled: _analysis_done drops stale results and frees the next analysis.
        self._deliver(self._analysis_done, report, text, generation)

    def _deliver(self, callback: Callable[..., None], *args: object) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # the app closed while the analysis ran; nobody is waiting for the result

    def _analysis_failed(self, error: str) -> None:
        self._analysis_running = False
        self.post_message(self.AnalysisFailed(error))
        if self._analysis_wanted:
            self._start_analysis()

    def _analysis_done(self, report: Report, text: str, generation: int) -> None:
        self._analysis_running = False
        if generation != self._generation or text != self.text:
            # Stale: the text or the settings changed while this ran; analyse the latest text.
            if self._debounce_timer is None:
                self._start_analysis()
            return
        self._report = report
        self._set_marks(report, text)
        self.post_message(self.AnalysisFinished(self, report, text))
        if self._analysis_wanted:
            self._start_analysis()

    # -- marks ------------------------------------------------------------------------------

    def _set_marks(self, report: Report, text: str) -> None:
        self._marks = [
            _Mark(index, finding.start, finding.end, style_name(finding))
            for index, finding in enumerate(report.findings)
            if 0 <= finding.start < finding.end <= len(text)
        ]
        self._current_finding = None
        self._rebuild_rows(text)

    def _rebuild_rows(self, text: str) -> None:
        lines = LineIndex(text)
        rows: dict[int, list[tuple[int, int, str, int]]] = {}
        # Praise first so that an overlapping flag is drawn over it.
        ordered = sorted(self._marks, key=lambda mark: (mark.style != "editor--give", mark.start))
        for mark in ordered:
            for row, first, last in lines.pieces(mark.start, mark.end):
                rows.setdefault(row, []).append((first, last, mark.style, mark.finding_index))
        self._marks_by_row = rows
        self._invalidate_rendered_lines()

    def _invalidate_rendered_lines(self) -> None:
        # TextArea caches rendered lines keyed on cursor/selection/theme, not on our marks.
        self._line_cache.clear()
        self.refresh()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        new_text = self.text
        edit = find_edit(self._known_text, new_text)
        self._known_text = new_text
        if edit is None:
            return
        self._generation += 1
        kept: list[_Mark] = []
        for mark in self._marks:
            moved = shift_span((mark.start, mark.end), edit)
            if moved is not None:
                kept.append(_Mark(mark.finding_index, moved[0], moved[1], mark.style))
        self._marks = kept
        self._rebuild_rows(new_text)
        # A paste, a fix or an undo is one deliberate change: no need to wait for typing to pause.
        self.request_analysis(immediately=edit.new_end - edit.start > 1 or edit.old_end - edit.start > 1)

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for first, last, style, finding_index in self._marks_by_row.get(line_index, ()):
            line.stylize(self.get_component_rich_style(style, partial=True), first, last)
            if finding_index == self._current_finding:
                line.stylize(self.get_component_rich_style("editor--current", partial=True), first, last)
        return line

    # -- findings in the text ---------------------------------------------------------------

    def span_of(self, finding_index: int) -> tuple[int, int] | None:
        """Where a finding's passage is now, or None when it has since been edited."""
        for mark in self._marks:
            if mark.finding_index == finding_index:
                return mark.start, mark.end
        return None

    def finding_at_cursor(self) -> int | None:
        """The index of the finding whose passage holds the cursor (flags before praise)."""
        offset = self.document.get_index_from_location(self.cursor_location)
        best: _Mark | None = None
        for mark in self._marks:
            if mark.start <= offset <= mark.end and (best is None or best.style == "editor--give"):
                best = mark
        return best.finding_index if best else None

    def set_current_finding(self, finding_index: int | None) -> None:
        """Emphasise one finding's passage (the one selected in the feedback panel)."""
        if finding_index != self._current_finding:
            self._current_finding = finding_index
            self._invalidate_rendered_lines()

    def reveal(self, finding_index: int) -> bool:
        """Select a finding's passage and scroll it into view; False when it is no longer there."""
        span = self.span_of(finding_index)
        if span is None:
            return False
        document = self.document
        start = document.get_location_from_index(span[0])
        end = document.get_location_from_index(span[1])
        self.set_current_finding(finding_index)
        self.select_text(start, end)
        return True

    def select_text(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.selection = Selection(start, end)
        self.scroll_cursor_visible(center=True)

    def apply_replacement(self, finding_index: int) -> bool:
        """Replace a finding's passage with its rule's concrete replacement, as one undoable edit."""
        if self._report is None or not 0 <= finding_index < len(self._report.findings):
            return False
        finding = self._report.findings[finding_index]
        span = self.span_of(finding_index)
        if finding.replacement is None or span is None or self.text[span[0] : span[1]] != finding.text:
            return False
        document = self.document
        start = document.get_location_from_index(span[0])
        end = document.get_location_from_index(span[1])
        self.history.checkpoint()
        self.replace(finding.replacement, start, end, maintain_selection_offset=False)
        self.history.checkpoint()
        return True

    def load_document(self, text: str) -> None:
        """Replace the whole text (a file was opened or a draft restored) and analyse it."""
        self._marks = []
        self._marks_by_row = {}
        self._report = None
        self.load_text(text)
