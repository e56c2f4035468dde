"""The database: SQLAlchemy 2 async, SQLite (WAL) in the data dir or PostgreSQL.

The schema is owned by Alembic migrations. The kernel's own migrations live beside this module;
a service may bring a folder of its own (a separate Alembic branch), and every branch is brought
to its head on start, so an upgraded desk keeps its data.

SQLAlchemy and Alembic are imported when the database opens, not when this module is imported:
the desk draws its first frame before they have loaded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hbdesk.kernel.errors import Unavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

KERNEL_MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def redacted(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _load_drivers() -> None:
    """The imports the database needs; run in a thread so the event loop keeps drawing."""
    import alembic.command  # noqa: F401
    import sqlalchemy.ext.asyncio  # noqa: F401

    import hbdesk.kernel.orm  # noqa: F401

    # Alembic announces each of its internal plugins at INFO; its migrations are worth logging.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


class Database:
    """Owns the engine and the session factory."""

    def __init__(self, url: str, connect_timeout: float = 10.0) -> None:
        self.url = url
        self.connect_timeout = connect_timeout
        self.engine: AsyncEngine | None = None
        self.sessions: async_sessionmaker[AsyncSession] | None = None

    @property
    def backend(self) -> str:
        return self.url.split(":", 1)[0].split("+", 1)[0]

    async def start(self, migration_dirs: Sequence[Path] = ()) -> None:
        await asyncio.to_thread(_load_drivers)
        from sqlalchemy import event
        from sqlalchemy.engine import make_url
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        url = make_url(self.url)
        connect_args: dict[str, Any] = {}
        if self.backend == "sqlite":
            if url.database and url.database != ":memory:":
                _private_sqlite(Path(url.database))
        elif self.backend == "postgresql":
            connect_args["timeout"] = self.connect_timeout
        self.engine = create_async_engine(self.url, connect_args=connect_args, pool_pre_ping=True)
        if self.backend == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        try:
            await asyncio.wait_for(self._migrate(migration_dirs), self.connect_timeout * 3)
        except (OSError, TimeoutError) as exc:
            await self.stop()
            raise Unavailable(f"the database at {redacted(self.url)} cannot be reached: {exc}") from exc

    async def _migrate(self, migration_dirs: Sequence[Path]) -> None:
        assert self.engine is not None
        locations = [KERNEL_MIGRATIONS / "versions", *migration_dirs]
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade, locations)

    def session(self) -> AsyncSession:
        if self.sessions is None:
            raise Unavailable("the database is not open")
        return self.sessions()

    async def stop(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
        self.engine = None
        self.sessions = None


def alembic_config(locations: Sequence[Path], connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(KERNEL_MIGRATIONS))
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, locations: Sequence[Path]) -> None:
    from alembic import command

    command.upgrade(alembic_config(locations, connection), "heads")


def _private_sqlite(database: Path) -> None:
    """The database owner-only before SQLite opens it: SQLite gives its -wal and -shm files the
    database file's permissions."""
    from hbdesk.kernel.files import private_file, restrict_existing

    database.parent.mkdir(parents=True, exist_ok=True)
    private_file(database)
    for suffix in ("-wal", "-shm", "-journal"):
        restrict_existing(database.with_name(database.name + suffix))
