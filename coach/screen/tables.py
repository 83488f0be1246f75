"""CSV and JSONL exports: one message per row, with the text, id and sender columns picked by name."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from email.utils import parseaddr
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict

from coach.inputs import DecodedLines
from coach.screen.model import RawItem

Notice = Callable[[str], None]

# Names are compared after lower-casing and turning spaces and dashes into "_"; the first
# name in each list that a column has exactly wins, then the first that a column contains.
TEXT_NAMES = ("text", "body", "message", "content", "bericht", "tekst", "inhoud", "post", "comment")
ID_NAMES = ("id", "message_id", "messageid", "msg_id", "post_id", "uuid", "key", "nr")
SENDER_NAMES = ("sender", "from", "author", "afzender", "van", "email", "e_mail")
SUBJECT_NAMES = ("subject", "title", "onderwerp", "titel")

#: Our own report's first columns: a report left in a folder is not an export to screen.
REPORT_COLUMNS = ("index", "id", "source", "sender", "subject", "verdict", "reason")

_DELIMITERS = (",", ";", "\t", "|")
_MAX_FIELD_CHARS = 16 * 1024 * 1024


class FieldNames(BaseModel):
    """Column names the user gave with --text-field, --id-field and --sender-field."""

    model_config = ConfigDict(frozen=True)
    text: str | None = None
    id: str | None = None
    sender: str | None = None


class Columns(BaseModel):
    """The columns one file is read with."""

    model_config = ConfigDict(frozen=True)
    text: str
    id: str | None = None
    sender: str | None = None
    subject: str | None = None

    def describe(self) -> str:
        parts = [f"text from {self.text!r}"]
        for role in ("id", "sender", "subject"):
            value = getattr(self, role)
            parts.append(f"{role} from {value!r}" if value else f"no {role} column")
        return ", ".join(parts)


class ColumnProblem(Exception):
    """The file has no usable text column (or lacks a column the user named)."""


def _normal(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().lower())


def _pick(columns: list[str], names: tuple[str, ...], taken: set[str], *, contains: bool) -> str | None:
    normal = {column: _normal(column) for column in columns if column not in taken}
    for name in names:
        for column, norm in normal.items():
            if norm == name:
                return column
    if contains:
        for name in names:
            for column, norm in normal.items():
                if name in norm.split("_") or norm.endswith(name):
                    return column
    return None


def choose_columns(columns: list[str], named: FieldNames, *, dotted: bool = False) -> Columns:
    """Pick the text, id, sender and subject columns; raises ColumnProblem when there is no text."""

    def explicit(role: str, name: str) -> str:
        if name in columns or (dotted and "." in name):
            return name
        raise ColumnProblem(
            f"no {role} column {name!r} (columns: {', '.join(columns) or 'none'})"
        )

    taken: set[str] = set()
    if named.text:
        text = explicit("text", named.text)
    else:
        found = _pick(columns, TEXT_NAMES, taken, contains=True)
        if found is None:
            raise ColumnProblem(
                f"no column named like text, body or message (columns: {', '.join(columns) or 'none'});"
                " name the one to screen with --text-field"
            )
        text = found
    taken.add(text)
    id_column = explicit("id", named.id) if named.id else _pick(columns, ID_NAMES, taken, contains=False)
    if id_column:
        taken.add(id_column)
    sender = (
        explicit("sender", named.sender) if named.sender
        else _pick(columns, SENDER_NAMES, taken, contains=True)
    )
    if sender:
        taken.add(sender)
    subject = _pick(columns, SUBJECT_NAMES, taken, contains=False)
    return Columns(text=text, id=id_column, sender=sender, subject=subject)


def _sender_of(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    address = parseaddr(value)[1]
    return address.lower() if "@" in address else value.strip()


def _message_text(subject: str | None, text: str) -> str:
    return f"{subject}\n\n{text}" if subject and subject.strip() else text


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def is_report_header(columns: list[str]) -> bool:
    return tuple(columns[: len(REPORT_COLUMNS)]) == REPORT_COLUMNS


def read_csv(stream: BinaryIO, path: str, named: FieldNames, notice: Notice) -> Iterator[RawItem]:
    """One raw item per data row; row numbers count the header as row 1, as a spreadsheet does."""
    csv.field_size_limit(_MAX_FIELD_CHARS)
    lines = DecodedLines(stream)
    if lines.encoding:
        notice(f"{path}: read as {lines.encoding} (not UTF-8)")
    line_iter = iter(lines)
    first = next(line_iter, None)
    if first is None:
        yield RawItem(kind="error", source=path, id=path, origin=path, error="empty CSV file")
        return
    delimiter = _delimiter(first)

    def replay() -> Iterator[str]:
        yield first
        yield from line_iter

    reader = csv.reader(replay(), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        yield RawItem(kind="error", source=f"{path}:1", id=path, origin=path,
                      error=f"unreadable CSV header: {exc}")
        return
    lines.take()
    header = [column.strip() for column in header]
    if is_report_header(header):
        notice(f"{path}: a coach screen report, not an export; skipped")
        return
    try:
        columns = choose_columns(header, named)
    except ColumnProblem as exc:
        yield RawItem(kind="error", source=path, id=path, origin=path, error=str(exc))
        return
    delimiter_note = "" if delimiter == "," else f" (fields separated by {delimiter!r})"
    notice(f"{path}: {columns.describe()}{delimiter_note}; choose with --text-field/--id-field")
    position = {name: header.index(name) for name in header[::-1]}
    row_number = 1
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            _warning, nbytes = lines.take()
            yield RawItem(kind="error", source=f"{path}:{row_number}", id=f"{path}:{row_number}",
                          origin=path, error=f"broken row: {exc}", nbytes=nbytes)
            continue
        warning, nbytes = lines.take()
        if not row:
            continue  # a blank line is no record
        source = f"{path}:{row_number}"
        if len(row) != len(header):
            yield RawItem(kind="error", source=source, id=source, origin=path, nbytes=nbytes,
                          error=f"broken row: {len(row)} fields where the header has {len(header)}")
            continue

        def cell(name: str | None) -> str | None:
            return row[position[name]] if name else None

        id_value = (cell(columns.id) or "").strip()
        yield RawItem(
            kind="text", source=source, id=id_value or source, origin=path,
            text=_message_text(cell(columns.subject), cell(columns.text) or ""),
            sender=_sender_of(cell(columns.sender)), subject=cell(columns.subject) or None,
            warnings=(warning,) if warning else (), nbytes=nbytes,
        )


def _lookup(obj: dict[str, Any], name: str) -> Any:
    """A key, or a dotted path into nested objects (``data.text``)."""
    if name in obj:
        return obj[name]
    value: Any = obj
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(name)
        value = value[part]
    return value


def read_jsonl(stream: BinaryIO, path: str, named: FieldNames, notice: Notice) -> Iterator[RawItem]:
    """One raw item per non-blank line; ids fall back to ``path:line``."""
    columns: Columns | None = None
    lines = DecodedLines(stream)
    if lines.encoding:
        notice(f"{path}: read as {lines.encoding} (not UTF-8)")
    for line_number, line in enumerate(lines, 1):
        source = f"{path}:{line_number}"
        warning, nbytes = lines.take()
        if not line.strip():
            continue
        warnings = (warning,) if warning else ()

        def error(reason: str) -> RawItem:
            return RawItem(kind="error", source=source, id=source, origin=path, error=reason,
                           nbytes=nbytes)

        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield error(f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield error(f"not a JSON object but {type(obj).__name__}")
            continue
        if columns is None:
            keys = list(obj)
            if is_report_header(keys):
                notice(f"{path}: a coach screen report, not an export; skipped")
                return
            try:
                columns = choose_columns(keys, named, dotted=True)
            except ColumnProblem as exc:
                yield error(str(exc))
                continue
            notice(f"{path}: {columns.describe()}; choose with --text-field/--id-field")
        try:
            text = _lookup(obj, columns.text)
        except KeyError:
            yield error(f"no {columns.text!r} field")
            continue
        if text is None:
            text = ""
        if isinstance(text, (dict, list)):
            yield error(f"field {columns.text!r} holds {type(text).__name__}, not text")
            continue

        def field(name: str | None) -> str | None:
            if not name:
                return None
            try:
                value = _lookup(obj, name)
            except KeyError:
                return None
            return None if value is None or isinstance(value, (dict, list)) else str(value)

        id_value = (field(columns.id) or "").strip()
        subject = field(columns.subject)
        yield RawItem(
            kind="text", source=source, id=id_value or source, origin=path,
            text=_message_text(subject, str(text)), sender=_sender_of(field(columns.sender)),
            subject=subject or None, warnings=warnings, nbytes=nbytes,
        )
