"""Find the inputs (files, folders, standard input), tell their formats, and stream raw items."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict

from coach.errors import InputError
from coach.inputs import (
    decode_bytes, describe_read_error, not_regular, open_regular, read_text_file,
)
from coach.screen.mail import MAX_MESSAGE_BYTES, looks_like_mail, read_mbox
from coach.screen.model import RawItem
from coach.screen.tables import FieldNames, read_csv, read_jsonl

Format = Literal["text", "eml", "mbox", "csv", "jsonl"]
FORMATS: tuple[str, ...] = ("text", "eml", "mbox", "csv", "jsonl")

SUFFIX_FORMATS: dict[str, Format] = {
    ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
    ".eml": "eml", ".msg822": "eml",
    ".mbox": "mbox", ".mbx": "mbox",
    ".csv": "csv", ".tsv": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}
STDIN = "-"
_SNIFF_BYTES = 4096

Notice = Callable[[str], None]


class InputFile(BaseModel):
    """One file (or standard input) to read, with the format it will be read as."""

    model_config = ConfigDict(frozen=True)
    path: str
    format: Format | None = None
    size: int | None = None
    #: Why the file cannot be read at all (missing, unreadable); it then gives one error row.
    problem: str | None = None


class InputPlan(BaseModel):
    """What a run will read, known before reading starts (for the progress bar and summary)."""

    files: list[InputFile]
    #: Files inside the folders that are not messages (pictures, spreadsheets, ...).
    ignored: list[str] = []
    #: Entries inside the folders that are not files at all (named pipes, sockets, devices,
    #: folders seen before through a symbolic link), each with the reason.
    skipped: list[str] = []
    hidden_skipped: int = 0

    @property
    def total_bytes(self) -> int | None:
        if any(f.path == STDIN for f in self.files):
            return None
        return sum(f.size or 0 for f in self.files)


def sniff_format(head: bytes) -> Format | None:
    """The format of data whose file name says nothing, from its first bytes."""
    if head.startswith(b"From "):
        return "mbox"
    if looks_like_mail(head):
        return "eml"
    return None


def plan_inputs(paths: Iterable[str], *, exclude: Iterable[Path] = (),
                forced_format: Format | None = None) -> InputPlan:
    """Walk the arguments in a stable order; folders recursively, hidden entries skipped.

    ``exclude`` holds files this run writes (the report), so a report inside a screened
    folder is never read back as input.
    """
    excluded = {_resolved(p) for p in exclude}
    seen: set[Path] = set()
    plan = InputPlan(files=[])

    def add(path: str, explicit: bool) -> None:
        resolved = _resolved(path)
        if resolved in excluded or resolved in seen:
            return
        seen.add(resolved)
        try:
            info = os.stat(path)
        except OSError as exc:
            plan.files.append(InputFile(path=path, problem=_without_prefix(describe_read_error(path, exc), path)))
            return
        kind = not_regular(info.st_mode)
        if kind:
            if explicit:
                plan.files.append(InputFile(path=path, problem=f"not a regular file ({kind}); "
                                                               "pipe its contents in with '-' instead"))
            else:
                plan.skipped.append(f"{path}: not a regular file ({kind})")
            return
        size = info.st_size
        fmt: Format | None = SUFFIX_FORMATS.get(Path(path).suffix.lower())
        if fmt is None:
            fmt = forced_format if explicit and forced_format else _sniff_file(path)
        if fmt is None:
            if not explicit:
                plan.ignored.append(path)
                return
            fmt = "text"
        plan.files.append(InputFile(path=path, format=fmt, size=size))

    for argument in paths:
        if argument == STDIN:
            plan.files.append(InputFile(path=STDIN, format=forced_format))
            continue
        if os.path.isdir(argument):
            # Symbolic links to folders are followed, each folder once: a link that leads back
            # up the tree (a loop) is noted and not walked again.
            visited: set[tuple[int, int]] = set()
            for root, dirnames, filenames in os.walk(argument, followlinks=True):
                identity = _identity(root)
                if identity in visited:
                    plan.skipped.append(f"{root}: a folder already screened (a loop of symbolic links)")
                    dirnames[:] = []
                    continue
                visited.add(identity)
                hidden_dirs = [d for d in dirnames if d.startswith(".")]
                plan.hidden_skipped += len(hidden_dirs)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith("."):
                        plan.hidden_skipped += 1
                        continue
                    add(os.path.normpath(os.path.join(root, name)), explicit=False)
        elif os.path.lexists(argument):
            add(argument, explicit=True)
        else:
            plan.files.append(InputFile(path=argument, problem="no such file or folder"))
    return plan


def _resolved(path: str | Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        return Path(os.path.abspath(path))


def _identity(folder: str) -> tuple[int, int]:
    try:
        info = os.stat(folder)
    except OSError:
        return (-1, hash(folder))
    return (info.st_dev, info.st_ino)


def _sniff_file(path: str) -> Format | None:
    try:
        with open_regular(path) as handle:
            return sniff_format(handle.read(_SNIFF_BYTES))
    except (OSError, InputError):
        return None


def read_inputs(plan: InputPlan, named: FieldNames, notice: Notice,
                stdin: BinaryIO | None = None) -> Iterator[RawItem]:
    """Raw items of every planned file in order; a file that fails gives an error item."""
    for entry in plan.files:
        if entry.problem:
            yield RawItem(kind="error", source=entry.path, id=entry.path, origin=entry.path,
                          error=entry.problem)
            continue
        if entry.path == STDIN:
            yield from _read_stdin(stdin or sys.stdin.buffer, entry.format, named, notice)
            continue
        yield from _read_file(entry, named, notice)


def _read_file(entry: InputFile, named: FieldNames, notice: Notice) -> Iterator[RawItem]:
    path = entry.path
    emitted = 0
    if not os.path.lexists(path):
        yield RawItem(kind="error", source=path, id=path, origin=path,
                      error="vanished after it was listed; not screened")
        return
    try:
        if entry.format == "text":
            item = _text_item(path, lambda: read_text_file(path), entry.size or 0)
            if item.kind == "text" and entry.size is not None and item.nbytes != entry.size:
                notice(_changed_size(path, entry.size, item.nbytes))
            yield item
            return
        # Inputs are only ever opened for reading, and only when they are regular files.
        with open_regular(path) as stream:
            for item in _read_stream(stream, path, entry.format, named, notice):
                emitted += 1
                yield item
            read = stream.tell()
        if entry.size is not None and read != entry.size:
            notice(_changed_size(path, entry.size, read))
    except InputError as exc:
        yield RawItem(kind="error", source=path, id=path, origin=path,
                      error=_without_prefix(str(exc), path))
    except OSError as exc:
        # A failure half-way (a disk error, a file removed under us) keeps what was read.
        where = "while reading" if emitted else "cannot be read"
        yield RawItem(kind="error", source=path, id=path, origin=path,
                      error=f"{where}: {exc.strerror or exc}")


def _changed_size(path: str, listed: int, read: int) -> str:
    change = "grew" if read > listed else "shrank"
    return (f"{path}: {change} while it was screened ({listed:,} bytes when listed, {read:,} read); "
            "what the file held when it was read was screened")


def _read_stream(stream: BinaryIO, path: str, fmt: Format | None, named: FieldNames,
                 notice: Notice) -> Iterator[RawItem]:
    if fmt == "mbox":
        yield from read_mbox(stream, path)
    elif fmt == "csv":
        yield from read_csv(stream, path, named, notice)
    elif fmt == "jsonl":
        yield from read_jsonl(stream, path, named, notice)
    elif fmt == "eml":
        data = stream.read(MAX_MESSAGE_BYTES + 1)
        if len(data) > MAX_MESSAGE_BYTES:
            yield RawItem(kind="error", source=path, id=path, origin=path,
                          error=f"mail is larger than {MAX_MESSAGE_BYTES // (1024 * 1024)} MB; not screened")
            return
        yield RawItem(kind="email", source=path, id=path, origin=path, data=data, nbytes=len(data))
    else:
        data = stream.read()
        yield _text_item(path, lambda: decode_bytes(path, data), len(data))


def _read_stdin(stream: BinaryIO, fmt: Format | None, named: FieldNames,
                notice: Notice) -> Iterator[RawItem]:
    if fmt is None:
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if hasattr(stream, "peek") else b""
        fmt = sniff_format(head)
        if fmt is None and head.lstrip().startswith(b"{"):
            fmt = "jsonl"
        fmt = fmt or "text"
        notice(f"standard input: read as {fmt} (choose with --input-format)")
    yield from _read_stream(stream, STDIN, fmt, named, notice)


def _text_item(path: str, read: Callable, nbytes: int) -> RawItem:
    try:
        decoded = read()
    except InputError as exc:
        return RawItem(kind="error", source=path, id=path, origin=path,
                       error=_without_prefix(str(exc), path), nbytes=nbytes)
    warnings = (_without_prefix(decoded.warning, path),) if decoded.warning else ()
    return RawItem(kind="text", source=path, id=path, origin=path, text=decoded.text,
                   warnings=warnings, nbytes=decoded.nbytes or nbytes)


def _without_prefix(message: str, path: str) -> str:
    return message[len(path) + 2:] if message.startswith(f"{path}: ") else message
