"""A real PostgreSQL server for the database tests, started on loopback from Debian's package.

The server runs as the ``postgres`` system user when the tests run as root (PostgreSQL refuses
to run as root), in a temporary cluster that is removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run scripts/bootstrap (it installs Debian's postgresql)")
    return Path(found[-1]).parent


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    bin_dir = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="hbdesk-pg-"))
    data, sockets = root / "data", root / "run"
    data.mkdir()
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    subprocess.run(
        _as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "hbdesk", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_owner(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            _as_owner(
                [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hbdesk", "hbdesk"]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql://hbdesk@127.0.0.1:{port}/hbdesk"
    finally:
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """An empty database on the shared server, dropped afterwards."""
    import uuid

    name = f"t_{uuid.uuid4().hex[:12]}"
    base, _, _ = postgres_url.rpartition("/")
    port = base.rsplit(":", 1)[-1]
    bin_dir = _pg_bin()
    subprocess.run(
        _as_owner([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", port, "-U", "hbdesk", name]),
        check=True,
        capture_output=True,
    )
    yield f"{base}/{name}"
    subprocess.run(
        _as_owner([str(bin_dir / "dropdb"), "-h", "127.0.0.1", "-p", port, "-U", "hbdesk", "--force", name]),
        capture_output=True,
    )
