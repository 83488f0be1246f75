"""Per-visitor folders under the data directory: the only place a served studio writes to.

A visitor is a browser, recognised by a random cookie. Its folder holds the drafts of its tabs, one
file per tab; a tab that starts claims a draft left by a closed tab of the same visitor, so a reload
gets the text back while another visitor never sees it. This module must not import Textual: the
server imports it too.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from coach.errors import CoachError
from coach.tui.drafts import Draft, DraftStore, data_dir

#: Folder under the data directory that holds one folder per visitor.
SERVED_FOLDER = "served"

#: A visitor folder nobody has written to for this long is removed when the server starts.
RETENTION_DAYS = 30

_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_SESSION_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class SessionFolderError(CoachError):
    """A served session folder is missing, outside the data directory, or cannot be created."""


def served_root(root: Path | None = None) -> Path:
    """The folder that holds every visitor's folder."""
    return (root or data_dir()) / SERVED_FOLDER


def new_visitor_token() -> str:
    """A fresh, unguessable cookie value."""
    return secrets.token_urlsafe(32)


def is_visitor_token(value: str | None) -> bool:
    return bool(value) and _TOKEN_PATTERN.match(value) is not None  # type: ignore[arg-type]


def session_id_for(token: str) -> str:
    """The folder name for a visitor: a hash, so the folder name never reveals the cookie."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()[:32]


def session_folder(session_id: str, root: Path | None = None) -> Path:
    """The visitor's folder, created private (0700); raises SessionFolderError."""
    if not _SESSION_ID_PATTERN.match(session_id):
        raise SessionFolderError(f"not a session id: {session_id!r}")
    folder = served_root(root) / session_id
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise SessionFolderError(f"cannot create the session folder {folder}: {error.strerror}") from None
    return folder


def prune_session_folders(root: Path | None = None, *, now: float | None = None) -> int:
    """Remove visitor folders untouched for RETENTION_DAYS; returns how many went."""
    base = served_root(root)
    cutoff = (time.time() if now is None else now) - RETENTION_DAYS * 86400
    removed = 0
    try:
        folders = [path for path in base.iterdir() if path.is_dir() and _SESSION_ID_PATTERN.match(path.name)]
    except OSError:
        return 0
    for folder in folders:
        if _last_change(folder) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _last_change(folder: Path) -> float:
    times = [folder.stat().st_mtime]
    for path in folder.rglob("*"):
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            pass
    return max(times)


class TabDraftStore(DraftStore):
    """The drafts of one browser tab, inside its visitor's folder.

    While the tab runs it holds a lock on its slot; a slot whose lock is free belongs to a tab that
    closed (or crashed), and the next tab of the same visitor may claim it.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.tab_id = secrets.token_hex(8)
        self._lock_handle: int | None = None

    def slot(self, path: Path | None) -> Path:
        # A served studio never has a file on the server: one slot per tab.
        return self.root / f"tab-{self.tab_id}.json"

    def hold(self) -> None:
        """Mark this tab as running, so that no other tab claims its draft."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(self._lock_path(self.tab_id), os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        self._lock_handle = handle

    def release(self) -> None:
        if self._lock_handle is None:
            return
        handle, self._lock_handle = self._lock_handle, None
        try:
            os.unlink(self._lock_path(self.tab_id))
        except OSError:
            pass
        os.close(handle)

    def load(self, path: Path | None) -> Draft | None:
        """This tab's draft or, at the start, the newest draft a closed tab of this visitor left."""
        own = super().load(path)
        if own is not None:
            return own
        for orphan in self._orphans():
            try:
                # Atomic: when two new tabs race for one draft, exactly one rename succeeds.
                os.rename(orphan, self.slot(None))
            except OSError:
                continue
            self._lock_path(orphan.stem.removeprefix("tab-")).unlink(missing_ok=True)
            claimed = super().load(path)
            if claimed is not None:
                return claimed
        return None

    def _orphans(self) -> list[Path]:
        try:
            drafts = [p for p in self.root.glob("tab-*.json") if p != self.slot(None)]
        except OSError:
            return []
        orphans = [p for p in drafts if not self._is_held(p.stem.removeprefix("tab-"))]
        return sorted(orphans, key=_mtime, reverse=True)

    def _is_held(self, tab_id: str) -> bool:
        try:
            handle = os.open(self._lock_path(tab_id), os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(handle)  # closing drops the probe's lock too
        return False

    def _lock_path(self, tab_id: str) -> Path:
        return self.root / f"tab-{tab_id}.lock"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
