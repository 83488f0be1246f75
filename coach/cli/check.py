"""``coach check``: analyse texts from files or stdin and print a report for each."""

from __future__ import annotations

import argparse
import errno
import sys

from rich.console import Console

from coach.cli import exitcodes
from coach.cli.options import (
    add_fail_on_option, add_language_option, add_mode_option, add_time_limit_option, error_line,
)
from coach.errors import CoachError, InputError
from coach.inputs import DecodedText, read_text_file
from coach.render import render_json, render_text
from coach.report import Report, Severity
from coach.timeguard import AnalysisFailure, analyse_within



def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="analyse texts and report hard-sell, recruiting and take-without-give language",
        description=(
            "Analyse each text (a file, or '-' for standard input) and print its findings, "
            "scores and verdict. Exit status: 0 nothing at or above --fail-on, 1 findings at "
            "or above it, 2 a usage or input error (the other inputs are still analysed)."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="text files to analyse; '-' or nothing reads standard input")
    add_language_option(parser)
    add_mode_option(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_fail_on_option(parser)
    parser.add_argument("--explain", action="store_true", help="also list matches that context set aside, and why")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto, only on a terminal)")
    add_time_limit_option(parser)


def run(args: argparse.Namespace) -> int:
    if not args.paths and sys.stdin.isatty():
        error_line("check: give one or more text files, or pipe text in (e.g. 'coach check pitch.txt')")
        return exitcodes.USAGE
    paths = args.paths or ["-"]
    if paths.count("-") > 1:
        error_line("standard input ('-') can be read only once")
        return exitcodes.USAGE
    if args.time_limit <= 0:
        error_line("--time-limit must be more than 0 seconds")
        return exitcodes.USAGE
    texts: list[DecodedText] = []
    errors: list[dict[str, str]] = []
    for path in paths:
        try:
            decoded = read_text_file(path)
        except InputError as exc:
            error_line(str(exc))
            errors.append({"source": path, "error": str(exc)})
            continue
        if decoded.warning:
            error_line(decoded.warning)
        texts.append(decoded)
    from coach.engine import default_engine  # spaCy loads only when a command needs it
    from coach.language import detect_language

    engine = default_engine()
    try:
        # Build the pipelines the texts need first: the time limit is for analysing, not loading.
        # A few texts need few tokenizer exceptions: the tokenizer takes in the rest only
        # when many texts come (complete=False).
        engine.warm_up({args.lang} if args.lang != "auto" else {detect_language(t.text) for t in texts},
                       complete=False)
    except CoachError as exc:  # e.g. a broken rule pack
        error_line(str(exc))
        return exitcodes.USAGE
    reports: list[Report] = []
    failures: list[Exception] = []
    for decoded, outcome in zip(texts, analyse_within(
        engine, [t.text for t in texts], [t.source for t in texts], lang=args.lang,
        mode=args.mode, seconds=args.time_limit,
    )):
        if isinstance(outcome, AnalysisFailure):
            if isinstance(outcome.error, CoachError):  # e.g. a broken rule pack: one line, no text analysed
                error_line(str(outcome.error))
                return exitcodes.USAGE
            if outcome.error is not None:
                failures.append(outcome.error)  # a bug, not the user's doing: exit 3 below
            error_line(f"{decoded.source}: {outcome.reason}")
            errors.append({"source": decoded.source, "error": f"{decoded.source}: {outcome.reason}"})
        else:
            reports.append(outcome)
    _print(reports, errors, args)
    if failures:
        raise failures[0]
    if errors:
        return exitcodes.USAGE
    return exitcodes.FINDINGS if any(_fails(r, args.fail_on) for r in reports) else exitcodes.OK


def _print(reports: list[Report], errors: list[dict[str, str]], args: argparse.Namespace) -> None:
    if args.format == "json":
        sys.stdout.write(render_json(reports, errors) + "\n")
        return
    console = _Console(
        force_terminal={"always": True, "never": False}.get(args.color),
        no_color=args.color == "never", highlight=False, soft_wrap=True,
    )
    for index, report in enumerate(reports):
        if index:
            console.print()
        render_text(report, console, explain=args.explain)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich would exit with status 1, the "flags found" code; report the closed output instead.
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "broken pipe")


def _fails(report: Report, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.is_flag and f.severity.rank >= threshold for f in report.findings) or (
        threshold == Severity.INFO.rank and any(f.category.value != "give" for f in report.findings)
    )
