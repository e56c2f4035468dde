"""Helpers shared by the tests: settings in a temporary data dir, fake connector specs."""

from __future__ import annotations

import asyncio
import base64
import socket
from pathlib import Path
from typing import Any

from hbdesk.settings import CoreSettings
from hbdesk_plugins.connectors.specs import ConnectorSpec, CredentialField, Verdict, Verification

PASSWORD = "s3cret-pass"
CONFIG_PASSWORD = "config-pass"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}


def core_settings(data_dir: Path, **overrides: Any) -> CoreSettings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "username": "admin",
        "password": PASSWORD,
        "config_password": CONFIG_PASSWORD,
    }
    values.update(overrides)
    return CoreSettings(**values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedExchange:
    """A verifier whose verdict each test chooses; it records the keys it was shown."""

    def __init__(self, verdict: Verdict = Verdict.VERIFIED, delay: float = 0.0) -> None:
        self.verdict = verdict
        self.delay = delay
        self.detail = "scripted {verdict}"  # formatted with the verdict and the keys shown
        self.seen: list[dict[str, str]] = []
        self.started = asyncio.Event()

    async def __call__(self, spec: ConnectorSpec, values: dict[str, str]) -> Verification:
        self.seen.append(values)
        self.started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return Verification(self.verdict, self.detail.format(verdict=self.verdict, **values))


def fake_specs(exchange: ScriptedExchange) -> list[ConnectorSpec]:
    return [
        ConnectorSpec(
            "binance",
            "spot",
            (CredentialField("binance_api_key"), CredentialField("binance_api_secret")),
            verifier=exchange,
        ),
        ConnectorSpec(
            "kucoin",
            "spot",
            (
                CredentialField("kucoin_api_key"),
                CredentialField("kucoin_secret_key"),
                CredentialField("kucoin_passphrase"),
            ),
            verifier=exchange,
        ),
        ConnectorSpec(
            "hyperliquid",
            "perpetual",
            (
                CredentialField("hyperliquid_mode", secret=False, required=False),
                CredentialField("hyperliquid_address"),
                CredentialField("hyperliquid_secret_key"),
            ),
            verifier=exchange,
        ),
    ]


async def wait_for(predicate: Any, timeout: float = 10.0, interval: float = 0.02) -> None:
    """Poll an async or plain predicate until it is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


FROZEN = 1_763_700_000.0  # the time a desk under @pytest.mark.frozen_clock stands at


class SteppedClock:
    """A clock that stands still until a test moves it: ``clock.now += 60``."""

    def __init__(self, start: float = FROZEN) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


async def status_of(call: Any) -> tuple[int, str]:
    """The status and message of a client call that must be refused (the PyPI client raises
    aiohttp's ClientResponseError for any status of 400 and above)."""
    import aiohttp
    import pytest

    with pytest.raises(aiohttp.ClientResponseError) as error:
        await call
    return error.value.status, str(error.value.message)
