"""The ``coach`` command: parse arguments and hand over to a subcommand module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

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

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description=(
            "Coach for business-networking messages: marks hard-sell, recruiting and "
            "take-without-give language, and recognises give-first moves. "
            "Run without a command to open the rehearsal studio."
        ),
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        args_list = ["studio"]
    parser = build_parser()
    args = parser.parse_args(args_list)
    module = importlib.import_module(COMMANDS[args.command])
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
