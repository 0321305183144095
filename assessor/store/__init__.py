"""The assessment store: history, comparison and peer benchmarks in a real database.

SQLite by default (the user's data folder), PostgreSQL for a team; one code path (SQLAlchemy Core),
the schema made and migrated by Alembic. ``Store(url)`` opens one; the CLI stays a thin layer over it.
"""
from assessor.store.database import ENV, StoreError, default_url
from assessor.store.store import Office, Saved, Store

__all__ = ["ENV", "Office", "Saved", "Store", "StoreError", "default_url"]
