"""During an absence (today within from..to) the backup works the absent collector's portfolio:
their customers are readable and on the backup's worklist; before and after, or when the absence
was cancelled, they are not. The absent collector keeps their own."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from ar_core.access import check_customer_access, collector_scope, readable_customers
from ar_core.collections import worklist_for
from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import PermissionDenied
from ar_core.store.models import Absence, CollectorBackup
from tests.conftest import LEAD, item
from tests.workflow_setup import MEYER, SCHNEIDER, seed

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.fixture
def team(engine, make_result):
    """C1, C3 Meyer's, C2 Schneider's; Schneider is Meyer's backup; Meyer away 1–3 December."""
    seed(engine)
    rows = [
        item(
            customer_id=c,
            customer_name=f"Customer {c}",
            doc_no=f"18{i:08d}",
            amount=amount,
            collector=None,
            due_date=date(2026, 10, 1),
        )
        for i, (c, amount) in enumerate([("C1", "100.00"), ("C2", "900.00"), ("C3", "300.00")])
    ]
    snap = import_snapshot(engine, LEAD, make_result(rows)).snapshot_id
    with engine.begin() as conn:
        conn.execute(
            sa.insert(CollectorBackup).values(
                collector="c.meyer", backup="j.schneider", set_by="lena.lead", set_at=NOW
            )
        )
        conn.execute(
            sa.insert(Absence).values(
                person="c.meyer",
                starts_on=date(2026, 12, 1),
                ends_on=date(2026, 12, 3),
                recorded_by="lena.lead",
                recorded_at=NOW,
            )
        )
    return engine, snap


@pytest.mark.parametrize(
    ("today", "schneider"),
    [
        (date(2026, 11, 30), {"C2"}),
        (date(2026, 12, 1), {"C1", "C2", "C3"}),
        (date(2026, 12, 3), {"C1", "C2", "C3"}),
        (date(2026, 12, 4), {"C2"}),
    ],
)
def test_the_backup_covers_the_absent_portfolio_from_the_first_to_the_last_day(team, today, schneider):
    engine, _ = team
    assert collector_scope(engine, "j.schneider", today=today) == schneider
    assert collector_scope(engine, "c.meyer", today=today) == {"C1", "C3"}


def test_during_the_absence_the_absent_collectors_items_are_on_the_backups_worklist(team, monkeypatch):
    engine, snap = team
    monkeypatch.setenv("AR_TODAY", "2026-12-02")
    rows, _ = worklist_for(engine, SCHNEIDER, snap, AS_OF)
    assert rows.select("rank", "customer_id").rows() == [(1, "C2"), (2, "C3"), (3, "C1")]
    assert readable_customers(engine, SCHNEIDER) == {"C1", "C2", "C3"}
    check_customer_access(engine, SCHNEIDER, "C1", write=True)  # the backup works them
    as_seen_by_lead, _ = worklist_for(engine, LEAD, snap, AS_OF, collector="j.schneider")
    assert as_seen_by_lead["customer_id"].to_list() == ["C2", "C3", "C1"]
    own, _ = worklist_for(engine, MEYER, snap, AS_OF)
    assert own["customer_id"].to_list() == ["C3", "C1"]
    monkeypatch.setenv("AR_TODAY", "2026-12-04")
    rows, _ = worklist_for(engine, SCHNEIDER, snap, AS_OF)
    assert rows["customer_id"].to_list() == ["C2"]
    with pytest.raises(PermissionDenied):
        check_customer_access(engine, SCHNEIDER, "C1", write=True)


def test_a_cancelled_absence_covers_nothing(team):
    engine, _ = team
    with engine.begin() as conn:
        conn.execute(sa.update(Absence).values(cancelled_by="lena.lead", cancelled_at=NOW))
    assert collector_scope(engine, "j.schneider", today=date(2026, 12, 2)) == {"C2"}


def test_only_the_named_backup_covers(team):
    engine, _ = team
    with engine.begin() as conn:
        conn.execute(sa.update(CollectorBackup).values(backup="lena.lead"))
    assert collector_scope(engine, "j.schneider", today=date(2026, 12, 2)) == {"C2"}
