"""Reconciliation with the customer's list: reading it, matching by document, reference, amount and date,
and every cent of the difference explained (hand-computed; a property test for random lists)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_core.credit.reconcile import (
    AMOUNT_AND_DATE,
    DOCUMENT,
    REFERENCE,
    THEIR_SCHEMA,
    normalise_reference,
    read_customer_list,
    reconcile,
)
from ar_core.errors import InvalidInput
from ar_core.ingest.mapping import Mapping
from ar_core.schema import ITEM_SCHEMA

AS_OF = date(2025, 12, 31)
D = Decimal


def _item(doc_no: str, amount: str, doc_date: date, **extra) -> dict:
    row = dict.fromkeys(ITEM_SCHEMA)
    row.update(
        company_code="1000",
        customer_id="C1",
        fiscal_year=2025,
        line_item=1,
        doc_type="RV",
        doc_date=doc_date,
        due_date=doc_date + timedelta(days=30),
        currency="EUR",
        doc_no=doc_no,
        amount=D(amount),
    )
    row.update(extra)
    return row


def _ours(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ITEM_SCHEMA)


def _theirs(rows: list[tuple]) -> pl.DataFrame:
    """(their_reference, date, amount, text) rows numbered from 2 as a file would be."""
    return pl.DataFrame(
        [
            {
                "source_row": i + 2,
                "their_reference": ref,
                "doc_date": d,
                "amount": D(a),
                "currency": "EUR",
                "text": t,
            }
            for i, (ref, d, a, t) in enumerate(rows)
        ],
        schema=THEIR_SCHEMA,
    )


#: Our 3 invoices and 1 credit note for customer C1 (plus one cleared invoice, not open).
OURS = _ours(
    [
        _item("0090001234", "1000.00", date(2025, 11, 3), reference="18000122"),
        _item("90001235", "2380.00", date(2025, 11, 10), reference="0018000123"),
        _item("90001236", "595.00", date(2025, 12, 1), reference="18000124"),
        _item("90001240", "-119.00", date(2025, 12, 5), doc_type="DG", reference="18000130"),
        _item("90001199", "70.00", date(2025, 10, 1), clearing_date=date(2025, 12, 20)),
    ]
)
#: Their list: the first invoice 0.01 short, the second quoted by our reference, the third
#: missing, the credit note under their own number (2 days off), and a payment we did not apply.
THEIR_CSV = """Saldenbestätigung Müller GmbH zum 31.12.2025
Rechnungsnummer;Datum;Betrag;Währung;Text
90001234;03.11.2025;999,99;EUR;Rechnung
RE 0018000123;10.11.2025;2.380,00;EUR;Rechnung
GS-77;07.12.2025;119,00-;EUR;Gutschrift
ZA-2025-77;12.12.2025;500,00-;EUR;Zahlung 12.12.
;;2.760,99;EUR;Saldo
""".encode()


def _their_list() -> pl.DataFrame:
    frame, problems = read_customer_list(THEIR_CSV, "saldenbestaetigung.csv")
    assert problems == []
    return frame


# --- reading the list -----------------------------------------------------------------------------


def test_reads_german_numbers_dates_and_skips_the_total_line():
    frame = _their_list()
    assert frame.schema == pl.Schema(THEIR_SCHEMA)
    assert frame.rows() == [
        (3, "90001234", date(2025, 11, 3), D("999.99"), "EUR", "Rechnung"),
        (4, "RE 0018000123", date(2025, 11, 10), D("2380.00"), "EUR", "Rechnung"),
        (5, "GS-77", date(2025, 12, 7), D("-119.00"), "EUR", "Gutschrift"),
        (6, "ZA-2025-77", date(2025, 12, 12), D("-500.00"), "EUR", "Zahlung 12.12."),
    ]


def test_bad_rows_leave_nothing_half_read_and_name_row_and_column():
    data = THEIR_CSV.replace(b"12.12.2025", b"32.12.2025").replace(b"999,99", b"99x,99")
    frame, problems = read_customer_list(data, "list.csv")
    assert frame.is_empty() and frame.schema == pl.Schema(THEIR_SCHEMA)
    where = {(p.file, p.row, p.column) for p in problems}
    assert ("list.csv", 3, "Betrag") in where
    assert ("list.csv", 6, "Datum") in where
    assert any("cannot read '32.12.2025' as a date" in p.message for p in problems)


def test_a_total_line_that_does_not_add_up_refuses_the_list():
    frame, problems = read_customer_list(THEIR_CSV.replace(b"2.760,99", b"2.760,98"), "list.csv")
    assert frame.is_empty()
    assert [(p.row, p.column) for p in problems] == [(7, "Betrag")]
    assert "difference 0,01" in problems[0].message


def test_missing_column_and_unreadable_files_are_problems():
    frame, problems = read_customer_list(b"Rechnungsnummer;Betrag\n1;2,00\n", "x.csv")
    assert frame.is_empty() and len(problems) == 1
    assert problems[0].row is None and "missing required column: date" in problems[0].message
    frame, problems = read_customer_list(b"", "x.csv")
    assert frame.is_empty() and "empty" in problems[0].message
    frame, problems = read_customer_list(b"%PDF-1.4 ...", "x.pdf")
    assert frame.is_empty() and "PDF" in problems[0].message


def _their_xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Kreditoren")
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for c, h in enumerate(["Our invoice", "Invoice date", "Amount", "Remark"]):
        sheet.write_string(0, c, h)
    rows = [
        ("90001234", date(2025, 11, 3), -999.99, "invoice"),
        ("ZA-77", date(2025, 12, 12), 500.0, "payment"),
    ]
    for r, (ref, d, amount, text) in enumerate(rows, start=1):
        sheet.write_string(r, 0, ref)
        sheet.write_datetime(r, 1, d, day)
        sheet.write_number(r, 2, amount)
        sheet.write_string(r, 3, text)
    book.close()
    return out.getvalue()


def test_xlsx_through_a_mapping_with_invoices_shown_negative():
    mapping = Mapping(
        columns={"doc_no": "Our invoice", "doc_date": "Invoice date", "amount": "Amount", "text": "Remark"},
        constants={"currency": "EUR"},
    )
    frame, problems = read_customer_list(_their_xlsx(), "supplier.xlsx", mapping, sign="owed_negative")
    assert problems == []
    assert frame.select("source_row", "their_reference", "doc_date", "amount", "currency").rows() == [
        (2, "90001234", date(2025, 11, 3), D("999.99"), "EUR"),
        (3, "ZA-77", date(2025, 12, 12), D("-500.00"), "EUR"),
    ]


def test_a_mapping_may_only_name_list_columns_and_the_sign_is_checked():
    with pytest.raises(InvalidInput):
        read_customer_list(
            _their_xlsx(), "s.xlsx", Mapping(columns={"doc_no": "Our invoice", "due_date": "X"})
        )
    with pytest.raises(InvalidInput):
        read_customer_list(THEIR_CSV, "s.csv", sign="negative")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("quoted", "key"),
    [
        ("RE 0018000123", "18000123"),
        ("re0018000123", "18000123"),
        ("Rechnung Nr. 4711", "4711"),
        ("Factuur 00123", "123"),
        ("INV-000123", "123"),
        ("90-001-234", "90001234"),
        ("0090001234", "90001234"),
        ("Rg.-Nr. 0018-000123", "18000123"),
        ("  ", None),
        (None, None),
    ],
)
def test_normalise_reference(quoted, key):
    assert normalise_reference(quoted) == key


# --- the reconciliation ---------------------------------------------------------------------------


def test_reconciliation_explains_the_difference_to_the_cent():
    rec = reconcile(OURS, _their_list(), AS_OF)
    # ours: 1000.00 + 2380.00 + 595.00 - 119.00 (the cleared 70.00 is not open)
    assert rec.our_balance == D("3856.00")
    # theirs: 999.99 + 2380.00 - 119.00 - 500.00
    assert rec.their_balance == D("2760.99")
    assert rec.difference == D("1095.01")
    # only ours 595.00, minus only theirs (-500.00), plus the difference 0.01
    assert rec.explained == D("1095.01") == rec.difference
    assert rec.unexplained == D("0.00")
    assert rec.currency == "EUR"
    assert rec.matched.select("match", "doc_no", "their_reference", "our_amount", "their_amount").rows() == [
        (REFERENCE, "90001235", "RE 0018000123", D("2380.00"), D("2380.00")),
        (AMOUNT_AND_DATE, "90001240", "GS-77", D("-119.00"), D("-119.00")),
    ]
    assert rec.differences.select("match", "doc_no", "our_amount", "their_amount", "difference").rows() == [
        (DOCUMENT, "0090001234", D("1000.00"), D("999.99"), D("0.01"))
    ]
    assert rec.only_ours.select("doc_no", "amount", "reason").rows() == [
        ("90001236", D("595.00"), "invoice_not_booked")
    ]
    assert rec.only_theirs.select("source_row", "their_reference", "amount", "reason").rows() == [
        (6, "ZA-2025-77", D("-500.00"), "payment_not_applied")
    ]


def test_tolerance_moves_a_cent_difference_to_matched_and_still_explains_it():
    rec = reconcile(OURS, _their_list(), AS_OF, tolerance=D("0.01"))
    assert rec.differences.is_empty()
    assert rec.matched.filter(pl.col("match") == DOCUMENT)["difference"].to_list() == [D("0.01")]
    assert rec.explained == rec.difference == D("1095.01")


def test_reasons_for_a_credit_only_ours_and_for_their_credits_and_invoices():
    ours = _ours([_item("1", "-50.00", date(2025, 12, 1), doc_type="DG")])
    theirs = _theirs(
        [
            ("G-9", date(2025, 12, 20), "-30.00", "Gutschrift erwartet"),
            ("4711", date(2025, 9, 1), "80.00", "Rechnung"),
        ]
    )
    rec = reconcile(ours, theirs, AS_OF)
    assert rec.only_ours["reason"].to_list() == ["credit_not_booked"]
    assert rec.only_theirs["reason"].to_list() == ["credit_expected", "not_open_with_us"]
    # -50.00 - (-30.00 + 80.00) = -100.00
    assert rec.difference == rec.explained == D("-100.00")


def test_an_ambiguous_amount_stays_unmatched_on_both_sides():
    ours = _ours(
        [
            _item("1", "100.00", date(2025, 12, 1)),
            _item("2", "100.00", date(2025, 12, 2)),
            _item("3", "250.00", date(2025, 12, 10)),
        ]
    )
    theirs = _theirs(
        [
            ("X1", date(2025, 12, 1), "100.00", ""),  # two of ours fit: ambiguous
            ("X2", date(2025, 12, 14), "250.00", ""),  # 4 days off: outside the window
            ("X3", date(2025, 12, 13), "250.00", ""),  # 3 days off: matched
        ]
    )
    rec = reconcile(ours, theirs, AS_OF)
    assert rec.matched.select("doc_no", "their_reference", "match").rows() == [("3", "X3", AMOUNT_AND_DATE)]
    assert sorted(rec.only_ours["doc_no"]) == ["1", "2"]
    assert rec.only_theirs["their_reference"].to_list() == ["X1", "X2"]
    # ours 100 + 100 + 250 = 450.00, theirs 100 + 250 + 250 = 600.00
    assert rec.difference == rec.explained == D("-150.00")


def test_instalments_of_one_document_pair_by_amount_first():
    ours = _ours(
        [
            _item("5", "60.00", date(2025, 11, 1), line_item=1),
            _item("5", "40.00", date(2025, 11, 1), line_item=2),
        ]
    )
    theirs = _theirs([("5", date(2025, 11, 1), "40.00", ""), ("5", date(2025, 11, 1), "60.00", "")])
    rec = reconcile(ours, theirs, AS_OF)
    assert rec.differences.is_empty() and rec.matched.height == 2
    assert set(rec.matched.select("our_amount", "their_amount").rows()) == {
        (D("60.00"), D("60.00")),
        (D("40.00"), D("40.00")),
    }


def test_document_match_comes_before_reference_match():
    # their "777" is our document 777 and also the reference of document 888
    ours = _ours(
        [_item("777", "10.00", date(2025, 12, 1)), _item("888", "10.00", date(2025, 12, 1), reference="777")]
    )
    rec = reconcile(ours, _theirs([("777", date(2025, 12, 1), "10.00", "")]), AS_OF)
    assert rec.matched.select("doc_no", "match").rows() == [("777", DOCUMENT)]
    assert rec.only_ours["doc_no"].to_list() == ["888"]


def test_document_currency_and_one_currency_at_a_time():
    ours = _ours(
        [
            _item("1", "100.00", date(2025, 12, 1), amount_doc=D("95.00"), doc_currency="CHF"),
            _item("2", "50.00", date(2025, 12, 1)),
        ]
    )
    theirs = pl.DataFrame(
        [{"their_reference": "1", "doc_date": date(2025, 12, 1), "amount": D("95.00"), "currency": "CHF"}]
    )
    with pytest.raises(InvalidInput):
        reconcile(ours, theirs, AS_OF)
    rec = reconcile(ours, theirs, AS_OF, currency="CHF")
    assert rec.matched.select("doc_no", "our_amount", "currency", "source_row").rows() == [
        ("1", D("95.00"), "CHF", 1)
    ]
    assert rec.difference == D("0.00") and rec.agrees


def test_empty_lists_reconcile_to_zero():
    rec = reconcile(_ours([]), pl.DataFrame(schema=THEIR_SCHEMA), AS_OF)
    assert (rec.our_balance, rec.their_balance, rec.difference, rec.explained) == (D("0.00"),) * 4


# --- property: every row in exactly one list, explained == difference -----------------------------

_amounts = st.integers(min_value=-50_000, max_value=50_000).map(lambda c: D(c).scaleb(-2))
_days = st.integers(min_value=0, max_value=20)
_refs = st.sampled_from(["", "RE ", "INV-", "Rechnung ", "00"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ours=st.lists(st.tuples(_amounts, _days, st.booleans()), max_size=12),
    theirs=st.lists(
        st.tuples(st.integers(min_value=0, max_value=15), _refs, _amounts, _days, st.booleans()), max_size=12
    ),
)
def test_property_every_row_once_and_explained_equals_difference(ours, theirs):
    base = date(2025, 12, 1)
    our_rows = [
        _item(f"{9000 + i}", str(a), base + timedelta(days=d), reference=f"R{i}" if has_ref else None)
        for i, (a, d, has_ref) in enumerate(ours)
    ]
    their_rows = []
    for k, (target, prefix, a, d, quote_ref) in enumerate(theirs):
        ref = (f"R{target}" if quote_ref else f"{prefix}{9000 + target}") if target < 12 else f"THEIRS-{k}"
        their_rows.append((ref, base + timedelta(days=d), str(a), ""))
    rec = reconcile(_ours(our_rows), _theirs(their_rows), AS_OF)
    assert rec.explained == rec.difference
    assert rec.unexplained == D("0.00")
    assert rec.difference == sum((D(str(a)) for a, _, _ in ours), D(0)) - sum(
        (D(str(a)) for _, _, a, _, _ in theirs), D(0)
    )
    paired = pl.concat([rec.matched, rec.differences])
    our_seen = [*paired["doc_no"], *rec.only_ours["doc_no"]]
    their_seen = [*paired["source_row"], *rec.only_theirs["source_row"]]
    assert sorted(our_seen) == sorted(r["doc_no"] for r in our_rows)
    assert sorted(their_seen) == list(range(2, 2 + len(their_rows)))
