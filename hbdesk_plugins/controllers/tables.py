"""The controllers run live, so that a restart starts them again; the schema is owned by the
migrations beside this module. The config is the JSON the controller was started from."""

from __future__ import annotations

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hbdesk.sdk import Base


class LiveControllerRow(Base):
    __tablename__ = "controllers_live"

    controller_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_name: Mapped[str] = mapped_column(String(64))
    config_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    config: Mapped[str] = mapped_column(Text)
    update_interval: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))  # RUNNING, STOPPED or FAILED
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
