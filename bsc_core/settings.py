"""The process's configuration: read once from the environment (and a .env file when present).

Every part of bscbot asks :func:`get_settings` instead of reading ``os.environ`` itself, so a
value is parsed and validated in one place and a typo in a variable name cannot hide.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///bsc.db"


class Settings(BaseSettings):
    """Environment variables of the domain: the database, the default zone, the admins.

    The Slack adapter's variables (tokens, secret, web server) are in :mod:`bot.settings`.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    BSC_TIMEZONE: str = "UTC"
    BSC_ADMINS: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("DATABASE_URL")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        """Hosting platforms hand out ``postgres://``; SQLAlchemy wants a driver name."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("BSC_TIMEZONE")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"{value!r} is not a known IANA time zone (e.g. Europe/London)"
            ) from exc
        return value

    @field_validator("BSC_ADMINS", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> frozenset[str]:
        if value is None or value == "":
            return frozenset()
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return frozenset(value)  # type: ignore[arg-type]

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.BSC_TIMEZONE)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()


def reload_settings() -> Settings:
    """Forget the cached settings (tests and the CLI's ``--database`` option change the env)."""
    get_settings.cache_clear()
    return get_settings()
