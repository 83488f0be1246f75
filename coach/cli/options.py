"""Options and error reporting shared by the subcommands."""

from __future__ import annotations

import argparse
import sys

from coach.report import Mode, Severity

LANG_CHOICES = ("auto", "nl", "en")
MODE_CHOICES = tuple(m.value for m in Mode)


def add_language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=LANG_CHOICES, default="auto",
        help="language of the texts; 'auto' detects Dutch or English per text (default: auto)",
    )


def add_mode_option(parser: argparse.ArgumentParser, default: str | None = Mode.MESSAGE.value) -> None:
    parser.add_argument(
        "--mode", choices=MODE_CHOICES, default=default,
        help="what the text is: an elevator pitch, a follow-up after meeting someone, or a "
             "message to a group or a person; selling weighs more in a follow-up, recruiting "
             f"in a message (default: {default})",
    )


def add_fail_on_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on", choices=[s.value for s in Severity] + ["never"], default=Severity.WARNING.value,
        help="exit with 1 when a flag at or above this severity is found (default: warning)",
    )


def add_time_limit_option(parser: argparse.ArgumentParser) -> None:
    from coach.timeguard import DEFAULT_TIME_LIMIT

    parser.add_argument(
        "--time-limit", type=float, metavar="SECONDS", default=DEFAULT_TIME_LIMIT,
        help="stop analysing a text after this many seconds and report it as an error, so one "
             f"pathological text cannot stall the rest (default: {DEFAULT_TIME_LIMIT:g})",
    )


def error_line(message: str) -> None:
    """One line on stderr: what is wrong and where; never a traceback."""
    print(f"coach: {message}", file=sys.stderr)
