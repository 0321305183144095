"""The assessment store: history, comparison and peer benchmarks in a real database.

SQLite by default (the user's data folder), PostgreSQL for a team; one code path (SQLAlchemy Core),
the schema made and migrated by Alembic. ``Store(url)`` opens one; the CLI stays a thin layer over it.

The names below load SQLAlchemy on first use, so that ``assessor.store.keys`` (the name keys a batch
groups offices by) costs a batch no database import.
"""
import importlib

_NAMES = {"ENV": "database", "StoreError": "database", "default_url": "database",
          "Office": "store", "Saved": "store", "Store": "store"}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(f"assessor.store.{_NAMES[name]}"), name)
    raise AttributeError(f"module 'assessor.store' has no attribute {name!r}")
