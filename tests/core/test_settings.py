from __future__ import annotations

from pathlib import Path

import pytest

from hbdesk.settings import CoreSettings, PluginSettings, Settings


def test_hummingbot_api_environment_names_are_honoured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("USERNAME", "desk")
    monkeypatch.setenv("PASSWORD", "pw")
    monkeypatch.setenv("CONFIG_PASSWORD", "cpw")
    monkeypatch.setenv("DEBUG_MODE", "true")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/hb")
    monkeypatch.setenv("HBDESK_DATA_DIR", str(tmp_path))
    core = CoreSettings()
    assert core.username == "desk"
    assert core.password.get_secret_value() == "pw"
    assert core.config_password.get_secret_value() == "cpw"
    assert core.debug_mode is True
    assert core.db_url == "postgresql+asyncpg://u:p@db:5432/hb"
    assert core.data_dir == tmp_path


def test_defaults_keep_state_in_the_data_dir(tmp_path: Path) -> None:
    core = CoreSettings(data_dir=tmp_path)
    assert core.db_url == f"sqlite+aiosqlite:///{tmp_path / 'hbdesk.sqlite'}"
    assert core.default_credentials


def test_secrets_do_not_show_in_the_settings_repr(tmp_path: Path) -> None:
    core = CoreSettings(data_dir=tmp_path, password="hunter2", config_password="open-sesame")
    assert "hunter2" not in repr(core)
    assert "open-sesame" not in repr(core)


class Example(PluginSettings):
    timeout: float = 10.0
    names: list[str] = []


def test_plugin_sections_read_prefixed_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HBDESK_EXAMPLE__TIMEOUT", "2.5")
    monkeypatch.setenv("HBDESK_EXAMPLE__NAMES", '["a", "b"]')
    settings = Settings(CoreSettings(data_dir=tmp_path))
    settings.register("example_plugin", "example", Example)
    assert settings.section("example").timeout == 2.5
    assert settings.section("example").names == ["a", "b"]


def test_a_section_belongs_to_one_plugin(tmp_path: Path) -> None:
    settings = Settings(CoreSettings(data_dir=tmp_path))
    settings.register("first", "example", Example)
    with pytest.raises(ValueError, match="already registered by plugin 'first'"):
        settings.register("second", "example", Example)


def test_disabled_plugins_are_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HBDESK_DISABLED_PLUGINS", "gateway,accounts")
    assert CoreSettings().disabled_plugins == ["gateway", "accounts"]


def test_a_domains_hummingbot_api_name_is_read_by_its_section(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hbdesk.runtime import create_desk
    from hbdesk_plugins.gateway.settings import GatewaySettings
    from tests.helpers import core_settings

    monkeypatch.setenv("GATEWAY_URL", "http://gw:15888")
    desk = create_desk(core_settings(tmp_path))
    assert desk.kernel.settings.section("gateway", GatewaySettings).url == "http://gw:15888"
    monkeypatch.setenv("HBDESK_GATEWAY__URL", "http://other:15888")
    desk = create_desk(core_settings(tmp_path))
    assert desk.kernel.settings.section("gateway", GatewaySettings).url == "http://other:15888"
