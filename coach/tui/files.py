"""Opening and saving the studio's text files (.txt and .md)."""

from __future__ import annotations

import os
from pathlib import Path

from coach.atomic import write_atomically
from coach.errors import CoachError

#: The file types the open dialog lists; other text files can still be typed in by name.
TEXT_SUFFIXES = (".txt", ".md", ".markdown")


_BLANK_FILE_LIMIT = 4096


class DocumentSaveError(CoachError):
    """A document could not be written."""


def read_document(path: Path) -> tuple[str, str | None]:
    """The text of a file and a warning (e.g. about replaced bytes), or InputError."""
    from coach.errors import InputError
    from coach.inputs import read_text_file

    try:
        decoded = read_text_file(path)
    except InputError:
        # The engine refuses blank texts, but an empty file is a fine place to start writing.
        if path.is_file() and path.stat().st_size <= _BLANK_FILE_LIMIT:
            data = path.read_bytes()
            if not data.strip():
                return data.decode("utf-8", errors="replace"), None
        raise
    return decoded.text, decoded.warning


def write_document(path: Path, text: str) -> None:
    """Write atomically, so that a crash mid-save never leaves a truncated file."""
    path = path.expanduser()
    if path.is_dir():
        raise DocumentSaveError(f"{path}: is a directory; give a file name")
    if not path.parent.is_dir():
        raise DocumentSaveError(f"{path}: the folder {path.parent} does not exist")
    try:
        write_atomically(path, text.encode("utf-8"), path.stat().st_mode & 0o7777 if path.exists() else _new_file_mode())
    except OSError as error:
        raise DocumentSaveError(f"{path}: cannot save ({error.strerror})") from None


def _new_file_mode() -> int:
    # Temporary files are private (0600); a saved document gets the usual umask-based mode.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
