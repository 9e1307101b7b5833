"""A reconciliation with the customer's list, as it lands on the account.

The outcome is collection work: a contact-log entry (the customer sent their list; what the
balances say) and a ``reconciliations`` row with the figures, written in one transaction so the
log never names a reconciliation that is not stored. The open points become cases the team
already works: an invoice only we list is an inquiry for a copy (``INVOICE_COPY``), a line only
they list an inquiry for clarification (``CLARIFICATION``, without items: it is not our item).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, record
from ar_core.errors import InvalidInput
from ar_core.money import to_cents
from ar_core.store.db import write_transaction
from ar_core.store.models import Reconciliation as ReconciliationRow
from ar_core.store.models import Snapshot

if TYPE_CHECKING:
    from ar_core.credit import Reconciliation

#: The contact-log words of a reconciliation: the customer answered (their list is the answer).
CHANNEL, OUTCOME = "e-mail", "reached"
#: Case reasons (taxonomy codes) of the open points.
ONLY_OURS_REASON, ONLY_THEIRS_REASON = "INVOICE_COPY", "CLARIFICATION"
MAX_SOURCE_CHARS = 255


def _summary(rec: Reconciliation) -> dict[str, object]:
    lists = {"matched": rec.matched, "only_ours": rec.only_ours, "only_theirs": rec.only_theirs,
             "differences": rec.differences}  # fmt: skip
    out: dict[str, object] = {}
    for name, frame in lists.items():
        column = "amount" if "amount" in frame.columns else "difference"
        out[name] = {"count": frame.height, "total": str(frame[column].sum() if frame.height else "0.00")}
    out |= {"our_balance": str(rec.our_balance), "their_balance": str(rec.their_balance),
            "difference": str(rec.difference), "explained": str(rec.explained)}  # fmt: skip
    return out


def summary_text(rec: Reconciliation, source_file: str, currency: str) -> str:
    """The contact note: the three balances first (what a colleague reads), then the lists' counts."""
    return (
        f"Reconciliation with the customer's list {source_file} as of {rec.as_of:%d.%m.%Y}: "
        f"our balance {rec.our_balance:,.2f} {currency}, their balance {rec.their_balance:,.2f} {currency}, "
        f"difference {rec.difference:,.2f} {currency}. Matched {rec.matched.height}, only ours "
        f"{rec.only_ours.height}, only theirs {rec.only_theirs.height}, amount differences "
        f"{rec.differences.height}."
    )


def _snapshot_for(conn: sa.Connection, as_of: date) -> int:
    """The snapshot the reconciliation was made against: the latest on or before its date."""
    snapshot_id = conn.execute(
        sa.select(Snapshot.id)
        .where(Snapshot.retired_at.is_(None), Snapshot.as_of <= as_of)
        .order_by(Snapshot.as_of.desc(), Snapshot.id.desc())
        .limit(1)
    ).scalar()
    if snapshot_id is None:
        raise InvalidInput("rec", f"there is no snapshot on or before {as_of}")
    return int(snapshot_id)


def record_reconciliation(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    rec: Reconciliation,
    source_file: str,
    *,
    channel: str = CHANNEL,
) -> int:
    """Record ``rec`` on the account: one contact entry and one ``reconciliations`` row, one
    transaction, both audited; returns the reconciliation id.
    """
    from ar_core.collections.contacts import insert_contacts, validated_entry
    from ar_core.settings import get_reporting_currency

    name = (source_file or "").strip()
    if not name:
        raise InvalidInput("source_file", "name the customer's file")
    if len(name) > MAX_SOURCE_CHARS:
        name = name[: MAX_SOURCE_CHARS - 1] + "…"
    check_customer_access(engine, actor, customer_id, write=True)
    currency = rec.currency or get_reporting_currency(engine)
    entry = validated_entry(
        {
            "customer_id": customer_id,
            "channel": channel,
            "outcome": OUTCOME,
            "notes": summary_text(rec, name, currency),
        }
    )
    summary = _summary(rec)
    with write_transaction(engine, actor) as conn:
        snapshot_id = _snapshot_for(conn, rec.as_of)
        (contact_id,) = insert_contacts(conn, actor, [entry])
        values = {
            "customer_id": customer_id, "snapshot_id": snapshot_id, "as_of": rec.as_of, "currency": currency,
            "source_file": name, "our_cents": to_cents(rec.our_balance),
            "their_cents": to_cents(rec.their_balance),
            "summary": json.dumps(summary, sort_keys=True), "contact_id": contact_id,
            "created_by": actor.username,
        }  # fmt: skip
        rec_id = conn.execute(
            sa.insert(ReconciliationRow).values(**values).returning(ReconciliationRow.id)
        ).scalar_one()
        record(
            conn,
            actor,
            "record_reconciliation",
            "reconciliation",
            rec_id,
            after={**values, "summary": summary},
        )
    return int(rec_id)


def open_points_as_cases(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    rec: Reconciliation,
    *,
    only_ours: Sequence[str] = (),
    only_theirs: Sequence[int] = (),
    contact_id: int | None = None,
) -> list[int]:
    """Open a case per chosen open point; returns the case ids (all opened, or none).

    ``only_ours``: document numbers of invoices only we list → an ``INVOICE_COPY`` inquiry with
    the invoice's open lines; ``only_theirs``: source rows of lines only they list → a
    ``CLARIFICATION`` inquiry without items, the line quoted in its note.
    """
    from ar_core.disputes import INQUIRY, insert_case, latest_snapshot, prepare_case
    from ar_core.ledger import load_customer_items, open_items

    ours = {str(r["doc_no"]): r for r in rec.only_ours.iter_rows(named=True)}
    theirs = {int(r["source_row"]): r for r in rec.only_theirs.iter_rows(named=True)}
    for doc in only_ours:
        if str(doc) not in ours:
            raise InvalidInput(
                "only_ours", f"document {doc} is not on the reconciliation's list of only ours"
            )
        if ours[str(doc)]["amount"] <= 0:
            raise InvalidInput("only_ours", f"document {doc} is a credit: only invoices become cases")
    for row in only_theirs:
        if int(row) not in theirs:
            raise InvalidInput("only_theirs", f"row {row} is not on the reconciliation's list of only theirs")
    prepared = []
    if only_ours:
        latest = latest_snapshot(engine)
        if latest is None:
            raise InvalidInput("only_ours", "there is no snapshot yet")
        items = open_items(load_customer_items(engine, latest[0], [customer_id]), latest[1]).filter(
            (pl.col("customer_id") == customer_id) & (pl.col("amount") > 0)
        )
        for doc in dict.fromkeys(str(d) for d in only_ours):
            lines = items.filter(pl.col("doc_no") == doc)
            if lines.is_empty():
                raise InvalidInput("only_ours", f"invoice {doc} is no longer open in the latest snapshot")
            case_items = [
                {"company_code": r["company_code"], "fiscal_year": r["fiscal_year"], "doc_no": r["doc_no"],
                 "line_item": r["line_item"]}
                for r in lines.iter_rows(named=True)
            ]  # fmt: skip
            note = f"Not on the customer's list of {rec.as_of:%d.%m.%Y}: send a copy of invoice {doc}."
            prepared.append(
                prepare_case(engine, actor, customer_id, reason=ONLY_OURS_REASON, items=case_items,
                             case_type=INQUIRY, note=note)
            )  # fmt: skip
    for source_row in dict.fromkeys(int(r) for r in only_theirs):
        line = theirs[source_row]
        when = f", dated {line['doc_date']:%d.%m.%Y}" if line["doc_date"] else ""
        note = (
            f"Only on the customer's list of {rec.as_of:%d.%m.%Y} (row {source_row}): "
            f"{line['their_reference'] or 'no reference'}{when}, "
            f"{line['amount']:,.2f} {line['currency'] or ''}"
            f"{' — ' + line['text'] if line['text'] else ''} ({line['reason']})."
        )
        prepared.append(
            prepare_case(engine, actor, customer_id, reason=ONLY_THEIRS_REASON, case_type=INQUIRY, note=note)
        )
    with write_transaction(engine, actor) as conn:
        return [insert_case(conn, actor, p, contact_id=contact_id) for p in prepared]


__all__ = ["open_points_as_cases", "record_reconciliation", "summary_text"]
