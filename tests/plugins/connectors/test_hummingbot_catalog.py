"""The connector catalog as hummingbot's own config maps define it (no network involved)."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from hbdesk.kernel.errors import InvalidInput
from hbdesk_plugins.connectors.hummingbot_specs import classify, load_specs
from hbdesk_plugins.connectors.specs import ConnectorSpec, Verdict

pytestmark = pytest.mark.hummingbot_catalog


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ConnectorSpec]:
    return {spec.name: spec for spec in load_specs(tmp_path_factory.mktemp("hb"))}


def test_every_connector_is_listed_with_its_credential_fields(specs: dict[str, ConnectorSpec]) -> None:
    assert {"binance", "binance_perpetual", "kucoin", "okx", "hyperliquid"} <= set(specs)
    assert specs["binance"].kind == "spot"
    assert specs["binance_perpetual"].kind == "perpetual"
    assert specs["binance"].field_names == ["binance_api_key", "binance_api_secret"]
    assert all(f.secret for f in specs["kucoin"].fields)
    mode = next(f for f in specs["hyperliquid"].fields if f.name == "hyperliquid_mode")
    assert not mode.secret and not mode.required


def test_values_are_checked_by_the_connectors_own_model(specs: dict[str, ConnectorSpec]) -> None:
    hyperliquid = specs["hyperliquid"]
    good = {"hyperliquid_mode": "api_wallet", "hyperliquid_address": "0xabc", "hyperliquid_secret_key": "k"}
    assert hyperliquid.check_credentials(good) == good
    with pytest.raises(InvalidInput, match="hyperliquid_mode: Value error, Invalid wallet mode 'bogus'"):
        hyperliquid.check_credentials({**good, "hyperliquid_mode": "bogus"})


def test_hummingbot_keeps_its_files_in_the_data_dir(tmp_path: Path) -> None:
    from hummingbot.client.config import config_helpers
    from hummingbot.client.hummingbot_application import HummingbotApplication

    from hbdesk_plugins.connectors.hummingbot_host import DeskHost, install

    install(tmp_path)
    assert config_helpers.CLIENT_CONFIG_PATH == tmp_path / "hummingbot" / "conf_client.yml"
    host = HummingbotApplication.main_application()
    assert isinstance(host, DeskHost)  # no prompt_toolkit client is built inside the desk
    assert host.client_config_map.rate_limits_share_pct > 0


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (aiohttp.ClientConnectionError("Cannot connect to host"), Verdict.UNREACHABLE),
        (ConnectionResetError("reset"), Verdict.UNREACHABLE),
        (
            OSError("Error executing request GET /account. HTTP status is 401. Error: Invalid API-key"),
            Verdict.REJECTED,
        ),
        (OSError("HTTP status is 403. Forbidden"), Verdict.REJECTED),
        (ValueError("Signature for this request is not valid."), Verdict.REJECTED),
        (RuntimeError("HTTP status is 502 Bad Gateway"), Verdict.UNREACHABLE),
    ],
)
def test_exchange_failures_are_told_apart(error: Exception, verdict: Verdict) -> None:
    outcome = classify(error)
    assert outcome.status is verdict
    assert type(error).__name__ in outcome.detail


async def test_building_a_connector_leaves_the_callers_keys_as_they_were() -> None:
    """hummingbot adds trading_required, trading_pairs, ... to the dict it is given; the check
    scrubs its error text with the keys, so they must stay the keys (and all text)."""
    from hbdesk_plugins.connectors.hummingbot_specs import build_connector

    keys = {"binance_api_key": "key-AAAA", "binance_api_secret": "secret-BBBB"}
    connector = await build_connector("binance", keys, ["BTC-USDT"], trading_required=True)
    assert keys == {"binance_api_key": "key-AAAA", "binance_api_secret": "secret-BBBB"}
    assert connector.name == "binance"


def test_scrubbing_ignores_values_that_are_not_text() -> None:
    from hbdesk_plugins.connectors.catalog import scrub

    values: dict = {"api_key": "key-AAAA", "trading_required": True, "trading_pairs": ["BTC-USDT"]}
    assert scrub("bad key key-AAAA", values) == "bad key ***"
