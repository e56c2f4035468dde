"""The connector catalog: which connectors exist, what credentials each takes, and which
plugin provides the ones that are not hummingbot's.

Providers' connectors (see ``providers``) are known at once; hummingbot's are loaded in the
background so the desk starts before the library has finished importing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from hbdesk.sdk import InvalidInput, Unavailable, excerpt, settle_heap
from hbdesk_plugins.connectors.providers import ConnectorProvider, MarketSource
from hbdesk_plugins.connectors.specs import ConnectorSpec, Verdict, Verification

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

log = logging.getLogger(__name__)

SpecLoader = Callable[[], list[ConnectorSpec]]


class ConnectorCatalog:
    def __init__(
        self, kernel: Kernel, loader: SpecLoader | None, timeout: float, load_timeout: float
    ) -> None:
        self.kernel = kernel
        self.loader = loader
        self.timeout = timeout
        self.load_timeout = load_timeout
        self._specs: dict[str, ConnectorSpec] = {}
        self._providers: dict[str, ConnectorProvider] = {}
        self._loaded = asyncio.Event()
        self._load_error: str | None = None

    async def start(self) -> None:
        self.kernel.call_hook("register_connector_providers", registrar=self._registrar, kernel=self.kernel)
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
            settle_heap()  # hummingbot's modules are in: they stay for the process's life
        finally:
            self._loaded.set()

    def _registrar(self, owner: str) -> Callable[[ConnectorProvider], None]:
        def register(provider: ConnectorProvider) -> None:
            if provider.name in self._providers:
                raise ValueError(f"connector {provider.name!r} is already provided by another plugin")
            self.add(provider)

        return register

    def add(self, provider: ConnectorProvider) -> None:
        """A provider's connector; it wins over a library one of that name."""
        self._providers[provider.name] = provider
        self._specs[provider.name] = provider.spec

    def provider(self, name: str) -> ConnectorProvider | None:
        return self._providers.get(name)

    def market_source(self, name: str) -> MarketSource | None:
        """What answers ``name``'s market data without a running connector, if its provider has it."""
        provider = self._providers.get(name)
        return provider.market() if provider is not None and provider.market is not None else None

    def keyless(self) -> list[str]:
        """The connectors plugins provide that take no credentials: any account may use them."""
        return sorted(p.name for p in self._providers.values() if not p.spec.fields)

    def market_connectors(self) -> list[str]:
        """The connectors whose market a provider computes, the desk's default market first."""
        named = [p for p in self._providers.values() if p.market is not None and p.market() is not None]
        return [p.name for p in sorted(named, key=lambda p: not p.default_market)]

    def default_market(self) -> str | None:
        """The connector the desk opens on (and prices with) when nothing else is chosen."""
        connectors = self.market_connectors()
        return connectors[0] if connectors else None

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
