"""Each executor hears of its own orders only: hummingbot's connectors tell every listener of
every order, and its TWAP executor raises on an order that is not one of its slices."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hbdesk.runtime import create_desk
from tests.helpers import core_settings, wait_for

ACCOUNT = "master_account"


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """The connector list is scripted (the sim's connectors are its provider's)."""


async def test_a_twap_beside_another_executor_hears_nothing_of_its_orders(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    desk = create_desk(core_settings(tmp_path / "desk", disabled_plugins=["portfolio"]))
    await desk.start()
    try:
        service = desk.kernel.service("executors")
        twap = await service.create(
            ACCOUNT,
            "main",
            {
                "type": "twap_executor",
                "connector_name": "hbdesk_sim",
                "trading_pair": "ETH-USDT",
                "side": "BUY",
                "total_amount_quote": "60",
                "total_duration": 4,
                "order_interval": 2,
            },
        )
        with caplog.at_level(logging.ERROR, logger="hbdesk_plugins.executors"):
            other = await service.create(
                ACCOUNT,
                "main",
                {
                    "type": "order_executor",
                    "connector_name": "hbdesk_sim",
                    "trading_pair": "ETH-USDT",
                    "side": "BUY",
                    "amount": "0.01",
                    "execution_strategy": "MARKET",
                },
            )
            for executor_id in (twap["executor_id"], other["executor_id"]):
                await wait_for(lambda i=executor_id: service.view(i)["status"] == "TERMINATED", timeout=30)
        assert service.view(twap["executor_id"])["close_type"] == "COMPLETED"
        assert not [r for r in caplog.records if "failed on event" in r.getMessage()]
    finally:
        await desk.stop()
