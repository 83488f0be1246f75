"""``coach serve``: the rehearsal studio in web browsers, one studio per tab (needs the [serve] extra)."""

from __future__ import annotations

import argparse
import ipaddress
import socket

from coach.cli import exitcodes
from coach.cli.options import LANG_CHOICES, MODE_CHOICES, error_line

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the rehearsal studio to web browsers (one studio per tab)",
        description=(
            "Serve the rehearsal studio to web browsers: open the printed address and every tab gets "
            "its own studio. It listens on this machine only unless --host says otherwise. In the "
            "browser the studio opens and saves no files on the server: paste your text, and ctrl+s / "
            "F9 download the text and the report. Drafts are kept per browser (a cookie) in the data "
            "directory, never shown to another visitor. ctrl+c stops the server."
        ),
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only); anything else "
             "lets other machines in, without password or encryption, and prints a warning",
    )
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default: {DEFAULT_PORT})")
    parser.add_argument(
        "--mode", choices=MODE_CHOICES, default=None,
        help="the mode each studio starts in (default: message, or the mode of a restored draft)",
    )
    parser.add_argument(
        "--lang", choices=LANG_CHOICES, default="auto",
        help="language of the texts (default: auto, detected while typing)",
    )
    parser.add_argument(
        "--max-sessions", type=_positive, default=16, metavar="N",
        help="studios (browser tabs) that may run at once; each takes about 40 MB beside the one "
             "engine they share (about 210 MB) (default: 16)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        from coach.web.server import ServeError, StudioOptions, StudioServer, is_loopback
    except ImportError as error:
        missing = (error.name or "a package").split(".")[0]
        error_line(f"coach serve needs the serve extra ({missing} is missing): pip install 'coach[serve]'")
        return exitcodes.USAGE

    if not is_loopback(args.host):
        error_line(
            f"warning: serving on {args.host}: anyone who can reach this machine on port {args.port} can use "
            "the studio, without a password and unencrypted. Use --host 127.0.0.1 unless you mean this."
        )
    server = StudioServer(
        args.host, args.port, options=StudioOptions(mode=args.mode, lang=args.lang), max_sessions=args.max_sessions
    )

    def announce(port: int) -> None:
        print(f"coach serve: the rehearsal studio is at {_address(args.host, port)} - open it in a web browser. "
              "ctrl+c stops the server.", flush=True)

    try:
        server.serve(announce=announce)
    except ServeError as error:
        error_line(str(error))
        return exitcodes.USAGE
    return exitcodes.OK


def _address(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", ""):
        return f"http://{socket.gethostname()}:{port}/ (and http://127.0.0.1:{port}/ on this machine)"
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"http://[{host}]:{port}/"
    except ValueError:
        pass
    return f"http://{host}:{port}/"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, not {port}")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number
