"""The stored rate table: the shipped history, a lead adding the next half-year, the refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.recovery import MissingRate, add_rate, list_rates, load_rate_table, statutory_interest
from ar_core.store.models import AuditEntry
from tests.conftest import COLLECTOR, LEAD


def test_the_migration_ships_the_published_history(store):
    table = load_rate_table(store)
    assert table.rate_on("de_base", date(2002, 1, 1)) == Decimal("2.57")
    assert table.rate_on("de_base", date(2019, 3, 1)) == Decimal("-0.88")
    assert table.rate_on("de_base", date(2026, 6, 30)) == Decimal("1.27")
    assert table.rate_on("nl_commercial", date(2024, 8, 1)) == Decimal("12.25")
    assert table.rate_on("ecb_reference", date(2025, 2, 1)) == Decimal("3.15")
    frame = list_rates(store, COLLECTOR)
    counts = dict(frame.group_by("kind").len().iter_rows())
    assert counts == {"de_base": 31, "nl_commercial": 11, "ecb_reference": 11}
    with pytest.raises(MissingRate, match="second half of 2026"):
        table.rate_on("de_base", date(2026, 7, 1))


def test_a_lead_adds_the_next_half_year_audited(store):
    add_rate(store, LEAD, "de_base", date(2026, 7, 1), "1,27", source="Bundesbank notice")
    table = load_rate_table(store)
    # 16.06.-05.07.2026: 20 days at 1.27 + 9 = 10.27 % / 365: 10,000 x 0.1027 x 20 / 365 = 56.273973 -> 56.27
    interest = statutory_interest(Decimal("10000"), date(2026, 6, 15), date(2026, 7, 5), "DE", table)
    assert interest == Decimal("56.27")
    newest = list_rates(store, LEAD, "de_base").row(0, named=True)
    assert (newest["valid_from"], newest["rate"]) == (date(2026, 7, 1), Decimal("1.27"))
    assert newest["entered_by"] == "lena.lead"
    with store.connect() as conn:
        entry = conn.execute(sa.select(AuditEntry).where(AuditEntry.action == "add_statutory_rate")).one()
    assert entry.actor == "lena.lead"
    assert '"1.27"' in entry.after


@pytest.mark.parametrize(("kind", "valid_from", "rate", "field"), [
    ("de_base", date(2026, 7, 15), "1.00", "valid_from"),  # not a half-year's first day
    ("de_base", date(2026, 1, 1), "1.00", "valid_from"),  # already entered
    ("us_prime", date(2026, 7, 1), "1.00", "kind"),
    ("nl_commercial", date(2026, 7, 1), "10.155", "rate"),
    ("nl_commercial", date(2026, 7, 1), "ten", "rate"),
    ("nl_commercial", date(2026, 7, 1), "45", "rate"),
])  # fmt: skip
def test_bad_rates_are_refused_and_nothing_is_stored(engine, kind, valid_from, rate, field):
    with pytest.raises(InvalidInput) as refused:
        add_rate(engine, LEAD, kind, valid_from, rate)
    assert refused.value.field == field
    assert list_rates(engine, LEAD).height == 53


def test_only_a_lead_adds_rates(engine):
    with pytest.raises(PermissionDenied):
        add_rate(engine, COLLECTOR, "de_base", date(2026, 7, 1), "1.27")
