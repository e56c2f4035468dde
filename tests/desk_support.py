"""Helpers for tests that drive the desk: wait for its kernel, seed it, read its tables, install
a plugin written in a test."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from hbdesk.tui.app import DeskApp
from tests.helpers import wait_for


async def kernel_running(app: DeskApp) -> None:
    await wait_for(lambda: str(app.kernel.state) == "running")


async def seed_accounts(app: DeskApp) -> None:
    """Two accounts, the first with two verified credentials."""
    accounts = app.kernel.service("accounts")
    await accounts.add_account("desk_trader")
    await accounts.add_credential(
        "master_account", "binance", {"binance_api_key": "k", "binance_api_secret": "s"}
    )
    await accounts.add_credential(
        "master_account",
        "kucoin",
        {"kucoin_api_key": "k", "kucoin_secret_key": "s", "kucoin_passphrase": "p"},
    )

    async def verified() -> bool:
        states = await accounts.credential_states("master_account")
        return [str(s.status) for s in states] == ["verified", "verified"]

    await wait_for(verified)


async def table_rows(app: DeskApp, selector: str) -> list[tuple[Any, ...]]:
    table = app.screen.query_one(selector)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def install_source_plugin(site: Path, module: str, entry_name: str, source: str) -> None:
    """A plugin written in the test, installed as pip would (a module and its dist-info on the
    path of the ``plugin_site`` fixture); name the module ``hbdesk_example_*_plugin`` so the
    fixture forgets it afterwards."""
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    dist = site / f"{module}-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text(f"[hbdesk.plugins]\n{entry_name} = {module}\n")
