"""The payment-plan confirmation: a ``payment_plan`` letter in the customer's language with the
schedule, and its PDF; the plan settings (threshold, fee) and their refusals."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.recovery import (
    list_plans,
    plan_letter,
    plan_letter_pdf,
    plan_settings,
    render_text,
    set_plan_settings,
)
from tests.test_payment_plan_service import A1, A2, LEAD, MEYER, W1, _propose, db  # noqa: F401 - fixture


def test_the_confirmation_letter_lists_the_instalments(db):  # noqa: F811
    plan_id = _propose(db, down=Decimal("100.00"))  # 100.00 on 06.11, then 450.00 on 09.11 and 16.11
    letter = plan_letter(db, MEYER, plan_id, date(2026, 11, 6))
    assert (letter.kind, letter.language) == ("payment_plan", "de")
    assert letter.context["plan"]["down_payment"] == Decimal("100.00")
    assert letter.context["plan"]["instalments"] == [
        {"due": date(2026, 11, 9), "amount": Decimal("450.00")},
        {"due": date(2026, 11, 16), "amount": Decimal("450.00")},
    ]
    assert letter.context["pay_by"] == W1
    text = render_text(letter)
    assert "450,00" in text and "1800000001" in text
    pdf = plan_letter_pdf(db, MEYER, plan_id, date(2026, 11, 6))
    pages = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "450,00" in pages


def test_the_confirmation_is_addressed_to_the_customers_postal_address(db):  # noqa: F811
    from ar_core.ingest import read_customer_master
    from ar_core.ledger import upsert_customer_master

    master, _ = read_customer_master(
        "Kundennummer;Name;Straße;PLZ;Ort;Land\r\n"
        "C1;Kunde Eins GmbH;Hafenstraße 7;20457;Hamburg;DE\r\n".encode(),
        "master.csv",
    )
    upsert_customer_master(db, LEAD, master)
    plan_id = _propose(db)
    customer = plan_letter(db, MEYER, plan_id, date(2026, 11, 6)).context["customer"]
    assert [customer[k] for k in ("street", "postcode", "city")] == ["Hafenstraße 7", "20457", "Hamburg"]
    pdf = plan_letter_pdf(db, MEYER, plan_id, date(2026, 11, 6))
    assert "20457 Hamburg" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_fee_goes_into_the_instalments_and_the_settings_are_checked(db):  # noqa: F811
    assert plan_settings(db)["approval_threshold"] == Decimal("5000.00")
    with pytest.raises(PermissionDenied):
        set_plan_settings(db, MEYER, fee="10.00")
    with pytest.raises(InvalidInput) as err:
        set_plan_settings(db, LEAD, fee="-1")
    assert err.value.field == "fee"
    with pytest.raises(InvalidInput) as err:
        set_plan_settings(db, LEAD, grace_days=20)  # beyond the 14 broken-after days
    assert err.value.field == "broken_after_days"
    set_plan_settings(db, LEAD, fee="15.00")
    _propose(db, keys=(A1, A2))
    row = list_plans(db, MEYER).row(0, named=True)
    assert (row["fee"], row["total"]) == (Decimal("15.00"), Decimal("1015.00"))  # 507.50 twice
