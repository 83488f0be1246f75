"""Autosaved drafts, so that a crash, a closed terminal or quitting never loses what the user typed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, ValidationError

from coach.atomic import write_atomically
from coach.errors import CoachError

#: Overrides the user data directory (tests point it at a temporary directory).
DATA_DIR_ENV = "COACH_DATA_DIR"


class DraftError(CoachError):
    """A draft could not be written."""


class Draft(BaseModel):
    """What the studio held when it was last autosaved."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    text: str
    #: The file being edited, or None for text that was never saved.
    path: str | None = None
    mode: str = "message"
    lang: str = "auto"

    @property
    def words(self) -> int:
        return len(self.text.split())


def data_dir() -> Path:
    """The user's data directory for coach (``COACH_DATA_DIR`` wins)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("coach", appauthor=False))


class DraftStore:
    """One draft per document: per file path, plus one for text that has no file yet."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or data_dir()) / "drafts"

    def slot(self, path: Path | None) -> Path:
        if path is None:
            return self.root / "unsaved.json"
        digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:20]
        return self.root / f"file-{digest}.json"

    def load(self, path: Path | None) -> Draft | None:
        """The draft for a document, or None when there is none (or it is unreadable)."""
        slot = self.slot(path)
        try:
            raw = slot.read_text(encoding="utf-8")
        except OSError:
            return None
        try:
            return Draft.model_validate(json.loads(raw))
        except (ValueError, ValidationError):
            # A half-written draft from a crash mid-write is no use; keep it aside for inspection.
            slot.replace(slot.with_suffix(".unreadable"))
            return None

    def save(self, draft: Draft, path: Path | None) -> None:
        slot = self.slot(path)
        try:
            slot.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(slot, draft.model_dump_json().encode("utf-8"))
        except OSError as error:
            raise DraftError(f"cannot autosave the draft to {slot.parent}: {error.strerror}") from None

    def discard(self, path: Path | None) -> None:
        try:
            self.slot(path).unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise DraftError(f"cannot remove the draft {self.slot(path)}: {error.strerror}") from None
