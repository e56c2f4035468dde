"""The database layer, on SQLite and on a real PostgreSQL: migrations, upgrades, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from hbdesk.kernel.errors import ConfigPasswordError, Unavailable
from hbdesk.runtime import create_desk
from tests.helpers import core_settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    if request.param == "sqlite":
        return None  # the default: SQLite in the data dir
    return request.getfixturevalue("fresh_postgres")


def desk_on(tmp_path: Path, url: str | None, **overrides: object):
    return create_desk(core_settings(tmp_path / "data", database_url=url, **overrides))


async def table_names(desk) -> set[str]:
    async with desk.kernel.db.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_migrations_create_every_branch_and_master_account(
    tmp_path: Path, database_url: str | None
) -> None:
    desk = desk_on(tmp_path, database_url)
    await desk.start()
    try:
        assert {"kernel_meta", "accounts", "credentials", "alembic_version"} <= await table_names(desk)
        async with desk.kernel.db.engine.connect() as conn:
            heads = set((await conn.execute(text("select version_num from alembic_version"))).scalars())
        assert "accounts_0001" in heads  # it depends on kernel_0001, which alembic folds into it
        assert await desk.kernel.service("accounts").list_accounts() == ["master_account"]
    finally:
        await desk.stop()


async def test_a_restarted_desk_keeps_its_data_and_decrypts_its_secrets(
    tmp_path: Path, database_url: str | None
) -> None:
    desk = desk_on(tmp_path, database_url)
    await desk.start()
    accounts = desk.kernel.service("accounts")
    await accounts.add_account("alice")
    await accounts.add_credential(
        "alice", "binance", {"binance_api_key": "K-123", "binance_api_secret": "S-456"}
    )
    await desk.stop()

    again = desk_on(tmp_path, database_url)
    await again.start()
    try:
        accounts = again.kernel.service("accounts")
        assert await accounts.list_accounts() == ["master_account", "alice"]
        assert await accounts.credentials("alice", "binance") == {
            "binance_api_key": "K-123",
            "binance_api_secret": "S-456",
        }
    finally:
        await again.stop()


async def test_credentials_are_encrypted_at_rest(tmp_path: Path, database_url: str | None) -> None:
    desk = desk_on(tmp_path, database_url)
    await desk.start()
    try:
        await desk.kernel.service("accounts").add_credential(
            "master_account", "binance", {"binance_api_key": "PLAINKEY", "binance_api_secret": "PLAINSECRET"}
        )
        async with desk.kernel.db.engine.connect() as conn:
            rows = (await conn.execute(text("select * from credentials"))).all()
        dumped = repr(rows)
        assert "PLAINKEY" not in dumped and "PLAINSECRET" not in dumped
        assert len(rows) == 1
    finally:
        await desk.stop()


async def test_a_wrong_config_password_fails_and_leaves_secrets_untouched(
    tmp_path: Path, database_url: str | None
) -> None:
    desk = desk_on(tmp_path, database_url)
    await desk.start()
    await desk.kernel.service("accounts").add_credential(
        "master_account", "binance", {"binance_api_key": "K", "binance_api_secret": "S"}
    )
    async with desk.kernel.db.engine.connect() as conn:
        before = (await conn.execute(text("select * from kernel_meta order by key"))).all()
        stored = (await conn.execute(text("select secret from credentials"))).scalar_one()
    await desk.stop()

    wrong = desk_on(tmp_path, database_url, config_password="not-the-password")
    with pytest.raises(ConfigPasswordError, match="CONFIG_PASSWORD does not open"):
        await wrong.start()

    right = desk_on(tmp_path, database_url)
    await right.start()
    try:
        async with right.kernel.db.engine.connect() as conn:
            assert (await conn.execute(text("select * from kernel_meta order by key"))).all() == before
            assert (await conn.execute(text("select secret from credentials"))).scalar_one() == stored
        assert await right.kernel.service("accounts").credentials("master_account", "binance") == {
            "binance_api_key": "K",
            "binance_api_secret": "S",
        }
    finally:
        await right.stop()


async def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    desk = desk_on(tmp_path, None)
    await desk.start()
    try:
        async with desk.kernel.db.engine.connect() as conn:
            assert (await conn.execute(text("pragma journal_mode"))).scalar_one() == "wal"
    finally:
        await desk.stop()


async def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    from tests.helpers import free_port

    url = f"postgresql://nobody:secret@127.0.0.1:{free_port()}/none"
    desk = desk_on(tmp_path, url)
    desk.kernel.db.connect_timeout = 2
    with pytest.raises(Unavailable) as caught:
        await desk.start()
    assert "cannot be reached" in caught.value.detail
    assert "secret" not in caught.value.detail  # the password is hidden


async def test_an_upgrade_with_a_new_plugin_migration_keeps_the_data(
    tmp_path: Path, database_url: str | None
) -> None:
    desk = desk_on(tmp_path, database_url)
    await desk.start()
    await desk.kernel.service("accounts").add_account("kept")
    await desk.stop()

    upgraded = desk_on(tmp_path, database_url)
    migrations = Path(__file__).parents[1] / "fixtures" / "notes_migrations"
    upgraded.kernel.registry.registrar("notes")("notes", lambda _k: object(), migrations=migrations)
    await upgraded.start()
    try:
        assert "notes" in await table_names(upgraded)
        async with upgraded.kernel.db.engine.connect() as conn:
            heads = set((await conn.execute(text("select version_num from alembic_version"))).scalars())
        assert {"accounts_0001", "notes_0001"} <= heads  # the new branch beside the others
        assert await upgraded.kernel.service("accounts").list_accounts() == ["master_account", "kept"]
    finally:
        await upgraded.stop()
