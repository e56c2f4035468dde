"""Alembic environment: always runs on the connection the kernel hands it."""

from alembic import context

from hbdesk.kernel.orm import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("hbdesk migrations run through the kernel (hbdesk.kernel.db.Database)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
