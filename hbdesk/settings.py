"""Settings: the Hummingbot API's own environment names, plus hbdesk's.

Core settings read the names the Hummingbot API reads (USERNAME, PASSWORD, CONFIG_PASSWORD,
DEBUG_MODE, DATABASE_URL, BROKER_*, GATEWAY_URL, ACCOUNT_UPDATE_INTERVAL, BANNED_TOKENS), so an
existing deployment's environment works unchanged. Plugins contribute sections of their own,
read from ``HBDESK_<SECTION>__<KEY>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    broker_host: str = Field("localhost", validation_alias="BROKER_HOST")
    broker_port: int = Field(1883, validation_alias="BROKER_PORT")
    broker_username: str = Field("admin", validation_alias="BROKER_USERNAME")
    broker_password: SecretStr = Field(SecretStr("password"), validation_alias="BROKER_PASSWORD")
    gateway_url: str = Field("http://localhost:15888", validation_alias="GATEWAY_URL")
    account_update_interval: int = Field(5, ge=1, validation_alias="ACCOUNT_UPDATE_INTERVAL")
    banned_tokens: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="BANNED_TOKENS"
    )
    logfire_token: SecretStr | None = Field(None, validation_alias="LOGFIRE_TOKEN")
    disabled_plugins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="HBDESK_DISABLED_PLUGINS"
    )

    @field_validator("banned_tokens", "disabled_plugins", mode="before")
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
        self._sections[section] = model(_env_prefix=env_prefix(section))  # type: ignore[call-arg]
        self._owners[section] = owner

    def section(self, name: str) -> Any:
        return self._sections[name]
