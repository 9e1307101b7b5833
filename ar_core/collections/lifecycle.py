"""What a snapshot's arrival or removal means for the collection workflow.

The ledger stores and retires snapshots and knows nothing of promises or cases; the promise
verdicts and the dispute cases a snapshot decides (opened for disputed items, closed for cleared
ones) are workflow. So "import, then decide promises and cases" and "remove, then reopen and
decide again" are composed here, and every caller that imports or removes a snapshot (upload
page, CLI, demo) goes through these two services.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from ar_core.access import Actor, record
from ar_core.collections.promises import refresh_promise_statuses
from ar_core.credit import apply_payments, sync_posted
from ar_core.disputes import reopen_cleared, sync_cases
from ar_core.ingest import ExtractResult
from ar_core.ledger import ImportOutcome, delete_snapshot, import_extract, is_full_snapshot
from ar_core.store.db import write_transaction
from ar_core.store.models import Promise

#: Promise verdicts a removed snapshot may have decided (``open`` and ``cancelled`` are not verdicts).
VERDICTS = ("kept", "partly kept", "broken")


def import_snapshot(engine: sa.Engine, actor: Actor, result: ExtractResult, **options: Any) -> ImportOutcome:
    """Commit ``result`` as a snapshot (see ``ledger.import_extract`` for ``options``), then decide promises.

    Deciding runs after the import's commit, in its own transaction: verdicts are derived data,
    and the snapshot stands even if deciding fails (the next import decides again). Same-day
    snapshots this one replaces have their verdicts reopened inside the import transaction.
    """
    outcome = import_extract(engine, actor, result, on_retire=undo_decisions, **options)
    if outcome.snapshot_id is None:  # a dry run
        return outcome
    # the file's items stand for the composed ledger only when the snapshot is a full one
    items = result.items if not outcome.undone_on_replace else None
    ledger = items if items is not None and is_full_snapshot(engine, outcome.snapshot_id) else None
    loaded = {outcome.snapshot_id: ledger} if ledger is not None else None
    decided = refresh_promise_statuses(engine, loaded=loaded)
    sync_cases(engine, actor, snapshot_id=outcome.snapshot_id, items=ledger)
    apply_payments(engine, actor, outcome.snapshot_id)  # bank payments this snapshot shows applied
    with write_transaction(engine, actor) as conn:  # accepted allocations it shows cleared: posted
        sync_posted(conn, actor, outcome.snapshot_id, items=ledger)
    return replace(outcome, promises_decided=decided)


def remove_snapshot(engine: sa.Engine, actor: Actor, snapshot_id: int, reason: str = "") -> int:
    """Retire a snapshot committed by mistake, reopen the verdicts it could have shaped, decide again.

    Returns the number of promise verdicts reopened.
    """
    reopened = delete_snapshot(engine, actor, snapshot_id, reason, on_retire=undo_decisions)
    if reopened:  # decide them again against the snapshots that remain
        refresh_promise_statuses(engine)
    sync_cases(engine, actor)  # cases it closed are open again: the latest ledger decides anew
    return reopened


def undo_decisions(conn: sa.Connection, actor: Actor, as_of: date, snapshot_id: int) -> int:
    """The retire hook: reopen the promise verdicts and the case closures a snapshot may have shaped."""
    return reopen_verdicts(conn, actor, as_of, snapshot_id) + reopen_cleared(conn, actor, as_of, snapshot_id)


def reopen_verdicts(conn: sa.Connection, actor: Actor, as_of: date, snapshot_id: int) -> int:
    """A mistaken extract may have made items "vanish": every verdict it could have shaped reopens."""
    decided = conn.execute(
        sa.select(Promise.id, Promise.status, Promise.status_decided_on).where(
            Promise.status_decided_on >= as_of, Promise.status.in_(VERDICTS)
        )
    ).all()
    for promise_id, status, decided_on in decided:
        conn.execute(
            sa.update(Promise).where(Promise.id == promise_id).values(status="open", status_decided_on=None)
        )
        record(
            conn,
            actor,
            "reopen_promise",
            "promise",
            promise_id,
            before={"status": status, "status_decided_on": decided_on},
            after={"status": "open", "reason": f"snapshot {snapshot_id} of {as_of:%d.%m.%Y} was removed"},
        )
    return len(decided)
