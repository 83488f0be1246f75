"""``coach studio [FILE]``: open the rehearsal studio (also what ``coach`` alone does)."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from coach.cli import exitcodes
from coach.errors import CoachError
from coach.report import Mode



def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "studio",
        help="open the rehearsal studio: type or paste a text and get feedback as you write",
        description=(
            "Open the rehearsal studio, a full-screen editor that marks hard-sell, recruiting and "
            "take-without-give passages while you type and shows the scores of your text. "
            "Unsaved text is autosaved as a draft and offered back on the next start. "
            "F1 in the studio lists every key; ctrl+q quits."
        ),
    )
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="a .txt or .md file to open (created on the first save if it does not exist)",
    )
    parser.add_argument(
        "--mode",
        choices=[mode.value for mode in Mode],
        default=None,
        help="what the text is: a spoken pitch, a follow-up after meeting someone, or a message "
        "(default: message, or the mode of a restored draft)",
    )
    parser.add_argument(
        "--lang",
        choices=["auto", "nl", "en"],
        default="auto",
        help="language of the text (default: auto, detected while you type)",
    )


def run(args: argparse.Namespace) -> int:
    path: Path | None = args.file
    if path is not None:
        problem = _unopenable(path)
        if problem:
            print(f"coach: {problem}", file=sys.stderr)
            return exitcodes.USAGE
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "coach: the studio needs an interactive terminal; to analyse a file use `coach check FILE`",
            file=sys.stderr,
        )
        return exitcodes.USAGE

    from coach.tui.app import StudioApp

    app = StudioApp(path=path, mode=args.mode, lang=args.lang)
    _save_draft_on_hangup(app)
    result = app.run()
    return exitcodes.OK if result is None else int(result)


def _unopenable(path: Path) -> str | None:
    """Why the studio cannot open ``path``, or None (a missing file in an existing folder is new)."""
    if not path.exists():
        parent = path.parent if str(path.parent) else Path(".")
        return None if parent.is_dir() else f"{path}: the folder {parent} does not exist"
    from coach.tui.files import read_document

    try:
        read_document(path)
    except CoachError as error:
        return str(error)
    return None


def _save_draft_on_hangup(app) -> None:
    """A closed terminal sends SIGHUP: write the draft before the process goes."""
    if not hasattr(signal, "SIGHUP"):
        return

    def hang_up(signum, frame) -> None:
        try:
            app.studio.flush_draft()
        finally:
            app.exit(0)

    signal.signal(signal.SIGHUP, hang_up)
