"""Alembic environment for mlcamp's migrations.

mlcamp runs migrations itself (:func:`mlcamp.store.schema.ensure_schema`) and hands its connection
over in ``config.attributes["connection"]``; the migration then runs inside the caller's
transaction. Without a connection (a developer running Alembic by hand) the database named by
``sqlalchemy.url`` or MLCAMP_DATABASE_URL / MLCAMP_HOME is opened.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from mlcamp.paths import database_url
from mlcamp.store.engine import create_store_engine, writer
from mlcamp.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Emit the migration SQL without a database (``alembic upgrade --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the caller's connection, or through a new engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or database_url())
    try:
        with writer(engine).connect() as own_connection:
            _configure(own_connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
