"""The write-off rules: status, register totals (hand-computed), posting and handover files, no formulas."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from ar_core.errors import InvalidInput
from ar_core.recovery.write_off_rules import (
    DEFAULT_GL_ACCOUNTS,
    ITEM_SCHEMA,
    REQUEST_SCHEMA,
    contact_log_summary,
    file_csv,
    handover_rows,
    handover_xlsx,
    period_of,
    posting_rows,
    posting_text,
    posting_xlsx,
    register_rows,
    register_totals,
    request_status,
)

EVIL = '=HYPERLINK("http://evil.example","click")'


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=UTC)


def request(rid, *, kind="write_off", status="approved", reason="small_balance", amount="10.00",
            currency="EUR", collector="c.meyer", decided=date(2026, 11, 5), customer="C1",
            name="Müller GmbH"):  # fmt: skip
    values = dict.fromkeys(REQUEST_SCHEMA)
    values |= {"request_id": rid, "kind": kind, "status": status, "reason": reason, "amount": Decimal(amount),
               "currency": currency, "collector": collector, "customer_id": customer, "customer_name": name,
               "decided_at": at(decided) if decided else None, "decided_by": "lena.lead",
               "evidence": "letters unanswered"}  # fmt: skip
    return values


def requests(*rows) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=REQUEST_SCHEMA, orient="row")


def line(rid, doc, amount, *, due=date(2026, 6, 1), key=None, currency="EUR") -> dict:
    values = dict.fromkeys(ITEM_SCHEMA)
    values |= {"request_id": rid, "item_key": key or f"1000|2026|{doc}|1", "company_code": "1000",
               "fiscal_year": 2026, "doc_no": doc, "line_item": 1, "doc_type": "RV",
               "doc_date": date(2026, 5, 2), "due_date": due, "amount": Decimal(amount),
               "currency": currency, "reference": None, "dunning_level": 3}  # fmt: skip
    return values


def items(*rows) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ITEM_SCHEMA, orient="row")


# --- status ------------------------------------------------------------------------------------


def test_an_approved_request_is_cleared_only_in_a_later_snapshot_without_its_items():
    keys = ["a", "b"]
    made = (date(2026, 11, 13), 4)
    assert request_status("approved", item_keys=keys, open_keys=set(), requested_on=made,
                          latest=(date(2026, 11, 20), 5)) == "cleared"  # fmt: skip
    assert request_status("approved", item_keys=keys, open_keys={"b"}, requested_on=made,
                          latest=(date(2026, 11, 20), 5)) == "approved"  # fmt: skip
    # the snapshot it was made on, or none at all: not yet posted
    assert (
        request_status("approved", item_keys=keys, open_keys=set(), requested_on=made, latest=made)
        == "approved"
    )
    assert (
        request_status("approved", item_keys=keys, open_keys=set(), requested_on=made, latest=None)
        == "approved"
    )
    # a pending or rejected request never shows cleared, whatever the ledger says
    for status in ("pending", "rejected", "withdrawn"):
        assert request_status(status, item_keys=keys, open_keys=set(), requested_on=made,
                              latest=(date(2026, 11, 20), 5)) == status  # fmt: skip


def test_periods_are_calendar_months():
    assert period_of(date(2026, 1, 31)) == "2026-01"
    assert period_of(date(2026, 12, 1)) == "2026-12"


# --- the register ------------------------------------------------------------------------------


def test_register_totals_per_month_reason_and_collector_hand_computed():
    frame = requests(
        request(1, amount="12.40", decided=date(2026, 10, 30)),
        request(2, amount="7.60", decided=date(2026, 10, 2)),
        request(3, amount="1250.00", reason="insolvency", decided=date(2026, 10, 15)),
        request(4, amount="3.33", collector="j.schneider", decided=date(2026, 11, 1), status="cleared"),
        request(5, amount="9.99", collector=None, decided=date(2026, 11, 30)),
        request(6, amount="40.00", currency="CHF", decided=date(2026, 11, 3)),
        # not counted: rejected, pending, a legal handover
        request(7, amount="500.00", status="rejected"),
        request(8, amount="500.00", status="pending", decided=None),
        request(9, amount="500.00", kind="legal_handover"),
    )
    table = register_rows(frame)
    assert table.rows() == [
        ("2026-10", "Insolvency", "c.meyer", "EUR", 1, Decimal("1250.00")),
        ("2026-10", "Small balance", "c.meyer", "EUR", 2, Decimal("20.00")),  # 12.40 + 7.60
        ("2026-11", "Small balance", "(none)", "EUR", 1, Decimal("9.99")),
        ("2026-11", "Small balance", "c.meyer", "CHF", 1, Decimal("40.00")),
        ("2026-11", "Small balance", "j.schneider", "EUR", 1, Decimal("3.33")),
    ]
    by_reason = register_totals(table, "reason")
    assert by_reason.rows() == [
        ("Insolvency", "EUR", 1, Decimal("1250.00")),
        ("Small balance", "CHF", 1, Decimal("40.00")),
        ("Small balance", "EUR", 4, Decimal("33.32")),  # 20.00 + 9.99 + 3.33
    ]
    assert register_totals(table, "period").rows() == [
        ("2026-10", "EUR", 3, Decimal("1270.00")),
        ("2026-11", "CHF", 1, Decimal("40.00")),
        ("2026-11", "EUR", 2, Decimal("13.32")),
    ]
    assert register_totals(table, "collector").filter(pl.col("collector") == "c.meyer").rows() == [
        ("c.meyer", "CHF", 1, Decimal("40.00")),
        ("c.meyer", "EUR", 3, Decimal("1270.00")),
    ]
    november = register_rows(frame, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert november["amount"].sum() == Decimal("53.32")  # 9.99 + 40.00 + 3.33 (currencies kept apart above)
    with pytest.raises(InvalidInput):
        register_totals(table, "customer")


def test_an_empty_register_has_its_columns():
    assert register_rows(requests()).columns == [
        "period",
        "reason",
        "collector",
        "currency",
        "requests",
        "amount",
    ]


# --- the files ---------------------------------------------------------------------------------


def test_posting_rows_name_the_gl_account_of_the_reason_and_leave_unapproved_requests_out():
    frame = requests(
        request(1, reason="statute_of_limitations", decided=date(2026, 11, 5)),
        request(2, kind="legal_handover", reason="insolvency"),
        request(3, status="pending", decided=None),
        request(4, status="cleared"),
    )
    lines = items(line(1, "9001", "12.40"), line(1, "9002", "7.60"), line(2, "9003", "1250.00"),
                  line(3, "9004", "1.00"), line(4, "9005", "2.00"))  # fmt: skip
    accounts = {**DEFAULT_GL_ACCOUNTS, "statute_of_limitations": "6931"}
    out = posting_rows(frame, lines, accounts)
    assert out.select(
        "request_id", "doc_no", "amount", "reason_code", "gl_account", "approved_on"
    ).rows() == [
        (1, "9001", Decimal("12.40"), "statute_of_limitations", "6931", date(2026, 11, 5)),
        (1, "9002", Decimal("7.60"), "statute_of_limitations", "6931", date(2026, 11, 5)),
        (2, "9003", Decimal("1250.00"), "insolvency", "1246", date(2026, 11, 5)),
    ]
    assert out["posting_text"].to_list()[0] == "Write-off Statute of limitations req 1 doc 9001"
    assert out["kind"].to_list() == ["Write-off", "Write-off", "Legal handover"]


def test_a_posting_text_fits_sap_item_text():
    text = posting_text("write_off", "statute_of_limitations", 123456, "1800000000001")
    assert len(text) == 50 and text.startswith("Write-off Statute of limitations req 123456")


def test_the_handover_file_has_the_debtor_documents_dunning_and_contacts():
    frame = requests(request(7, kind="legal_handover", reason="uncollectable", decided=date(2026, 11, 10)),
                     request(8, kind="write_off"))  # fmt: skip
    lines = items(line(7, "9003", "1250.00", due=date(2026, 9, 1), key="k3"), line(8, "9001", "5.00"))
    debtors = {"C1": {"name": "Müller GmbH", "street": "Hauptstr. 1", "postcode": "10115", "city": "Berlin",
                      "country": "DE", "contact_name": "Frau Roth"}}  # fmt: skip
    out = handover_rows(frame, lines, debtors, as_of=date(2026, 11, 20), letters={"k3": date(2026, 10, 20)},
                        contact_logs={"C1": "2 contact(s)"})  # fmt: skip
    row = out.row(0, named=True)
    assert out.height == 1  # only the handover's documents
    assert (row["debtor_name"], row["street"]) == ("Müller GmbH", "Hauptstr. 1")
    assert (row["postcode"], row["city"]) == ("10115", "Berlin")
    assert (row["doc_no"], row["due_date"], row["days_overdue"], row["amount"]) == (
        "9003",
        date(2026, 9, 1),
        80,
        Decimal("1250.00"),
    )  # 30 Sep + 31 Oct + 19 Nov days after 1 Sep
    assert (row["dunning_level"], row["last_letter_on"]) == (3, date(2026, 10, 20))
    assert row["contact_log"] == "2 contact(s)"
    assert row["handed_over_on"] == date(2026, 11, 10)


def test_the_contact_log_summary_names_count_and_latest_entries():
    log = pl.DataFrame({
        "contacted_at": [at(date(2026, 10, 1)), at(date(2026, 11, 3))],
        "channel": ["phone", "email"],
        "outcome": ["no_answer", "refused"],
        "notes": [None, "Says the\ngoods were never ordered"],
    })  # fmt: skip
    assert contact_log_summary(log) == (
        "2 contact(s); latest: 03.11.2026 email refused: Says the goods were never ordered | "
        "01.10.2026 phone no_answer"
    )
    assert contact_log_summary(log.clear()) == "No contact logged."


def _cells(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def test_the_files_neutralise_formula_injection_in_xlsx_and_csv():
    frame = requests(
        request(1, name=EVIL, customer="=1+1"), request(2, kind="legal_handover", name="+49 cmd")
    )
    frame = frame.with_columns(pl.lit("@SUM(A1)").alias("evidence"))
    lines = items(line(1, "-9001", "12.40"), line(2, "9003", "99.00"))
    postings = posting_rows(frame, lines, DEFAULT_GL_ACCOUNTS)
    book = openpyxl.load_workbook(io.BytesIO(posting_xlsx(postings)))
    sheet = book.active
    texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in texts)  # no formula cell anywhere
    values = {c.value for c in texts}
    assert "'" + EVIL in values and "'=1+1" in values and "'-9001" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    # money typed with two decimals, dates as dates, a total per currency
    rows = _cells(posting_xlsx(postings))
    assert rows[2][:3] == ("Request", "Kind", "Company code")
    assert rows[3][10] == 12.40 and isinstance(rows[3][8], datetime)
    assert ("Total EUR", *([None] * 9), 111.40) == rows[-1][:11]  # 12.40 + 99.00
    handover = handover_rows(frame, lines, {}, as_of=date(2026, 11, 20))
    handed = {v for row in _cells(handover_xlsx(handover)) for v in row if isinstance(v, str)}
    assert "'+49 cmd" in handed and "'@SUM(A1)" in handed
    csv = file_csv(postings).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Request,Kind,Company code,Customer,Customer name,Document")
    assert "'=HYPERLINK" in csv and "'=1+1" in csv and "'-9001" in csv
    assert ",=" not in csv and "\n=" not in csv


def test_empty_files_still_open():
    empty = posting_rows(requests(), items(), DEFAULT_GL_ACCOUNTS)
    assert _cells(posting_xlsx(empty))[2][0] == "Request"
    assert file_csv(empty).decode("utf-8-sig").startswith("Request,")
