"""One error model: bad input names its field, misuse raises from the hierarchy, and a write
re-reads the acting user on its own transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ar_core import settings
from ar_core.access import set_active, set_roles
from ar_core.collections import create_promise, escalate, log_contact
from ar_core.errors import ArDeskError, InvalidInput, PermissionDenied
from ar_core.ledger import set_rate
from tests.conftest import ADMIN, LEAD
from tests.workflow_setup import MEYER, seed


@pytest.fixture
def db(engine):
    seed(engine)
    return engine


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda e: log_contact(e, MEYER, "C1", channel="pigeon", outcome="reached"), "channel"),
        (
            lambda e: log_contact(e, MEYER, "C1", channel="phone", outcome="reached", notes="x" * 5000),
            "notes",
        ),
        (
            lambda e: create_promise(
                e, MEYER, "C1", amount=Decimal("-5.00"), currency="EUR", promised_date=date(2030, 1, 1)
            ),
            "amount",
        ),
        (
            lambda e: create_promise(
                e, MEYER, "C1", amount=Decimal("5.00"), currency="XXQ", promised_date=date(2030, 1, 1)
            ),
            "currency",
        ),
        (lambda e: escalate(e, MEYER, "C1", to_username="lena.lead", reason="  "), "reason"),
        (lambda e: settings.set_promise_grace_days(e, LEAD, 400), "days"),
        (lambda e: set_rate(e, LEAD, date(2026, 11, 20), "USD", Decimal("0")), "rate"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(db, call, field):
    from ar_core.access import list_audit

    before = list_audit(db, ADMIN).height
    with pytest.raises(InvalidInput) as caught:
        call(db)
    assert caught.value.field == field
    assert isinstance(caught.value, ArDeskError) and str(caught.value) == caught.value.message
    assert list_audit(db, ADMIN).height == before


def test_a_deactivated_user_cannot_write_with_the_sessions_copy(db):
    log_contact(db, MEYER, "C1", channel="phone", outcome="reached")
    set_active(db, ADMIN, MEYER.username, False)
    with pytest.raises(PermissionDenied, match="not an active user"):
        log_contact(db, MEYER, "C1", channel="phone", outcome="reached")


def test_a_role_taken_away_stops_the_next_write(db):
    settings.set_promise_grace_days(db, LEAD, 3)
    set_roles(db, ADMIN, LEAD.username, ["collector"])
    with pytest.raises(PermissionDenied, match="no longer holds the role lead"):
        settings.set_promise_grace_days(db, LEAD, 5)
    assert settings.get_promise_grace_days(db) == 3
