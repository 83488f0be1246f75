"""The language server's settings, as editors send them (initializationOptions, didChangeConfiguration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from coach.errors import CoachError
from coach.report import Mode

#: Editors may nest the settings under this key (VS Code and Neovim do).
SECTION = "coach"

DEFAULT_DEBOUNCE_MS = 100


class SettingsError(CoachError):
    """The editor sent settings the server cannot use; the message names the key."""


class LspSettings(BaseModel):
    """What the editor may set; every key is optional."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True)

    mode: Mode | None = Field(None, description="pitch, follow-up or message (default: the policy's, else message)")
    lang: Literal["auto", "nl", "en"] | None = Field(None, description="auto, nl or en (default: the policy's, else auto)")
    extra_packs: list[str] = Field(default_factory=list, description="house rule packs (YAML), relative to the workspace")
    policy: str | None = Field(None, description="a house policy (coach.yaml): its packs, mode and lang")
    debounce_ms: int = Field(DEFAULT_DEBOUNCE_MS, ge=0, le=10_000, description="quiet time after a keystroke")

    @classmethod
    def from_client(cls, raw: Any, previous: LspSettings | None = None) -> LspSettings:
        """Settings from what an editor sent: ``{"coach": {...}}`` or the keys themselves; None keeps ``previous``."""
        if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
            raw = raw[SECTION]
        if raw is None or raw == {}:
            return previous or cls()
        if not isinstance(raw, dict):
            raise SettingsError(f"coach settings must be an object of keys ({', '.join(_known_keys())}), not {raw!r}")
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            first = error.errors()[0]
            key = ".".join(str(part) for part in first["loc"]) or "settings"
            if first["type"] == "extra_forbidden":
                raise SettingsError(
                    f"coach settings: unknown key {key!r}; known keys: {', '.join(_known_keys())}"
                ) from None
            raise SettingsError(f"coach settings: {key}: {first['msg']}") from None

    def resolve(self, path: str, base: Path | None) -> Path:
        """A path from the settings, relative to the workspace folder when it is not absolute."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() or base is None else base / candidate


def _known_keys() -> list[str]:
    return [field.alias or name for name, field in LspSettings.model_fields.items()]
