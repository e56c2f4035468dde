"""The kernel's key-value table."""

from __future__ import annotations

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from hbdesk.kernel.db import Database
from hbdesk.kernel.orm import Base


class KernelMeta(Base):
    __tablename__ = "kernel_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


async def read_meta(db: Database, *keys: str) -> dict[str, str]:
    async with db.session() as session:
        rows = await session.scalars(select(KernelMeta).where(KernelMeta.key.in_(keys)))
        return {row.key: row.value for row in rows}


async def write_meta(db: Database, values: dict[str, str]) -> None:
    async with db.session() as session, session.begin():
        for key, value in values.items():
            await session.merge(KernelMeta(key=key, value=value))
