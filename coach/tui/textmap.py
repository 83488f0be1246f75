"""Conversions between character offsets in a text and the editor's (row, column) locations."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass


class LineIndex:
    """Line starts of one text, split the way Textual's ``Document`` splits it (``str.splitlines``)."""

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []
        self._lengths: list[int] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            content = line.splitlines()[0] if line.splitlines() else ""
            self._starts.append(offset)
            self._lengths.append(len(content))
            offset += len(line)
        if not self._starts or text.endswith(("\n", "\r")):
            # A trailing line break opens an empty last line, as in the editor.
            self._starts.append(offset)
            self._lengths.append(0)
        self._text_length = len(text)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def location(self, offset: int) -> tuple[int, int]:
        """The (row, column) of a character offset; offsets inside a line break clamp to its line's end."""
        offset = max(0, min(offset, self._text_length))
        row = bisect_right(self._starts, offset) - 1
        column = min(offset - self._starts[row], self._lengths[row])
        return row, column

    def offset(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self._starts) - 1))
        return self._starts[row] + max(0, min(column, self._lengths[row]))

    def pieces(self, start: int, end: int) -> Iterator[tuple[int, int, int]]:
        """Per-line parts ``(row, start_column, end_column)`` of the span ``[start, end)``."""
        start_row, start_column = self.location(start)
        end_row, end_column = self.location(end)
        for row in range(start_row, end_row + 1):
            first = start_column if row == start_row else 0
            last = end_column if row == end_row else self._lengths[row]
            if last > first:
                yield row, first, last


@dataclass(frozen=True)
class Edit:
    """The one contiguous region where two versions of a text differ."""

    start: int
    old_end: int
    new_end: int

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end


def find_edit(old: str, new: str) -> Edit | None:
    """The differing region between two texts, or None when they are equal."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    prefix = _common_prefix_length(old, new, limit)
    suffix_limit = limit - prefix
    suffix = _common_prefix_length(old[::-1], new[::-1], suffix_limit)
    return Edit(start=prefix, old_end=len(old) - suffix, new_end=len(new) - suffix)


def _common_prefix_length(a: str, b: str, limit: int) -> int:
    # Binary search on slice equality runs in C, which matters per keystroke on long texts.
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def shift_span(span: tuple[int, int], edit: Edit) -> tuple[int, int] | None:
    """Where a span lands after an edit; None when the edit touched the span itself."""
    start, end = span
    if end <= edit.start:
        return span
    if start >= edit.old_end:
        return start + edit.delta, end + edit.delta
    return None
