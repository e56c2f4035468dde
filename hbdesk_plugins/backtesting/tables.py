"""Backtest tasks and their results; the schema is owned by the migrations beside this module.

A task's row is written when it is submitted and again when it finishes; its result is the JSON
answer, stored whole as text (the same on every backend).
"""

from __future__ import annotations

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from hbdesk.sdk import Base


class BacktestTaskRow(Base):
    __tablename__ = "backtest_tasks"

    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # pending, running, completed, failed
    progress: Mapped[float] = mapped_column(Float)
    request: Mapped[str] = mapped_column(Text)  # the request as submitted, JSON
    engine: Mapped[str | None] = mapped_column(String(16), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    result: Mapped[str | None] = deferred(mapped_column(Text, nullable=True))  # read only when asked
