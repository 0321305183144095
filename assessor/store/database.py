"""Opening a store: the database URL, the connection settings, the schema's revision.

SQLite by default, in the user's data folder; ``--db URL`` or ``PMO_ASSESS_DB`` for another file
or a PostgreSQL server (``postgresql+psycopg://...``). One code path for both. SQLite runs in WAL
mode with a busy timeout, and every write takes the write lock at its start (``BEGIN IMMEDIATE``),
so two processes saving at once queue instead of failing; PostgreSQL relies on its transactions and
the unique keys. A store made by a newer tool is refused; an older one is migrated after saying so.
Only a command that writes makes a store (``create=True``); the others refuse a URL where none is,
so a mistyped ``--db`` is said at once instead of leaving an empty store behind.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from assessor.errors import AssessorError

ENV = "PMO_ASSESS_DB"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(AssessorError):
    """The store cannot be used: unreachable, not a store, from a newer tool, or asked for what it lacks."""


def default_url() -> str:
    override = os.environ.get(ENV)
    if override:
        return override
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('pmo-assess', appauthor=False) / 'assessments.db'}"


def shown_url(url: str) -> str:
    """The URL for a message: never the password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def connect(url: str | None = None, notice=None, create: bool = True):
    """An SQLAlchemy engine on the store at ``url``, its schema brought to this tool's revision.
    ``notice(line)`` is told when a store is created or migrated. Without ``create``, a URL that holds
    no store (no such SQLite file, an empty file or database) is refused and nothing is made there."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    url = url or default_url()
    try:
        if url.startswith("sqlite"):
            url = _home_expanded(url)
            engine = _sqlite_engine(url, create_engine, event, create)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise StoreError(f"{shown_url(url)}: not a database URL this tool can open ({exc}); expected for example "
                         "sqlite:///path/to/store.db or postgresql+psycopg://user@host/dbname") from None
    try:
        _bring_up_to_date(engine, url, notice, create)
    except BaseException:
        engine.dispose()  # a store refused is closed at once, not left to the garbage collector
        raise
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL opens, as an absolute path (a relative one is taken from the current
    folder, as SQLite does); None for an in-memory database, another backend or a URI filename."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if parsed.query.get("uri"):  # a URI filename, "file:/tmp/x.db" or "file:///tmp/x.db" (mode=memory: none)
        from urllib.parse import parse_qs, unquote, urlsplit

        uri = urlsplit(database)
        if uri.scheme != "file" or "memory" in parse_qs(uri.query).get("mode", []) or not uri.path:
            return None
        database = unquote(uri.path)
    return Path(os.path.abspath(os.path.expanduser(database) if not parsed.query.get("uri") else database))


NO_STORE_HELP = ("`pmo-assess assess FILE --save` makes one (with the same --db), or give the --db "
                 "(or PMO_ASSESS_DB) of an existing store")


def _refuse_missing(url: str, path: Path | None) -> None:
    """A SQLite store opened only to read must be there at ``path`` (``sqlite_file(url)``): SQLite would
    make an empty file (and we its folder)."""
    from sqlalchemy.engine import make_url

    if path is None or (path.is_file() and path.stat().st_size > 0):
        return
    found = "a folder" if path.is_dir() else "an empty file" if path.is_file() else "no such file"
    message = f"{shown_url(url)}: no assessment store at {path} ({found}); {NO_STORE_HELP}"
    parsed = make_url(url)
    written, scheme = parsed.database, url.partition(":")[0]
    if "/" in written and not written.startswith(("/", ".", "~")) and not parsed.query.get("uri"):
        # sqlite:///tmp/x.db, meant as /tmp/x.db
        message += (f"; {scheme}:///{written} (three slashes) is a path relative to the current folder: "
                    f"for /{written} write {scheme}:////{written}")
    raise StoreError(message)


def _home_expanded(url: str) -> str:
    """``sqlite:///~/pmo.db`` as the shell would read the path: SQLite itself takes ``~`` as a folder of
    that name in the current one (a store nobody finds again, in a folder named like the home)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.database and parsed.database.startswith("~") and not parsed.query.get("uri"):
        return parsed.set(database=os.path.expanduser(parsed.database)).render_as_string(hide_password=False)
    return url


def _sqlite_engine(url, create_engine, event, create=True):
    file = sqlite_file(url)  # the file itself, also of a URI filename (not a folder named "file:")
    if not create:
        _refuse_missing(url, file)
    if file is not None:
        folder = file.expanduser().resolve().parent
        if not folder.is_dir():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{shown_url(url)}: cannot make the folder {folder}: {exc.strerror}") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # We issue BEGIN ourselves (pysqlite's own transaction handling defers it past DDL and
        # cannot take the write lock up front).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        write = connection.get_execution_options().get("store_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def revisions() -> tuple[str, list[str]]:
    """This tool's head revision and every revision it knows, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    known = [r.revision for r in reversed(list(script.walk_revisions()))]
    return script.get_current_head(), known


def _bring_up_to_date(engine, url: str, notice, create: bool = True) -> None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.exc import DatabaseError, OperationalError

    head, known = revisions()
    try:
        with engine.connect().execution_options(store_write=True) as connection:
            with connection.begin():
                current = MigrationContext.configure(connection).get_current_revision()
                if current != head:  # (a store of this revision: nothing to do in the transaction)
                    _migrate(connection, url, notice, create, current, head, known)
    except StoreError:
        raise
    except (OperationalError, DatabaseError) as exc:
        raise StoreError(f"{shown_url(url)}: {_reason(exc)}") from None
    else:
        _write_ahead(engine)  # only here: the file is a store of ours, and no transaction holds it


def _migrate(connection, url: str, notice, create: bool, current, head: str, known: list[str]) -> None:
    """Create or migrate the store in the open transaction, or say why not."""
    from alembic import command
    from sqlalchemy import inspect

    if current is not None and current not in known:
        raise StoreError(f"{shown_url(url)}: this store was written by a newer pmo-assess (schema "
                         f"revision {current}; this version knows up to {head}): upgrade pmo-assess "
                         "to use it")
    if current is None and inspect(connection).get_table_names():
        raise StoreError(f"{shown_url(url)}: this database holds other tables and no assessment store; "
                         "expected an empty database or a pmo-assess store")
    if current is None and not create:
        raise StoreError(f"{shown_url(url)}: no assessment store in this database (it is empty); "
                         f"{NO_STORE_HELP}")
    if notice:
        notice(f"creating a new assessment store at {shown_url(url)}" if current is None else
               f"migrating the assessment store at {shown_url(url)} from schema revision {current} "
               f"to {head}")
    command.upgrade(_alembic_config(connection), head)


def _write_ahead(engine) -> None:
    """A SQLite store in WAL mode (readers never wait for the writer; the mode stays with the file), set
    once the file is known to be a store: a read-only command given another program's database leaves
    it as it was."""
    if engine.dialect.name != "sqlite":
        return
    import sqlite3

    raw = engine.raw_connection()  # autocommit (isolation_level None): the mode cannot change in a transaction
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    except sqlite3.Error:
        pass  # a store on a read-only disk, or held by another program: it works as it is, writers queue
    finally:
        raw.close()


def _reason(exc) -> str:
    """One line for a database error: what the user can act on."""
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else str(exc)
    if "file is not a database" in text or "malformed" in text:
        return f"not an assessment store, or a damaged one ({text}); expected a pmo-assess SQLite store"
    if "unable to open database" in text:
        return f"cannot open the database file ({text})"
    return f"cannot use the database: {text}"
