"""Screen raw items in batches, in this process or a pool of workers, yielding results in input order."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import Counter, deque
from contextlib import AbstractContextManager, nullcontext
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from coach.report import Mode, Report
from coach.screen.mail import UnreadableMessage, parse_mail
from coach.screen.model import FirstFinding, Message, RawItem, ScreenResult, ScreenVerdict
from coach.screen.policy import Policy
from coach.timeguard import DEFAULT_TIME_LIMIT, AnalysisFailure, analyse_within, time_limit

#: Messages sent to a worker at once; large enough to keep nlp.pipe busy.
DEFAULT_BATCH_SIZE = 256
#: A batch is also closed at this many bytes, so a few huge mails never pile up in memory.
MAX_BATCH_BYTES = 8 * 1024 * 1024
_VERDICT_RANK = {ScreenVerdict.OK: 0, ScreenVerdict.REVIEW: 1, ScreenVerdict.BLOCK: 2, ScreenVerdict.ERROR: 3}
#: Messages after which the engine starts afresh (see Runner): bounds its growing vocabulary.
RENEW_AFTER_MESSAGES = 20_000


class EngineLike(Protocol):
    def analyze_many(self, texts: Iterable[str], *, lang: str = ..., mode: str | Mode = ...,
                     sources: Iterable[str] | None = ..., batch_size: int = ...) -> Iterator[Report]: ...

    def analyze(self, text: str, *, lang: str = ..., mode: str | Mode = ..., source: str = ...) -> Report: ...


class ScreenSettings(BaseModel):
    """What every worker needs to know besides the policy."""

    model_config = ConfigDict(frozen=True)
    mode: Mode = Mode.MESSAGE
    lang: str = "auto"
    #: Keep the engine's whole report in each result (for ``--format json``).
    full_reports: bool = False
    #: Seconds a batch, and then each message of a failing batch, may take.
    time_limit: float | None = DEFAULT_TIME_LIMIT


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class BatchScreener:
    """Decodes, analyses and judges one batch; the same code runs in a worker or in-process."""

    def __init__(self, engine: EngineLike, policy: Policy, settings: ScreenSettings):
        self.engine = engine
        self.policy = policy
        self.settings = settings

    def screen(self, batch: list[tuple[int, RawItem]]) -> list[ScreenResult]:
        prepared: list[ScreenResult | Message] = []
        for index, raw in batch:
            prepared.append(self._prepare(index, raw))
        # Every text part of a message is analysed; the part with the worst verdict decides.
        wanted = [
            (position, text) for position, item in enumerate(prepared) if isinstance(item, Message)
            for text in (item.text, *item.other_parts) if text.strip()
        ]
        outcomes = self._analyse([prepared[p] for p, _ in wanted], [t for _, t in wanted])  # type: ignore[misc]
        by_position: dict[int, list[tuple[str, Report | AnalysisFailure]]] = {}
        for (position, text), outcome in zip(wanted, outcomes):
            by_position.setdefault(position, []).append((text, outcome))
        results: list[ScreenResult] = []
        for position, ((index, _raw), item) in enumerate(zip(batch, prepared)):
            if isinstance(item, ScreenResult):
                results.append(item)
            elif position not in by_position:
                results.append(self._empty(index, item))
            else:
                results.append(self._judge_parts(index, item, by_position[position]))
        return results

    def _judge_parts(self, index: int, message: Message,
                     parts: list[tuple[str, Report | AnalysisFailure]]) -> ScreenResult:
        failure = next((o for _, o in parts if isinstance(o, AnalysisFailure)), None)
        if failure is not None:
            return _error_result(index, message.id, message.source, message.origin,
                                 failure.reason, message.sender, message.subject)
        judged = [self._judge(index, message.model_copy(update={"text": text}), report)  # type: ignore[arg-type]
                  for text, report in parts]
        worst = max(range(len(judged)), key=lambda k: (_VERDICT_RANK[judged[k].verdict], -k))
        result = judged[worst]
        update: dict = {"obfuscated": any(r.obfuscated for r in judged)}
        if worst:
            update["reason"] = f"{result.reason} (in text part {worst + 1} of {len(judged)})"
        return result.model_copy(update=update)

    def _prepare(self, index: int, raw: RawItem) -> ScreenResult | Message:
        if raw.kind == "error":
            return _error_result(index, raw.id, raw.source, raw.origin, raw.error or "unreadable",
                                 raw.sender, raw.subject, raw.warnings)
        if raw.kind == "email":
            try:
                with time_limit(self.settings.time_limit):
                    return parse_mail(raw)
            except UnreadableMessage as exc:
                return _error_result(index, raw.id, raw.source, raw.origin, str(exc))
            except Exception as exc:  # noqa: BLE001 - one odd mail must not stop the run
                return _error_result(index, raw.id, raw.source, raw.origin,
                                     f"mail could not be parsed ({type(exc).__name__}: {exc})")
        return Message(id=raw.id, source=raw.source, origin=raw.origin, text=raw.text or "",
                       sender=raw.sender, subject=raw.subject, warnings=raw.warnings)

    def _analyse(self, messages: list[Message], texts: list[str]) -> list[Report | AnalysisFailure]:
        """Reports in order; a text the engine fails on, or that runs out of time, gets the reason."""
        return analyse_within(
            self.engine, texts, [m.id for m in messages], lang=self.settings.lang,
            mode=self.settings.mode, seconds=self.settings.time_limit, noun="message",
        )

    def _empty(self, index: int, message: Message) -> ScreenResult:
        return ScreenResult(
            index=index, id=message.id, source=message.source, origin=message.origin,
            sender=message.sender, subject=message.subject, verdict=ScreenVerdict.OK,
            reason="empty: no text of the sender's own to screen",
            set_aside_lines=message.set_aside_lines, warnings=message.warnings,
            mode=self.settings.mode.value,
        )

    def _judge(self, index: int, message: Message, report: Report) -> ScreenResult:
        decision = self.policy.decide(report, message)
        flags = report.flags()
        first = decision.finding
        return ScreenResult(
            index=index, id=message.id, source=message.source, origin=message.origin,
            sender=message.sender, subject=message.subject,
            verdict=ScreenVerdict(decision.verdict.value), reason=decision.reason,
            categories=tuple(c.value for c in report.categories()), flags=len(flags),
            category_counts=dict(Counter(f.category.value for f in flags)),
            rule_counts=dict(Counter(f.rule for f in flags)),
            first=FirstFinding(
                rule=first.rule, category=first.category.value, severity=first.severity.value,
                line=first.line, text=first.text, message=first.message,
            ) if first else None,
            set_aside_lines=message.set_aside_lines, language=report.language.value,
            mode=report.mode.value, warnings=message.warnings, allowed_by=decision.allowed_by,
            obfuscated=any(f.normalised for f in report.findings),
            report=report.to_json_dict() if self.settings.full_reports else None,
        )


def _error_result(index: int, id_: str, source: str, origin: str, reason: str,
                  sender: str | None = None, subject: str | None = None,
                  warnings: tuple[str, ...] = ()) -> ScreenResult:
    return ScreenResult(index=index, id=id_, source=source, origin=origin, sender=sender,
                        subject=subject, verdict=ScreenVerdict.ERROR, reason=reason,
                        warnings=warnings)


# --- batching and the pool ---------------------------------------------------------------------

_worker_screener: BatchScreener | None = None


def _init_worker(screener: BatchScreener) -> None:
    global _worker_screener
    # Ctrl-C is the main process's to handle: it stops feeding work and shuts the pool down;
    # SIGTERM (sent by the main process to stop a worker) must simply end the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_screener = screener


def _screen_in_worker(batch: list[tuple[int, RawItem]]) -> list[ScreenResult]:
    assert _worker_screener is not None, "worker used before its initializer ran"
    return _worker_screener.screen(batch)


def _ready() -> int:
    return os.getpid()


def batches(items: Iterable[RawItem], size: int) -> Iterator[list[tuple[int, RawItem]]]:
    """Numbered items (from 1) in batches of at most ``size`` items and about MAX_BATCH_BYTES."""
    batch: list[tuple[int, RawItem]] = []
    held = 0
    for index, item in enumerate(items, 1):
        batch.append((index, item))
        held += len(item.data or b"") + len(item.text or "")
        if len(batch) >= size or held >= MAX_BATCH_BYTES:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


class Runner:
    """Runs a BatchScreener over a stream of raw items with ``jobs`` processes.

    Results come back in input order whatever ``jobs`` is. With more than one job the
    workers are forked from this process after the engine is warmed up, so they share its
    loaded pipelines; at most ``2 × jobs`` batches are in flight.

    The engine's vocabulary and word caches grow with every new word it sees, so a long run
    would grow without end: every ``renew_after`` messages the workers are replaced by fresh
    forks of this process (whose engine never analyses anything), or, in-process, the engine
    by a new one from ``new_engine``. ``quiet`` is entered around each fork: it must stop any
    thread of ours (the progress bar), as forking a process with threads can deadlock the
    child. Use the runner as a context manager.
    """

    def __init__(self, screener: BatchScreener, jobs: int = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                 *, renew_after: int = RENEW_AFTER_MESSAGES,
                 new_engine: Callable[[], EngineLike] | None = None,
                 quiet: Callable[[], AbstractContextManager] = nullcontext):
        self.screener = screener
        self.jobs = max(1, jobs)
        self.batch_size = batch_size
        self.renew_after = renew_after
        self.new_engine = new_engine
        self.quiet = quiet
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Runner":
        if self.jobs > 1:
            self._start_pool()
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        self.close(abort=exc_type is not None)

    def _start_pool(self) -> None:
        # Workers must not see the Ctrl-C meant for us even before their initializer runs;
        # with fork they are all created at the first submit, which happens right here.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker, initargs=(self.screener,),
            )
            ready = [self._pool.submit(_ready) for _ in range(self.jobs)]
        finally:
            signal.signal(signal.SIGINT, previous)
        try:
            for future in ready:
                future.result()
        except BaseException:
            self.close(abort=True)
            raise

    def close(self, *, abort: bool = False) -> None:
        """Shut the pool down; ``abort`` (Ctrl-C, an error) stops the workers mid-batch."""
        if self._pool is None:
            return
        if abort:
            # Waiting for the running batches could take many seconds; their results are
            # not wanted any more. The executor has no public way to stop its workers.
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def results(self, items: Iterable[RawItem]) -> Iterator[ScreenResult]:
        since_renewal = 0
        if self._pool is None:
            for batch in batches(items, self.batch_size):
                if since_renewal >= self.renew_after and self.new_engine is not None:
                    self.screener.engine = self.new_engine()
                    since_renewal = 0
                yield from self.screener.screen(batch)
                since_renewal += len(batch)
            return
        in_flight: deque[tuple[list[tuple[int, RawItem]], Future]] = deque()
        limit = 2 * self.jobs
        for batch in batches(items, self.batch_size):
            if since_renewal >= self.renew_after:
                while in_flight:
                    yield from self._collect(*in_flight.popleft())
                self.close()
                with self.quiet():
                    self._start_pool()
                since_renewal = 0
            assert self._pool is not None
            in_flight.append((batch, self._pool.submit(_screen_in_worker, batch)))
            since_renewal += len(batch)
            if len(in_flight) >= limit:
                yield from self._collect(*in_flight.popleft())
        while in_flight:
            yield from self._collect(*in_flight.popleft())

    def _collect(self, batch: list[tuple[int, RawItem]], future: Future) -> list[ScreenResult]:
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerCrashed(
                f"a screening worker died ({exc}); messages {batch[0][0]}-{batch[-1][0]} were not screened"
            ) from None


class WorkerCrashed(RuntimeError):
    """A worker process died (killed, out of memory): the run cannot go on."""
