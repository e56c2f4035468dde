"""A fill the trading plugin recorded after an executor's last saved state (the desk stopped in
between) is known to the executor when it resumes: the trading record, not the stale snapshot,
says what its order did."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from hbdesk.runtime import create_desk
from tests.helpers import core_settings, wait_for

ACCOUNT = "master_account"


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """The connector list is scripted (the sim's connectors are its provider's)."""


def _rewind_open_order(database: Path, executor_id: str) -> str:
    """The executor's saved state as it was before its opening order filled."""
    with sqlite3.connect(database) as connection:
        (text,) = connection.execute(
            "SELECT state FROM executors WHERE executor_id = ?", (executor_id,)
        ).fetchone()
        saved = json.loads(text)
        (order_id, seen), *_ = saved["orders"].items()
        seen.update(
            executed_amount_base="0",
            executed_amount_quote="0",
            last_state="1",  # OPEN
            order_fills={},
            cumulative_fee_paid_quote=0.0,
        )
        connection.execute(
            "UPDATE executors SET state = ? WHERE executor_id = ?", (json.dumps(saved), executor_id)
        )
    return str(order_id)


async def test_a_fill_recorded_after_the_last_saved_state_is_known_on_resume(tmp_path: Path) -> None:
    settings = core_settings(tmp_path / "desk", disabled_plugins=["portfolio"])
    first = create_desk(settings)
    await first.start()
    try:
        service = first.kernel.service("executors")
        created = await service.create(
            ACCOUNT,
            "main",
            {
                "type": "position_executor",
                "connector_name": "hbdesk_sim",
                "trading_pair": "BTC-USDT",
                "side": "BUY",
                "amount": "0.01",
                "triple_barrier_config": {
                    "open_order_type": "MARKET",
                    "stop_loss": "0.5",
                    "time_limit": 3600,
                },
            },
        )
        executor_id = created["executor_id"]
        await wait_for(lambda: service.view(executor_id)["filled_amount_quote"] > 0, timeout=30)
        filled = service.view(executor_id)["filled_amount_quote"]
    finally:
        await first.stop()

    order_id = _rewind_open_order(settings.data_dir / "hbdesk.sqlite", executor_id)

    second = create_desk(settings)
    await second.start()
    try:
        service = second.kernel.service("executors")
        await wait_for(lambda: "resume_state" not in service.view(executor_id)["custom_info"], timeout=30)
        resumed = service.view(executor_id)
        assert resumed["status"] == "RUNNING"
        assert resumed["filled_amount_quote"] == pytest.approx(filled)
        record = await second.kernel.service("trading").order_record(ACCOUNT, "hbdesk_sim", order_id)
        assert record is not None and record["status"] == "FILLED" and record["owner"] == executor_id
    finally:
        await second.stop()
