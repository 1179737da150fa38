"""Companies, aliases and fiscal calendars a user adds without copying configs/.

A user alias file is YAML with the schemas of the shipped data:

    companies:             # as `companies:` in configs/organizations.yaml
      Brightwell Pumps: [Brightwell, BWP Group]
    fiscal_calendars:      # as `companies:` in configs/fiscal_calendars.yaml
      Brightwell Pumps: {start_month: 7, naming: end, aliases: []}

It is validated when read (a bad file is a `ConfigError` naming it and the problem) and merged
over the shipped data: its companies and calendars are added, and a surface form it lists
belongs to its company even when the shipped data gives it to another one.

The organizations component activates the file of its `aliases` setting when it is built
(`load_pipeline(aliases=...)`, `--aliases FILE`), and the name lookups of the process use it
from then on; one process uses one user file at a time, that of the pipeline built last.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import ConfigError
from .language_data import duplicates
from .periods import CalendarEntry


class _UserFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    companies: dict[str, list[str]] = {}
    fiscal_calendars: dict[str, CalendarEntry] = {}

    @field_validator("companies", "fiscal_calendars")
    @classmethod
    def _names(cls, value: dict[str, object]) -> dict[str, object]:
        blank = [repr(name) for name in value if not name.strip()]
        if blank:
            raise ValueError(f"empty company name {', '.join(blank)}")
        return value


@dataclass(frozen=True, slots=True)
class UserCalendar:
    start_month: int
    start_day: int
    naming: Literal["start", "end"]
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UserAliases:
    """A validated user alias file; hashable, so lookups built from it are cached per file."""

    path: str
    companies: tuple[tuple[str, tuple[str, ...]], ...]
    calendars: tuple[tuple[str, UserCalendar], ...]


def read_user_aliases(path: str | Path) -> UserAliases:
    """Read and validate a user alias file; `ConfigError` names the file and the problem."""
    where = Path(path)
    try:
        raw = yaml.safe_load(where.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{where}: user alias file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: user alias file cannot be read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: user alias file is not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(
            f"{where}: a user alias file is a mapping with `companies:` and/or "
            "`fiscal_calendars:`")
    try:
        data = _UserFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{where}: {problems}") from exc
    for section, surfaces in (
        ("companies", {n: [n, *forms] for n, forms in data.companies.items()}),
        ("fiscal_calendars", {n: [n, *e.aliases] for n, e in data.fiscal_calendars.items()}),
    ):
        clashes = duplicates(surfaces)
        if clashes:
            raise ConfigError(f"{where}: {section}: surface forms with two owners: "
                              + "; ".join(clashes))
    return UserAliases(
        path=str(where),
        companies=tuple((n, tuple(forms)) for n, forms in data.companies.items()),
        calendars=tuple(
            (n, UserCalendar(e.start_month, e.start_day, e.naming, tuple(e.aliases)))
            for n, e in data.fiscal_calendars.items()
        ),
    )


_active: list[UserAliases | None] = [None]


def use_user_aliases(path: str | Path | None) -> UserAliases | None:
    """Make the file at `path` (None: no user file) the user alias data of this process."""
    data = None if path is None else read_user_aliases(path)
    _active[0] = data
    return data


def active_user_aliases() -> UserAliases | None:
    """The user alias data in use, if any."""
    return _active[0]
