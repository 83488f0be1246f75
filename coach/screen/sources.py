"""Find the inputs (files, folders, standard input), tell their formats, and stream raw items."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict

from coach.errors import InputError
from coach.inputs import decode_bytes, read_text_file
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
    excluded = {p.resolve() for p in exclude}
    seen: set[Path] = set()
    plan = InputPlan(files=[])

    def add(path: str, explicit: bool) -> None:
        resolved = Path(path).resolve()
        if resolved in excluded or resolved in seen:
            return
        seen.add(resolved)
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            plan.files.append(InputFile(path=path, problem=f"cannot be read ({exc.strerror or exc})"))
            return
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
            for root, dirnames, filenames in os.walk(argument):
                hidden_dirs = [d for d in dirnames if d.startswith(".")]
                plan.hidden_skipped += len(hidden_dirs)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith("."):
                        plan.hidden_skipped += 1
                        continue
                    add(os.path.normpath(os.path.join(root, name)), explicit=False)
        elif os.path.exists(argument):
            add(argument, explicit=True)
        else:
            plan.files.append(InputFile(path=argument, problem="no such file or folder"))
    return plan


def _sniff_file(path: str) -> Format | None:
    try:
        with open(path, "rb") as handle:
            return sniff_format(handle.read(_SNIFF_BYTES))
    except OSError:
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
    try:
        if entry.format == "text":
            yield _text_item(path, lambda: read_text_file(path), entry.size or 0)
            return
        # Inputs are only ever opened for reading.
        with open(path, "rb") as stream:
            for item in _read_stream(stream, path, entry.format, named, notice):
                emitted += 1
                yield item
    except OSError as exc:
        # A failure half-way (a disk error, a file removed under us) keeps what was read.
        where = "while reading" if emitted else "cannot be read"
        yield RawItem(kind="error", source=path, id=path, origin=path,
                      error=f"{where}: {exc.strerror or exc}")


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
                   warnings=warnings, nbytes=nbytes)


def _without_prefix(message: str, path: str) -> str:
    return message[len(path) + 2:] if message.startswith(f"{path}: ") else message
