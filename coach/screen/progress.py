"""A progress bar on the terminal (rate and time left); nothing at all when output is piped."""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
)

#: Redrawing for every message would cost more than screening it.
_UPDATE_EVERY = 50


class ProgressBar:
    """Shows the share of input bytes screened (for the time left) and messages per second."""

    def __init__(self, total_bytes: int | None, *, enabled: bool):
        self._progress: Progress | None = None
        self._bytes = 0
        self._read_total = 0
        # Cumulative bytes read at each item still being screened (at most a few batches).
        self._pending: deque[int] = deque()
        self._messages = 0
        self._started = time.monotonic()
        if not enabled:
            return
        self._progress = Progress(
            TextColumn("screening"),
            BarColumn(bar_width=20),
            TaskProgressColumn(),
            TextColumn("{task.fields[messages]:,} msgs, {task.fields[rate]} msg/s"),
            TimeElapsedColumn(),
            TextColumn("elapsed,"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=Console(stderr=True),
            transient=True,
            # Lines printed to a terminal stdout go above the bar; piped stdout is left alone.
            redirect_stdout=sys.stdout.isatty(),
            redirect_stderr=False,
        )
        self._task = self._progress.add_task("screening", total=total_bytes, messages=0, rate="-")

    @staticmethod
    def wanted(quiet: bool) -> bool:
        return not quiet and sys.stderr.isatty()

    def __enter__(self) -> "ProgressBar":
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No drawing thread inside this block (the screening workers are forked in it)."""
        if self._progress is None:
            yield
            return
        self._progress.stop()
        try:
            yield
        finally:
            self._progress.start()

    def read(self, nbytes: int) -> None:
        """An item of ``nbytes`` was read; it counts once its result is in."""
        self._read_total += nbytes
        self._pending.append(self._read_total)

    def screened(self) -> None:
        self._messages += 1
        if self._pending:
            # Results come in input order, one per item read.
            self._bytes = self._pending.popleft()
        if self._progress is not None and self._messages % _UPDATE_EVERY == 0:
            self._refresh()

    def _refresh(self) -> None:
        assert self._progress is not None
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._progress.update(self._task, completed=self._bytes, messages=self._messages,
                              rate=f"{self._messages / elapsed:,.0f}")
