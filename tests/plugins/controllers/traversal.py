"""Helpers for the path-traversal tests of the controllers and scripts routes."""

from __future__ import annotations

import base64
import http.client
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.helpers import PASSWORD
from tests.server import Served

SECRET = "SECRET-CONTENT-never-served"
# Names as the client sends them: yarl keeps %2F and %00 encoded, the server decodes them. "link"
# is a symlink the test plants in the folder, leading out of it.
CLIENT_NAMES = ("..%2F..%2F..%2Foutside%2Fpwned", "%2Fetc%2Fpasswd", "a%00b", "link", ".hidden", "a b")
# Paths sent as written: a client would normalise ".." and "%2e%2e" away before sending.
RAW_NAMES = ("..", "%2e%2e", "%2E%2E%2F%2E%2E%2Foutside%2Fpwned", "..%5coutside")


def raw(served: Served, method: str, path: str, body: Any = None) -> tuple[int, str]:
    """A request sent exactly as written."""
    url = urlsplit(served.url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    token = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def snapshot(root: Path) -> dict[str, tuple[str, bytes]]:
    """Every entry under ``root`` (links not followed) with its kind and content."""
    found: dict[str, tuple[str, bytes]] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = ("link", os.readlink(path).encode())
        elif path.is_file():
            found[key] = ("file", path.read_bytes())
        else:
            found[key] = ("dir", b"")
    return found


def plant(outside: Path, links: dict[Path, Path]) -> None:
    """Files holding the secret outside the routes' folders, and links to them inside."""
    outside.mkdir(parents=True, exist_ok=True)
    for name in ("secret.py", "secret.yml", "pwned.py", "pwned.yml"):
        (outside / name).write_text(f"# {SECRET}\n")
    for link, target in links.items():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
