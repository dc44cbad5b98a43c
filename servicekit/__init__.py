"""Generic service plumbing shared by Sakot and the reference exchange; knows neither.

Each is a separate service with its own database; what they share here is plumbing, not
domain: SQLAlchemy engines and units of work (``db``), Alembic upgrades (``migrations``) with one
migrator at a time (``migration_lock``), what counts as a usable secret (``secret_policy``), the
settings base that refuses weak ones (``settings_base``) and the identifier-masking log handler
(``logging``). A real AOC backend replacing the exchange would bring its own.
"""
