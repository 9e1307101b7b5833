"""Many users at once: the team's ranked list is computed once per change, not once per session."""

from __future__ import annotations

from datetime import date

from ar_core.collections import log_contact, worklist_for
from ar_core.collections import team as team_module
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger.snapshot_scope import Scope
from tests.conftest import COLLECTOR, LEAD, item

AS_OF, TODAY = date(2026, 11, 20), date(2026, 11, 25)


def test_one_write_makes_one_team_computation_and_every_reader_sees_it(engine, make_result, monkeypatch):
    rows = [item(doc_no=f"18000000{i:02d}", customer_id=f"C{i % 3}", amount="100.00") for i in range(6)]
    sid = import_snapshot(
        engine, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger()
    ).snapshot_id
    computed = []
    real = team_module.team_worklist
    monkeypatch.setattr(team_module, "team_worklist", lambda *a, **k: computed.append(1) or real(*a, **k))
    lead, _ = worklist_for(engine, LEAD, sid, AS_OF, today=TODAY)
    mine, _ = worklist_for(engine, COLLECTOR, sid, AS_OF, today=TODAY)
    assert len(computed) == 1 and lead.height == mine.height == 3
    log_contact(engine, COLLECTOR, "C1", channel="phone", outcome="reached", notes="will pay Friday")
    lead, _ = worklist_for(engine, LEAD, sid, AS_OF, today=TODAY)
    mine, _ = worklist_for(engine, COLLECTOR, sid, AS_OF, today=TODAY)
    assert len(computed) == 2  # the write: one more computation for both readers
    # logged today (the real clock): 0 days since the contact, for the collector and the lead alike
    assert mine.filter(customer_id="C1")["days_since_contact"].item() is not None
    assert lead.filter(customer_id="C1")["days_since_contact"].item() is not None
    assert lead.filter(customer_id="C2")["days_since_contact"].item() is None


def test_the_warm_up_at_server_start_leaves_the_first_worklist_nothing_to_compute(
    engine, make_result, monkeypatch
):
    """Eight people logging in on a fresh server all read what the warm-up thread built."""
    from ar_core.collections import warm_up

    rows = [item(doc_no=f"18000000{i:02d}", customer_id=f"C{i % 3}", amount="100.00") for i in range(6)]
    sid = import_snapshot(
        engine, LEAD, make_result(rows, as_of=AS_OF), scope=Scope.whole_ledger()
    ).snapshot_id
    monkeypatch.setenv("AR_TODAY", TODAY.isoformat())  # the team's today, as the first page judges it
    warm_up(engine)
    computed = []
    real = team_module.team_worklist
    monkeypatch.setattr(team_module, "team_worklist", lambda *a, **k: computed.append(1) or real(*a, **k))
    mine, _ = worklist_for(engine, COLLECTOR, sid, AS_OF, today=TODAY)
    assert computed == [] and mine.height == 3
