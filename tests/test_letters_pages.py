"""The PDF downloads beside the XLSX statements: the account's statement of account and the
reconciliation statement of the credit page."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import ROOT, SYSTEM, app_store
from tests.samples import fbl5n_german_text

MUELLER, BAKKER = "0000100001", "0000100002"
USERS = {"lena": ["lead"], "colin": ["collector"]}


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER],
                    "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                    "language": ["de", "nl"],
                    "collector": ["colin", "colin"],
                    "street": ["Werkstraße 4", "Kerkstraat 5"],
                    "postcode": ["20457", "1017 GC"],
                    "city": ["Hamburg", "Amsterdam"],
                }
            ),
        )
        import_snapshot(engine, SYSTEM, read_extract(fbl5n_german_text(), "fbl5n.txt"))
        yield engine


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _downloads(at: AppTest) -> dict[str, str]:
    return {b.proto.label: b.proto.url for b in at.get("download_button")}


def test_the_statement_of_account_comes_as_pdf_too_in_the_chosen_language(ledger):
    at = AppTest.from_file(str(ROOT / "pages/account.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "colin"
    at.query_params["customer"] = BAKKER
    _run(at)
    labels = list(_downloads(at))
    assert "Statement of account (XLSX, NL)" in labels
    assert "As a PDF letter (NL)" not in labels  # written only when asked for
    at.button(key="statement_pdf_prepare").click()
    _run(at)
    assert "As a PDF letter (NL)" in _downloads(at)
    at.selectbox(key=f"st_lang_{BAKKER}").select("fr")
    _run(at)
    assert at.button(key="statement_pdf_prepare").label == "Prepare the PDF letter (FR)"
    at.button(key="statement_pdf_prepare").click()
    _run(at)
    assert "As a PDF letter (FR)" in _downloads(at)


THEIR_LIST = (
    "Rechnungsnummer;Datum;Betrag;Währung;Text\n1800000001;01.09.2026;1.000,00;EUR;Rechnung\n".encode()
)


def test_the_reconciliation_statement_comes_as_pdf_too(ledger):
    at = AppTest.from_file(str(ROOT / "pages/credit_balances.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "colin"
    at.session_state["cr_tab"] = "Reconciliation"
    _run(at)
    at.selectbox(key="cr_rec_customer").select(MUELLER)
    _run(at)
    at.file_uploader(key="cr_rec_file").set_value(("mueller.csv", THEIR_LIST, "text/csv"))
    at.button(key="FormSubmitter:cr_rec-Reconcile").click()
    _run(at)
    assert "Reconciliation statement (PDF, DE)" in _downloads(at)
    at.selectbox(key="cr_rec_language").select("en")
    _run(at)
    assert "Reconciliation statement (PDF, EN)" in _downloads(at)
