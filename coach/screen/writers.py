"""Report files: one row per message as JSONL or CSV, or full reports as JSON; always written atomically."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Literal

from coach.screen.model import ScreenResult

ReportFormat = Literal["jsonl", "csv", "json"]
REPORT_FORMATS: tuple[str, ...] = ("jsonl", "csv", "json")
SUFFIX_REPORT_FORMATS: dict[str, ReportFormat] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".json": "json",
}
#: Prefix of the temporary files; a screening run never reads such a file as input.
TEMP_PREFIX = ".coach-screen-"

#: The columns of a report row, in order (CSV header and JSONL key order).
COLUMNS = (
    "index", "id", "source", "sender", "subject", "verdict", "reason", "categories", "flags",
    "first_rule", "first_category", "first_severity", "first_line", "first_text", "first_message",
    "set_aside_lines", "language", "mode", "warnings", "allowed_by", "obfuscated",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_row(result: ScreenResult) -> dict[str, Any]:
    first = result.first
    return {
        "index": result.index,
        "id": result.id,
        "source": result.source,
        "sender": result.sender,
        "subject": result.subject,
        "verdict": result.verdict.value,
        "reason": result.reason,
        "categories": list(result.categories),
        "flags": result.flags,
        "first_rule": first.rule if first else None,
        "first_category": first.category if first else None,
        "first_severity": first.severity if first else None,
        "first_line": first.line if first else None,
        "first_text": first.text if first else None,
        "first_message": first.message if first else None,
        "set_aside_lines": result.set_aside_lines,
        "language": result.language,
        "mode": result.mode,
        "warnings": list(result.warnings),
        "allowed_by": result.allowed_by,
        "obfuscated": result.obfuscated,
    }


class ReportWriteError(OSError):
    """A report could not be written; ``str(e)`` is one line naming the file and the reason."""


def describe_write_error(target: str, exc: OSError) -> str:
    if isinstance(exc, ReportWriteError):
        return str(exc)
    reasons = {
        errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied", errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only", errno.EPIPE: "the reader went away (broken pipe)",
        errno.ENOENT: "the folder does not exist",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"cannot write {'to standard output' if target == '-' else target}: {reason}"


class AtomicFile:
    """A text file that appears under its name only when complete (temp file + rename).

    Until ``commit()`` the data lives in a hidden temporary file beside the target; ``discard()``
    (or leaving the ``with`` block through an exception) removes it and leaves any earlier
    file of that name untouched. ``-`` writes to standard output instead, and a target that
    exists but is no regular file (``/dev/null``, a named pipe) is written directly: a device
    cannot be replaced, and must not be. Failures raise ReportWriteError with one line.
    """

    def __init__(self, target: str, *, encoding: str = "utf-8", newline: str | None = None):
        self.target = target
        self.stream: IO[str]
        self._temp: str | None = None
        if target == "-":
            self.stream = sys.stdout
            return
        try:
            if _is_special(target):
                self.stream = io.open(target, "w", encoding=encoding, newline=newline)
                return
            directory = os.path.dirname(os.path.abspath(target))
            handle, self._temp = tempfile.mkstemp(
                prefix=TEMP_PREFIX + os.path.basename(target) + ".", suffix=".tmp", dir=directory,
            )
        except OSError as exc:
            raise ReportWriteError(describe_write_error(target, exc)) from None
        self.stream = io.open(handle, "w", encoding=encoding, newline=newline)

    def commit(self) -> None:
        try:
            self._commit()
        except OSError as exc:
            self.discard()
            raise ReportWriteError(describe_write_error(self.target, exc)) from None

    def _commit(self) -> None:
        if self._temp is None:
            self.stream.flush()
            if self.stream is not sys.stdout:
                self.stream.close()
            return
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        # mkstemp makes the file private; a report should get the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self._temp, 0o666 & ~umask)
        os.replace(self._temp, self.target)
        self._temp = None

    def discard(self) -> None:
        if self._temp is None:
            if self.stream is not sys.stdout and not self.stream.closed:
                try:
                    self.stream.close()
                except OSError:
                    pass  # e.g. the unwritable rest of a buffer for /dev/full
            return
        try:
            self.stream.close()
        except OSError:
            pass
        finally:
            try:
                os.unlink(self._temp)
            except FileNotFoundError:
                pass
            self._temp = None

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


class ReportWriter:
    """Streams result rows into an AtomicFile in one of the report formats."""

    def __init__(self, target: str, fmt: ReportFormat, *, policy: str | None):
        self.format = fmt
        self.rows = 0
        # Excel reads a CSV as UTF-8 only with a byte-order mark.
        self.file = AtomicFile(target, encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                               newline="" if fmt == "csv" else None)
        out = self.file.stream
        if fmt == "csv":
            self._csv = csv.writer(out, lineterminator="\r\n")
            self._csv.writerow(COLUMNS)
        elif fmt == "json":
            out.write('{\n"format": "coach-screen/1",\n"policy": ' + json.dumps(policy) + ',\n"messages": [')

    def write(self, result: ScreenResult) -> None:
        row = report_row(result)
        out = self.file.stream
        if self.format == "jsonl":
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.format == "csv":
            self._csv.writerow([_csv_cell(row[column]) for column in COLUMNS])
        else:
            row["report"] = result.report
            out.write(("\n" if self.rows == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        self.rows += 1

    def finish(self, summary: dict[str, Any]) -> None:
        if self.format == "json":
            self.file.stream.write(
                ("\n" if self.rows else "") + '],\n"summary": '
                + json.dumps(summary, ensure_ascii=False, indent=1) + "\n}\n"
            )
        self.file.commit()

    def discard(self) -> None:
        self.file.discard()


def _is_special(target: str) -> bool:
    """Does ``target`` exist as something other than a regular file (a device, a pipe)?"""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def format_for(path: str, explicit: str | None) -> ReportFormat:
    """The report format: --format, else from the file name, else JSONL."""
    if explicit:
        return explicit  # type: ignore[return-value]
    return SUFFIX_REPORT_FORMATS.get(Path(path).suffix.lower(), "jsonl")
