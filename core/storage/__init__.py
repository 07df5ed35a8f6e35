"""Persistence: SQLAlchemy tables, the repository and Alembic migrations (SQLite or PostgreSQL)."""
