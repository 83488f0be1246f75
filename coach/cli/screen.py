"""``coach screen``: screen exports of many messages against the house policy, with a report file."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from coach.cli import exitcodes
from coach.cli.options import LANG_CHOICES, MODE_CHOICES, add_time_limit_option, error_line
from coach.errors import CoachError
from coach.report import Mode
from coach.screen.board import BoardReport
from coach.screen.model import RawItem, ScreenResult
from coach.screen.policy import DEFAULT_POLICY_NAME, check_rule_names, find_policy, load_policy
from coach.screen.progress import ProgressBar
from coach.screen.runner import (
    DEFAULT_BATCH_SIZE, BatchScreener, Runner, ScreenSettings, WorkerCrashed, default_jobs,
)
from coach.screen.sources import FORMATS, STDIN, InputPlan, plan_inputs, read_inputs
from coach.screen.summary import Summary, attention_line, render_summary
from coach.screen.tables import FieldNames
from coach.screen.writers import REPORT_FORMATS, ReportWriter, describe_write_error, format_for

if TYPE_CHECKING:
    from coach.engine import Engine


_EPILOG = f"""\
inputs:
  .txt/.md files (one message each), .eml mails, .mbox mailboxes, .csv and .jsonl exports
  (one message per row), folders (searched recursively; other files are listed as ignored)
  and '-' for standard input. In mail, quoted replies and signatures are set aside.

policy:
  {DEFAULT_POLICY_NAME} in the working directory, or --policy FILE: which findings block a
  message or hold it for review, house rule packs, and an allowlist. Without one, the
  engine's own verdicts apply. See coach.example.yaml and docs/screen.md.

exit status:
  0 every message ok; 1 some message needs review or is blocked; 2 a usage error, or a
  message that could not be read (its 'error' row says why); 130 interrupted.

examples:
  coach screen exports/ --report review.csv
  coach screen list.mbox posts.csv --policy board.yaml --report out.jsonl --board board.html
  coach screen /shared/exports --dask tcp://scheduler:8786 --report out.jsonl
  cat post.txt | coach screen -
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "screen",
        help="screen many messages (mail, mbox, CSV, JSONL, text files) against the house policy",
        description=(
            "Screen every message in the given files and folders for recruiting, hard-sell and\n"
            "take-without-give language, decide ok / review / block per message with the house\n"
            "policy, and print a summary plus one line per message that needs a look."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files and folders to screen; '-' reads standard input "
                             "(the default when input is piped)")
    parser.add_argument("--policy", metavar="FILE",
                        help=f"the house policy (default: ./{DEFAULT_POLICY_NAME} if it exists)")
    parser.add_argument("--mode", choices=MODE_CHOICES, default=None,
                        help="what the messages are: pitch, follow-up or message "
                             "(default: the policy's mode, else message)")
    parser.add_argument("--lang", choices=LANG_CHOICES, default=None,
                        help="language of the messages; auto detects Dutch or English per message "
                             "(default: the policy's, else auto)")
    parser.add_argument("--report", metavar="FILE",
                        help="write one row per message (also those that failed) to FILE; "
                             "'-' writes it to standard output")
    parser.add_argument("--format", choices=REPORT_FORMATS, default=None,
                        help="report format: jsonl or csv rows, or json with the full engine "
                             "reports (default: from the report's file name, else jsonl)")
    parser.add_argument("--board", metavar="FILE",
                        help="also write a report for the board: Markdown, or HTML when FILE "
                             "ends in .html")
    parser.add_argument("--text-field", metavar="NAME",
                        help="CSV column or JSON field holding the message (default: one named "
                             "like text, body or message; the choice is printed)")
    parser.add_argument("--id-field", metavar="NAME",
                        help="CSV column or JSON field holding the message id (default: one named "
                             "like id; else file:row)")
    parser.add_argument("--sender-field", metavar="NAME",
                        help="CSV column or JSON field naming the sender (default: one named like "
                             "sender, from or author)")
    parser.add_argument("--input-format", choices=FORMATS, default=None,
                        help="read standard input (and named files of unknown type) as this "
                             "format (default: guessed from the content)")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", default=None,
                        help=f"worker processes, at most one per CPU (default: all {default_jobs()} cores)")
    add_time_limit_option(parser)
    parser.add_argument("--batch-size", type=int, metavar="N", default=DEFAULT_BATCH_SIZE,
                        help=f"messages per batch sent to a worker (default: {DEFAULT_BATCH_SIZE})")
    parser.add_argument("--list", choices=("attention", "all", "none"), default="attention",
                        help="which messages get a line of their own (default: attention, "
                             "i.e. review, block and error)")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress bar and no notes about columns or ignored files")
    # --- coach screen on a Dask cluster (the [dask] extra) ---
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="screen on a Dask cluster: a scheduler address (tcp://host:8786) or "
                             "scheduler file, or local[:N] for N worker processes on this machine; "
                             "the inputs must be readable at the same path on every worker")
    parser.add_argument("--partition-kb", type=int, metavar="N", default=None,
                        help="with --dask: split inputs into partitions of about N kB (default: "
                             "a quarter of the input per worker, 1-16 MB)")


def run(args: argparse.Namespace) -> int:
    problem = _usage_problem(args)
    if problem:
        error_line(problem)
        return exitcodes.USAGE
    paths = args.paths or [STDIN]
    out: TextIO = sys.stderr if args.report == STDIN else sys.stdout

    def notice(text: str) -> None:
        if not args.quiet:
            error_line(text)

    try:
        policy = load_policy(find_policy(args.policy))
        mode = Mode(args.mode) if args.mode else policy.mode
        settings = ScreenSettings(mode=mode, lang=args.lang or policy.lang,
                                  full_reports=format_for(args.report or "", args.format) == "json",
                                  time_limit=args.time_limit)
        # With --dask, the workers build the engines.
        engine = None if args.dask else _warm_engine(policy.pack_paths)
        check_rule_names(policy, known_rule_ids(policy.pack_paths))
    except CoachError as exc:
        error_line(str(exc))
        return exitcodes.USAGE
    jobs = args.jobs or default_jobs()
    if jobs > default_jobs():
        notice(f"--jobs {jobs} is more than the {default_jobs()} CPUs of this machine; using {default_jobs()}")
        jobs = default_jobs()

    outputs = [Path(p) for p in (args.report, args.board) if p and p != STDIN]
    plan = plan_inputs(paths, exclude=outputs, forced_format=args.input_format)
    if plan.ignored:
        shown = ", ".join(plan.ignored[:5]) + (f" and {len(plan.ignored) - 5} more" if len(plan.ignored) > 5 else "")
        notice(f"ignored {len(plan.ignored)} file(s) that are not messages: {shown}")
    for skipped in plan.skipped:
        notice(f"skipped {skipped}")
    if not plan.files:
        notice("nothing to screen: no message files found")

    summary = Summary(policy=policy.source)
    writer: ReportWriter | None = None
    board: BoardReport | None = None
    try:
        writer = (ReportWriter(args.report, format_for(args.report, args.format), policy=policy.source)
                  if args.report else None)
        board = BoardReport(args.board) if args.board else None
    except OSError as exc:
        _discard(writer, board)
        error_line(describe_write_error(args.board if writer else args.report, exc) + "; nothing was screened")
        return exitcodes.USAGE
    screener = BatchScreener(engine, policy, settings)
    named = FieldNames(text=args.text_field, id=args.id_field, sender=args.sender_field)
    started = time.monotonic()
    progress = ProgressBar(plan.total_bytes, enabled=ProgressBar.wanted(args.quiet))

    def counted(items: Iterator[RawItem]) -> Iterator[RawItem]:
        for item in items:
            progress.read(item.nbytes)
            yield item

    writing = args.report

    @contextmanager
    def local_results() -> Iterator[Iterator[ScreenResult]]:
        with Runner(screener, jobs=jobs, batch_size=args.batch_size,
                    new_engine=lambda: _warm_engine(policy.pack_paths), quiet=progress.paused) as runner:
            yield runner.results(counted(read_inputs(plan, named, notice)))

    stopped: tuple[type[Exception], ...] = ()  # a cluster run that ends half-way
    if args.dask:
        from coach.screen.distributed import ScreeningStopped

        stopped = (ScreeningStopped,)
    try:
        with (_dask_results(args, plan, policy, settings, named, progress, notice) if args.dask
              else local_results()) as results, progress:
            for result in results:
                summary.add(result)
                writing = args.report
                if writer:
                    writer.write(result)
                writing = args.board
                if board:
                    board.add(result)
                writing = STDIN
                if args.list == "all" or (args.list == "attention" and result.verdict.needs_attention):
                    print(attention_line(result), file=out)
                progress.screened()
        writing = args.report
        if writer:
            writer.finish(summary.to_dict())
        writing = args.board
        if board:
            board.finish(summary)
    except KeyboardInterrupt:
        summary.interrupted = True
        _discard(writer, board)
        _print_summary(summary, out, time.monotonic() - started)
        error_line("interrupted: " + ("no report was written" if writer or board else "partial summary above"))
        return exitcodes.INTERRUPTED
    except WorkerCrashed as exc:
        _discard(writer, board)
        error_line(f"{exc}; no report was written")
        return exitcodes.USAGE
    except stopped as exc:
        summary.interrupted = True
        _discard(writer, board)
        _print_summary(summary, out, time.monotonic() - started)
        error_line(f"{exc}; no report was written")
        return exitcodes.USAGE
    except CoachError as exc:  # the cluster could not be used; nothing was screened
        _discard(writer, board)
        error_line(str(exc))
        return exitcodes.USAGE
    except OSError as exc:
        _discard(writer, board)
        if isinstance(exc, BrokenPipeError) and (writing or STDIN) == STDIN:
            raise  # standard output is gone: the command's caller says so once
        lost = "; no report was written" if (writer or board) else ""
        error_line(describe_write_error(writing or STDIN, exc) + lost)
        return exitcodes.USAGE
    except BaseException:
        _discard(writer, board)
        raise
    _print_summary(summary, out, time.monotonic() - started)
    for label, target, rows in (("report", args.report, writer.rows if writer else 0),
                                ("board report", args.board, None)):
        if target and target != STDIN:
            print(f"Wrote the {label} to {target}" + (f" ({rows:,} rows)" if rows is not None else ""),
                  file=out)
    return summary.exit_code()


def known_rule_ids(packs: list[Path]) -> set[str]:
    """Every rule id in force, in either language: the ones ``coach rules`` lists."""
    from coach.rules.rulepack import LANGUAGES, load_rules

    return {rule.id for lang in LANGUAGES for rule in load_rules(lang, packs).rules}


@contextmanager
def _dask_results(args: argparse.Namespace, plan: InputPlan, policy, settings: ScreenSettings,
                  named: FieldNames, progress: ProgressBar, notice) -> Iterator[Iterator[ScreenResult]]:
    """Results of a run on the Dask cluster ``--dask`` names (coach.screen.distributed)."""
    from coach.screen.distributed import DaskScreening, new_job

    job = new_job(policy, settings, named, args.batch_size)
    partition_bytes = args.partition_kb * 1024 if args.partition_kb else None
    with DaskScreening(args.dask, job, partition_bytes=partition_bytes, on_partition=progress.read,
                       on_problem=error_line) as screening:
        size = screening.target_bytes(plan)
        shown = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, size // 1024)} kB"
        notice(f"screening on the Dask cluster at {screening.where()} ({screening.workers()} worker threads, "
               f"partitions of about {shown})")
        yield screening.results(plan, notice)


def _warm_engine(packs: list[Path]) -> "Engine":
    from coach.engine import Engine  # spaCy loads only when a command needs it

    engine = Engine(extra_packs=packs)
    engine.warm_up()
    return engine


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.dask:
        problem = _dask_usage_problem(args)
        if problem:
            return problem
    elif args.partition_kb is not None:
        return "--partition-kb needs --dask"
    if args.jobs is not None and args.jobs < 1:
        return "--jobs must be 1 or more"
    if args.batch_size < 1:
        return "--batch-size must be 1 or more"
    if args.format and not args.report:
        return "--format needs --report FILE (or --report - for standard output)"
    if not args.paths and sys.stdin.isatty():
        return "give the files or folders to screen (or '-' to read standard input)"
    if (args.paths or []).count(STDIN) > 1:
        return "standard input ('-') can be read only once"
    if args.board == STDIN:
        return "--board needs a file name"
    for option, target in (("--report", args.report), ("--board", args.board)):
        if target and target != STDIN:
            folder = os.path.dirname(os.path.abspath(target))
            if not os.path.isdir(folder):
                return f"{option} {target}: the folder {folder} does not exist"
            if os.path.isdir(target):
                return f"{option} {target}: is a folder; give a file name"
            clash = _output_clash(option, target, args.paths or [])
            if clash:
                return clash
    if args.report and args.board and args.report != STDIN and _real(args.report) == _real(args.board):
        return "--report and --board name the same file; give each its own"
    if args.time_limit is not None and args.time_limit <= 0:
        return "--time-limit must be more than 0 seconds"
    return None


def _real(path: str) -> str:
    return os.path.realpath(path)


def _output_clash(option: str, target: str, inputs: list[str]) -> str | None:
    """Why writing ``target`` would touch an input (an input file, or inside a screened folder)."""
    written = _real(target)
    for argument in inputs:
        if argument == STDIN:
            continue
        source = _real(argument)
        if os.path.isdir(argument):
            if Path(written).is_relative_to(source):
                return (f"{option} {target}: lies inside the screened folder {argument}; "
                        "write it outside the folders being screened")
        elif written == source or _same_file(target, argument):
            return f"{option} {target}: is one of the inputs; give another file name (nothing was written)"
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _dask_usage_problem(args: argparse.Namespace) -> str | None:
    try:
        import distributed  # noqa: F401
    except ImportError as error:
        missing = (error.name or "dask").split(".")[0]
        return f"coach screen --dask needs the dask extra ({missing} is missing): pip install 'coach[dask]'"
    if args.jobs is not None:
        return "--jobs does not apply with --dask: the cluster's workers screen (local:N starts N of them)"
    if not args.paths or STDIN in args.paths:
        return "--dask reads files where the workers run: give files or folders, not standard input"
    if args.partition_kb is not None and args.partition_kb < 1:
        return "--partition-kb must be 1 or more"
    return None


def _discard(*writers: object) -> None:
    for writer in writers:
        if writer is not None:
            writer.discard()  # type: ignore[attr-defined]


def _print_summary(summary: Summary, out: TextIO, elapsed: float) -> None:
    if summary.attention or summary.errors:
        print(file=out)
    for line in render_summary(summary):
        print(line, file=out)
    rate = summary.messages / elapsed if elapsed > 0 else 0.0
    print(f"Time: {elapsed:.1f} s ({rate:,.0f} messages/s)", file=out)

