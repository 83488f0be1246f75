"""The ``coach`` command: parse arguments and hand over to a subcommand module.

Exit statuses are the same for every command: 0 fine, 1 findings that ask for attention,
2 a usage, input or output error (one line each), 3 an internal error (a bug: one line, and
the traceback with ``--debug``), 130 Ctrl-C, 143 SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import traceback
from collections.abc import Sequence

from coach.cli import exitcodes
from coach import __version__

#: Subcommand name -> module under ``coach.cli`` with ``register(subparsers)`` and ``run(args)``.
COMMANDS = {
    "check": "coach.cli.check",
    "studio": "coach.cli.studio",
    "screen": "coach.cli.screen",
    "eval": "coach.cli.evaluate",
    "rules": "coach.cli.rules",
    "serve": "coach.cli.serve",
    "lsp": "coach.cli.lsp",
}


_DEBUG_HELP = "on an internal error, print the full traceback (also: COACH_DEBUG=1)"


class Terminated(BaseException):
    """SIGTERM arrived: unwind (removing temporary files) and stop."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` that command's part (the others' modules
    stay unimported: ``screen``'s alone take longer to import than ``check`` to parse)."""
    parser = argparse.ArgumentParser(
        prog="coach",
        description=(
            "Coach for business-networking messages: marks hard-sell, recruiting and "
            "take-without-give language, and recognises give-first moves. "
            "Run without a command to open the rehearsal studio."
        ),
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = importlib.import_module(module_name)
        module.register(subparsers)
        subparsers.choices[name].add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                              help=_DEBUG_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list == ["--debug"]:
        args_list += ["studio"]
    named = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(named if named in COMMANDS else None)
    args = parser.parse_args(args_list)
    debug = bool(getattr(args, "debug", False)) or os.environ.get("COACH_DEBUG", "") not in ("", "0")
    module = importlib.import_module(COMMANDS[args.command])
    if args.command == "studio":
        return int(module.run(args) or 0)
    previous = _stop_on_sigterm()
    stdout = sys.stdout = _WatchedOutput(sys.stdout)
    try:
        code = int(module.run(args) or 0)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED
    except Terminated:
        print("coach: terminated (SIGTERM); nothing half-written was left behind", file=sys.stderr)
        return exitcodes.TERMINATED
    except OSError as exc:
        if stdout.failure is None and not isinstance(exc, BrokenPipeError):
            return _internal_error(exc, debug)
        # Standard output is gone or full: say so once, and keep Python from complaining
        # again when it flushes standard output on the way out.
        _silence_stdout(stdout)
        reason = ("the reader went away (broken pipe)" if isinstance(exc, BrokenPipeError)
                  else exc.strerror or str(exc))
        print(f"coach: cannot write to standard output: {reason}", file=sys.stderr)
        return exitcodes.USAGE
    except Exception as exc:  # noqa: BLE001 - every other failure is a bug: say so in one line
        return _internal_error(exc, debug)
    finally:
        sys.stdout = stdout.stream
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm():
    def terminate(signum, frame) -> None:
        raise Terminated()

    try:
        return signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread: leave signals alone
        return None


class _WatchedOutput:
    """Standard output that remembers a failed write, to tell it from other errors."""

    def __init__(self, stream):
        self.stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as exc:
            self.failure = exc
            raise

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as exc:
            self.failure = exc
            raise

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _silence_stdout(stdout: _WatchedOutput) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _internal_error(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc).splitlines()[0] if str(exc) else ""
    print(f"coach: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); this is a bug"
          + ("" if debug else " — run again with --debug for the details"), file=sys.stderr)
    return exitcodes.INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
