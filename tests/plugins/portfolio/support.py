"""What the portfolio tests share: requests, the sim's funding, connectors that cannot be reached."""

from __future__ import annotations

from typing import Any

from hbdesk.kernel.errors import Unavailable
from hbdesk_plugins.connectors.public import ConnectorProvider, ConnectorSpec, CredentialField
from tests.helpers import AUTH

SPOT, PERPETUAL = "hbdesk_sim", "hbdesk_sim_perpetual"
# What master_account starts with (the sim's defaults).
SPOT_FUNDS = {"BTC": 1.0, "ETH": 10.0, "SOL": 100.0, "USDT": 100_000.0}
PERPETUAL_FUNDS = {"USDT": 100_000.0}


async def post(api: Any, path: str, body: Any) -> tuple[int, Any]:
    response = await api.post(path, json=body, headers=AUTH)
    return response.status, await response.json()


async def get(api: Any, path: str) -> tuple[int, Any]:
    response = await api.get(path, headers=AUTH)
    return response.status, await response.json()


def unreachable_exchange(kernel: Any, name: str = "down_exchange") -> None:
    """A connector that takes keys and whose exchange cannot be reached."""

    def build(*_args: Any) -> Any:
        raise Unavailable(f"{name} cannot be reached: connection refused")

    spec = ConnectorSpec(name, "spot", (CredentialField(f"{name}_api_key"),))
    kernel.service("connectors").add(ConnectorProvider(spec, build))


def units(state: dict[str, Any], account: str, connector: str) -> dict[str, float]:
    return {entry["token"]: entry["units"] for entry in state[account][connector]}
