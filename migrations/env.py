"""Alembic environment for Sakot's own database (the exchange has its own migrations)."""

from __future__ import annotations

from alembic import context

from bot.storage.db import make_engine
from bot.storage.migrate import include_object
from bot.storage.models import Base

config = context.config
target_metadata = Base.metadata



def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from sakot.settings import get_settings

    return get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
