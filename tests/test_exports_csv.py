"""Every file AR Desk produces goes through the neutralising writer, also the tables' CSV downloads.

The grid's own "Download as CSV" wrote customer names, notes and reasons raw, and LibreOffice
evaluated ``=HYPERLINK(...)`` (issue 7). It is switched off app-wide (``client.disableDataExport``);
the pages offer a CSV written by ``ar_core.spreadsheet.csv_bytes`` instead. The browser side (no
built-in download button on a real table) is in ``test_exports_browser.py``.
"""

from __future__ import annotations

import csv
import io
import tomllib

import polars as pl
import pytest

from ar_core.access.users import get_actor
from ar_core.collections import promises, reason_codes
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from ar_core.spreadsheet import csv_bytes
from tests.app_support import ROOT, SYSTEM, app_store
from tests.app_support import open_page as _open
from tests.samples import fbl5n_german_text

MUELLER, BAKKER = "0000100001", "0000100002"
HOSTILE = '=HYPERLINK("http://x","y")'
NOTE = "@SUM(1+1)*cmd|' /C calc'!A0"


def _rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- the writer ----------------------------------------------------------------------------------


def test_csv_neutralises_every_text_cell_and_keeps_numbers():
    frame = pl.DataFrame(
        {
            "customer": [HOSTILE, "+49 30 1234", "-minus", "Müller", None],
            "why": [["=1+1", "ok"], [], ["\tx"], ["plain"], None],
            "amount": [-12.5, 1.0, 2.0, 3.0, 4.0],
        }
    )
    rows = _rows(csv_bytes(frame))
    assert [r["customer"] for r in rows] == ["'" + HOSTILE, "'+49 30 1234", "'-minus", "Müller", ""]
    assert [r["why"] for r in rows] == ["'=1+1; ok", "", "'\tx", "plain", ""]
    assert [r["amount"] for r in rows] == ["-12.5", "1.0", "2.0", "3.0", "4.0"]  # numbers stay numbers


def test_the_tables_built_in_download_is_switched_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    users = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"]}
    with app_store(tmp_path, monkeypatch, users, "long-enough-pw") as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER],
                    "name": [HOSTILE, "Bakker Logistiek B.V."],
                    "collector": ["colin", "cora"],
                }
            ),
        )
        import_snapshot(engine, SYSTEM, read_extract(fbl5n_german_text(), "fbl5n.txt"))
        promises.record_call(
            engine, get_actor(engine, "colin"), MUELLER, promise=None,
            channel=next(iter(reason_codes.CHANNELS)), outcome=next(iter(reason_codes.OUTCOMES)), reason=None,
            notes=NOTE, next_action=next(iter(reason_codes.NEXT_ACTIONS)), next_action_date=None,
        )  # fmt: skip
        yield engine


def _run(page: str, username: str, *, tab: str | None = None, **query):
    at = _open(page, username) if not query else None
    if at is None:
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(ROOT / page), default_timeout=30)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.query_params.update(query)
        if tab is not None:
            at.session_state["acct_tabs"] = tab
        at.run()
    assert not at.exception, at.exception
    return at


def test_worklist_offers_a_neutralised_csv(ledger, downloads):
    _run("pages/worklist.py", "lena")
    rows = _rows(downloads["worklist.csv"])
    customers = {r["customer_id"]: r["customer"] for r in rows}
    assert customers[MUELLER].startswith("'=")
    assert customers[MUELLER] == "'" + HOSTILE
    assert customers[BAKKER] == "Bakker Logistiek B.V."


def test_huddle_offers_a_neutralised_csv(ledger, downloads):
    _run("pages/huddle.py", "lena")
    (name,) = [n for n in downloads if n.startswith("huddle-")]
    assert "'" + HOSTILE in [r["customer"] for r in _rows(downloads[name])]


def test_account_tables_offer_neutralised_csvs(ledger, downloads):
    for tab in ("Open items", "Item history", "Contacts"):  # only the open tab runs
        _run("pages/account.py", "lena", customer=MUELLER, tab=tab)
    notes = [r["notes"] for r in _rows(downloads[f"contacts-{MUELLER}.csv"])]
    assert notes == ["'" + NOTE]
    for name in (f"open-items-{MUELLER}.csv", f"item-history-{MUELLER}.csv"):
        assert _rows(downloads[name]), name
    for name, data in downloads.items():  # no offered CSV holds a text cell that would run
        if name.endswith(".csv"):
            for row in _rows(data):
                assert not [v for v in row.values() if _runs(v)], name


def _runs(cell: str) -> bool:
    """A text cell a spreadsheet evaluates (a negative amount is a number, not a formula)."""
    try:
        float(cell)
    except ValueError:
        return cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    return False
