"""What a snapshot means for the cases: disputed items open cases, cleared items close them.

After every import (and after a removal) the cases are compared with the latest ledger in force:

- an open item the ERP flags as disputed and that is in no case opens one — one case per item,
  or one per ERP dispute case id (SAP FSCM) when the extract carries it; an item is in one case,
  ever, so re-importing the same or the next week's extract never duplicates a case;
- an item of a case being worked (or resolved, awaiting the ERP) that the ledger no longer lists
  as open is cleared with the clearing date the extract shows (else the snapshot's date); a case
  whose items are all cleared is closed, "cleared in ERP" unless it already had a resolution.

Both remember the snapshot that decided them: removing it reopens exactly what it closed
(:func:`reopen_cleared`, run inside the removal's transaction), and the next sync decides again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, record, record_many
from ar_core.disputes import sla as sla_rules
from ar_core.disputes import taxonomy as tx
from ar_core.disputes.cases import _ledger, latest_snapshot, reason_taxonomy, sla_settings
from ar_core.schema import item_key_expr
from ar_core.store import bulk, marks
from ar_core.store.db import write_transaction
from ar_core.store.models import Customer, DisputeCase, DisputeCaseItem, utcnow

_BATCH = 5_000
#: Case statuses whose items the ledger may still clear.
CLEARABLE = (*tx.WORKING, tx.RESOLVED)


def sync_cases(
    engine: sa.Engine, actor: Actor, *, snapshot_id: int | None = None, items: pl.DataFrame | None = None
) -> dict[str, int]:
    """Open cases for newly disputed items and close what the latest ledger shows cleared.

    ``items`` may hand over the ledger of ``snapshot_id`` when the caller has it (a full import):
    used only when that snapshot is the latest in force. Returns counts of what changed.
    """
    latest = latest_snapshot(engine)
    if latest is None:
        return {"opened": 0, "items_added": 0, "items_cleared": 0, "closed": 0}
    sid, as_of = latest
    ledger = items if items is not None and snapshot_id == sid else _ledger(engine, sid)
    keyed = ledger.with_columns(item_key_expr())
    still_open = keyed.filter(pl.col("clearing_date").is_null() | (pl.col("clearing_date") > as_of))
    with write_transaction(engine, actor) as conn:
        cleared, closed = _close_cleared(conn, actor, keyed, still_open, sid=sid, as_of=as_of)
        opened, added = _open_disputed(engine, conn, actor, still_open, as_of)
    return {"opened": opened, "items_added": added, "items_cleared": cleared, "closed": closed}


def _pending(conn: sa.Connection) -> pl.DataFrame:
    rows = conn.execute(
        sa.select(DisputeCaseItem.id, DisputeCaseItem.case_id, DisputeCaseItem.item_key)
        .join(DisputeCase, DisputeCase.id == DisputeCaseItem.case_id)
        .where(DisputeCaseItem.cleared_on.is_(None), DisputeCase.status.in_(CLEARABLE))
    ).all()
    return pl.DataFrame(
        rows, schema={"id": pl.Int64(), "case_id": pl.Int64(), "_item_key": pl.String()}, orient="row"
    )


def _close_cleared(
    conn: sa.Connection, actor: Actor, keyed: pl.DataFrame, still_open: pl.DataFrame, *, sid: int, as_of: date
) -> tuple[int, int]:
    pending = _pending(conn)
    if pending.is_empty():
        return 0, 0
    gone = pending.join(still_open.select("_item_key").unique(), on="_item_key", how="anti")
    if gone.is_empty():
        return 0, 0
    dates = (
        keyed.filter(pl.col("clearing_date").is_not_null() & (pl.col("clearing_date") <= as_of))
        .group_by("_item_key")
        .agg(pl.col("clearing_date").min())
    )
    gone = gone.join(dates, on="_item_key", how="left").with_columns(pl.col("clearing_date").fill_null(as_of))
    marks.advance(conn, marks.DISPUTE_CASES)
    conn.execute(
        sa.update(DisputeCaseItem)
        .where(DisputeCaseItem.id == sa.bindparam("item_id"))
        .values(cleared_on=sa.bindparam("on"), cleared_by_snapshot_id=sid),
        [{"item_id": r["id"], "on": r["clearing_date"]} for r in gone.iter_rows(named=True)],
    )
    touched = gone["case_id"].unique().to_list()
    closed = []
    for start in range(0, len(touched), _BATCH):
        chunk = touched[start : start + _BATCH]
        left = set(
            conn.execute(
                sa.select(DisputeCaseItem.case_id).where(
                    DisputeCaseItem.case_id.in_(chunk), DisputeCaseItem.cleared_on.is_(None)
                )
            ).scalars()
        )
        done = [c for c in chunk if c not in left]
        for case in conn.execute(sa.select(DisputeCase.__table__).where(DisputeCase.id.in_(done))):
            resolution = case.resolution or tx.CLEARED_IN_ERP
            changes = {
                "status": tx.CLOSED,
                "resolution": resolution,
                "resolved": case.resolved or as_of,
                "closed_by_snapshot_id": sid,
                "updated_at": utcnow(),
            }
            conn.execute(sa.update(DisputeCase).where(DisputeCase.id == case.id).values(**changes))
            closed.append(
                {
                    "action": "close_dispute_case",
                    "entity": "dispute_case",
                    "entity_id": str(case.id),
                    "before": {"status": case.status, "resolution": case.resolution},
                    "after": {**changes, "why": f"all items cleared in snapshot {sid}"},
                }
            )
    if closed:
        record_many(conn, actor, closed)
    record(
        conn,
        actor,
        "clear_dispute_items",
        "snapshot",
        sid,
        after={"items": gone.height, "cases_closed": len(closed)},
    )
    return gone.height, len(closed)


def _open_disputed(
    engine: sa.Engine, conn: sa.Connection, actor: Actor, still_open: pl.DataFrame, as_of: date
) -> tuple[int, int]:
    disputed = still_open.filter(pl.col("disputed").fill_null(False) & (pl.col("amount") > 0))
    if disputed.is_empty():
        return 0, 0
    known = pl.DataFrame(
        {"_item_key": conn.execute(sa.select(DisputeCaseItem.item_key)).scalars().all()},
        schema={"_item_key": pl.String()},
    )
    fresh = disputed.join(known, on="_item_key", how="anti").unique(
        "_item_key", keep="first", maintain_order=True
    )
    if fresh.is_empty():
        return 0, 0
    if "dispute_case" not in fresh.columns:
        fresh = fresh.with_columns(pl.lit(None, pl.String).alias("dispute_case"))
    fresh = fresh.with_columns(
        pl.col("dispute_case").str.strip_chars().replace("", None),
        pl.col("dispute_reason")
        .str.strip_chars()
        .str.to_uppercase()
        .replace("", None)
        .fill_null(tx.NO_REASON),
    )
    erp_ids = fresh["dispute_case"].drop_nulls().unique().to_list()
    existing = {}
    for start in range(0, len(erp_ids), _BATCH):
        existing.update(
            dict(
                conn.execute(
                    sa.select(DisputeCase.erp_case_id, DisputeCase.id).where(
                        DisputeCase.erp_case_id.in_(erp_ids[start : start + _BATCH])
                    )
                ).all()
            )
        )
    # one group per ERP case id, else per item
    fresh = fresh.with_columns(
        pl.coalesce(pl.lit("erp:") + pl.col("dispute_case"), pl.lit("item:") + pl.col("_item_key")).alias(
            "_group"
        )
    )
    owners = _owners(conn, fresh["customer_id"].unique().to_list())
    reasons = reason_taxonomy(engine)
    now = utcnow()
    heads = fresh.filter(~pl.col("dispute_case").is_in(list(existing)) | pl.col("dispute_case").is_null())
    heads = heads.unique("_group", keep="first", maintain_order=True)
    rule = sla_settings(engine)  # one due date per reason: every case here opens on ``as_of``
    codes = heads["dispute_reason"].unique().to_list()
    looked_up = {code: tx.reason_for(code, reasons) for code in codes}
    due = {
        code: sla_rules.due_date(as_of, reason.sla_days, rule["kind"], rule["country"])
        for code, reason in looked_up.items()
    }
    ids = _reserve_ids(conn, heads.height)
    cases = heads.select(
        pl.Series("id", ids, dtype=pl.Int64),
        pl.lit(tx.DISPUTE).alias("case_type"),
        "customer_id",
        pl.col("dispute_reason").str.slice(0, 40).alias("reason"),
        pl.col("dispute_reason").replace_strict(
            {c: r.resolver_department for c, r in looked_up.items()}, return_dtype=pl.String
        ).alias("resolver_department"),
        pl.coalesce(pl.col("customer_id").replace_strict(owners, default=None, return_dtype=pl.String),
                    pl.col("collector")).alias("owner"),
        pl.lit(as_of).alias("opened"),
        pl.col("dispute_reason").replace_strict(due, return_dtype=pl.Date).alias("due"),
        pl.lit(tx.OPEN).alias("status"),
        pl.lit(0).alias("level"),
        pl.lit("extract").alias("source"),
        pl.col("dispute_case").alias("erp_case_id"),
        "currency",
        pl.lit(actor.username).alias("created_by"),
    )  # fmt: skip
    group_case = pl.DataFrame(
        {"_group": [f"erp:{k}" for k in existing], "case_id": list(existing.values())},
        schema={"_group": pl.String(), "case_id": pl.Int64()},
    )
    if not cases.is_empty():
        stamped = cases.with_columns(pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"))
        bulk.insert_frame(conn, DisputeCase.__table__, stamped)
        group_case = pl.concat([group_case, pl.DataFrame({"_group": heads["_group"], "case_id": ids})])
        # one audit entry for the batch: the cases themselves say source "extract", who and when
        per_reason = dict(cases.group_by("reason").len().sort("reason").iter_rows())
        record(conn, actor, "open_dispute_cases_from_extract", "dispute_case", f"{ids[0]}-{ids[-1]}",
               after={"cases": len(ids), "first_id": ids[0], "last_id": ids[-1], "per_reason": per_reason,
                      "why": f"disputed in the extract of {as_of:%d.%m.%Y}"})  # fmt: skip
    items = fresh.join(group_case, on="_group", how="left").select(
        "case_id",
        pl.col("_item_key").alias("item_key"),
        "company_code", "fiscal_year", "doc_no", "line_item",
        (pl.col("amount") * 100).cast(pl.Int64).alias("amount_cents"),
        (pl.col("amount") * 100).cast(pl.Int64).alias("item_amount_cents"),
        "currency", "due_date",
    )  # fmt: skip
    bulk.insert_frame(conn, DisputeCaseItem.__table__, items)
    marks.advance(conn, marks.DISPUTE_CASES)
    return cases.height, items.height - cases.height


def _reserve_ids(conn: sa.Connection, n: int) -> list[int]:
    """``n`` new case ids, handed out in one step so a large first extract inserts without RETURNING.

    The caller holds the write lock on SQLite (``BEGIN IMMEDIATE``); on PostgreSQL the table is
    locked and its sequence moved past the ids handed out.
    """
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE dispute_cases IN EXCLUSIVE MODE")
    top = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(DisputeCase.id), 0))).scalar_one())
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('dispute_cases', 'id'), {top + n})")
    return list(range(top + 1, top + n + 1))


def _owners(conn: sa.Connection, customer_ids: list[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for start in range(0, len(customer_ids), _BATCH):
        owners.update(
            {
                k: v
                for k, v in conn.execute(
                    sa.select(Customer.customer_id, Customer.collector).where(
                        Customer.customer_id.in_(customer_ids[start : start + _BATCH])
                    )
                ).all()
                if v
            }
        )
    return owners


def reopen_cleared(conn: sa.Connection, actor: Actor, as_of: date, snapshot_id: int) -> int:
    """Undo what a removed snapshot's clearing decided: its items open again, its closed cases reopen.

    A case it closed as "cleared in ERP" is open again; one that had its own resolution goes back
    to resolved. Runs inside the removal's transaction; returns the number of cases reopened.
    """
    marks.advance(conn, marks.DISPUTE_CASES)
    conn.execute(
        sa.update(DisputeCaseItem)
        .where(DisputeCaseItem.cleared_by_snapshot_id == snapshot_id)
        .values(cleared_on=None, cleared_by_snapshot_id=None)
    )
    cases = conn.execute(
        sa.select(DisputeCase.__table__).where(DisputeCase.closed_by_snapshot_id == snapshot_id)
    ).all()
    entries: list[dict[str, Any]] = []
    for case in cases:
        by_erp = case.resolution == tx.CLEARED_IN_ERP
        changes = {
            "status": tx.OPEN if by_erp else tx.RESOLVED,
            "resolution": None if by_erp else case.resolution,
            "resolved": None if by_erp else case.resolved,
            "closed_by_snapshot_id": None,
            "updated_at": utcnow(),
        }
        conn.execute(sa.update(DisputeCase).where(DisputeCase.id == case.id).values(**changes))
        entries.append(
            {
                "action": "reopen_dispute_case",
                "entity": "dispute_case",
                "entity_id": str(case.id),
                "before": {"status": case.status, "resolution": case.resolution},
                "after": {**changes, "why": f"snapshot {snapshot_id} of {as_of:%d.%m.%Y} was removed"},
            }
        )
    if entries:
        record_many(conn, actor, entries)
    return len(entries)
