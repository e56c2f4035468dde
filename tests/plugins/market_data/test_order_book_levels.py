"""The order-book route keeps a book's levels between changes and never serves stale ones."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import AUTH, SteppedClock, wait_for

pytestmark = pytest.mark.hummingbot_catalog


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def desk(core: Any, clock: SteppedClock) -> Any:
    from hbdesk.runtime import create_desk

    return create_desk(core, clock=clock)


async def book(api: Any, depth: int) -> dict[str, Any]:
    body = {"connector_name": "hbdesk_sim", "trading_pair": "SOL-USDT", "depth": depth}
    response = await api.post("/market-data/order-book", json=body, headers=AUTH)
    assert response.status == 200
    return await response.json()


async def test_a_shallower_read_is_the_top_of_the_deeper_one(api: Any) -> None:
    deep = await book(api, 20)
    shallow = await book(api, 5)
    assert (shallow["bids"], shallow["asks"]) == (deep["bids"][:5], deep["asks"][:5])
    deeper = await book(api, 40)
    assert len(deeper["bids"]) == 40 and deeper["bids"][:20] == deep["bids"]


async def test_when_the_market_moves_the_next_read_shows_the_new_book(
    api: Any, desk: Any, clock: Any
) -> None:
    market = desk.kernel.service("sim").market
    first = await book(api, 10)
    clock.now += 3600  # an hour later the market stands elsewhere
    expected = market.book("SOL-USDT", clock.now, 10)

    async def fresh() -> bool:
        levels = (await book(api, 10))["bids"]
        return [(level["price"], level["amount"]) for level in levels] == expected.bids

    await wait_for(fresh, timeout=5)  # the feed sends its next snapshot within a quarter second
    assert (await book(api, 10))["bids"] != first["bids"]


async def test_the_encoded_answer_is_the_models_answer(api: Any, desk: Any, clock: SteppedClock) -> None:
    """The route answers bytes encoded once per change; they must say what the model says."""
    import json

    from hbdesk_plugins.market_data.models import OrderBookResponse

    served = await book(api, 7)
    again = await book(api, 7)  # from the kept encoding
    service = desk.kernel.service("market_data")
    model = await service.order_book("hbdesk_sim", "SOL-USDT", 7)
    expected = json.loads(OrderBookResponse.model_validate(model.model_dump()).model_dump_json())
    assert served == expected == again
    clock.now += 1.5
    moved = await book(api, 7)
    assert moved["timestamp"] == clock.now and moved != served
