"""The executors desk (g e): the executors in several states, the form generated from a type's
config model, an executor's detail and log, the held positions; and keyboard flows on the sim.

With the kernel's clock frozen the simulated book does not move, so fills at market, fees and
PnL are the same every run. Executor ids are given in the configs and order ids are made from a
counting nonce, so the snapshots show the same text each run.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.widgets.confirm import ConfirmModal
from hbdesk.tui.widgets.model_form import ModelFormModal, build, model_fields
from hbdesk_plugins.executors.tui import ExecutorDetailScreen, ExecutorsScreen, TypePicker
from tests.desk_support import kernel_running, table_rows
from tests.helpers import core_settings, wait_for

FIXED_TIMESTAMP = 1_767_259_234.5  # 2026-01-01 09:20:34.5 UTC, as the trading desk's snapshots
LOAD_TIMEOUT = 60.0  # the first connector waits for hummingbot to import (slower beside another worker)
STOP_TIMEOUT = 30.0  # a stopping executor waits 5 s between its shutdown steps
SPOT = "hbdesk_sim"
ACCOUNT = "master_account"
THEMES = pytest.mark.parametrize("theme", ["hbdesk-dark", "hbdesk-light"])

RUNNING_ID = "4kRWq1oCzPbFLSx7tJmAa9gHn2VdYu3e"
RESTING_ID = "9TzmP2xkXq7BvL4sNcRw8JdE1yGhUaFo"
STOPPED_ID = "Cv6nH3jQwe5RtYb8Kp2MzLs9XdFgA1oU"
HELD_ID = "Fa2LxP9qWm4Zc7VbN3kRs8TyJhE5dGuo"


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """The connector list is scripted (the sim's connectors are its provider's, not hummingbot's)."""


@pytest.fixture(autouse=True)
def _counted_order_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """hummingbot makes order ids from the time and the process id: a counter and a fixed tail
    here, as executors show their orders' ids."""
    from hummingbot.connector import utils

    nonce = itertools.count(1_767_259_234_000_000)
    monkeypatch.setattr(utils, "get_tracking_nonce", lambda: next(nonce))
    monkeypatch.setattr(utils, "_bot_instance_id", lambda: "d35c0ffee")


@pytest.fixture
def make_desk_app(tmp_path: Path) -> Callable[..., DeskApp]:
    def make(theme: str = "hbdesk-dark") -> DeskApp:
        settings = core_settings(tmp_path / "desk", disabled_plugins=["portfolio"])
        desk = create_desk(settings, clock=lambda: FIXED_TIMESTAMP)
        desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk)

    return make


def executors(app: DeskApp) -> Any:
    return app.kernel.service("executors")


def position(executor_id: str, pair: str, side: str, amount: str) -> dict[str, Any]:
    return {
        "type": "position_executor",
        "id": executor_id,
        "connector_name": SPOT,
        "trading_pair": pair,
        "side": side,
        "amount": amount,
        "triple_barrier_config": {"open_order_type": "MARKET", "stop_loss": "0.05", "take_profit": "0.05"},
    }


async def filled(app: DeskApp, executor_id: str) -> None:
    await wait_for(lambda: executors(app).view(executor_id)["filled_amount_quote"] > 0, timeout=LOAD_TIMEOUT)


async def closed(app: DeskApp, executor_id: str) -> None:
    await wait_for(lambda: executors(app).view(executor_id)["status"] == "TERMINATED", timeout=STOP_TIMEOUT)


async def several_states(app: DeskApp) -> None:
    """A position running, a limit order resting far below the market, a position stopped (its
    position closed) and one stopped keeping its position (a held position)."""
    service = executors(app)
    await service.create(ACCOUNT, "main", position(RUNNING_ID, "BTC-USDT", "BUY", "0.01"))
    await service.create(
        ACCOUNT,
        "main",
        {
            "type": "order_executor",
            "id": RESTING_ID,
            "connector_name": SPOT,
            "trading_pair": "ETH-USDT",
            "side": "BUY",
            "amount": "0.5",
            "price": "100",
            "execution_strategy": "LIMIT",
        },
    )
    await service.create(ACCOUNT, "main", position(STOPPED_ID, "ETH-USDT", "SELL", "0.2"))
    await service.create(ACCOUNT, "desk", position(HELD_ID, "SOL-USDT", "BUY", "2"))
    for executor_id in (RUNNING_ID, STOPPED_ID, HELD_ID):
        await filled(app, executor_id)
    await service.stop_executor(STOPPED_ID, False)
    await service.stop_executor(HELD_ID, True)
    await asyncio.gather(closed(app, STOPPED_ID), closed(app, HELD_ID))


async def open_executors(pilot: Any) -> ExecutorsScreen:
    app: DeskApp = pilot.app
    await kernel_running(app)
    await pilot.press("g", "e")
    await wait_for(lambda: app.current_mode == "executors")
    screen = app.screen
    assert isinstance(screen, ExecutorsScreen)
    return screen


async def rows(pilot: Any, selector: str, count: int) -> list[tuple[str, ...]]:
    async def counted() -> bool:
        await pilot.pause()
        return len(await table_rows(pilot.app, selector)) == count

    await wait_for(counted, timeout=LOAD_TIMEOUT)
    return await table_rows(pilot.app, selector)


async def settled(pilot: Any, screen: ExecutorsScreen) -> None:
    """The tables drawn from the service as it is now (they follow its events a second late)."""
    await asyncio.sleep(1.2)
    screen.draw()
    await pilot.pause()
    for table in screen.query(DataTable):  # the highlight on the newest, however the rows came
        table.move_cursor(row=0)
    await pilot.pause()


# -- snapshots -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("theme", "size"),
    [("hbdesk-dark", (80, 24)), ("hbdesk-light", (80, 24)), ("hbdesk-dark", (120, 40))],
    ids=["dark-80x24", "light-80x24", "dark-120x40"],
)
def test_executors_snapshot(
    snap_compare: Any, make_desk_app: Callable[..., DeskApp], theme: str, size: tuple[int, int]
) -> None:
    async def prepare(pilot: Any) -> None:
        screen = await open_executors(pilot)
        await several_states(pilot.app)
        await rows(pilot, "#executors", 4)
        await settled(pilot, screen)

    assert snap_compare(make_desk_app(theme), terminal_size=size, run_before=prepare)


@THEMES
def test_held_positions_snapshot(
    snap_compare: Any, make_desk_app: Callable[..., DeskApp], theme: str
) -> None:
    async def prepare(pilot: Any) -> None:
        screen = await open_executors(pilot)
        await several_states(pilot.app)
        await pilot.press("h")
        await rows(pilot, "#holds", 1)
        await settled(pilot, screen)

    assert snap_compare(make_desk_app(theme), terminal_size=(80, 24), run_before=prepare)


@THEMES
def test_detail_snapshot(snap_compare: Any, make_desk_app: Callable[..., DeskApp], theme: str) -> None:
    """The position that was stopped: its config with enums by name, its info, its log."""

    async def prepare(pilot: Any) -> None:
        screen = await open_executors(pilot)
        await several_states(pilot.app)
        table_rows_now = await rows(pilot, "#executors", 4)
        await settled(pilot, screen)
        index = [row[0] for row in table_rows_now].index(STOPPED_ID[:8])
        screen.query_one("#executors", DataTable).move_cursor(row=index)
        await pilot.press("l")
        await wait_for(lambda: isinstance(pilot.app.screen, ExecutorDetailScreen))
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=(80, 24), run_before=prepare)


@THEMES
def test_create_form_snapshot(snap_compare: Any, make_desk_app: Callable[..., DeskApp], theme: str) -> None:
    """The form of position_executor as its config model has it, an amount typed."""

    async def prepare(pilot: Any) -> None:
        await open_executors(pilot)
        await pilot.press("n")
        await wait_for(lambda: isinstance(pilot.app.screen, TypePicker))
        await pilot.press("enter")  # the first type: position_executor
        await wait_for(lambda: isinstance(pilot.app.screen, ModelFormModal))
        await pilot.press(*"BUY", "enter", "enter", *"0.01")  # side, then past entry_price to amount
        await pilot.pause()

    assert snap_compare(make_desk_app(theme), terminal_size=(80, 24), run_before=prepare)


# -- keyboard flows ------------------------------------------------------------------------------


async def choose_type(pilot: Any, name: str) -> ModelFormModal[Any]:
    app: DeskApp = pilot.app
    await pilot.press("n")
    await wait_for(lambda: isinstance(app.screen, TypePicker))
    picker = app.screen
    assert isinstance(picker, TypePicker)
    index = [kind.name for kind in picker.kinds].index(name)
    await pilot.press(*["down"] * index, "enter")
    await wait_for(lambda: isinstance(app.screen, ModelFormModal))
    form = app.screen
    assert isinstance(form, ModelFormModal)
    return form


def focused(form: ModelFormModal[Any]) -> str:
    widget = form.focused
    return (widget.id or "").removeprefix("field-").replace("-", ".") if widget else ""


def form_error(form: ModelFormModal[Any]) -> str:
    return str(form.query_one("#form-error").render())


async def type_into(pilot: Any, form: ModelFormModal[Any], field: str, text: str) -> None:
    entry = form.query_one(f"#field-{field}", Input)
    entry.focus()
    entry.value = ""
    await pilot.press(*text)


async def test_create_an_order_executor_by_keyboard_see_it_and_stop_it(
    make_desk_app: Callable[..., DeskApp],
) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_executors(pilot)
        assert screen.query_one("#executors-empty").display
        form = await choose_type(pilot, "order_executor")
        assert form.query_one("#field-account_name", Input).value == ACCOUNT
        assert form.query_one("#field-connector_name", Input).value == SPOT
        assert form.query_one("#field-trading_pair", Input).value == "BTC-USDT"
        assert form.query_one("#field-position_action", Input).value == "OPEN"  # an enum, by name
        assert focused(form) == "side"  # the first required field left empty
        await pilot.press(*"BUY", "enter", *"0.01", "enter")
        assert focused(form) == "position_action"
        await pilot.press("enter", *"1000", "enter")  # far below the market: it rests
        await pilot.press("enter", "enter")  # no chaser_config
        assert focused(form) == "execution_strategy"
        await pilot.press(*"LIMIT", "ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Create a order_executor on hbdesk_sim BTC-USDT for master_account?" in app.screen.question
        assert "side BUY · amount 0.01 · price 1000" in app.screen.question
        await pilot.press("y")
        await wait_for(lambda: app.screen is screen, timeout=LOAD_TIMEOUT)

        [row] = await rows(pilot, "#executors", 1)
        assert row[1:6] == ("order", "BTC-USDT", "BUY", "RUNNING", "")
        [view] = executors(app).views()
        executor_id = view["executor_id"]
        assert row[0] == executor_id[:8] and view["config"]["execution_strategy"] == "LIMIT"

        await pilot.press("s")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert f"Stop order {executor_id}" in app.screen.question
        await pilot.press("y")
        await closed(app, executor_id)
        assert executors(app).view(executor_id)["close_type"] == "EARLY_STOP"

        async def shown_closed() -> bool:
            await pilot.pause()
            return (await table_rows(app, "#executors"))[0][4] == "CLOSED"

        await wait_for(shown_closed, timeout=5)

        await pilot.press("s")  # once more: the service refuses (409), said in a notification
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(lambda: any("already closed" in n.message for n in app._notifications))


async def test_a_bad_value_is_refused_under_the_form(make_desk_app: Callable[..., DeskApp]) -> None:
    """The form says what the API's validation says: the config model first (before anything is
    asked), then the service's own checks (after the question, nothing created)."""
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_executors(pilot)
        form = await choose_type(pilot, "position_executor")
        await type_into(pilot, form, "side", "BUY")
        await type_into(pilot, form, "amount", "abc")
        await pilot.press("ctrl+s")
        await wait_for(lambda: "amount" in form_error(form))
        assert form_error(form).startswith("Invalid executor config: amount:")
        assert app.screen is form  # nothing asked, nothing created

        await type_into(pilot, form, "side", "UP")  # not a TradeType: the form says so
        await pilot.press("ctrl+s")
        await wait_for(lambda: "side:" in form_error(form))
        assert "'UP' is not one of BUY, SELL, RANGE" in form_error(form)

        await type_into(pilot, form, "side", "SELL")
        await type_into(pilot, form, "amount", "-1")
        await pilot.press("ctrl+s")
        await wait_for(lambda: "amount (-1) must be greater than 0" in form_error(form))

        for amount, refusal in (("0.0000001", "minimum order size"), ("100000", "Insufficient balance")):
            await type_into(pilot, form, "amount", amount)
            await pilot.press("ctrl+s")
            await wait_for(lambda: isinstance(app.screen, ConfirmModal))
            await pilot.press("y")
            await wait_for(lambda r=refusal: r in form_error(form), timeout=LOAD_TIMEOUT)  # type: ignore[misc]
            assert app.screen is form
        assert executors(app).views() == []
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, ExecutorsScreen))


async def test_held_positions_are_cleared_after_asking(make_desk_app: Callable[..., DeskApp]) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_executors(pilot)
        service = executors(app)
        await service.create(ACCOUNT, "desk", position(HELD_ID, "SOL-USDT", "BUY", "2"))
        await filled(app, HELD_ID)
        await rows(pilot, "#executors", 1)
        await pilot.press("S")  # stop, keeping the position
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Its position is kept" in app.screen.question
        await pilot.press("y")
        await closed(app, HELD_ID)
        assert service.view(HELD_ID)["close_type"] == "POSITION_HOLD"

        await pilot.press("h")
        [held] = await rows(pilot, "#holds", 1)
        assert held[:2] == ("SOL-USDT", "LONG") and held[2] == "2"
        await pilot.press("x")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        await pilot.pause()
        assert len(service.holds.active) == 1
        await pilot.press("x")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await rows(pilot, "#holds", 0)
        assert service.holds.active == {}
        assert screen.query_one("#holds-empty").display


async def test_palette_commands_and_the_detail_view(make_desk_app: Callable[..., DeskApp]) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"executors: Open Executors", "executors: New executor", "executors: Held positions"} <= set(
            titles
        )
        titles["executors: New executor"].callback()
        await wait_for(lambda: isinstance(app.screen, TypePicker))
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, ExecutorsScreen)

        await executors(app).create(ACCOUNT, "main", position(RUNNING_ID, "BTC-USDT", "BUY", "0.01"))
        await rows(pilot, "#executors", 1)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ExecutorDetailScreen))
        detail = app.screen
        config = str(detail.query_one("#detail-config").render())
        assert "side" in config and "BUY" in config and "open_order_type" in config
        assert "MARKET" in config
        log = str(detail.query_one("#detail-log").render())
        assert "created on master_account" in log
        await pilot.press("escape")
        await wait_for(lambda: app.screen is screen)


# -- the generated form, without a desk ---------------------------------------------------------


def test_fields_are_generated_from_the_config_model() -> None:
    from hummingbot.strategy_v2.executors.position_executor.data_types import PositionExecutorConfig

    fields = {f.name: f for f in model_fields(PositionExecutorConfig, {"id", "type", "timestamp"})}
    assert "id" not in fields and "controller_id" in fields
    assert fields["side"].choices == ("BUY", "SELL", "RANGE") and fields["side"].required
    assert fields["triple_barrier_config.open_order_type"].default == "LIMIT"
    assert not fields["triple_barrier_config.trailing_stop.activation_price"].required
    assert fields["activation_bounds"].shape == "list"
    data = build(
        list(fields.values()),
        {
            "side": "sell",
            "amount": "0.5",
            "triple_barrier_config.stop_loss": "0.02",
            "triple_barrier_config.open_order_type": "MARKET",
            "activation_bounds": "0.001, 0.002",
        },
    )
    assert data == {
        "side": 2,
        "amount": "0.5",
        "triple_barrier_config": {"stop_loss": "0.02", "open_order_type": 1},
        "activation_bounds": ["0.001", "0.002"],
    }
    assert PositionExecutorConfig.model_validate(
        {**data, "trading_pair": "BTC-USDT", "connector_name": SPOT}
    ).triple_barrier_config.stop_loss == Decimal("0.02")


async def test_the_home_panel_lists_the_active_executors_with_their_pnl(
    make_desk_app: Callable[..., DeskApp],
) -> None:
    from hbdesk.tui.contributions import HomePanelSpec
    from hbdesk_plugins.executors.panels import ExecutorsPanel

    app = make_desk_app()
    app.contributions.home_panels = [HomePanelSpec("executors", "Executors", ExecutorsPanel)]
    async with app.run_test(size=(80, 24)):
        await kernel_running(app)
        panel = app.screen.query_one(ExecutorsPanel)

        def message() -> str:
            return str(panel.query_one(".panel--message").render())

        await wait_for(lambda: "No active executors" in message())
        await executors(app).create(ACCOUNT, "main", position(RUNNING_ID, "BTC-USDT", "BUY", "0.01"))
        await filled(app, RUNNING_ID)
        await wait_for(lambda: message() == "1 active · PnL -0.77", timeout=5)
        assert str(panel.query_one(".panel--lines").render()) == "BUY  position BTC-USDT -0.77"
