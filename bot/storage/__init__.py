"""Sakot's relational storage: SQLAlchemy 2 models and the session factory."""
