"""One browser tab's studio: ``coach serve`` starts ``python -m coach.web.tab`` for every connection."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from coach.report import Mode
from coach.web.sessions import SessionFolderError, session_folder


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m coach.web.tab", description=__doc__)
    parser.add_argument("--session", required=True, help="the visitor's session id (a folder under the data dir)")
    parser.add_argument("--mode", choices=[mode.value for mode in Mode], default=None)
    parser.add_argument("--lang", choices=["auto", "nl", "en"], default="auto")
    parser.add_argument("--engine-socket", type=Path, help="the shared engine of coach serve (default: an engine of its own)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        folder = session_folder(args.session)
    except SessionFolderError as error:
        print(f"coach: {error}", file=sys.stderr)
        return 2

    from coach.tui.served import ServedStudioApp

    options = {}
    if args.engine_socket is not None:
        from coach.web.engine_service import SharedEngine

        options["engine_factory"] = partial(SharedEngine, args.engine_socket)
    result = ServedStudioApp(session_folder=folder, mode=args.mode, lang=args.lang, **options).run()
    return 0 if result is None else int(result)


if __name__ == "__main__":
    sys.exit(main())
