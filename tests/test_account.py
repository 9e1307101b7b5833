"""Account view rules: item timeline across snapshots, statement of account in the customer's language."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import fastexcel
import polars as pl

from ar_core.account import item_timeline, statement_xlsx
from ar_core.schema import ITEM_SCHEMA

W1, W2, W3 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)


def _line(as_of: date, doc_no: str, amount: str, **extra) -> dict:
    base = dict.fromkeys(ITEM_SCHEMA)
    base.update(
        company_code="1000",
        fiscal_year=2026,
        line_item=1,
        doc_type="RV",
        doc_date=date(2026, 10, 1),
        due_date=date(2026, 11, 1),
        customer_id="C1",
        currency="EUR",
    )
    return {**base, "snapshot_as_of": as_of, "doc_no": doc_no, "amount": Decimal(amount), **extra}


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={**ITEM_SCHEMA, "snapshot_as_of": pl.Date})


def test_timeline_appeared_and_cleared():
    history = _frame(
        [
            _line(W1, "0001800001", "100.00"),  # listed in W1 and W2, gone in W3: cleared by W3
            _line(W2, "1800001", "100.00"),  # same item, leading zeros stripped by the ERP
            _line(W2, "1800002", "50.00"),  # appears in W2, still open in W3
            _line(W3, "1800002", "50.00"),
            _line(
                W3, "1800003", "70.00", clearing_date=date(2026, 11, 18)
            ),  # all-items extract: cleared in file
        ]
    )
    t = item_timeline(history, [W1, W2, W3]).sort("doc_no")
    assert t.select("doc_no", "first_seen", "last_seen", "cleared_on", "status").rows() == [
        ("1800001", W1, W2, W3, "cleared"),
        ("1800002", W2, W3, None, "open"),
        ("1800003", W3, W3, date(2026, 11, 18), "cleared"),
    ]


def test_statement_in_german_neutralises_formulas_and_totals():
    items = _frame(
        [
            _line(W3, "1800001", "1234.56", reference='=HYPERLINK("http://x")'),
            _line(W3, "1800002", "-234.50"),
            _line(W3, "1800003", "99.99", clearing_date=date(2026, 11, 19)),  # cleared: not on the statement
        ]
    ).drop("snapshot_as_of")
    data = statement_xlsx({"customer_id": "C1", "name": "=cmd|' /C calc'!A0", "language": "de"}, items, W3)
    sheet = fastexcel.read_excel(io.BytesIO(data).getvalue()).load_sheet(0, header_row=None).to_polars()
    cells = [str(v) for v in sheet.to_numpy().ravel() if v is not None]
    assert "Kontoauszug =cmd|' /C calc'!A0" in cells  # starts with text: no formula
    assert "Offene Posten zum 20. November 2026" in cells
    assert '\'=HYPERLINK("http://x")' in cells
    assert "1800003" not in cells
    # 1234.56 - 234.50 = 1000.06
    saldo_row = sheet.filter(pl.col(sheet.columns[0]) == "Saldo").row(0)
    assert float(saldo_row[6]) == 1000.06
    assert saldo_row[7] == "EUR"
