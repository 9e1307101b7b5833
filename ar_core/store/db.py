"""Engine creation and schema migration for the two supported databases.

SQLite (the default, one file under ``data/``) is tuned for several readers and one writer:
WAL journal, a 30 s busy timeout instead of instant "database is locked" errors, and foreign keys
switched on (SQLite leaves them off per connection). Transactions are begun explicitly so a
read-modify-write service really runs in one transaction (the sqlite3 module would otherwise
start it only at the first write). PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ar_core.config import settings

if TYPE_CHECKING:
    from alembic.config import Config
from ar_core.errors import ConfigError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: How long a SQLite writer waits for another one before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> sa.URL:
    """Parse a database URL and pin PostgreSQL to the psycopg 3 driver."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigError(f"AR_DATABASE_URL is not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")
    return parsed


def sqlite_path(engine: sa.Engine) -> str | None:
    """The database file of a SQLite engine (``None`` for in-memory or other databases)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return None if database in (None, "", ":memory:") else database


#: Modes of what AR Desk creates: the database holds bcrypt hashes and the whole ledger.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents readable by the owner only (whatever the umask).

    Folders that exist already keep their mode: an operator's choice (or ``/tmp``) is not changed.
    """
    target = Path(path)
    missing, folder = [], target
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # another process made it in between
            continue
        folder.chmod(PRIVATE_DIR_MODE)  # mkdir's mode is cut by the umask
    return target


def private_file(path: Path) -> bool:
    """Create the empty file ``path`` (in a :func:`private_dir`) with mode 600 unless it exists.

    SQLite creates its ``-wal`` and ``-shm`` files with the mode of the database file, so a
    database file created here keeps all three owner-only; an existing file keeps its mode.
    Returns whether the file was created now.
    """
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # os.open's mode is cut by the umask too
    finally:
        os.close(fd)
    return True


def _tighten_project_data_dir(folder: Path) -> None:
    """The project's own ``data/`` comes from git as 755: a fresh database there makes it 700.

    Any other existing folder is the operator's and keeps its mode.
    """
    from ar_core import config

    if folder.resolve() == Path(config.DATA_DIR).resolve():
        folder.chmod(PRIVATE_DIR_MODE)


def make_engine(url: str | None = None, **kwargs: Any) -> sa.Engine:
    """Create the engine for ``url`` (default: ``AR_DATABASE_URL`` or the SQLite file in the data dir)."""
    parsed = normalise_url(url or settings().database_url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)

    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        database_path = Path(database).expanduser()
        if private_file(database_path):
            _tighten_project_data_dir(database_path.parent)
    engine = sa.create_engine(parsed, **kwargs)
    in_memory = database in (None, "", ":memory:")

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see _on_begin
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


@contextmanager
def write_transaction(engine: sa.Engine, actor: Any = None) -> Iterator[sa.Connection]:
    """A transaction for a service that reads, then writes, on behalf of ``actor``.

    On SQLite it takes the write lock up front (``BEGIN IMMEDIATE``, waiting up to the busy
    timeout) so that a concurrent writer cannot invalidate what was read; PostgreSQL needs nothing.
    With an ``actor`` the acting user is re-read on this very connection first (:func:`confirm_actor`):
    a user deactivated or stripped of a role a second ago cannot write with a session's old copy.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if actor is not None:
                confirm_actor(conn, actor)
            yield conn


def confirm_actor(conn: sa.Connection, actor: Any) -> None:
    """Refuse (``PermissionDenied``) an actor whose user is inactive or no longer holds a claimed role.

    ``actor`` is anything with ``username`` and ``roles``. An operator that is no user account
    (the CLI, the demo loader) is not in the users table and acts with the roles it was given.
    """
    from ar_core.errors import PermissionDenied
    from ar_core.store.models import User

    row = conn.execute(sa.select(User.active, User.roles).where(User.username == actor.username)).first()
    if row is None:
        return
    if not row.active:
        raise PermissionDenied(f"{actor.username} is not an active user (deactivated since logging in)")
    held = {r.strip() for r in (row.roles or "").split(",") if r.strip()}
    lost = sorted(set(actor.roles) - held)
    if lost:
        raise PermissionDenied(f"{actor.username} no longer holds the role {', '.join(lost)}")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An alembic.ini-less configuration pointing at the migrations inside this package."""
    from alembic.config import Config  # imported when needed: Alembic is 70 ms of every start

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration's revision: files are numbered in order (the history is linear)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


def _current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError:  # a new database: no version table yet
            return None


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (idempotent: a current database is left alone).

    On SQLite foreign keys are off while migrating: a batch migration rebuilds a table by
    dropping it, and with foreign keys on that DROP would cascade into the rows referring to it
    (every item of every snapshot). The pragma only takes effect outside a transaction.
    Afterwards stale staging folders of killed imports are removed (every start migrates). A
    database already at the head is seen with one query, without loading Alembic (CLI start-up).
    """
    if revision == "head" and _current_revision(engine) == head_revision():
        _clean_staging(engine)
        return
    from alembic import command

    _run_alembic(engine, lambda config: command.upgrade(config, revision))
    _clean_staging(engine)


def _run_alembic(engine: sa.Engine, step: Any) -> None:
    """Run one Alembic command in a transaction, on SQLite with foreign keys off (see :func:`migrate`)."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.dbapi_connection
        if sqlite:  # on the driver connection: SQLAlchemy's begin hook would wrap it in BEGIN
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                step(alembic_config(conn))
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("migration left rows that break a foreign key; rolled back")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def _clean_staging(engine: sa.Engine) -> None:
    from ar_core.store.staging import clean_staging  # lazy: staging imports this module

    clean_staging(engine)  # start-up: folders a killed import left next to the database


def downgrade(engine: sa.Engine, revision: str = "base") -> None:
    """Downgrade the schema (for tests and emergencies; ``base`` drops every table)."""
    from alembic import command

    # foreign keys off as for an upgrade: a batch migration's table rebuild must not cascade
    _run_alembic(engine, lambda config: command.downgrade(config, revision))
