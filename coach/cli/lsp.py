"""``coach lsp``: the language server over standard input and output (needs the [lsp] extra)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from coach.cli import exitcodes
from coach.cli.options import error_line



def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lsp",
        help="run the language server for editors (diagnostics, hover, quick fixes) over stdio",
        description=(
            "Run coach as a language server on standard input and output, for editors with an LSP "
            "client (VS Code, Neovim, Helix, ...). Plain text, Markdown and e-mail drafts get the "
            "findings of `coach check` as diagnostics while you type; hover shows the guideline; a quick "
            "fix applies a rule's replacement. Settings (mode, lang, extraPacks, policy, debounceMs) "
            "come from the editor's initializationOptions or workspace/didChangeConfiguration."
        ),
    )
    parser.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the only transport")
    parser.add_argument("--log-file", metavar="FILE", help="write the server's log to FILE (default: standard error)")


def run(args: argparse.Namespace) -> int:
    try:
        from coach.lsp.server import create_server
    except ImportError as error:
        missing = (error.name or "a package").split(".")[0]
        error_line(f"coach lsp needs the lsp extra ({missing} is missing): pip install 'coach[lsp]'")
        return exitcodes.USAGE
    logging.basicConfig(
        filename=args.log_file, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    # The protocol owns standard output: anything a library prints goes to standard error instead.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    create_server().start_io(stdin=sys.stdin.buffer, stdout=protocol_out)
    return exitcodes.OK
