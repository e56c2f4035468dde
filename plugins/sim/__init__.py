"""The simulated exchange: ``hbdesk_sim``, a living market with no network and no credentials."""

from __future__ import annotations

from typing import Any

from hbdesk.hookspecs import hookimpl


@hookimpl
def register_settings(register: Any) -> None:
    from hbdesk_plugins.sim.settings import SimSettings

    register("sim", SimSettings)


@hookimpl
def register_services(kernel: Any, register: Any) -> None:
    def sim(kernel: Any) -> Any:
        from hbdesk_plugins.sim.service import SimService

        return SimService(kernel)

    register("sim", sim, requires=("connectors", "connector_manager"))
