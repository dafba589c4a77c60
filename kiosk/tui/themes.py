"""Themes as data: `themes/*.toml`, one Textual Theme per file, checked before registering.

A bad file is reported and skipped, so a typo in one theme never stops the till.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

from kiosk.settings import Mode

THEMES_DIR = Path(__file__).resolve().parents[2] / "themes"

DEFAULT_FOR_MODE: dict[str, str] = {"counter": "counter", "kiosk": "kiosk", "backoffice": "office"}

# The app's own colour variables; a theme overrides them in its `variables` table.
VARIABLE_DEFAULTS: dict[str, str] = {
    "badge-sandbox": "#b36b00",
    "badge-live": "#1f7a3a",
    "float-ok": "#3fb950",
    "float-low": "#f85149",
}


def _colour(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ValueError(f"{value!r} is not a colour") from exc
    return value


class ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    primary: str
    secondary: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    dark: bool = True
    variables: dict[str, str] = Field(default_factory=dict)

    @field_validator(
        "primary",
        "secondary",
        "accent",
        "foreground",
        "background",
        "surface",
        "panel",
        "boost",
        "warning",
        "error",
        "success",
    )
    @classmethod
    def _colours(cls, value: str | None) -> str | None:
        return None if value is None else _colour(value)

    def to_theme(self) -> Theme:
        return Theme(**self.model_dump())


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"Theme file {self.path.name} skipped: {self.reason}"


def load_themes(directory: Path = THEMES_DIR) -> tuple[list[Theme], list[ThemeProblem]]:
    themes: list[Theme] = []
    problems: list[ThemeProblem] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            themes.append(ThemeFile.model_validate(data).to_theme())
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(ThemeProblem(path, str(exc)))
        except ValidationError as exc:
            reason = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}"
                for err in exc.errors()
            )
            problems.append(ThemeProblem(path, reason))
    return themes, problems


def theme_for(mode: Mode, configured: str | None) -> str:
    return configured or DEFAULT_FOR_MODE[mode]
