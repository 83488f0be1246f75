"""A time limit per analysed text, so that one pathological text cannot stall a batch.

The limit is a real-time timer (SIGALRM) and so applies in the main thread of a process,
which is where ``coach check`` and the screening workers analyse; elsewhere (a library
caller's thread) texts are analysed without a limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from coach.report import Report

#: Seconds one text (or one batch) may take; a long text in chunks takes about 3 s per MB.
DEFAULT_TIME_LIMIT = 60.0


class TimeLimitExceeded(Exception):
    """The work took longer than its time limit."""


@dataclass(frozen=True)
class AnalysisFailure:
    """Why one text got no report: out of time (``error`` None) or an engine failure (a bug)."""

    reason: str
    error: Exception | None = None


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block once ``seconds`` have passed (None: no limit)."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeLimitExceeded(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def analyse_within(engine: Any, texts: Sequence[str], sources: Sequence[str], *, lang: Any, mode: Any,
                   seconds: float | None, noun: str = "text") -> list[Report | AnalysisFailure]:
    """A report per text in order, or an AnalysisFailure when its analysis failed or ran out of time.

    The batch runs at once within ``seconds``; when it fails or overruns, each text runs
    alone within ``seconds``, so only the text at fault is lost.
    """
    if not texts:
        return []
    try:
        with time_limit(seconds):
            return list(engine.analyze_many(list(texts), sources=list(sources), lang=lang, mode=mode,
                                            batch_size=len(texts)))
    except Exception:  # noqa: BLE001 - find the text that breaks or stalls the batch
        pass
    outcomes: list[Report | AnalysisFailure] = []
    for text, source in zip(texts, sources):
        try:
            with time_limit(seconds):
                outcomes.append(engine.analyze(text, source=source, lang=lang, mode=mode))
        except TimeLimitExceeded:
            outcomes.append(AnalysisFailure(
                f"the analysis took longer than {seconds:g} s (--time-limit); not analysed"))
        except Exception as exc:  # noqa: BLE001
            outcomes.append(AnalysisFailure(f"the engine failed on this {noun} ({type(exc).__name__}: {exc})", exc))
    return outcomes
