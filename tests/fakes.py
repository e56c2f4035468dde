"""Fakes of external HTTP services, speaking their APIs on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web


class FakeGateway:
    """Speaks the part of Gateway's HTTP API that wallets use, on loopback."""

    def __init__(self) -> None:
        self.wallets: dict[str, list[str]] = {"solana": ["So1ana"], "ethereum": ["0xE7h"]}
        self.defaults: dict[str, str] = {"solana": "So1ana"}
        self.received: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_get("/wallet", self.list_wallets)
        self.app.router.add_get("/config", self.config)
        self.app.router.add_post("/wallet/add", self.add)
        self.app.router.add_post("/wallet/setDefault", self.set_default)
        self.app.router.add_delete("/wallet/remove", self.remove)

    async def list_wallets(self, _request: web.Request) -> web.Response:
        return web.json_response([{"chain": c, "walletAddresses": a} for c, a in self.wallets.items()])

    async def config(self, request: web.Request) -> web.Response:
        return web.json_response({"defaultWallet": self.defaults.get(request.query["namespace"])})

    async def add(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if body["privateKey"] == "bad":
            return web.json_response({"message": "Invalid private key"}, status=400)
        if body["privateKey"] == "odd":  # a Gateway that answers with something unexpected
            return web.json_response(["not", "a", "wallet"])
        address = f"addr-{len(self.received)}"
        self.wallets.setdefault(body["chain"], []).append(address)
        return web.json_response({"address": address})

    async def set_default(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.defaults[body["chain"]] = body["address"]
        return web.json_response({"success": True})

    async def remove(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body["address"] not in self.wallets.get(body["chain"], []):
            return web.json_response({"message": "Wallet not found"}, status=404)
        self.wallets[body["chain"]].remove(body["address"])
        return web.json_response({"success": True})


@contextmanager
def serve_in_thread(app: web.Application) -> Iterator[str]:
    """Serve an aiohttp app on a free loopback port from a thread of its own; yields its URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    ready = threading.Event()
    address: dict[str, Any] = {}

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        address["port"] = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True
    )
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{address['port']}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
