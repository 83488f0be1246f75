"""A disk cache of what each start would build again: rule books, pattern indexes, dictionaries.

Reading, validating and test-compiling the rule packs costs about half a second at every
start of ``coach check``; the pickled result for the same files loads in a millisecond. The
same holds for the compiled pattern indexes, simplemma's decoded dictionaries and the
guideline catalogue. A key covers every file its entry is read from by content, and
coach's own code by size and modification time (a dictionary: only the module that shards
it), so any edit makes a new entry.
``COACH_CACHE_DIR`` moves the cache; ``COACH_NO_CACHE=1`` turns it off. A cache that cannot
be read or written is simply not used. Each edit or upgrade leaves its old entries behind (a
dictionary is 10 MB), so storing an entry drops the least recently used ones beyond
``MAX_CACHE_BYTES``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from coach import __version__
from coach.atomic import write_atomically

T = TypeVar("T")

_CODE = Path(__file__).resolve().parent.parent  # the whole coach package
#: Above this size the least recently used entries are removed: room for several versions of
#: both languages' dictionaries, rule books and indexes.
MAX_CACHE_BYTES = 150 * 1024 * 1024


def cache_dir() -> Path | None:
    if os.environ.get("COACH_NO_CACHE") == "1":
        return None
    if os.environ.get("COACH_CACHE_DIR"):
        return Path(os.environ["COACH_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "coach"


def key_of(kind: str, inputs: Iterable[Path], code: bool = True) -> str:
    """A digest of ``kind``, the content of ``inputs`` and (unless ``code`` is False, for
    what depends on no more of coach than ``inputs`` name) the state of coach's code."""
    digest = hashlib.sha256(f"{kind}\0{__version__}\0{sys.version}".encode())
    for path in inputs:
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0unreadable")
    if code:
        digest.update(_code_state())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_state() -> bytes:
    """coach's own code by size and modification time, read once per process (a start makes
    several keys, and the running code cannot change under it)."""
    digest = hashlib.sha256()
    for source in sorted(_CODE.rglob("*.py")):
        stat = source.stat()
        digest.update(f"{source}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.digest()


def load(key: str):
    folder = cache_dir()
    if folder is None:
        return None
    entry = folder / f"{key}.pickle"
    try:
        value = pickle.loads(entry.read_bytes())
    except Exception:  # missing, truncated or from an incompatible library version: rebuild
        return None
    try:
        os.utime(entry)  # recently used: kept when the cache is trimmed
    except OSError:
        pass
    return value


def store(key: str, value) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        trim(folder, keep=key)
    except OSError:
        pass


def trim(folder: Path, keep: str) -> None:
    """Remove the least recently used entries of ``folder`` until it holds at most
    ``MAX_CACHE_BYTES``, never the entry ``keep`` that was just stored."""
    entries = []
    for entry in folder.glob("*.pickle"):
        try:
            stat = entry.stat()
        except OSError:  # removed by another process meanwhile
            continue
        entries.append((stat.st_mtime, stat.st_size, entry))
    total = sum(size for _, size, _ in entries)
    for _, size, entry in sorted(entries, key=lambda e: e[0]):
        if total <= MAX_CACHE_BYTES:
            break
        if entry.stem == keep:
            continue
        try:
            entry.unlink()
            total -= size
        except OSError:
            pass


def cached(key: str, kind: type[T], build: Callable[[], T]) -> T:
    """The ``kind`` stored under ``key``, or else what ``build`` makes, stored there."""
    value = load(key)
    if isinstance(value, kind):
        return value
    value = build()
    store(key, value)
    return value
