"""A small client of Gateway's HTTP API, with a bounded timeout and clear errors.

Gateway holds the wallets itself; hbdesk forwards to it and never keeps a private key.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from hbdesk.sdk import InvalidInput, TimedOut, Unavailable


class GatewayClient:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._session is None:
            raise Unavailable("Gateway service is not available: the client is not running")
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            async with self._session.request(method, url, **kwargs) as response:
                try:
                    payload = await response.json(content_type=None)
                except ValueError:
                    payload = {"message": (await response.text())[:500]}
                if response.status >= 500:
                    raise Unavailable(f"Gateway service is not available: {_message(payload, response)}")
                if response.status >= 400:
                    raise InvalidInput(f"Gateway error: {_message(payload, response)}")
                return payload
        except TimeoutError:
            raise TimedOut(f"Gateway at {self.base_url} did not answer within {self.timeout:g} s") from None
        except aiohttp.ClientError as exc:
            raise Unavailable(f"Gateway service is not available at {self.base_url}: {exc}") from None

    async def wallets(self) -> list[dict[str, Any]]:
        groups = await self.request("GET", "wallet")
        if not isinstance(groups, list):
            raise Unavailable("Gateway answered the wallet list with something that is not a list")
        result = []
        for group in groups:
            chain = group.get("chain", "")
            config = await self.request("GET", "config", params={"namespace": chain}) if chain else {}
            default = config.get("defaultWallet") if isinstance(config, dict) else None
            result.append({**group, "default_address": default or ""})
        return result

    async def add_wallet(self, chain: str, private_key: str, set_default: bool) -> dict[str, Any]:
        answer = await self.request(
            "POST", "wallet/add", json={"chain": chain, "privateKey": private_key, "setDefault": set_default}
        )
        if not isinstance(answer, dict):
            raise Unavailable("Gateway answered the new wallet with something that is not a JSON object")
        return answer

    async def set_default_wallet(self, chain: str, address: str) -> Any:
        return await self.request("POST", "wallet/setDefault", json={"chain": chain, "address": address})

    async def remove_wallet(self, chain: str, address: str) -> Any:
        return await self.request("DELETE", "wallet/remove", json={"chain": chain, "address": address})


def _message(payload: Any, response: aiohttp.ClientResponse) -> str:
    if isinstance(payload, dict):
        for key in ("message", "error", "detail"):
            if payload.get(key):
                return str(payload[key])
    return f"HTTP {response.status} {response.reason or ''}".strip()
