"""The simulated exchange's settings (HBDESK_SIM__<KEY>; the seed also as HBDESK_SIM_SEED)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AliasChoices, Field

from hbdesk.sdk import PluginSettings


class SimSettings(PluginSettings):
    seed: int = Field(42, validation_alias=AliasChoices("HBDESK_SIM_SEED", "HBDESK_SIM__SEED"))
    volatility: float = Field(
        1.0,
        gt=0,
        le=100,
        description=(
            "How much the simulated prices move: every pair's moves are scaled by it (2 moves twice "
            "as far in the same time). For drills and tests that need a barrier reached in seconds."
        ),
    )
    step_interval: float = Field(0.1, gt=0, description="Seconds between two matching passes.")
    funding: dict[str, Decimal] = Field(
        default_factory=lambda: {
            "USDT": Decimal("100000"),
            "BTC": Decimal("1"),
            "ETH": Decimal("10"),
            "SOL": Decimal("100"),
        },
        description="What master_account starts with on the simulated exchange.",
    )
    perpetual_funding: dict[str, Decimal] = Field(
        default_factory=lambda: {"USDT": Decimal("100000")},
        description="The collateral master_account starts with on the simulated perpetual exchange.",
    )
    funding_interval: int = Field(
        8 * 3600, gt=0, description="Seconds between two funding payments on the perpetual exchange."
    )
    fsync: bool = Field(
        False,
        description=(
            "Flush the venues' journal to disk after every operation: survives the machine losing "
            "power, not only the desk being killed, at the cost of a disk flush per order."
        ),
    )
