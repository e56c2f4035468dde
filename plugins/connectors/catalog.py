"""The connector catalog: which connectors exist and what credentials each takes.

Built-in specs (the simulated exchange, say) are registered at once; hummingbot's are loaded in
the background so the desk starts before the library has finished importing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from hbdesk.kernel import heap
from hbdesk.kernel.errors import InvalidInput, Unavailable, excerpt
from hbdesk_plugins.connectors.specs import ConnectorSpec, Verdict, Verification

log = logging.getLogger(__name__)

SpecLoader = Callable[[], list[ConnectorSpec]]


class ConnectorCatalog:
    def __init__(self, kernel: Any, loader: SpecLoader | None, timeout: float, load_timeout: float) -> None:
        self.kernel = kernel
        self.loader = loader
        self.timeout = timeout
        self.load_timeout = load_timeout
        self._specs: dict[str, ConnectorSpec] = {}
        self._loaded = asyncio.Event()
        self._load_error: str | None = None

    async def start(self) -> None:
        if self.loader is None:
            self._loaded.set()
        else:
            self.kernel.spawn(self._load(self.loader), name="load connector catalog")

    async def _load(self, loader: SpecLoader) -> None:
        try:
            specs = await asyncio.to_thread(loader)
        except Exception as exc:
            self._load_error = f"{type(exc).__name__}: {exc}"
            log.exception("loading the connector catalog failed")
        else:
            for spec in specs:
                self._specs.setdefault(spec.name, spec)
            log.info("connector catalog: %d connectors", len(self._specs))
            heap.settle()  # hummingbot's modules are in: they stay for the process's life
        finally:
            self._loaded.set()

    def register(self, spec: ConnectorSpec) -> None:
        """Add a connector the desk provides itself; it wins over a library one of that name."""
        self._specs[spec.name] = spec

    @property
    def loaded(self) -> bool:
        return self._loaded.is_set()

    async def wait_loaded(self) -> None:
        try:
            await asyncio.wait_for(self._loaded.wait(), self.load_timeout)
        except TimeoutError:
            raise Unavailable("the connector list is still loading; try again in a moment") from None
        if self._load_error and len(self._specs) == 0:
            raise Unavailable(f"the connector list could not be loaded: {self._load_error}")

    async def names(self) -> list[str]:
        await self.wait_loaded()
        return sorted(self._specs)

    async def spec(self, name: str) -> ConnectorSpec:
        if name not in self._specs:
            await self.wait_loaded()
        try:
            return self._specs[name]
        except KeyError:
            raise InvalidInput(
                f"Unknown connector '{excerpt(name)}'. Known connectors: {', '.join(sorted(self._specs))}."
            ) from None

    async def verify(self, spec: ConnectorSpec, values: dict[str, str]) -> Verification:
        """Ask the exchange whether it accepts the keys, within the timeout."""
        if spec.verifier is None:
            return Verification(Verdict.VERIFIED, "no check needed")
        try:
            outcome = await asyncio.wait_for(spec.verifier(spec, dict(values)), self.timeout)
        except TimeoutError:
            return Verification(Verdict.UNREACHABLE, f"{spec.name} did not answer within {self.timeout:g} s")
        except Exception as exc:
            from hbdesk_plugins.connectors.hummingbot_specs import classify

            log.info("checking credentials for %s failed: %s", spec.name, type(exc).__name__)
            outcome = classify(exc)
        return Verification(outcome.status, scrub(outcome.detail, values))


def scrub(text: str, values: dict[str, str]) -> str:
    """The text with every credential value in it replaced: exchange errors may quote a key."""
    secrets = [value for value in values.values() if isinstance(value, str) and len(value) >= 4]
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, "***")
    return text
