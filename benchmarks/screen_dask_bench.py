"""Benchmark ``coach screen --dask``: messages/s against local --jobs, and the cost of a partition.

On one synthetic input (~120-word messages as JSONL, or an mbox with --mbox-mb), in this order:

1. local runs (the runner ``coach screen --jobs N`` uses) with --jobs 1 and 2;
2. a LocalCluster of 1 and of 2 worker processes, partitions sized as ``--dask`` sizes them;
3. the overhead per partition: the same input on 1 worker with ever smaller partitions, and the
   slope of time against the number of partitions;
4. start-up: ``coach screen`` on one message, local and with ``--dask local:2``, wall time.

Steps 1-3 time the screening only: the engines (local, and on every worker) are built before
the clock starts. Besides the rate (wall time, which other programs on the machine skew) it
prints the CPU time per message, which they do not: local processes, the Dask workers, and
the client with the LocalCluster's scheduler (which runs in the client process). Nothing
generated is kept.

    python benchmarks/screen_dask_bench.py                   # 10,000 messages
    python benchmarks/screen_dask_bench.py --messages 20000
    python benchmarks/screen_dask_bench.py --mbox-mb 64      # an mbox instead
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screen_bench import write_jsonl, write_mbox  # noqa: E402

from coach.engine import Engine  # noqa: E402
from coach.screen.distributed import DaskScreening, local_cluster, new_job  # noqa: E402
from coach.screen.policy import Policy  # noqa: E402
from coach.screen.runner import BatchScreener, Runner, ScreenSettings  # noqa: E402
from coach.screen.sources import plan_inputs, read_inputs  # noqa: E402
from coach.screen.tables import FieldNames  # noqa: E402

NAMED = FieldNames()
SETTINGS = ScreenSettings()
BATCH = 256


def cpu_now() -> float:
    """CPU seconds of this process and of its children that have exited."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def local_run(engine: Engine, paths: list[str], jobs: int) -> tuple[int, float, float]:
    """Messages, seconds and CPU seconds (this process and the pool's) of one local run."""
    screener = BatchScreener(engine, Policy(), SETTINGS)
    cpu = cpu_now()
    with Runner(screener, jobs=jobs, batch_size=BATCH) as runner:  # workers forked before the clock
        started = time.monotonic()
        count = sum(1 for _ in runner.results(read_inputs(plan_inputs(paths), NAMED, lambda _: None)))
        seconds = time.monotonic() - started
    return count, seconds, cpu_now() - cpu


class DaskRun:
    """One run on a cluster whose workers are warm: messages, seconds, partitions, CPU."""

    def __init__(self, screening: DaskScreening, paths: list[str], partition_bytes: int | None):
        screening.partition_bytes = partition_bytes
        self.partitions = 0
        self.worker_cpu = 0.0

        def outcome(result) -> None:
            self.partitions += 1
            self.worker_cpu += result.cpu_seconds

        screening.on_outcome = outcome
        client_cpu = time.process_time()
        started = time.monotonic()
        self.count = sum(1 for _ in screening.results(plan_inputs(paths), lambda _: None))
        self.seconds = time.monotonic() - started
        self.client_cpu = time.process_time() - client_cpu

    def describe(self) -> str:
        per = 1000 / self.count
        return (f"{self.count / self.seconds:>6,.0f} messages/s ({self.count:,} in {self.seconds:.1f} s); CPU per "
                f"message {self.worker_cpu * per:.2f} ms on the workers + {self.client_cpu * per:.2f} ms client "
                "and scheduler")


def warm(screening: DaskScreening, workdir: Path, workers: int) -> None:
    """Build every worker's engine: one small file per worker, one partition each."""
    files = []
    for n in range(workers * 2):
        path = workdir / f"warm-{n}.txt"
        path.write_text("Zullen we koffie drinken? " * 80)
        files.append(str(path))
    DaskRun(screening, files, 1024)


def startup(args: list[str], cwd: Path) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "coach", "screen", *args, "--quiet", "--list", "none"], cwd=cwd,
                   check=False, capture_output=True)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10000, help="messages in the JSONL input (default 10000)")
    parser.add_argument("--mbox-mb", type=int, help="screen an mbox of this many MB instead")
    parser.add_argument("--overhead-messages", type=int, default=2000,
                        help="messages for the per-partition overhead runs (default 2000)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="coach-dask-bench-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(args: argparse.Namespace, workdir: Path) -> None:
    if args.mbox_mb:
        data = workdir / "big.mbox"
        count = write_mbox(data, args.mbox_mb)
        what = f"{args.mbox_mb} MB mbox, {count:,} mails"
    else:
        data = workdir / "messages.jsonl"
        write_jsonl(data, args.messages)
        what = f"{args.messages:,} synthetic ~120-word messages (JSONL, {data.stat().st_size / 1048576:.1f} MB)"
    paths = [str(data)]
    print(f"Input: {what}; {os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.1f}")

    engine = Engine()
    engine.warm_up()
    for jobs in (1, 2):
        count, seconds, cpu = local_run(engine, paths, jobs)
        print(f"  local --jobs {jobs}:                   {count / seconds:>6,.0f} messages/s ({count:,} in "
              f"{seconds:.1f} s); CPU per message {1000 * cpu / count:.2f} ms")

    job = new_job(Policy(), SETTINGS, NAMED, BATCH)
    small = workdir / "overhead.jsonl"
    write_jsonl(small, args.overhead_messages, seed=3)
    for workers in (1, 2):
        with local_cluster(workers) as cluster, DaskScreening(cluster.scheduler_address, job) as screening:
            warm(screening, workdir, workers)
            screening.partition_bytes = None
            target = screening.target_bytes(plan_inputs(paths))
            measured = DaskRun(screening, paths, None)
            print(f"  Dask LocalCluster, {workers} worker(s): {measured.describe()}; {measured.partitions} "
                  f"partitions of about {target / 1048576:.1f} MB")
            if workers == 1:
                overhead(screening, [str(small)], small.stat().st_size)
    print(f"  load average after: {os.getloadavg()[0]:.1f}")

    one = workdir / "one.txt"
    one.write_text("Zullen we koffie drinken?\n")
    local_start = startup([one.name, "--jobs", "1"], workdir)
    dask_start = startup([one.name, "--dask", "local:2"], workdir)
    print(f"Start-up, one message, wall time: local {local_start:.1f} s; --dask local:2 {dask_start:.1f} s "
          "(cluster start, an engine per worker, shut-down)")


def overhead(screening: DaskScreening, paths: list[str], size: int) -> None:
    """Time against partitions on one warm worker; the slope is the cost of one partition."""
    runs = []
    for kb in (max(1, size // 1024), 64, 16, 4):
        measured = DaskRun(screening, paths, kb * 1024)
        runs.append(measured)
        print(f"    {measured.partitions:>4} partition(s) of {kb:>4} kB: {measured.describe()}")
    wall = _slope([(r.partitions, r.seconds) for r in runs])
    cpu = _slope([(r.partitions, r.worker_cpu + r.client_cpu) for r in runs])
    print(f"  overhead per partition (least-squares slope over these runs): {wall * 1000:.1f} ms wall, "
          f"{cpu * 1000:.1f} ms CPU")


def _slope(points: list[tuple[float, float]]) -> float:
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)


if __name__ == "__main__":
    sys.exit(main())
