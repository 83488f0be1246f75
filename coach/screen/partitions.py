"""Split screening inputs into partitions a worker elsewhere can read on its own, with the same results.

A partition is either a group of whole files or a byte range of one big mbox, CSV or JSONL
file that starts on a message boundary. Reading every partition of a run in order gives
exactly the raw items ``read_inputs`` gives for the whole input: the same ids, ``file:line``
and ``file:row`` numbers, errors and column choices. Partitions are read where the file is
(``location``, an absolute path) and name it as the user did (``path``).

Nothing here imports Dask: the planning and reading are plain functions that any scheduler
(or a test) can call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict

from coach.screen.mail import _HEADER_LINE as MAIL_HEADER_LINE  # the rule read_mbox starts a message by
from coach.screen.mail import read_mbox
from coach.screen.model import RawItem
from coach.screen.sources import STDIN, InputFile, InputPlan, read_inputs
from coach.screen.tables import FieldNames, read_csv, read_jsonl

Notice = Callable[[str], None]
SplitFormat = Literal["mbox", "csv", "jsonl"]
SPLITTABLE: tuple[str, ...] = ("mbox", "csv", "jsonl")

#: A group of small files is closed at this many files even when it holds few bytes.
MAX_FILES_PER_GROUP = 500
_COUNT_BLOCK = 1024 * 1024


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class GroupedFile(_Frozen):
    """One whole file of a group: the planned input plus where a worker opens it."""

    file: InputFile
    location: str


class FileGroup(_Frozen):
    """Whole files, read one after the other as ``read_inputs`` reads them."""

    kind: Literal["files"] = "files"
    files: tuple[GroupedFile, ...]

    @property
    def nbytes(self) -> int:
        return sum(f.file.size or 0 for f in self.files)

    def describe(self) -> str:
        first = self.files[0].file.path
        return first if len(self.files) == 1 else f"{first} and {len(self.files) - 1} more file(s)"


class FileSlice(_Frozen):
    """Bytes ``start``-``end`` of one big file; ``start`` is the first byte of a message or row."""

    kind: Literal["slice"] = "slice"
    path: str
    location: str
    format: SplitFormat
    start: int
    end: int
    #: File line (mbox, JSONL) or spreadsheet row (CSV, header = 1) of the first byte.
    first_line: int
    #: The last line or row the slice holds, for messages about a slice that failed.
    last_line: int
    #: Read before the range, numbered line 1, never screened: the CSV header, or the JSONL
    #: line whose fields chose the columns for the rest of the file (else an empty line).
    prefix: bytes = b""

    @property
    def nbytes(self) -> int:
        return self.end - self.start

    def describe(self) -> str:
        unit = "rows" if self.format == "csv" else "lines"
        return f"{self.path} {unit} {self.first_line}-{self.last_line}"


Partition = FileGroup | FileSlice


class FilePlan(_Frozen):
    """How one big file is split, as worked out by a worker that can read it."""

    slices: tuple[FileSlice, ...] = ()
    #: What reading the file tells the user (the column choice), once for the whole file.
    notices: tuple[str, ...] = ()
    #: Why the file could not be opened where it was planned (it then stays one whole file).
    problem: str | None = None


class BigFile(_Frozen):
    """A file worth splitting; a worker plans its slices (``plan_file``)."""

    kind: Literal["big"] = "big"
    file: InputFile
    location: str


Unit = FileGroup | BigFile


def partition_units(plan: InputPlan, target_bytes: int) -> list[Unit]:
    """The inputs in order: runs of small files grouped, each big mbox/CSV/JSONL file on its own.

    A file is big when it holds more than 1.5 partitions' worth: smaller ones are cheaper to
    read whole than to plan.
    """
    units: list[Unit] = []
    group: list[GroupedFile] = []
    held = 0

    def close_group() -> None:
        nonlocal group, held
        if group:
            units.append(FileGroup(files=tuple(group)))
        group, held = [], 0

    for entry in plan.files:
        if entry.path == STDIN:
            raise ValueError("standard input cannot be read on other machines")
        location = os.path.abspath(entry.path)
        size = entry.size or 0
        if entry.problem is None and entry.format in SPLITTABLE and size > 1.5 * target_bytes:
            close_group()
            units.append(BigFile(file=entry, location=location))
            continue
        group.append(GroupedFile(file=entry, location=location))
        held += size
        if held >= target_bytes or len(group) >= MAX_FILES_PER_GROUP:
            close_group()
    close_group()
    return units


# --- planning one big file (runs where the file is) --------------------------------------------


def plan_file(big: BigFile, target_bytes: int, named: FieldNames) -> FilePlan:
    """Slices of about ``target_bytes`` on message boundaries, with their first line numbers."""
    entry = big.file
    fmt = entry.format
    try:
        with open(big.location, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            pieces = max(1, round(size / target_bytes))
            targets = [size * k // pieces for k in range(1, pieces)]
            if fmt == "csv":
                return _plan_csv(stream, big, size, targets, named)
            if fmt == "mbox":
                starts = _boundaries(targets, lambda t: _next_mbox_start(stream, t))
                return FilePlan(slices=_line_slices(stream, big, size, starts, lambda _start: b""))
            return _plan_jsonl(stream, big, size, targets, named)
    except OSError as exc:
        return FilePlan(problem=str(exc.strerror or exc))


def _boundaries(targets: Iterable[int], next_start: Callable[[int], int | None]) -> list[int]:
    """Byte offsets where slices start: 0, then the first boundary at or after each target."""
    starts = [0]
    for target in targets:
        found = next_start(max(target, starts[-1] + 1))
        if found is None:
            break
        if found > starts[-1]:
            starts.append(found)
    return starts


def _lines_from(stream: BinaryIO, offset: int) -> Iterator[tuple[int, bytes]]:
    stream.seek(offset)
    position = offset
    for line in iter(stream.readline, b""):
        yield position, line
        position += len(line)


def _next_line_start(stream: BinaryIO, offset: int) -> int | None:
    """The first line start at or after ``offset`` (that is not the end of the file)."""
    stream.seek(offset - 1)
    rest = stream.readline()
    start = offset - 1 + len(rest)
    stream.seek(start)
    return start if stream.read(1) else None


def _next_mbox_start(stream: BinaryIO, offset: int) -> int | None:
    """The next ``From `` line that read_mbox starts a message with: after a blank line, before a header.

    The line the offset falls in is skipped, since the one before it is not known; any later
    start will do as a slice boundary.
    """
    lines = _lines_from(stream, offset)
    next(lines, None)  # the rest of the line holding ``offset``
    before: bytes | None = None
    current: tuple[int, bytes] | None = None
    for position, line in lines:
        if current is not None:
            start, candidate = current
            if (before is not None and before.strip() == b"" and candidate.startswith(b"From ")
                    and MAIL_HEADER_LINE.match(line)):
                return start
            before = candidate
        current = (position, line)
    return None


def _count_lines(stream: BinaryIO, start: int, end: int) -> int:
    stream.seek(start)
    count = 0
    left = end - start
    while left > 0:
        block = stream.read(min(_COUNT_BLOCK, left))
        if not block:
            break
        count += block.count(b"\n")
        left -= len(block)
    return count


def _line_slices(stream: BinaryIO, big: BigFile, size: int, starts: list[int],
                 prefix_for: Callable[[int], bytes | None]) -> tuple[FileSlice, ...]:
    """Slices between consecutive starts, numbered by counting line ends; ``None`` prefix drops a slice."""
    slices: list[FileSlice] = []
    line = 1
    ends = starts[1:] + [size]
    for start, end in zip(starts, ends):
        lines_inside = _count_lines(stream, start, end)
        prefix = prefix_for(start) if start else b""
        if prefix is None:
            break
        ends_with_newline = _ends_with_newline(stream, end)
        last = line + max(0, lines_inside - (1 if ends_with_newline else 0))
        slices.append(FileSlice(path=big.file.path, location=big.location, format=big.file.format,  # type: ignore[arg-type]
                                start=start, end=end, first_line=line, last_line=last, prefix=prefix))
        line += lines_inside
    return tuple(slices)


def _ends_with_newline(stream: BinaryIO, end: int) -> bool:
    if end == 0:
        return False
    stream.seek(end - 1)
    return stream.read(1) == b"\n"


def _plan_jsonl(stream: BinaryIO, big: BigFile, size: int, targets: list[int],
                named: FieldNames) -> FilePlan:
    starts = _boundaries(targets, lambda t: _next_line_start(stream, t))
    # read_jsonl picks its columns from the first object it can; slices after that line get
    # it as their prefix so that they pick the same ones (and skip it), others an empty line.
    notices: list[str] = []
    current: dict[str, object] = {}

    def lines() -> Iterator[bytes]:
        for position, line in _lines_from(stream, 0):
            current.update(position=position, line=line)
            yield line

    chosen: tuple[int, bytes] | None = None
    skipped_at: int | None = None
    reader = read_jsonl(lines(), big.location, named, notices.append)
    for _item in reader:
        if notices:
            chosen = (current["position"], current["line"])  # type: ignore[assignment]
            break
    else:
        if notices:  # a report of ours: read_jsonl stops at this line
            skipped_at = current["position"]  # type: ignore[assignment]

    def prefix_for(start: int) -> bytes | None:
        if skipped_at is not None and start > skipped_at:
            return None
        if chosen is not None and chosen[0] < start:
            return chosen[1]
        return b"\n"

    slices = _line_slices(stream, big, size, starts, prefix_for)
    return FilePlan(slices=slices, notices=tuple(_renamed(n, big.location, big.file.path) for n in notices))


def _plan_csv(stream: BinaryIO, big: BigFile, size: int, targets: list[int],
              named: FieldNames) -> FilePlan:
    """CSV rows may span lines (quoted line breaks): only the CSV reader knows where a row ends."""
    consumed = 0
    header_end: int | None = None
    notices: list[str] = []

    def lines() -> Iterator[bytes]:
        nonlocal consumed
        for _position, line in _lines_from(stream, 0):
            consumed += len(line)
            yield line

    def notice(text: str) -> None:
        nonlocal header_end
        notices.append(text)
        if header_end is None:
            # read_csv reports its column choice right after reading the header row.
            header_end = consumed

    starts: list[tuple[int, int]] = [(0, 1)]  # (byte offset, row number there)
    last_row = 1
    pending = iter(targets)
    target = next(pending, None)
    for item in read_csv(lines(), big.location, named, notice):
        row = _line_of(item.source, big.location)
        if row is None or header_end is None:
            continue
        last_row = row
        while target is not None and consumed >= target:
            if consumed > starts[-1][0] and consumed < size:
                starts.append((consumed, row + 1))
            target = next(pending, None)
    if header_end is None or len(starts) == 1:
        starts = [(0, 1)]
    stream.seek(0)
    header = stream.read(header_end or 0)
    slices = []
    ends = [s for s, _ in starts[1:]] + [size]
    following = [r for _, r in starts[1:]] + [last_row + 1]
    for (start, row), end, next_row in zip(starts, ends, following):
        slices.append(FileSlice(path=big.file.path, location=big.location, format="csv", start=start, end=end,
                                first_line=row, last_line=max(row, next_row - 1),
                                prefix=header if start else b""))
    return FilePlan(slices=tuple(slices), notices=tuple(_renamed(n, big.location, big.file.path) for n in notices))


# --- reading a partition (runs where the files are) --------------------------------------------


class Unreadable(_Frozen):
    """A file this worker could not open, though the client found it."""

    path: str
    reason: str


def read_partition(partition: Partition, named: FieldNames, notice: Notice,
                   unreadable: Callable[[Unreadable], None]) -> Iterator[RawItem]:
    """The raw items of one partition, named and numbered as reading the whole input names them."""
    if isinstance(partition, FileGroup):
        yield from _read_group(partition, named, notice, unreadable)
    else:
        yield from _read_slice(partition, named, unreadable)


def _read_group(group: FileGroup, named: FieldNames, notice: Notice,
                unreadable: Callable[[Unreadable], None]) -> Iterator[RawItem]:
    for grouped in group.files:
        entry = grouped.file
        if entry.problem is not None:
            yield from read_inputs(InputPlan(files=[entry]), named, notice)
            continue
        try:
            with open(grouped.location, "rb"):
                pass
        except OSError as exc:
            unreadable(Unreadable(path=entry.path, reason=str(exc.strerror or exc)))
        here = entry.model_copy(update={"path": grouped.location})

        def renamed_notice(text: str, location: str = grouped.location, path: str = entry.path) -> None:
            notice(_renamed(text, location, path))

        for item in read_inputs(InputPlan(files=[here]), named, renamed_notice):
            yield _relocated(item, grouped.location, entry.path, 0)


def _read_slice(part: FileSlice, named: FieldNames,
                unreadable: Callable[[Unreadable], None]) -> Iterator[RawItem]:
    try:
        stream = open(part.location, "rb")
    except OSError as exc:
        reason = str(exc.strerror or exc)
        unreadable(Unreadable(path=part.path, reason=reason))
        where = f"{part.path}:{part.first_line}"
        unit = "rows" if part.format == "csv" else "lines"
        yield RawItem(kind="error", source=where, id=where, origin=part.path, nbytes=part.nbytes,
                      error=f"cannot be read on a screening worker ({reason}); {unit} "
                            f"{part.first_line}-{part.last_line} were not screened")
        return
    with stream:
        lines: Iterable[bytes] = _range_lines(stream, part.start, part.end)
        if part.prefix:
            lines = chain([part.prefix], lines)
        ignore: Notice = lambda _text: None  # noqa: E731 - the file's notices come from its plan
        if part.format == "mbox":
            items = read_mbox(lines, part.location)  # type: ignore[arg-type]
        elif part.format == "csv":
            items = read_csv(lines, part.location, named, ignore)  # type: ignore[arg-type]
        else:
            items = read_jsonl(lines, part.location, named, ignore)  # type: ignore[arg-type]
        shift = part.first_line - (2 if part.prefix else 1)
        for item in items:
            if part.prefix and _line_of(item.source, part.location) == 1:
                continue  # the prefix's own row: another slice screens it
            yield _relocated(item, part.location, part.path, shift)


def _range_lines(stream: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    stream.seek(start)
    left = end - start
    while left > 0:
        line = stream.readline(left)
        if not line:
            return
        left -= len(line)
        yield line


def _line_of(source: str, location: str) -> int | None:
    tail = source[len(location) + 1:] if source.startswith(location + ":") else ""
    return int(tail) if tail.isdigit() else None


def _renamed(text: str, location: str, path: str) -> str:
    return text.replace(location, path)


def _relocated(item: RawItem, location: str, path: str, shift: int) -> RawItem:
    """The item as reading ``path`` from its first line would give it."""

    def place(value: str) -> str:
        if value == location:
            return path
        number = _line_of(value, location)
        if number is not None:
            return f"{path}:{number + shift}"
        return value

    update: dict[str, object] = {"source": place(item.source), "id": place(item.id)}
    if item.origin == location:
        update["origin"] = path
    if item.error and location in item.error:
        update["error"] = _renamed(item.error, location, path)
    if any(location in w for w in item.warnings):
        update["warnings"] = tuple(_renamed(w, location, path) for w in item.warnings)
    return item.model_copy(update=update)
