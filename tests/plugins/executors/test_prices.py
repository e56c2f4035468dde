"""What an executor's held position is valued at: the connector's mid price when one follows the
pair, else hummingbot's RateOracle as the rate oracle plugin configures it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import wait_for


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """The connector list is scripted (the sim's connectors are its provider's)."""


async def test_without_a_connector_a_pair_is_priced_by_the_rate_oracle(running_desk: Any) -> None:
    kernel = running_desk.kernel
    service = kernel.service("executors")
    assert kernel.service("connector_manager").live.get(("master_account", "hbdesk_sim")) is None
    # hummingbot's oracle is loaded off the loop and fed once the desk runs.
    await wait_for(lambda: service.price("master_account", "hbdesk_sim", "ETH-USDT") is not None, timeout=30)
    priced = service.price("master_account", "hbdesk_sim", "ETH-USDT")
    market = kernel.service("sim").market
    assert priced is not None and priced == pytest.approx(market.mid("ETH-USDT", kernel.clock()), rel=0.01)
    assert service.price("master_account", "hbdesk_sim", "NOPE-USDT") is None
