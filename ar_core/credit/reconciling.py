"""Reconcile a customer's own open-items list against our latest snapshot (service: actor-scoped).

The pure rules (:func:`ar_core.credit.reconcile.reconcile`, the list reader) know no store; this
adds the portfolio check and picks the ledger the collector is working from: the latest snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access
from ar_core.errors import InvalidInput
from ar_core.ingest import Mapping, Problem

if TYPE_CHECKING:
    from ar_core.credit.reconcile import Reconciliation


def reconcile_customer(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    data: bytes,
    filename: str,
    *,
    mapping: Mapping | None = None,
    sign: str = "owed_positive",
) -> tuple[Reconciliation | None, list[Problem]]:
    """``(Reconciliation, problems)`` of ``customer_id``'s open items at the latest snapshot
    against the list in ``data``; ``(None, problems)`` when the list has errors (a half-read list
    would explain the difference wrongly). Read access to the customer is checked first.
    """
    from ar_core.credit.reconcile import read_customer_list, reconcile
    from ar_core.ledger import load_customer_items, snapshot_register

    check_customer_access(engine, actor, customer_id, write=False)
    snapshots = snapshot_register(engine)
    if not snapshots:
        raise InvalidInput("customer_id", "there is no snapshot yet: import an extract first")
    latest = (snapshots[0].snapshot_id, snapshots[0].as_of)
    theirs, problems = read_customer_list(data, filename, mapping, sign=sign)
    if any(p.severity == "error" for p in problems):  # ingest.result.ERROR
        return None, problems
    ours = load_customer_items(engine, latest[0], [customer_id]).filter(pl.col("customer_id") == customer_id)
    return reconcile(ours, theirs, latest[1]), problems


__all__ = ["reconcile_customer"]
