"""Persistence: models, engine and unit of work, repositories, queries and Alembic migrations."""
