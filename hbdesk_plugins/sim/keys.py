"""The sim plugin's service key (for its own modules: no other plugin names the sim)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.sim.service import SimService

SIM: ServiceKey[SimService] = ServiceKey("sim")
SPOT = "hbdesk_sim"
PERPETUAL = "hbdesk_sim_perpetual"
