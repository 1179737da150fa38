"""Load and validate the language data in configs/*.yaml.

The files ship inside the installed package as `pipeline.configs`, so an installed
newsfacts finds them outside the repository too. Each file is validated on load against a
pydantic model owned by the module that uses it; a bad file is a `ConfigError` naming it.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)

CONFIG_DIR_ENV = "NEWSFACTS_CONFIG_DIR"


def config_path(name: str) -> Path:
    """Where `name` (e.g. "metrics.yaml") is read from: $NEWSFACTS_CONFIG_DIR or the package."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override) / name
    return Path(str(resources.files("pipeline.configs").joinpath(name)))


@cache
def _raw(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: language data file is missing") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def load(name: str, schema: type[ModelT]) -> ModelT:
    """Parse configs/`name` into `schema`; raises ConfigError with the file name on failure."""
    path = config_path(name)
    try:
        return schema.model_validate(_raw(path))
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def duplicates(surfaces: dict[str, list[str]]) -> list[str]:
    """Surface forms listed under more than one canonical id (case-insensitive)."""
    owner: dict[str, str] = {}
    clashes: list[str] = []
    for key, forms in surfaces.items():
        for form in forms:
            folded = form.casefold()
            if folded in owner and owner[folded] != key:
                clashes.append(f"{form!r} under both {owner[folded]!r} and {key!r}")
            owner[folded] = key
    return clashes
