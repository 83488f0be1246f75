"""``coach screen --dask``: partitions read and screened on Dask workers, results back in input order.

The client plans partitions (coach.screen.partitions), submits a bounded number at a time and
yields the results in input order, so reports are the bytes a local run writes. Each worker
process builds one Engine and reuses it for every partition it screens. Needs the [dask]
extra; importing this module without it raises ImportError.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import distributed
from distributed import Client, Future, LocalCluster, as_completed
from distributed.scheduler import KilledWorker
from pydantic import BaseModel, ConfigDict

from coach.errors import CoachError
from coach.screen.model import ScreenResult
from coach.screen.partitions import (
    BigFile, FileGroup, FilePlan, GroupedFile, Partition, Unit, Unreadable, partition_units, plan_file,
    read_partition,
)
from coach.screen.policy import Policy
from coach.screen.runner import RENEW_AFTER_MESSAGES, BatchScreener, ScreenSettings, batches, default_jobs
from coach.screen.sources import InputPlan
from coach.screen.tables import FieldNames

LOCAL = "local"
#: Partitions per worker thread a run aims for, so that a slow partition or a lost worker
#: leaves the others work to share.
PARTITIONS_PER_WORKER = 4
#: Partition sizes stay within these bounds (see README, "coach screen on a Dask cluster").
MIN_PARTITION_BYTES = 1024 * 1024
MAX_PARTITION_BYTES = 16 * 1024 * 1024
#: How long to wait for the first worker of a cluster that has none yet.
WORKER_WAIT_SECONDS = 60
CONNECT_TIMEOUT = "10s"
#: Retries of a partition whose task raised (a passing disk or network fault). A worker that
#: dies is not a retry: its partitions go to the other workers, up to the scheduler's
#: ``distributed.scheduler.allowed-failures`` (3) deaths per partition.
TASK_RETRIES = 2

if TYPE_CHECKING:
    from coach.engine import Engine

Notice = Callable[[str], None]


class ClusterError(CoachError):
    """The cluster could not be reached or used: nothing was screened."""


class ScreeningStopped(CoachError):
    """The run stopped half-way (a partition was lost); what came before it was screened."""


class ScreenJob(BaseModel):
    """Everything a worker needs besides the partition: the same for every task of a run."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    policy: Policy
    settings: ScreenSettings
    named: FieldNames = FieldNames()
    batch_size: int
    #: House rule packs, read by the workers at these paths; the digest tells a changed pack.
    packs: tuple[str, ...] = ()
    packs_digest: str = ""
    #: The client's coach (code, rules, models): a worker with another one refuses to screen.
    fingerprint: str


class PartitionOutcome(BaseModel):
    """What one partition gave: results in input order (numbered from 1 within the partition)."""

    results: list[ScreenResult] = []
    notices: list[str] = []
    unreadable: list[Unreadable] = []
    #: The worker could not screen at all (its engine did not start, or it runs another coach).
    problem: str | None = None
    #: Wall and CPU time the worker spent on it (for benchmarks/screen_dask_bench.py).
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def new_job(policy: Policy, settings: ScreenSettings, named: FieldNames, batch_size: int) -> ScreenJob:
    packs = tuple(str(p) for p in policy.pack_paths)
    digest = hashlib.sha256()
    for pack in packs:  # by content: the same packs elsewhere give the same engine
        digest.update(Path(pack).read_bytes() + b"\0")
    return ScreenJob(policy=policy, settings=settings, named=named, batch_size=batch_size, packs=packs,
                     packs_digest=digest.hexdigest(), fingerprint=installation_fingerprint())


# --- on the workers ----------------------------------------------------------------------------

_fingerprint: str | None = None


def installation_fingerprint() -> str:
    """A digest of coach's code, rule packs and models here: equal digests screen alike."""
    global _fingerprint
    if _fingerprint is None:
        from coach.paths import models_dir, rules_dir

        digest = hashlib.sha256()
        for root in (Path(__file__).resolve().parents[1], rules_dir(), models_dir()):
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                # A wheel's coach/_data is rules/ and models/ again, counted from rules_dir() and models_dir().
                if (path.is_file() and "__pycache__" not in relative.parts and path.suffix != ".pyc"
                        and relative.parts[0] != "_data"):
                    digest.update(str(relative).encode() + b"\0" + path.read_bytes())
        _fingerprint = digest.hexdigest()
    return _fingerprint


class _WorkerEngine:
    """The engine of this worker process, kept between tasks and used by one task at a time.

    It is built again for other rule packs, and after RENEW_AFTER_MESSAGES messages, as the
    local runner renews its engines: its vocabulary grows with every new word it sees.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.engine: Engine | None = None
        self.packs_digest: str | None = None
        self.screened = 0

    def screener(self, job: ScreenJob) -> BatchScreener:
        if self.engine is None or self.packs_digest != job.packs_digest or self.screened >= RENEW_AFTER_MESSAGES:
            from coach.engine import Engine

            engine = Engine(extra_packs=list(job.packs))
            engine.warm_up()  # a broken pack shows here, not as an error on every message
            self.engine, self.packs_digest, self.screened = engine, job.packs_digest, 0
        return BatchScreener(self.engine, job.policy, job.settings)


_worker_engine = _WorkerEngine()


def screen_partition(partition: Partition, job: ScreenJob) -> PartitionOutcome:
    """Read one partition where it lies and screen it (a Dask task)."""
    started, cpu_started = time.monotonic(), time.process_time()
    if installation_fingerprint() != job.fingerprint:
        return PartitionOutcome(problem=(
            f"the worker at {_worker_address()} runs another coach than this machine (its code, rule "
            "packs or models differ); install the same coach, with the [dask] extra, on every worker"))
    notices: list[str] = []
    unreadable: list[Unreadable] = []
    results: list[ScreenResult] = []
    with _worker_engine.lock:
        try:
            screener = _worker_engine.screener(job)
        except CoachError as exc:
            return PartitionOutcome(problem=str(exc))
        except OSError as exc:
            return PartitionOutcome(problem=f"the worker at {_worker_address()} cannot start its engine: {exc}")
        items = read_partition(partition, job.named, notices.append, unreadable.append)
        for batch in batches(items, job.batch_size):
            results.extend(screener.screen(batch))
        _worker_engine.screened += len(results)
    return PartitionOutcome(results=results, notices=notices, unreadable=unreadable,
                            seconds=time.monotonic() - started, cpu_seconds=time.process_time() - cpu_started)


def _worker_address() -> str:
    try:
        return distributed.get_worker().address
    except ValueError:
        return "(not a Dask worker)"


# --- on the client -----------------------------------------------------------------------------


def parse_local(address: str) -> int | None:
    """Workers to start for ``local`` / ``local:N``; None for the address of a running scheduler."""
    if address != LOCAL and not address.startswith(LOCAL + ":"):
        return None
    count = address[len(LOCAL) + 1:]
    if not count:
        return default_jobs()
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--dask {address}: give local:N with N, the number of worker processes, 1 or more")
    return int(count)


def local_cluster(workers: int) -> LocalCluster:
    """A cluster of ``workers`` single-threaded processes on this machine, reachable only from it."""
    return LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
        # No dashboard; the scheduler's status page goes to a free port of 127.0.0.1.
        dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.CRITICAL,
    )


class DaskScreening:
    """A connection to a cluster (or a LocalCluster of our own) that screens an input plan.

    Use it as a context manager; leaving it through an exception (Ctrl-C) cancels the work
    still on the cluster and stops the workers of a local cluster at once.
    """

    def __init__(self, address: str, job: ScreenJob, *, partition_bytes: int | None = None,
                 on_partition: Callable[[int], None] | None = None,
                 on_problem: Notice | None = None):
        self.address = address
        self.job = job
        self.partition_bytes = partition_bytes
        self.on_partition = on_partition or (lambda _nbytes: None)
        #: Called with every partition's outcome as it is emitted (benchmarks read its timings).
        self.on_outcome: Callable[[PartitionOutcome], None] = lambda _outcome: None
        self.on_problem = on_problem or (lambda _text: None)
        self.client: Client | None = None
        self.cluster: LocalCluster | None = None
        self._futures: list[Future] = []
        self._run = uuid.uuid4().hex[:12]
        self._quiet = _QuietLogs()

    # connecting

    def __enter__(self) -> "DaskScreening":
        self._quiet.__enter__()
        try:
            self._connect()
        except BaseException:
            self.close(abort=True)
            raise
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        self.close(abort=exc_type is not None)

    def _connect(self) -> None:
        workers = parse_local(self.address)
        if workers is not None:
            # The workers must leave Ctrl-C to us (it reaches the whole process group on a
            # terminal): ignored signals stay ignored in the processes started meanwhile.
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                self.cluster = local_cluster(workers)
            finally:
                signal.signal(signal.SIGINT, previous)
            self.client = Client(self.cluster, set_as_default=False)
            return
        try:
            if os.path.isfile(self.address):  # a scheduler file (dask scheduler --scheduler-file)
                self.client = Client(scheduler_file=self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
            else:
                self.client = Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address}: {_reason(exc)}") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise ClusterError(
                f"no Dask worker has joined the scheduler at {self.address} in {WORKER_WAIT_SECONDS} s; "
                f"start some with: dask worker {self.address} --nthreads 1"
            ) from None

    def where(self) -> str:
        assert self.client is not None
        scheduler = self.client.scheduler.address
        return f"{scheduler} (started here, {self.address})" if self.cluster is not None else scheduler

    def workers(self) -> int:
        """Worker threads in the cluster now."""
        assert self.client is not None
        return max(1, sum(self.client.nthreads().values()))

    def close(self, *, abort: bool = False) -> None:
        try:
            if self.client is not None and self._futures and abort:
                self.client.cancel(self._futures, force=True)
            self._futures = []
            if self.cluster is not None and abort:
                _stop_local_workers(self.cluster)
            if self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self.client = self.cluster = None
            self._quiet.__exit__(None, None, None)

    # screening

    def target_bytes(self, plan: InputPlan) -> int:
        if self.partition_bytes:
            return self.partition_bytes
        share = (plan.total_bytes or 0) // (PARTITIONS_PER_WORKER * self.workers())
        return min(MAX_PARTITION_BYTES, max(MIN_PARTITION_BYTES, share))

    def results(self, plan: InputPlan, notice: Notice) -> Iterator[ScreenResult]:
        """Every message's result in input order, numbered from 1, as a local run gives them."""
        assert self.client is not None, "use DaskScreening as a context manager"
        client = self.client
        target = self.target_bytes(plan)
        units = partition_units(plan, target)
        planned = {
            position: client.submit(plan_file, unit, target, self.job.named, key=f"coach-plan-{self._run}-{position}",
                                    priority=1, retries=TASK_RETRIES)
            for position, unit in enumerate(units) if isinstance(unit, BigFile)
        }
        self._futures.extend(planned.values())
        feed = self._ordered(units, planned)
        in_flight: dict[Future, tuple[int, Partition, list[str]]] = {}
        done: dict[int, tuple[Partition, list[str], PartitionOutcome]] = {}
        waiting = as_completed(loop=client.loop)
        submitted = emitted = 0
        index = 0
        reported: set[str] = set()

        def top_up() -> None:
            nonlocal submitted
            limit = 2 * self.workers()
            while len(in_flight) < limit:
                step = next(feed, None)
                if step is None:
                    return
                partition, notices_before = step
                future = client.submit(screen_partition, partition, self.job, key=f"coach-screen-{self._run}-{submitted}",
                                       priority=-submitted, retries=TASK_RETRIES)
                self._futures.append(future)
                in_flight[future] = (submitted, partition, notices_before)
                waiting.add(future)
                submitted += 1

        top_up()
        for future in waiting:
            sequence, partition, notices_before = in_flight.pop(future)
            done[sequence] = (partition, notices_before, self._outcome(future, partition, started=index > 0))
            future.release()
            self._futures.remove(future)
            while emitted in done:
                partition, notices_before, outcome = done.pop(emitted)
                emitted += 1
                for text in notices_before + outcome.notices:
                    notice(text)
                for problem in outcome.unreadable:
                    if problem.path not in reported:
                        reported.add(problem.path)
                        self.on_problem(
                            f"a Dask worker cannot read {problem.path} ({problem.reason}); inputs must be "
                            "readable at the same path on every worker (shared storage)")
                self.on_partition(partition.nbytes)
                self.on_outcome(outcome)
                for result in outcome.results:
                    index += 1
                    yield result.model_copy(update={"index": index})
            top_up()

    def _ordered(self, units: list[Unit], planned: dict[int, Future]) -> Iterator[tuple[Partition, list[str]]]:
        """The partitions in input order, each with the notices to show before its results."""
        for position, unit in enumerate(units):
            if isinstance(unit, FileGroup):
                yield unit, []
                continue
            future = planned[position]
            file_plan: FilePlan = self._value(future, f"planning {unit.file.path}")
            future.release()
            self._futures.remove(future)
            if file_plan.problem is not None or not file_plan.slices:
                # Read it whole: the worker that does so reports what is wrong, as for any file.
                yield FileGroup(files=(GroupedFile(file=unit.file, location=unit.location),)), list(file_plan.notices)
                continue
            notices = list(file_plan.notices)
            for part in file_plan.slices:
                yield part, notices
                notices = []

    def _outcome(self, future: Future, partition: Partition, *, started: bool) -> PartitionOutcome:
        outcome: PartitionOutcome = self._value(future, f"screening {partition.describe()}")
        if outcome.problem is not None:
            # A worker that cannot screen at all: before any result that is a set-up error.
            raise (ScreeningStopped if started else ClusterError)(outcome.problem)
        return outcome

    def _value(self, future: Future, doing: str):  # noqa: ANN202 - a task's own return type
        try:
            return future.result()
        except KilledWorker as exc:
            raise ScreeningStopped(
                f"{doing}: it was tried on {exc.allowed_failures + 1} Dask worker(s) and each died (killed, "
                "or out of memory?); not every message was screened") from None
        except distributed.client.FutureCancelledError:
            raise ScreeningStopped(f"lost the Dask scheduler while {doing}; not every message was screened") from None
        except Exception as exc:  # noqa: BLE001 - a fault on a worker ends the run with one line
            raise ScreeningStopped(f"{doing} failed on a Dask worker ({_reason(exc)}); "
                                   "not every message was screened") from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _stop_local_workers(cluster: LocalCluster) -> None:
    """Stop our own worker processes now, not after the partitions they are screening (a task
    cannot be interrupted): tell their nannies not to restart them, then kill them. Closing the
    cluster afterwards reaps them."""
    for nanny in list(cluster.workers.values()):
        nanny.close_gracefully(reason="coach screen was interrupted")
        if nanny.pid:
            try:
                os.kill(nanny.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class _QuietLogs:
    """Dask logs its own view of failures (a worker lost, a task retried) on stderr; coach says
    what matters in its own words, so the ``distributed`` loggers are silenced meanwhile."""

    def __init__(self) -> None:
        self._logger = logging.getLogger("distributed")
        self._level: int | None = None

    def __enter__(self) -> None:
        if self._level is None:
            self._level = self._logger.level
            self._logger.setLevel(logging.CRITICAL + 1)

    def __exit__(self, *exc_info: object) -> None:
        if self._level is not None:
            self._logger.setLevel(self._level)
            self._level = None
