"""The data dir and what the kernel writes in it are readable by their owner only."""

from __future__ import annotations

from pathlib import Path

from hbdesk.runtime import create_desk
from tests.helpers import core_settings


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def test_the_data_dir_and_its_state_are_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    desk = create_desk(core_settings(data_dir))
    await desk.start()
    try:
        await desk.kernel.service("accounts").add_account("private")
        desk.kernel.preferences.set("theme", "hbdesk-light")
        assert mode(data_dir) == 0o700
        database = data_dir / "hbdesk.sqlite"
        assert mode(database) == 0o600
        for companion in (data_dir / "hbdesk.sqlite-wal", data_dir / "hbdesk.sqlite-shm"):
            assert not companion.exists() or mode(companion) == 0o600
        assert mode(data_dir / "preferences.json") == 0o600
    finally:
        await desk.stop()


async def test_an_older_install_left_readable_is_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = create_desk(core_settings(data_dir))
    await first.start()
    await first.stop()
    data_dir.chmod(0o755)
    (data_dir / "hbdesk.sqlite").chmod(0o644)
    second = create_desk(core_settings(data_dir))
    await second.start()
    try:
        assert mode(data_dir) == 0o700
        assert mode(data_dir / "hbdesk.sqlite") == 0o600
    finally:
        await second.stop()


def test_the_desk_log_is_owner_only(tmp_path: Path) -> None:
    import logging

    from hbdesk.cli import log_to_file

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        log_to_file(tmp_path / "data" / "logs" / "desk.log")
        assert mode(tmp_path / "data" / "logs") == 0o700
        assert mode(tmp_path / "data" / "logs" / "desk.log") == 0o600
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
