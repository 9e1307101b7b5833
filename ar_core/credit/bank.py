"""Bank statements in the store: import (duplicates skipped), incoming payments matched to customers
and invoices, a person's confirmation (which teaches the IBAN), and cash not yet applied in the ERP.

The reading is :func:`ar_core.ingest.bank.read_bank_file` and the matching
:func:`ar_core.credit.payments.match_payments` (both pure); this module adds the acting user, the
portfolio rule, the store and the audit log. A statement is the bank's record of an account, so a
file with any error stores nothing, and a statement already stored is never stored twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import WRITE_ALL_ROLES, Actor, check_customer_access, readable_customers, record
from ar_core.credit.payments import normalise_iban as _compact
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.money import from_cents, to_cents
from ar_core.schema import MONEY, item_key_expr
from ar_core.store.bulk import insert_frame
from ar_core.store.db import write_transaction
from ar_core.store.models import utcnow
from ar_core.store.models.credit import BankPayment, BankStatement, CustomerIban

#: Who imports statements: the cash is the team's, not one collector's (controllers only read).
IMPORT_ROLES = ("lead", "admin")
#: ``bank_payments(status=...)``: the statuses of incoming customer payments, and ``all`` of them.
STATUSES = ("matched", "ambiguous", "unmatched")
STATUS_CHOICES = (*STATUSES, "all")
CREDIT = "CRDT"

#: The columns of :func:`bank_payments` (the CLI's JSON contract is the first thirteen).
PAYMENT_SCHEMA: dict[str, pl.DataType] = {
    "payment_id": pl.Int64(),
    "booking_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "counterparty_name": pl.String(),
    "counterparty_iban": pl.String(),
    "remittance": pl.String(),
    "creditor_reference": pl.String(),
    "end_to_end_id": pl.String(),
    "customer_id": pl.String(),
    "invoice_docs": pl.List(pl.String()),
    "rule": pl.String(),
    "confidence": pl.Float64(),
    "status": pl.String(),
    "statement_key": pl.String(),
    "value_date": pl.Date(),
    "evidence": pl.String(),
    "name_flag": pl.Boolean(),
    "applied": pl.Boolean(),
}
#: The columns of :func:`unapplied_payments`.
UNAPPLIED_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "currency": pl.String(),
    "amount": MONEY,
    "payments": pl.Int64(),
    "invoice_keys": pl.List(pl.String()),
}


def normalise_iban(text: object) -> str:
    """An IBAN as compared: no spaces, upper case, a leading "IBAN" label dropped (masters carry it)."""
    compact = _compact(text)
    return compact[4:].lstrip(":") if compact.startswith("IBAN") else compact


_STATEMENTS = BankStatement.__table__
_PAYMENTS = BankPayment.__table__
_IBANS = CustomerIban.__table__


# --- import --------------------------------------------------------------------------------------


def import_bank_statement(engine: sa.Engine, actor: Actor, data: bytes, filename: str) -> dict[str, Any]:
    """Store a camt.053/054 or MT940 file (or zip) and match its incoming customer payments.

    Leads and admins only. A file with errors raises ``InvalidInput("file", ...)`` and stores
    nothing; statements already stored (same account, key, sequence number) are skipped. The new
    statements, their transactions and the match go in one write transaction with one audit entry.
    IBAN check-digit warnings are reported, never a reason to drop a payment.
    """
    actor.require(*IMPORT_ROLES, doing="import bank statements")
    from ar_core.ingest import read_bank_file

    bank = read_bank_file(data, filename)
    if bank.errors:
        first, more = bank.errors[0], len(bank.errors) - 1
        raise InvalidInput("file", f"{filename}: {first}" + (f" (+{more} more)" if more else ""))
    parts = _split(bank.statements, bank.transactions)
    stored = _stored_keys(engine, [p[0] for p in parts])
    new = [p for p in parts if _identity(p[0]) not in stored]
    # matched outside the write lock (the ledger read can take a while); keyed by position
    matches = _match_new(engine, [t for _, txs in new for t in txs])
    report = {
        "file": filename,
        "format": bank.format,
        "statements": 0,
        "duplicates_skipped": len(parts) - len(new),
        "entries": 0,
        "transactions": 0,
        "incoming_credits": 0,
        "matched": 0,
        "ambiguous": 0,
        "unmatched": 0,
        "warnings": [str(p) for p in bank.warnings],
    }
    if new:
        with write_transaction(engine, actor) as conn:
            again = _stored_keys(conn, [s for s, _ in new])  # a concurrent import of the same file
            position = 0
            for stmt, txs in new:
                if _identity(stmt) in again:
                    report["duplicates_skipped"] += 1
                else:
                    _store_statement(conn, actor, stmt, txs, matches, position, bank.format, report)
                position += len(txs)
            if report["statements"]:
                after = {k: v for k, v in report.items() if k != "warnings"}
                record(conn, actor, "import_bank_statement", "bank_file", filename[:200], after=after)
    return report


def _identity(stmt: dict[str, Any]) -> tuple[str, str, str]:
    return (stmt["account_iban"] or "", stmt["statement_key"] or "", stmt["sequence_no"] or "")


def _split(statements: pl.DataFrame, transactions: pl.DataFrame) -> list[tuple[dict, list[dict]]]:
    """Each statement with its transactions, in file order.

    Transactions name only their statement's key, and a zip may hold the same statement twice:
    a statement's transactions are the run of rows with its key whose (entry, transaction)
    position keeps increasing.
    """
    rows = transactions.to_dicts()
    out: list[tuple[dict, list[dict]]] = []
    i = 0
    for stmt in statements.to_dicts():
        own: list[dict] = []
        last = (-1, -1)
        while i < len(rows) and rows[i]["statement_key"] == stmt["statement_key"]:
            at = (rows[i]["entry_index"], rows[i]["tx_index"])
            if at <= last:
                break
            own.append(rows[i])
            last = at
            i += 1
        out.append((stmt, own))
    return out


def _stored_keys(bind: sa.Engine | sa.Connection, statements: Sequence[dict]) -> set[tuple[str, str, str]]:
    keys = {_identity(s) for s in statements}
    if not keys:
        return set()
    s = _STATEMENTS.c
    query = sa.select(s.account_iban, s.statement_key, s.sequence_no).where(
        s.statement_key.in_(sorted({k[1] for k in keys}))
    )
    if isinstance(bind, sa.Engine):
        with bind.connect() as conn:
            rows = conn.execute(query).all()
    else:
        rows = bind.execute(query).all()
    return {tuple(r) for r in rows} & keys


def _is_incoming(tx: dict[str, Any]) -> bool:
    return tx["direction"] == CREDIT and not tx["reversal"]


def _match_new(engine: sa.Engine, transactions: list[dict]) -> dict[int, dict[str, Any]]:
    """Position in ``transactions`` -> its match row, for the incoming customer payments only."""
    incoming = [(n, t) for n, t in enumerate(transactions) if _is_incoming(t)]
    if not incoming:
        return {}
    frame = pl.DataFrame(
        [{"payment_id": n, **{k: t[k] for k in _MATCH_INPUT}} for n, t in incoming],
        schema={"payment_id": pl.Int64(), **_MATCH_INPUT},
        orient="row",
    )
    matched = _match(engine, frame)
    return {row["payment_id"]: row for row in matched.iter_rows(named=True)}


_MATCH_INPUT: dict[str, pl.DataType] = {
    "amount": MONEY,
    "currency": pl.String(),
    "counterparty_name": pl.String(),
    "counterparty_iban": pl.String(),
    "remittance": pl.String(),
    "creditor_reference": pl.String(),
    "reference_type": pl.String(),
    "end_to_end_id": pl.String(),
    "booking_date": pl.Date(),
}


def _match(engine: sa.Engine, payments: pl.DataFrame) -> pl.DataFrame:
    """``match_payments`` against the latest snapshot's open items, the master and the known IBANs."""
    from ar_core.config import today
    from ar_core.credit.payments import match_payments
    from ar_core.ledger import all_customers, ledger_items
    from ar_core.schema import ITEM_SCHEMA

    latest = _latest_snapshot(engine)
    items = ledger_items(engine, latest[0]) if latest else pl.DataFrame(schema=ITEM_SCHEMA)
    customers = all_customers(engine)
    return match_payments(
        payments, items, customers, known_ibans(engine, customers), latest[1] if latest else today()
    )


def _latest_snapshot(engine: sa.Engine) -> tuple[int, date] | None:
    """(id, as-of) of the latest snapshot in force: what payments are matched against.

    The rule of ``disputes.latest_snapshot``, read from the ledger (credit does not depend on disputes).
    """
    from ar_core.ledger import snapshot_register

    listing = snapshot_register(engine)
    return (listing[0].snapshot_id, listing[0].as_of) if listing else None


def known_ibans(engine: sa.Engine, customers: pl.DataFrame | None = None) -> pl.DataFrame:
    """``iban, customer_id``: the master's ``ibans`` (";"-separated), then the learned ones on top.

    A learned (confirmed) IBAN replaces the master's owner of that IBAN: a person decided it.
    """
    if customers is None:
        from ar_core.ledger import all_customers

        customers = all_customers(engine)
    owners: dict[str, set[str]] = {}
    if "ibans" in customers.columns:
        for cust, ibans in customers.select("customer_id", "ibans").drop_nulls().iter_rows():
            for part in str(ibans).split(";"):
                if norm := normalise_iban(part):
                    owners.setdefault(norm, set()).add(str(cust))
    with engine.connect() as conn:
        learned = conn.execute(sa.select(_IBANS.c.iban, _IBANS.c.customer_id)).all()
    for iban, cust in learned:
        owners[normalise_iban(iban)] = {cust}
    rows = [(iban, cust) for iban, custs in sorted(owners.items()) for cust in sorted(custs)]
    return pl.DataFrame(rows, schema={"iban": pl.String(), "customer_id": pl.String()}, orient="row")


def _status(match: dict[str, Any] | None) -> str:
    """``matched`` (invoices or a customer), ``ambiguous``, ``unmatched``; ``other``: not matched."""
    if match is None:
        return "other"
    if match["rule"] == "ambiguous":
        return "ambiguous"
    return "matched" if match["invoice_keys"] or match["customer_id"] else "unmatched"


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else to_cents(value)


def _store_statement(  # noqa: PLR0917
    conn: sa.Connection,
    actor: Actor,
    stmt: dict[str, Any],
    txs: list[dict[str, Any]],
    matches: dict[int, dict[str, Any]],
    position: int,
    fmt: str,
    report: dict[str, Any],
) -> None:
    statement_id = conn.execute(
        sa.insert(_STATEMENTS)
        .values(
            format=fmt[:30],
            statement_key=stmt["statement_key"] or "",
            sequence_no=stmt["sequence_no"] or "",
            account_iban=stmt["account_iban"] or "",
            currency=stmt["account_currency"],
            from_date=stmt["from_date"],
            to_date=stmt["to_date"],
            opening_cents=_cents(stmt["opening_balance"]),
            closing_cents=_cents(stmt["closing_balance"]),
            entries=stmt["entries"] or 0,
            source_file=(stmt["source"] or "")[:255],
            imported_by=actor.username,
            imported_at=utcnow(),
        )
        .returning(_STATEMENTS.c.id)
    ).scalar_one()
    rows = []
    for n, tx in enumerate(txs, position):
        match = matches.get(n)
        status = _status(match)
        report["incoming_credits"] += status != "other"
        if status != "other":
            report[status] += 1
        m = match or {}
        rows.append(
            {
                "statement_id": statement_id,
                **{k: tx[k] for k in _STORED_TX},
                "amount_cents": to_cents(tx["amount"]),
                "customer_id": m.get("customer_id"),
                "customer_rule": m.get("customer_rule"),
                "invoice_keys": json.dumps(m["invoice_keys"]) if match else None,
                "invoice_docs": json.dumps(m["invoice_docs"]) if match else None,
                "matched_cents": _cents(m.get("amount")),
                "rule": m.get("rule"),
                "confidence": m.get("confidence"),
                "evidence": m.get("evidence"),
                "candidates": json.dumps(m["candidates"]) if match else None,
                "name_flag": bool(m.get("name_flag")),
                "status": status,
            }
        )
    if rows:
        insert_frame(conn, _PAYMENTS, _bounded(pl.DataFrame(rows, schema=_ROW_SCHEMA, orient="row")))
    report["statements"] += 1
    report["entries"] += stmt["entries"] or 0
    report["transactions"] += len(rows)


_STORED_TX = (
    "entry_index", "tx_index", "entry_reference", "currency", "direction", "reversal", "booking_date",
    "value_date", "counterparty_name", "counterparty_iban", "iban_valid", "remittance",
    "creditor_reference", "reference_type", "end_to_end_id", "bank_reference", "bank_tx_code",
)  # fmt: skip
_ROW_SCHEMA: dict[str, pl.DataType] = {
    "statement_id": pl.Int64(),
    "entry_index": pl.Int32(),
    "tx_index": pl.Int32(),
    "entry_reference": pl.String(),
    "currency": pl.String(),
    "direction": pl.String(),
    "reversal": pl.Boolean(),
    "booking_date": pl.Date(),
    "value_date": pl.Date(),
    "counterparty_name": pl.String(),
    "counterparty_iban": pl.String(),
    "iban_valid": pl.Boolean(),
    "remittance": pl.String(),
    "creditor_reference": pl.String(),
    "reference_type": pl.String(),
    "end_to_end_id": pl.String(),
    "bank_reference": pl.String(),
    "bank_tx_code": pl.String(),
    "amount_cents": pl.Int64(),
    "customer_id": pl.String(),
    "customer_rule": pl.String(),
    "invoice_keys": pl.String(),
    "invoice_docs": pl.String(),
    "matched_cents": pl.Int64(),
    "rule": pl.String(),
    "confidence": pl.Float64(),
    "evidence": pl.String(),
    "candidates": pl.String(),
    "name_flag": pl.Boolean(),
    "status": pl.String(),
}


def _bounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Texts cut to their column's length: PostgreSQL refuses a longer value, a bank may send one."""
    cuts = []
    for name in frame.columns:
        length = getattr(_PAYMENTS.c[name].type, "length", None)
        if length and frame.schema[name] == pl.String():
            cuts.append(pl.col(name).str.slice(0, length))
    return frame.with_columns(cuts) if cuts else frame


# --- reading -------------------------------------------------------------------------------------


def bank_payments(engine: sa.Engine, actor: Actor, *, status: str = "all") -> pl.DataFrame:
    """The incoming customer payments (:data:`PAYMENT_SCHEMA`), newest booking first.

    Leads, controllers and admins see all; a collector only the payments matched to customers
    they may read — an unmatched payment belongs to nobody's portfolio yet.
    """
    if status not in STATUS_CHOICES:
        raise InvalidInput("status", f"status {status!r} is not one of {', '.join(STATUS_CHOICES)}")
    scope = readable_customers(engine, actor)
    p, s = _PAYMENTS.c, _STATEMENTS.c
    wanted = STATUSES if status == "all" else (status,)
    query = (
        sa.select(
            p.id,
            p.booking_date,
            p.amount_cents,
            p.currency,
            p.counterparty_name,
            p.counterparty_iban,
            p.remittance,
            p.creditor_reference,
            p.end_to_end_id,
            p.customer_id,
            p.invoice_docs,
            p.rule,
            p.confidence,
            p.status,
            s.statement_key,
            p.value_date,
            p.evidence,
            p.name_flag,
            p.applied_snapshot_id,
        )
        .join(_STATEMENTS, s.id == p.statement_id)
        .where(p.status.in_(wanted))
        .order_by(p.booking_date.desc(), p.id)
    )
    if scope is not None:
        query = query.where(p.customer_id.in_(sorted(scope)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    data = [
        (
            r.id,
            r.booking_date,
            from_cents(r.amount_cents),
            r.currency,
            r.counterparty_name,
            r.counterparty_iban,
            r.remittance,
            r.creditor_reference,
            r.end_to_end_id,
            r.customer_id,
            json.loads(r.invoice_docs or "[]"),
            r.rule,
            r.confidence,
            r.status,
            r.statement_key,
            r.value_date,
            r.evidence,
            bool(r.name_flag),
            r.applied_snapshot_id is not None,
        )
        for r in rows
    ]
    return pl.DataFrame(data, schema=PAYMENT_SCHEMA, orient="row")


# --- a person's confirmation ---------------------------------------------------------------------


def confirm_payment(
    engine: sa.Engine,
    actor: Actor,
    payment_id: int,
    *,
    customer_id: str,
    invoice_keys: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Confirm (or correct) whose payment this is and, optionally, which open invoices it pays.

    Needs write access to ``customer_id`` (and to the customer it was matched to, if another);
    a collector cannot take over an unmatched payment they cannot see. ``invoice_keys`` must be
    open items of that customer in the latest snapshot; ``None`` keeps the invoices when the
    customer stays, else clears them. The payer's IBAN is learned for the customer, so the next
    payment from it matches by IBAN. Audited.
    """
    customer_id = str(customer_id or "").strip()
    if not customer_id:
        raise InvalidInput("customer_id", "give the customer the payment belongs to")
    with engine.connect() as conn:
        row = conn.execute(sa.select(_PAYMENTS).where(_PAYMENTS.c.id == int(payment_id))).first()
    if row is None or row.status == "other":
        raise NotFound(f"no incoming bank payment {payment_id}")
    if row.customer_id is None and not actor.has(*WRITE_ALL_ROLES):
        raise PermissionDenied(f"{actor.username} may not assign unmatched bank payments")
    check_customer_access(engine, actor, customer_id, write=True)
    if row.customer_id and row.customer_id != customer_id:
        check_customer_access(engine, actor, row.customer_id, write=True)
    keys, docs, cents = _chosen_invoices(engine, row, customer_id, invoice_keys)
    before = {
        "customer_id": row.customer_id,
        "invoice_keys": json.loads(row.invoice_keys or "[]"),
        "rule": row.rule,
        "status": row.status,
    }
    after = {"customer_id": customer_id, "invoice_keys": keys, "rule": "confirmed", "status": "matched"}
    iban = normalise_iban(row.counterparty_iban)
    with write_transaction(engine, actor) as conn:
        conn.execute(
            sa.update(_PAYMENTS)
            .where(_PAYMENTS.c.id == row.id)
            .values(
                customer_id=customer_id,
                customer_rule="confirmed",
                invoice_keys=json.dumps(keys),
                invoice_docs=json.dumps(docs),
                matched_cents=cents,
                rule="confirmed",
                confidence=1.0,
                evidence=f"confirmed by {actor.username}",
                name_flag=False,
                status="matched",
                confirmed_by=actor.username,
                confirmed_at=utcnow(),
                applied_snapshot_id=None,
            )
        )
        if iban:
            after["iban_learned"] = iban
            after["iban_was"] = _learn_iban(conn, actor, iban, customer_id)
        record(conn, actor, "confirm_bank_payment", "bank_payment", row.id, before=before, after=after)
    return after


def _chosen_invoices(
    engine: sa.Engine, row: Any, customer_id: str, invoice_keys: Iterable[str] | None
) -> tuple[list[str], list[str], int]:
    """(keys, documents, settled cents) of the invoices a confirmation names, checked against the ledger."""
    if invoice_keys is None:
        if row.customer_id != customer_id:
            return [], [], 0
        return (
            json.loads(row.invoice_keys or "[]"),
            json.loads(row.invoice_docs or "[]"),
            row.matched_cents or 0,
        )
    keys = list(dict.fromkeys(str(k) for k in invoice_keys))
    if not keys:
        return [], [], 0
    open_ = _open_items(engine, customer_id)
    known = {k: (d, c) for k, d, c in open_.select("_item_key", "doc_no", "_cents").iter_rows()}
    missing = [k for k in keys if k not in known]
    if missing:
        raise InvalidInput("invoice_keys", f"{missing[0]} is not an open item of customer {customer_id}")
    cents = min(row.amount_cents, sum(max(known[k][1], 0) for k in keys))
    return keys, [known[k][0] for k in keys], cents


def _open_items(engine: sa.Engine, customer_id: str) -> pl.DataFrame:
    from ar_core.ledger import ledger_items, open_items

    latest = _latest_snapshot(engine)
    if latest is None:
        return pl.DataFrame(schema={"_item_key": pl.String(), "doc_no": pl.String(), "_cents": pl.Int64()})
    items = open_items(ledger_items(engine, latest[0]), latest[1]).filter(
        pl.col("customer_id") == customer_id
    )
    return items.select(item_key_expr(), "doc_no", (pl.col("amount") * 100).cast(pl.Int64).alias("_cents"))


def _learn_iban(conn: sa.Connection, actor: Actor, iban: str, customer_id: str) -> str | None:
    """Store ``iban`` as ``customer_id``'s (source ``confirmed``); returns its previous owner, if any."""
    was = conn.execute(sa.select(_IBANS.c.customer_id).where(_IBANS.c.iban == iban)).scalar()
    values = {
        "customer_id": customer_id,
        "source": "confirmed",
        "learned_by": actor.username,
        "learned_at": utcnow(),
    }
    if was is None:
        conn.execute(sa.insert(_IBANS).values(iban=iban, **values))
    else:
        conn.execute(sa.update(_IBANS).where(_IBANS.c.iban == iban).values(**values))
    return was


# --- cash not yet applied in the ERP ---------------------------------------------------------------


def unapplied_payments(engine: sa.Engine, actor: Actor, snapshot_id: int) -> pl.DataFrame:
    """Per customer and currency, the matched payments the ERP had not applied at ``snapshot_id``.

    A payment counts as applied once a snapshot dated after its booking day no longer lists its
    invoices as open; a customer-only match (no invoices to watch) counts as applied once any
    snapshot dated after the booking day exists. Payments booked after the snapshot are
    unapplied there. Scoped like :func:`bank_payments` (:data:`UNAPPLIED_SCHEMA`).
    """
    return _unapplied(engine, readable_customers(engine, actor), snapshot_id)


def team_unapplied(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    """:func:`unapplied_payments` of every customer (services only: the team worklist lays it over
    its ranking, then scopes itself); read once per snapshot and change of the payments."""
    from ar_core.memo import memo

    p = _PAYMENTS.c
    with engine.connect() as conn:
        version = tuple(
            conn.execute(sa.select(sa.func.count(), sa.func.max(p.id), sa.func.max(p.confirmed_at))).one()
        )
    if not version[0]:
        return pl.DataFrame(schema=UNAPPLIED_SCHEMA)
    return memo(
        engine,
        "team_unapplied",
        (snapshot_id, version),
        lambda: _unapplied(engine, None, snapshot_id),
        keep=4,
    )


def _unapplied(engine: sa.Engine, scope: frozenset[str] | None, snapshot_id: int) -> pl.DataFrame:
    as_of, open_keys = _snapshot_open_keys(engine, snapshot_id)
    with engine.connect() as conn:
        rows = conn.execute(_matched_query(scope)).all()
    sums: dict[tuple[str, str], list] = {}
    for r in rows:
        keys = json.loads(r.invoice_keys or "[]")
        if _applied(r.booking_date, keys, as_of, open_keys):
            continue
        slot = sums.setdefault((r.customer_id, r.currency), [0, 0, []])
        slot[0] += r.amount_cents
        slot[1] += 1
        slot[2].extend(k for k in keys if k not in slot[2])
    data = [(c, cur, from_cents(s[0]), s[1], sorted(s[2])) for (c, cur), s in sorted(sums.items())]
    return pl.DataFrame(data, schema=UNAPPLIED_SCHEMA, orient="row")


def _matched_query(scope: frozenset[str] | None) -> sa.Select:
    p = _PAYMENTS.c
    query = sa.select(p.id, p.customer_id, p.currency, p.amount_cents, p.booking_date, p.invoice_keys).where(
        p.status == "matched", p.customer_id.is_not(None)
    )
    return query if scope is None else query.where(p.customer_id.in_(sorted(scope)))


def _applied(booked: date | None, keys: list[str], as_of: date, open_keys: set[str]) -> bool:
    if booked is None or as_of <= booked:
        return False
    return not any(k in open_keys for k in keys)


def _snapshot_open_keys(engine: sa.Engine, snapshot_id: int) -> tuple[date, set[str]]:
    """The as-of date of ``snapshot_id`` (in force) and the keys of its composed ledger's open items."""
    from ar_core.ledger import ledger_items, open_items, snapshot_register

    found = [s for s in snapshot_register(engine) if s.snapshot_id == snapshot_id]
    if not found:
        raise NotFound(f"no snapshot {snapshot_id} in force")
    as_of = found[0].as_of
    items = open_items(ledger_items(engine, snapshot_id), as_of)
    return as_of, set(items.select(item_key_expr())["_item_key"].to_list())


def mark_applied(conn: sa.Connection, actor: Actor | str, snapshot_id: int) -> int:
    """Set ``applied_snapshot_id`` on the matched payments ``snapshot_id`` shows applied; one audit entry.

    A transaction piece (no role check): the snapshot import's caller runs it right after the
    snapshot committed (its items are read through the engine). Returns the payments marked.
    """
    rows = conn.execute(_matched_query(None).where(_PAYMENTS.c.applied_snapshot_id.is_(None))).all()
    if not rows:  # most snapshot imports: no ledger read at all
        return 0
    as_of, open_keys = _snapshot_open_keys(conn.engine, snapshot_id)
    ids = [
        r.id for r in rows if _applied(r.booking_date, json.loads(r.invoice_keys or "[]"), as_of, open_keys)
    ]
    if not ids:
        return 0
    for start in range(0, len(ids), 1000):
        conn.execute(
            sa.update(_PAYMENTS)
            .where(_PAYMENTS.c.id.in_(ids[start : start + 1000]))
            .values(applied_snapshot_id=snapshot_id)
        )
    record(
        conn, actor, "apply_bank_payments", "snapshot", snapshot_id, after={"payments": len(ids), "ids": ids}
    )
    return len(ids)


def apply_payments(engine: sa.Engine, actor: Actor, snapshot_id: int) -> int:
    """:func:`mark_applied` in a write transaction of its own (the hook after a snapshot import)."""
    with write_transaction(engine, actor) as conn:
        return mark_applied(conn, actor, snapshot_id)


__all__ = [
    "IMPORT_ROLES",
    "PAYMENT_SCHEMA",
    "STATUS_CHOICES",
    "UNAPPLIED_SCHEMA",
    "apply_payments",
    "bank_payments",
    "confirm_payment",
    "import_bank_statement",
    "known_ibans",
    "mark_applied",
    "unapplied_payments",
]
