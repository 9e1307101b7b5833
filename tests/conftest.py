"""Shared fixtures: a fresh migrated store per test, on SQLite always and on PostgreSQL when asked.

``engine`` is a migrated SQLite file in ``tmp_path``. ``pg_engine`` is a migrated PostgreSQL
schema of its own (``AR_TEST_POSTGRES_URL``), dropped afterwards; without the variable the test
is skipped with a visible reason. ``store`` runs a test on both (parametrised).
Builders for ExtractResults and actors keep store tests independent of the ingest readers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from ar_core.access.actor import Actor
from ar_core.schema import ITEM_SCHEMA
from ar_core.store.db import make_engine, migrate

PG_URL_VARIABLE = "AR_TEST_POSTGRES_URL"

ADMIN = Actor("root.admin", "Ada Admin", frozenset({"admin"}))
LEAD = Actor("lena.lead", "Lena Lead", frozenset({"lead"}))
CONTROLLER = Actor("carl.controller", "Carl Controller", frozenset({"controller"}))
COLLECTOR = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))


@pytest.fixture(autouse=True)
def _fast_bcrypt(monkeypatch):
    """Tests hash many passwords: the minimum bcrypt cost keeps them fast (production keeps 12)."""
    monkeypatch.setattr("ar_core.access.users.BCRYPT_ROUNDS", 4)


@pytest.fixture
def engine(tmp_path) -> Iterator[sa.Engine]:
    """A fresh, migrated SQLite store (a file, so the ADBC bulk path is exercised)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'store' / 'ardesk.sqlite'}")
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[sa.Engine]:
    """A fresh, migrated PostgreSQL schema, dropped after the test."""
    base_url = os.environ.get(PG_URL_VARIABLE)
    if not base_url:
        pytest.skip(f"{PG_URL_VARIABLE} not set")
    schema = f"ardesk_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    eng = make_engine(url.render_as_string(hide_password=False))
    try:
        migrate(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request) -> sa.Engine:
    """The same test on SQLite and (when configured) PostgreSQL."""
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")


def item(**values: Any) -> dict[str, Any]:
    """One canonical item with sensible defaults; money given as text for exactness."""
    row: dict[str, Any] = {
        "company_code": "1000",
        "customer_id": "0000100001",
        "customer_name": "Müller Maschinenbau GmbH",
        "doc_no": "1800000001",
        "fiscal_year": 2026,
        "line_item": 1,
        "doc_type": "RV",
        "doc_date": date(2026, 9, 1),
        "posting_date": date(2026, 9, 1),
        "baseline_date": date(2026, 9, 1),
        "due_date": date(2026, 10, 1),
        "amount": "100.00",
        "currency": "EUR",
        "amount_doc": None,
        "doc_currency": None,
        "amount_reporting": None,
        "clearing_date": None,
        "clearing_doc": None,
        "dunning_level": 0,
        "disputed": False,
        "dispute_reason": None,
        "reference": None,
        "assignment": None,
        "text": None,
        "collector": "c.meyer",
        "country": "DE",
        "source_row": 5,
    }
    row.update(values)
    for money in ("amount", "amount_doc", "amount_reporting"):
        if isinstance(row[money], str | int):
            row[money] = Decimal(str(row[money]))
    return row


def items_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame with exactly ``ITEM_SCHEMA`` from :func:`item` dicts."""
    return pl.DataFrame(rows, schema=ITEM_SCHEMA, orient="row")


@pytest.fixture
def make_result() -> Callable[..., Any]:
    """Build an ``ExtractResult`` directly (the store does not care which reader made it)."""
    from ar_core.ingest.result import ExtractResult

    def build(rows: list[dict[str, Any]] | pl.DataFrame, *, as_of: date | None = date(2026, 11, 20),
              file_hash: str | None = None, problems: list[Any] | None = None,
              file_name: str = "FBL5N_20261120.txt") -> ExtractResult:  # fmt: skip
        frame = rows if isinstance(rows, pl.DataFrame) else items_frame(rows)
        return ExtractResult(
            file_name=file_name,
            file_hash=file_hash or uuid.uuid4().hex * 2,
            source_format="SAP FBL5N text export (test)",
            as_of=as_of,
            items=frame,
            problems=problems or [],
            lines_read=frame.height,
        )

    return build


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file an AppTest page run offers, by the file name the user gets (also
    those written only when clicked: written here, as the click would)."""
    offered: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            if filename and isinstance(path_or_data, bytes):
                offered[filename] = path_or_data
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    real_deferred = MediaFileManager.add_deferred

    def deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        """A download written when it is clicked: written here, as the click would."""
        data = data_callable()
        offered[file_name] = data.encode() if isinstance(data, str) else data
        return real_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return offered


#: The day the shared demo is built on (its training plans, absences and reviews are dated from it).
DEMO_DAY = date(2026, 12, 2)


@pytest.fixture(scope="session")
def demo_team(tmp_path_factory) -> Iterator[sa.Engine]:
    """The whole demo (3,000 items, seed 7) as ``make run`` loads it, built once per test process.

    Shared by the demo tests of every area: read it, and write only what a second demo load would
    (nothing). The day is pinned to :data:`DEMO_DAY`; passwords are hashed at the minimum cost.
    """
    import bcrypt

    from ar_core.demo.build import load_demo_if_empty

    folder = tmp_path_factory.mktemp("demo_team")
    eng = make_engine(f"sqlite:///{folder / 'ardesk.sqlite'}")
    migrate(eng)
    cheap = bcrypt.gensalt(rounds=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AR_TODAY", DEMO_DAY.isoformat())
        mp.setattr(
            "ar_core.access.users.hash_password", lambda pw: bcrypt.hashpw(pw.encode(), cheap).decode()
        )
        assert load_demo_if_empty(eng, folder, items=3_000, seed=7) is True
    yield eng
    eng.dispose()
