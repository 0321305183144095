"""Alembic migrations of the store (run by ``assessor.store.database``, never by hand)."""
