"""Alembic's environment: runs migrations on the engine the caller hands over.

There is no alembic.ini: :func:`bsc_core.db.upgrade` builds the configuration in code, so
``bscbot db upgrade`` and every command that needs the schema use the same path.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import bsc_core.models  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata
MIGRATION_LOCK_KEY = 74_201_126  # any constant shared by every bscbot process


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from bsc_core.db import make_engine
        from bsc_core.settings import get_settings

        engine = make_engine(get_settings().DATABASE_URL)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        engine = engine.execution_options(sqlite_immediate=True)
    with engine.connect() as connection:
        if not sqlite:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if not sqlite:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("bscbot migrations run online only: use `bscbot db upgrade`")
run_migrations_online()
