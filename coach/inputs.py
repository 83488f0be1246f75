"""Read texts to analyse from files or stdin, turning every user mistake into InputError.

Files are opened without blocking and only read when they are regular files, so a named
pipe, a socket or a device in a folder can never make coach wait. Bytes are decoded as
UTF-8 (with or without a byte-order mark), UTF-16/32 with a byte-order mark or with the
zero bytes of UTF-16 text, Windows-1252 when that reads as Western text, and otherwise as
charset-normalizer detects; only when nothing fits are bytes replaced.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from coach.errors import InputError, NotRegularFileError

#: Larger inputs are exports, not messages: ``coach screen`` streams those.
MAX_TEXT_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192
#: How much of a streamed export is looked at to choose its encoding.
STREAM_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class DecodedText:
    source: str
    text: str
    #: Something the user should know although the text could be read.
    warning: str | None = None
    #: The encoding the bytes were read as, in words ("UTF-8", "Windows-1252", ...).
    encoding: str = "UTF-8"
    #: How many bytes were read.
    nbytes: int = 0


# --- opening ------------------------------------------------------------------------------------

_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read ("a named pipe", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def open_regular(path: str | Path, *, describe: bool = True) -> BinaryIO:
    """Open a regular file for reading, never blocking; raises NotRegularFileError for a named
    pipe, socket or device, and InputError (or, with ``describe=False``, the OSError) when
    the file cannot be opened.

    The file is opened with O_NONBLOCK and checked with fstat on the open descriptor, so a
    named pipe swapped in after a check still cannot make the read wait.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if not describe:
            raise
        raise InputError(describe_read_error(name, exc)) from None
    try:
        info = os.fstat(fd)
        kind = not_regular(info.st_mode)
        if kind == "a directory":
            if not describe:
                raise IsADirectoryError(errno.EISDIR, "is a directory", name)
            raise InputError(f"{name}: is a directory, not a file")
        if kind:
            raise NotRegularFileError(name, kind)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text_file(path: str | Path, max_bytes: int = MAX_TEXT_BYTES) -> DecodedText:
    """The text of one file; ``-`` reads standard input."""
    if str(path) == "-":
        return decode_bytes("<stdin>", sys.stdin.buffer.read(max_bytes + 1), max_bytes)
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a directory; give the text files inside it (or use 'coach screen' for folders)")
    except OSError as exc:
        raise InputError(describe_read_error(name, exc)) from None
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(
                    f"{name}: is {size / 1_048_576:.1f} MB, more than the {max_bytes // 1_048_576} MB a single text may have "
                    "(use 'coach screen' for exports)"
                )
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
    if exc.errno == errno.ELOOP:
        return f"{name}: a loop of symbolic links, not a {what}"
    return f"{name}: cannot be read ({exc.strerror or exc})"


# --- decoding -----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
#: Non-ASCII characters that Western text in Windows-1252 is made of: accented letters,
#: typographic quotes and dashes, the euro and a few more signs.
_WESTERN = re.compile(r"[À-ÖØ-öø-ÿŠšŽžŒœŸ€‚„…†‡‰‹›‘’“”•–—™°±²³µ·¹º»¼½¾¿¡¢£¥§©«®¬ƒˆ˜\xa0]")
_LETTER = re.compile(r"[^\W\d_]")
_HIGH_BYTES = bytes(range(128, 256))


@dataclass(frozen=True)
class Encoding:
    """How to decode some bytes: the codec, and its name for people."""

    codec: str
    label: str

    @property
    def is_utf8(self) -> bool:
        return self.label == "UTF-8"


UTF8 = Encoding("utf-8", "UTF-8")


def _utf16_without_bom(head: bytes) -> Encoding | None:
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_zeros, odd_zeros = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return Encoding("utf-16-le", "UTF-16")
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return Encoding("utf-16-be", "UTF-16")
    return None


def western(data: bytes) -> str | None:
    """The bytes as Windows-1252 when they read as Western text, else None.

    Accented letters must be a minority of the letters (Cyrillic or Greek in their own
    code pages would read as nothing but accented letters) and every non-ASCII
    character must be one that Western text uses.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii or any(not _WESTERN.match(c) for c in non_ascii):
        return None
    letters = len(_LETTER.findall(text))
    accented = sum(1 for c in non_ascii if c.isalpha())
    return text if letters and accented / letters <= 0.3 else None


def _marked_encoding(data: bytes) -> Encoding | None:
    """The encoding a byte-order mark or the zero bytes of UTF-16 text show."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return Encoding(codec, label)
    return _utf16_without_bom(data)


def sniff_encoding(data: bytes, *, complete: bool = True) -> Encoding | None:
    """The encoding of ``data``, or None when nothing fits (then bytes must be replaced).

    ``complete`` is False for the head of a stream, which may end inside a character.
    """
    marked = _marked_encoding(data)
    if marked is not None:
        return marked
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return UTF8
    except UnicodeDecodeError:
        pass
    if western(data) is not None:
        return Encoding("cp1252", "Windows-1252")
    # Text in another script is mostly non-ASCII bytes; a few odd bytes in ASCII text are
    # damage, which a detector would turn into some far-fetched code page.
    visible = len(data.translate(None, b" \t\r\n"))
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if not visible or high < 0.15 * visible:
        return None
    from charset_normalizer import from_bytes  # loaded only for the rare file that needs it

    best = from_bytes(data).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None
    windows = re.fullmatch(r"cp(125\d)", best.encoding)
    label = f"Windows-{windows.group(1)}" if windows else best.encoding.replace("_", "-").upper()
    return Encoding(best.encoding, label)


def decode_bytes(name: str, data: bytes, max_bytes: int = MAX_TEXT_BYTES) -> DecodedText:
    if len(data) > max_bytes:
        raise InputError(f"{name}: more than the {max_bytes // 1_048_576} MB a single text may have")
    if _marked_encoding(data) is None and b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(f"{name}: looks like a binary file, not text")
    encoding = sniff_encoding(data)
    if encoding is None:
        try:
            data.decode("utf-8")
            position = 0
        except UnicodeDecodeError as exc:
            position = exc.start
        text = data.decode("utf-8", errors="replace")
        warning = f"{name}: invalid UTF-8 at byte {position}; undecodable bytes were replaced with '\ufffd'"
        return _non_empty(DecodedText(name, text, warning, "UTF-8 with replacements", len(data)))
    text = data.decode(encoding.codec, errors="replace")
    warning = None if encoding.label.startswith("UTF-") else f"{name}: read as {encoding.label} (not UTF-8)"
    return _non_empty(DecodedText(name, text, warning, encoding.label, len(data)))


def _non_empty(decoded: DecodedText) -> DecodedText:
    if not decoded.text.strip():
        raise InputError(f"{decoded.source}: is empty; there is no text to analyse")
    return decoded


# --- streamed lines -----------------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A stream that first gives back bytes already read from it."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _LineFeed(io.RawIOBase):
    """Lines given one by one (a byte range of a file, a partition) read as a stream.

    Each read gives at most the rest of one line, so the lines are pulled as they are read,
    not ahead: whoever feeds them can tell where the reader is.
    """

    def __init__(self, lines: Iterable[bytes]):
        self._lines = iter(lines)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = memoryview(next(self._lines, b""))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class DecodedLines:
    """Lines of a binary stream as text, in the encoding its first 64 KB show.

    Per record, ``take()`` tells the bytes read and any warning: a line that is not valid
    UTF-8 in an otherwise UTF-8 file is read as Windows-1252 when it reads as Western text,
    and with replacement characters otherwise. ``encoding`` names the encoding when it is
    not UTF-8, for a note to the user.
    """

    def __init__(self, stream: BinaryIO | Iterable[bytes]):
        if not hasattr(stream, "read"):
            # Lines fed one by one: the encoding is judged on the first of them, so that no
            # line is pulled before the reader gets to it.
            stream = _LineFeed(stream)  # type: ignore[arg-type]
            head = stream.read(STREAM_SNIFF_BYTES)
            self._stream = io.BufferedReader(_Prefixed(head, stream), buffer_size=1)
        else:
            head = stream.read(STREAM_SNIFF_BYTES)
            self._stream = io.BufferedReader(_Prefixed(head, stream))
        found = sniff_encoding(head, complete=False)
        self._encoding = found or UTF8
        self.encoding: str | None = None if (found is None or found.is_utf8) else found.label
        self.warning: str | None = None
        self.nbytes = 0

    def __iter__(self) -> Iterator[str]:
        if self._encoding.is_utf8:
            yield from self._utf8_lines()
            return
        text = io.TextIOWrapper(self._stream, encoding=self._encoding.codec, errors="replace", newline="")
        for line in text:
            self.nbytes += len(line.encode(self._encoding.codec, "replace"))
            yield line

    def _utf8_lines(self) -> Iterator[str]:
        first = True
        for raw in self._stream:
            self.nbytes += len(raw)
            if first:
                first = False
                if raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                text = western(raw)
                if text is not None:
                    self.warning = self.warning or "not UTF-8; read as Windows-1252"
                    yield text
                else:
                    self.warning = "invalid UTF-8 replaced"
                    yield raw.decode("utf-8", "replace")

    def take(self) -> tuple[str | None, int]:
        """The warning and byte count of the record just read; resets both."""
        result = (self.warning, self.nbytes)
        self.warning, self.nbytes = None, 0
        return result
