"""Read texts to analyse from files or stdin, turning every user mistake into InputError."""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass
from pathlib import Path

from coach.errors import InputError

#: Larger inputs are exports, not messages: ``coach screen`` streams those.
MAX_TEXT_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class DecodedText:
    source: str
    text: str
    #: Something the user should know although the text could be read.
    warning: str | None = None


def read_text_file(path: str | Path, max_bytes: int = MAX_TEXT_BYTES) -> DecodedText:
    """The text of one file; ``-`` reads standard input."""
    if str(path) == "-":
        return decode_bytes("<stdin>", sys.stdin.buffer.read(max_bytes + 1), max_bytes)
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a directory; give the text files inside it (or use 'coach screen' for folders)")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{name}: is {size / 1_048_576:.1f} MB, more than the {max_bytes // 1_048_576} MB a single text may have "
                "(use 'coach screen' for exports)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(describe_read_error(name, exc)) from None
    return decode_bytes(name, data, max_bytes)


def describe_read_error(name: str, exc: OSError, what: str = "file") -> str:
    """One line saying why ``name`` could not be read, for any kind of ``what``."""
    if isinstance(exc, FileNotFoundError):
        return f"{name}: no such {what}"
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied"
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a directory, not a {what}"
    return f"{name}: cannot be read ({exc.strerror or exc})"


def decode_bytes(name: str, data: bytes, max_bytes: int = MAX_TEXT_BYTES) -> DecodedText:
    if len(data) > max_bytes:
        raise InputError(f"{name}: more than the {max_bytes // 1_048_576} MB a single text may have")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            return _non_empty(DecodedText(name, text))
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
        warning = None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        warning = (
            f"{name}: invalid UTF-8 at byte {exc.start}; undecodable bytes were replaced with '\ufffd'"
        )
    return _non_empty(DecodedText(name, text, warning))


def _non_empty(decoded: DecodedText) -> DecodedText:
    if not decoded.text.strip():
        raise InputError(f"{decoded.source}: is empty; there is no text to analyse")
    return decoded
