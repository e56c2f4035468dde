"""Settings: the Hummingbot API's own environment names, plus hbdesk's.

Core settings read the names the Hummingbot API reads for what every part shares (USERNAME,
PASSWORD, CONFIG_PASSWORD, DEBUG_MODE, DATABASE_URL), so an existing deployment's environment works
unchanged. Plugins contribute sections of their own, read from ``HBDESK_<SECTION>__<KEY>``; a
domain's Hummingbot API names (GATEWAY_URL, say) are honoured by that domain's section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, overload

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "admin"
DEFAULT_CONFIG_PASSWORD = "admin"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


def _default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("hbdesk", appauthor=False))


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class CoreSettings(BaseSettings):
    """Settings every part of hbdesk shares."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    username: str = Field(DEFAULT_USERNAME, validation_alias=_env("HBDESK_USERNAME", "USERNAME"))
    password: SecretStr = Field(
        SecretStr(DEFAULT_PASSWORD), validation_alias=_env("HBDESK_PASSWORD", "PASSWORD")
    )
    config_password: SecretStr = Field(
        SecretStr(DEFAULT_CONFIG_PASSWORD),
        validation_alias=_env("HBDESK_CONFIG_PASSWORD", "CONFIG_PASSWORD"),
    )
    debug_mode: bool = Field(False, validation_alias=_env("HBDESK_DEBUG_MODE", "DEBUG_MODE"))
    data_dir: Path = Field(default_factory=_default_data_dir, validation_alias="HBDESK_DATA_DIR")
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    logfire_token: SecretStr | None = Field(None, validation_alias="LOGFIRE_TOKEN")
    disabled_plugins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="HBDESK_DISABLED_PLUGINS"
    )

    @field_validator("disabled_plugins", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def db_url(self) -> str:
        """The SQLAlchemy async URL: DATABASE_URL if set, else SQLite in the data dir."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{self.data_dir / 'hbdesk.sqlite'}"
        url = self.database_url
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+asyncpg://" + url[len(plain) :]
        return url

    @property
    def default_credentials(self) -> bool:
        """True while the API password is still the well-known default."""
        return self.password.get_secret_value() == DEFAULT_PASSWORD

    def weak_credentials(self) -> str | None:
        """Why the API credentials protect nothing (empty, or the well-known default), or None."""
        password = self.password.get_secret_value()
        if not self.username.strip():
            return "USERNAME is empty"
        if not password.strip():
            return "PASSWORD is empty"
        if password == DEFAULT_PASSWORD:
            return f"PASSWORD is still the default '{DEFAULT_PASSWORD}'"
        return None


class PluginSettings(BaseSettings):
    """Base of a plugin's settings section, read from ``HBDESK_<SECTION>__<KEY>``."""

    model_config = SettingsConfigDict(extra="ignore")


def env_prefix(section: str) -> str:
    return f"HBDESK_{section.upper()}__"


class Settings:
    """Core settings plus the sections plugins registered."""

    def __init__(self, core: CoreSettings | None = None) -> None:
        self.core = core or CoreSettings()
        self._sections: dict[str, PluginSettings] = {}
        self._owners: dict[str, str] = {}

    def register(self, owner: str, section: str, model: type[PluginSettings]) -> None:
        if section in self._sections:
            raise ValueError(
                f"settings section {section!r} of plugin {owner!r} is already "
                f"registered by plugin {self._owners[section]!r}"
            )
        self._sections[section] = model(_env_prefix=env_prefix(section))
        self._owners[section] = owner

    @overload
    def section[S: PluginSettings](self, name: str, model: type[S]) -> S: ...

    @overload
    def section(self, name: str) -> Any: ...

    def section(self, name: str, model: type[PluginSettings] | None = None) -> Any:
        """A plugin's settings; with ``model``, typed as it (and checked to be one)."""
        value = self._sections[name]
        if model is not None and not isinstance(value, model):
            raise TypeError(f"settings section {name!r} is a {type(value).__name__}, not a {model.__name__}")
        return value

    def remove_owner(self, owner: str) -> None:
        """Forget the sections of a plugin that was left out."""
        for section in [section for section, who in self._owners.items() if who == owner]:
            del self._sections[section], self._owners[section]
