"""The accounts screen: snapshots in both themes and sizes, and keyboard-only flows."""

from __future__ import annotations

import pytest

from hbdesk.tui.app import DeskApp
from hbdesk.tui.widgets.confirm import ConfirmModal
from hbdesk.tui.widgets.form import FormModal
from tests.desk_support import kernel_running, seed_accounts, table_rows
from tests.helpers import wait_for


async def open_accounts(pilot) -> None:
    app: DeskApp = pilot.app
    await kernel_running(app)
    await pilot.press("2")
    await wait_for(lambda: app.current_mode == "accounts")


async def press_for(pilot, screen_type: type, *keys: str) -> None:
    """Press the keys, then wait for a screen of that type to be on top."""
    await pilot.press(*keys)
    await wait_for(lambda: isinstance(pilot.app.screen, screen_type))


async def rows_are(pilot, selector: str, expected: list[tuple[str, ...]]) -> None:
    async def match() -> bool:
        await pilot.pause()
        return await table_rows(pilot.app, selector) == expected

    await wait_for(match)


@pytest.mark.parametrize("theme", ["hbdesk-dark", "hbdesk-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_accounts_screen_snapshot(snap_compare, make_app, theme: str, size: tuple[int, int]) -> None:
    async def prepare(pilot) -> None:
        await open_accounts(pilot)
        await seed_accounts(pilot.app)
        await rows_are(pilot, "#accounts", [("master_account",), ("desk_trader",)])
        await rows_are(pilot, "#credentials", [("binance", "verified"), ("kucoin", "verified")])
        await pilot.pause()

    assert snap_compare(make_app(theme), terminal_size=size, run_before=prepare)


async def test_add_an_account_by_keyboard(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_accounts(pilot)
        await press_for(pilot, FormModal, "a")
        await pilot.press(*"bad name", "enter")
        await pilot.pause()
        assert "String should match pattern" in str(app.screen.query_one("#form-error").render())
        await pilot.press(*["backspace"] * 8, *"swing_desk", "enter")
        await rows_are(pilot, "#accounts", [("master_account",), ("swing_desk",)])
        assert await app.kernel.service("accounts").list_accounts() == ["master_account", "swing_desk"]


async def test_add_credentials_with_masked_fields(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_accounts(pilot)
        await press_for(pilot, FormModal, "c")
        await pilot.press(*"binance", "enter")
        await wait_for(lambda: isinstance(app.screen, FormModal) and "keys" in app.screen.form_title)
        inputs = list(app.screen.query("Input"))
        assert [i.password for i in inputs] == [True, True]  # secrets are masked
        await pilot.press(*"the-key", "enter", *"the-secret", "enter")
        await rows_are(pilot, "#credentials", [("binance", "verified")])
        stored = await app.kernel.service("accounts").credentials("master_account", "binance")
        assert stored == {"binance_api_key": "the-key", "binance_api_secret": "the-secret"}


async def test_an_unknown_connector_is_reported_not_stored(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_accounts(pilot)
        await press_for(pilot, FormModal, "c")
        await pilot.press(*"nowhere", "enter")
        await wait_for(lambda: not isinstance(app.screen, FormModal))
        await pilot.pause()
        assert any("Unknown connector 'nowhere'" in n.message for n in app._notifications)
        assert await app.kernel.service("accounts").list_credentials("master_account") == []


async def test_deletes_ask_first_and_cancel_keeps_everything(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_accounts(pilot)
        await seed_accounts(app)
        await rows_are(pilot, "#accounts", [("master_account",), ("desk_trader",)])
        await press_for(pilot, ConfirmModal, "down", "d")
        assert "desk_trader" in app.screen.question
        await pilot.press("n")
        await wait_for(lambda: not isinstance(app.screen, ConfirmModal))
        assert "desk_trader" in await app.kernel.service("accounts").list_accounts()

        await press_for(pilot, ConfirmModal, "d")
        await pilot.press("y")
        await rows_are(pilot, "#accounts", [("master_account",)])


async def test_delete_a_credential_from_the_credentials_table(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_accounts(pilot)
        await seed_accounts(app)
        await rows_are(pilot, "#credentials", [("binance", "verified"), ("kucoin", "verified")])
        await press_for(pilot, ConfirmModal, "tab", "down", "d")
        assert app.screen.question == "Delete the kucoin credentials of master_account?"
        await pilot.press("y")
        await rows_are(pilot, "#credentials", [("binance", "verified")])


async def test_master_account_cannot_be_deleted(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_accounts(pilot)
        await rows_are(pilot, "#accounts", [("master_account",)])
        await press_for(pilot, ConfirmModal, "d")
        await pilot.press("y")
        await wait_for(lambda: any("Cannot delete master account" in n.message for n in app._notifications))
        assert await app.kernel.service("accounts").list_accounts() == ["master_account"]
