"""The store: SQLAlchemy models, engine set-up, Alembic migrations and the bulk item path.
No area is imported from here.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "make_engine": "db",
    "migrate": "db",
}
#: For other areas' services only, never pages: unscoped reads and transaction pieces.
_SERVICE: dict[str, str] = {
    "COPY_CHUNK_ROWS": "bulk",
    "IMPORT_CACHE_KIB": "bulk",
    "ImportTransaction": "bulk",
    "MIN_ROWS_PER_PART": "bulk",
    "MONEY_COLUMNS": "bulk",
    "STAGING_PREFIX": "staging",
    "STAGING_THREADS": "bulk",
    "STALE_STAGING_SECONDS": "staging",
    "STORE_COLUMNS": "bulk",
    "WAL_AUTOCHECKPOINT_PAGES": "bulk",
    "clean_staging": "staging",
    "from_cents": "bulk",
    "import_transaction": "bulk",
    "item_rows": "bulk",
    "item_select_columns": "bulk",
    "items_frame": "bulk",
    "load_items": "bulk",
    "remove_stale_staging": "staging",
    "to_cents": "bulk",
    "MIGRATIONS_DIR": "db",
    "PRIVATE_DIR_MODE": "db",
    "PRIVATE_FILE_MODE": "db",
    "SQLITE_BUSY_TIMEOUT_MS": "db",
    "alembic_config": "db",
    "confirm_actor": "db",
    "downgrade": "db",
    "head_revision": "db",
    "normalise_url": "db",
    "private_dir": "db",
    "private_file": "db",
    "sqlite_path": "db",
    "write_transaction": "db",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
