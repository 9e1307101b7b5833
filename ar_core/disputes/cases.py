"""Cases: disputes and customer inquiries, worked from opening to closure (service: engine + actor + audit).

A case covers one or more open items of one customer, each with the disputed part of its amount.
Every change is audited; a collector works the cases of their own portfolio (``access.scope``);
leads and admins all; controllers read. The notes thread is append-only, like the contact log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core import config
from ar_core.access import Actor, check_customer_access, readable_customers, record
from ar_core.disputes import sla as sla_rules
from ar_core.disputes import taxonomy as tx
from ar_core.errors import InvalidInput, NotFound, PermissionDenied
from ar_core.money import from_cents, to_cents
from ar_core.schema import doc_key, item_key, item_key_expr  # noqa: F401 - item_key(_expr) re-exported
from ar_core.store import marks
from ar_core.store.bulk import from_cents as cents_to_money
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    ContactEntry,
    Customer,
    DisputeCase,
    DisputeCaseItem,
    DisputeEscalation,
    DisputeNote,
    DisputeReason,
    utcnow,
)

#: Who edits the taxonomy and the SLA day count.
TAXONOMY_ROLES = ("lead", "admin")
#: Setting: how SLA days count (``{"kind": "calendar"|"working", "country": "DE"|"NL"|...}``).
SLA_SETTING = "dispute_sla"
DEFAULT_SLA = {"kind": sla_rules.CALENDAR, "country": "DE"}
MAX_NOTE_CHARS = 4_000
SOURCES = ("extract", "account", "contact", "manual")


# --- settings and taxonomy ---------------------------------------------------------------------


def sla_settings(engine: sa.Engine) -> dict[str, str]:
    from ar_core.settings import get_setting

    return {**DEFAULT_SLA, **(get_setting(engine, SLA_SETTING, {}) or {})}


def set_sla_settings(engine: sa.Engine, actor: Actor, *, kind: str, country: str) -> None:
    """How SLA days count from now on (leads, admins); cases already open keep their due date."""
    import holidays

    from ar_core.settings import set_setting

    actor.require(*TAXONOMY_ROLES, doing="set how dispute SLAs count")
    if kind not in sla_rules.DAY_KINDS:
        raise InvalidInput("kind", f"choose calendar or working days, not {kind!r}")
    if country.upper() not in holidays.list_supported_countries():
        raise InvalidInput("country", f"no public-holiday calendar for country {country!r}")
    set_setting(engine, actor, SLA_SETTING, {"kind": kind, "country": country.upper()}, DEFAULT_SLA)


def reason_taxonomy(engine: sa.Engine) -> dict[str, tx.Reason]:
    """The reason taxonomy in force: the defaults in code with the lead's edits laid over them."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(DisputeReason.__table__)).all()
    return tx.merged(
        {
            r.code: tx.Reason(r.code, r.label, r.category, r.sla_days, r.resolver_department, r.case_type)
            for r in rows
        }
    )


def set_reason(
    engine: sa.Engine,
    actor: Actor,
    code: str,
    *,
    label: str,
    category: str | None,
    sla_days: int,
    resolver_department: str | None,
    case_type: str = tx.DISPUTE,
) -> None:
    """Edit a reason of the taxonomy, add one, or map an unmapped code to a category (audited)."""
    actor.require(*TAXONOMY_ROLES, doing="edit the dispute reasons")
    code = (code or "").strip().upper()
    if not code or len(code) > 40:
        raise InvalidInput("code", "a reason code has 1 to 40 characters")
    if category is not None and category not in tx.CATEGORIES:
        raise InvalidInput("category", f"unknown root-cause category {category!r}")
    if resolver_department is not None and resolver_department not in tx.DEPARTMENTS:
        raise InvalidInput("resolver_department", f"unknown department {resolver_department!r}")
    if case_type not in tx.CASE_TYPES:
        raise InvalidInput("case_type", f"a reason is for disputes or inquiries, not {case_type!r}")
    if not isinstance(sla_days, int) or not 0 <= sla_days <= 365:
        raise InvalidInput("sla_days", "SLA days lie between 0 and 365")
    label = (label or code).strip()[:200]
    before = reason_taxonomy(engine).get(code)
    values = {
        "label": label,
        "category": category,
        "sla_days": sla_days,
        "resolver_department": resolver_department,
        "case_type": case_type,
    }
    with write_transaction(engine, actor) as conn:
        exists = conn.execute(sa.select(DisputeReason.code).where(DisputeReason.code == code)).first()
        stamp = {"updated_by": actor.username, "updated_at": utcnow()}
        if exists:
            conn.execute(sa.update(DisputeReason).where(DisputeReason.code == code).values(**values, **stamp))
        else:
            conn.execute(sa.insert(DisputeReason).values(code=code, **values, **stamp))
        record(
            conn,
            actor,
            "set_dispute_reason",
            "dispute_reason",
            code,
            before=None if before is None else before.__dict__,
            after=values,
        )


def _due(engine: sa.Engine, opened: date, reason: tx.Reason) -> date:
    rule = sla_settings(engine)
    return sla_rules.due_date(opened, reason.sla_days, rule["kind"], rule["country"])


# --- opening ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseItem:
    """An item a new case covers, as the page or the extract names it."""

    company_code: str | None
    fiscal_year: int | None
    doc_no: str
    line_item: int | None
    amount: Decimal | None = None  #: the disputed part; None = the whole open amount


def latest_snapshot(engine: sa.Engine) -> tuple[int, date] | None:
    """(id, as-of date) of the latest snapshot in force: the ledger cases are judged against."""
    from ar_core.ledger import snapshot_register

    listing = snapshot_register(engine)
    return (listing[0].snapshot_id, listing[0].as_of) if listing else None


def _ledger(engine: sa.Engine, snapshot_id: int) -> pl.DataFrame:
    from ar_core.ledger import ledger_items

    return ledger_items(engine, snapshot_id)


def _decimal(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, f"{value!r} is not an amount") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, f"{amount} has more than two decimals")
    return amount


def _resolve_items(
    engine: sa.Engine, customer_id: str, items: Sequence[CaseItem | Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], str | None]:
    """The named items as the latest snapshot shows them, with the disputed amount checked."""
    wanted = [i if isinstance(i, CaseItem) else CaseItem(**i) for i in items]
    if not wanted:
        return [], None
    latest = latest_snapshot(engine)
    if latest is None:
        raise InvalidInput("items", "there is no snapshot yet: import an extract first")
    from ar_core.ledger import open_items

    ledger = open_items(_ledger(engine, latest[0]).filter(pl.col("customer_id") == customer_id), latest[1])
    ledger = ledger.with_columns(item_key_expr())
    by_key = {r["_item_key"]: r for r in ledger.iter_rows(named=True)}
    out, currencies = [], set()
    for item in wanted:
        key = item_key(item.company_code, item.fiscal_year, item.doc_no, item.line_item)
        row = by_key.get(key)
        if row is None:
            raise InvalidInput(
                "items", f"document {item.doc_no} is not an open invoice of customer {customer_id}"
            )
        if row["amount"] is None or row["amount"] <= 0:
            raise InvalidInput(
                "items", f"document {item.doc_no} is a credit, not an open invoice: invoices are disputed"
            )
        amount = row["amount"] if item.amount is None else _decimal(item.amount, "amount")
        if not Decimal("0") < amount <= row["amount"]:
            raise InvalidInput(
                "amount",
                f"the disputed amount of document {item.doc_no} lies between 0.01 and {row['amount']}",
            )
        currencies.add(row["currency"])
        out.append(
            {
                "item_key": key,
                "company_code": row["company_code"],
                "fiscal_year": row["fiscal_year"],
                "doc_no": row["doc_no"],
                "line_item": row["line_item"],
                "amount_cents": to_cents(amount),
                "item_amount_cents": to_cents(row["amount"]),
                "currency": row["currency"],
                "due_date": row["due_date"],
            }
        )
    if len(currencies) > 1:
        raise InvalidInput("items", "one case covers items of one currency: open a case per currency")
    keys = [i["item_key"] for i in out]
    if len(set(keys)) != len(keys):
        raise InvalidInput("items", "an item is named twice")
    return out, currencies.pop()


def _taken(conn: sa.Connection, keys: Sequence[str]) -> dict[str, int]:
    taken: dict[str, int] = {}
    for start in range(0, len(keys), 5000):
        rows = conn.execute(
            sa.select(DisputeCaseItem.item_key, DisputeCaseItem.case_id).where(
                DisputeCaseItem.item_key.in_(keys[start : start + 5000])
            )
        )
        taken.update(dict(rows.all()))
    return taken


def _owner(conn: sa.Connection, customer_id: str, actor: Actor) -> str | None:
    owner = conn.execute(sa.select(Customer.collector).where(Customer.customer_id == customer_id)).scalar()
    return owner or (actor.username if actor.has("collector") else None)


def open_case(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    reason: str,
    items: Sequence[CaseItem | Mapping[str, Any]] = (),
    case_type: str = tx.DISPUTE,
    resolver: str | None = None,
    resolver_department: str | None = None,
    note: str = "",
    contact_id: int | None = None,
    opened: date | None = None,
) -> int:
    """Open a dispute (one or more open items, each with its disputed amount) or an inquiry
    (items optional) for ``customer_id``; returns the case id.

    The reason must be in the taxonomy; its SLA sets the due date and its department the
    resolver unless one is given. ``contact_id`` links the contact-log entry the case came from.
    An item already in a case is refused: that case is worked (or reopened) instead.
    """
    prepared = prepare_case(
        engine, actor, customer_id, reason=reason, items=items, case_type=case_type, resolver=resolver,
        resolver_department=resolver_department, note=note, opened=opened,
    )  # fmt: skip
    with write_transaction(engine, actor) as conn:
        return insert_case(conn, actor, prepared, contact_id=contact_id)


def prepare_case(
    engine: sa.Engine,
    actor: Actor,
    customer_id: str,
    *,
    reason: str,
    items: Sequence[CaseItem | Mapping[str, Any]] = (),
    case_type: str = tx.DISPUTE,
    resolver: str | None = None,
    resolver_department: str | None = None,
    note: str = "",
    opened: date | None = None,
) -> dict[str, Any]:
    """Every check of :func:`open_case` that needs no write; the result goes to :func:`insert_case`.

    For a service that opens the case in its own transaction with other records (the contact
    form: the entry and the case it raised, at once).
    """
    if case_type not in tx.CASE_TYPES:
        raise InvalidInput("case_type", f"a case is a dispute or an inquiry, not {case_type!r}")
    check_customer_access(engine, actor, customer_id, write=True)
    reasons = reason_taxonomy(engine)
    code = (reason or "").strip().upper()
    if code not in reasons:
        raise InvalidInput("reason", f"choose a reason of the taxonomy, not {reason!r}")
    chosen = reasons[code]
    if case_type == tx.DISPUTE and not items:
        raise InvalidInput("items", "a dispute covers at least one open item")
    if resolver_department is not None and resolver_department not in tx.DEPARTMENTS:
        raise InvalidInput("resolver_department", f"unknown department {resolver_department!r}")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"a note has at most {MAX_NOTE_CHARS:,} characters")
    today = config.today()
    opened = opened or today
    if opened > today:
        raise InvalidInput("opened", "a case cannot be opened in the future")
    rows, currency = _resolve_items(engine, customer_id, items)
    if currency is None:
        from ar_core.settings import get_reporting_currency

        currency = get_reporting_currency(engine)
    resolver = None if resolver is None else str(resolver).strip()[:100] or None
    values = {
        "case_type": case_type, "customer_id": customer_id, "reason": code,
        "resolver_department": resolver_department or chosen.resolver_department, "resolver": resolver,
        "opened": opened, "due": _due(engine, opened, chosen), "status": tx.OPEN, "level": 0,
        "currency": currency,
    }  # fmt: skip
    return {"values": values, "items": rows, "note": note.strip()}


def insert_case(
    conn: sa.Connection, actor: Actor, prepared: Mapping[str, Any], *, contact_id: int | None = None
) -> int:
    """Write a :func:`prepare_case` result on ``conn`` (the caller's write transaction); its id.

    Re-checks on this connection what a colleague may have changed since: the items are in no
    case yet, and ``contact_id`` is an entry of the same customer.
    """
    values, rows = dict(prepared["values"]), list(prepared["items"])
    customer_id = values["customer_id"]
    if contact_id is not None:
        linked = conn.execute(
            sa.select(ContactEntry.customer_id).where(ContactEntry.id == contact_id)
        ).scalar()
        if linked != customer_id:
            raise InvalidInput(
                "contact_id", f"contact {contact_id} is not an entry of customer {customer_id}"
            )
    taken = _taken(conn, [r["item_key"] for r in rows])
    if taken:
        key, case_id = next(iter(taken.items()))
        raise InvalidInput("items", f"document {key.split('|')[2]} is already in case {case_id}")
    now = utcnow()
    values.update(
        owner=_owner(conn, customer_id, actor), contact_id=contact_id, created_by=actor.username,
        source="contact" if contact_id is not None else ("account" if rows else "manual"),
        created_at=now, updated_at=now,
    )  # fmt: skip
    case_id = conn.execute(sa.insert(DisputeCase).values(**values).returning(DisputeCase.id)).scalar_one()
    marks.advance(conn, marks.DISPUTE_CASES)
    if rows:
        conn.execute(sa.insert(DisputeCaseItem), [{**r, "case_id": case_id} for r in rows])
    _note(conn, actor, case_id, prepared["note"])
    items = [{"doc_no": r["doc_no"], "amount": from_cents(r["amount_cents"])} for r in rows]
    record(conn, actor, "open_dispute_case", "dispute_case", case_id, after={**values, "items": items})
    return case_id


# --- working a case -----------------------------------------------------------------------------


def _case(conn: sa.Connection, case_id: int) -> Any:
    row = conn.execute(sa.select(DisputeCase.__table__).where(DisputeCase.id == case_id)).first()
    if row is None:
        raise NotFound(f"no case {case_id}")
    return row


def _writable(engine: sa.Engine, actor: Actor, case_id: int) -> Any:
    with engine.connect() as conn:
        case = _case(conn, case_id)
    check_customer_access(engine, actor, case.customer_id, write=True)
    return case


def _update(
    conn: sa.Connection, actor: Actor, case: Any, action: str, changes: dict[str, Any], *, why: str = ""
) -> None:
    before = {k: getattr(case, k) for k in changes}
    conn.execute(
        sa.update(DisputeCase).where(DisputeCase.id == case.id).values(**changes, updated_at=utcnow())
    )
    marks.advance(conn, marks.DISPUTE_CASES)
    record(
        conn,
        actor,
        action,
        "dispute_case",
        case.id,
        before=before,
        after={**changes, **({"why": why} if why else {})},
    )


def _note(conn: sa.Connection, actor: Actor, case_id: int, text: str) -> None:
    if text.strip():
        marks.advance(conn, marks.DISPUTE_CASES)
        conn.execute(
            sa.insert(DisputeNote).values(
                case_id=case_id,
                text=text.strip()[:MAX_NOTE_CHARS],
                created_by=actor.username,
                created_at=utcnow(),
            )
        )


def move_case(engine: sa.Engine, actor: Actor, case_id: int, status: str, *, note: str = "") -> None:
    """Move a case along its workflow (open ↔ with resolver ↔ awaiting customer; resolved → closed)."""
    case = _writable(engine, actor, case_id)
    if status not in tx.MOVES.get(case.status, ()):
        allowed = ", ".join(tx.MOVES.get(case.status, ())) or "nothing (reopen it first)"
        raise InvalidInput("status", f"case {case_id} is {case.status}: it can move to {allowed}")
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        if status not in tx.MOVES.get(case.status, ()):
            raise InvalidInput("status", f"case {case_id} changed meanwhile: it is {case.status} now")
        _update(conn, actor, case, "move_dispute_case", {"status": status})
        _note(conn, actor, case_id, note)


def resolve_case(
    engine: sa.Engine,
    actor: Actor,
    case_id: int,
    resolution: str,
    *,
    resolved: date | None = None,
    credited: Decimal | str | None = None,
    note: str = "",
) -> None:
    """Resolve a case being worked: its resolution, the day, and for a credit note the credited amount."""
    case = _writable(engine, actor, case_id)
    if case.status not in tx.WORKING:
        raise InvalidInput("status", f"case {case_id} is already {case.status}")
    if resolution not in tx.RESOLUTIONS_BY_TYPE[case.case_type]:
        allowed = ", ".join(tx.RESOLUTIONS_BY_TYPE[case.case_type])
        article = "an" if case.case_type == tx.INQUIRY else "a"
        raise InvalidInput("resolution", f"{article} {case.case_type} ends as {allowed}, not {resolution!r}")
    resolved = resolved or config.today()
    if not case.opened <= resolved <= config.today():
        raise InvalidInput("resolved", "the resolved date lies between the opening day and today")
    cents = None
    if credited not in (None, ""):
        if resolution not in tx.CREDITING:
            raise InvalidInput("credited", "a credited amount belongs to a credit note or a partial credit")
        cents = to_cents(_decimal(credited, "credited"))
        total = _case_total(engine, case_id)
        if cents <= 0 or (total and cents > total):
            raise InvalidInput("credited", f"the credited amount lies between 0.01 and {from_cents(total)}")
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        if case.status not in tx.WORKING:
            raise InvalidInput("status", f"case {case_id} changed meanwhile: it is {case.status} now")
        changes = {
            "status": tx.RESOLVED,
            "resolution": resolution,
            "resolved": resolved,
            "credited_cents": cents,
        }
        _update(conn, actor, case, "resolve_dispute_case", changes)
        _note(conn, actor, case_id, note)


def _case_total(engine: sa.Engine, case_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(DisputeCaseItem.amount_cents), 0)).where(
                    DisputeCaseItem.case_id == case_id
                )
            ).scalar_one()
        )


def reopen_case(engine: sa.Engine, actor: Actor, case_id: int, reason: str) -> None:
    """Reopen a resolved or closed case (the customer disputes again); why is asked and audited."""
    case = _writable(engine, actor, case_id)
    if case.status in tx.WORKING:
        raise InvalidInput("status", f"case {case_id} is still {case.status}")
    if not (reason or "").strip():
        raise InvalidInput("reason", "say why the case is reopened")
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        changes = {
            "status": tx.OPEN,
            "resolution": None,
            "resolved": None,
            "credited_cents": None,
            "closed_by_snapshot_id": None,
        }
        _update(conn, actor, case, "reopen_dispute_case", changes, why=reason.strip())
        _note(conn, actor, case_id, f"Reopened: {reason.strip()}")


def add_note(engine: sa.Engine, actor: Actor, case_id: int, text: str) -> None:
    """Append to a case's notes thread (never edited afterwards)."""
    _writable(engine, actor, case_id)
    if not (text or "").strip():
        raise InvalidInput("text", "a note needs some text")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("text", f"a note has at most {MAX_NOTE_CHARS:,} characters")
    with write_transaction(engine, actor) as conn:
        _note(conn, actor, case_id, text)
        record(conn, actor, "note_dispute_case", "dispute_case", case_id, after={"text": text.strip()})


#: Fields :func:`update_case` may change.
EDITABLE = ("resolver", "resolver_department", "owner", "next_action_date", "reason")


def update_case(engine: sa.Engine, actor: Actor, case_id: int, **changes: Any) -> None:
    """Change who resolves or owns a case, its next follow-up date or its reason (audited)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "this field of a case cannot be changed here")
    case = _writable(engine, actor, case_id)
    if "resolver_department" in changes and changes["resolver_department"] not in (None, *tx.DEPARTMENTS):
        raise InvalidInput("resolver_department", f"unknown department {changes['resolver_department']!r}")
    if "reason" in changes:
        code = (changes["reason"] or "").strip().upper()
        reasons = reason_taxonomy(engine)
        if code not in reasons:
            raise InvalidInput("reason", f"choose a reason of the taxonomy, not {changes['reason']!r}")
        changes["reason"] = code
        changes["due"] = _due(engine, case.opened, reasons[code])
    if changes.get("owner"):
        from ar_core.access import collector_scope

        if case.customer_id not in collector_scope(engine, changes["owner"]) and not actor.has(
            "lead", "admin"
        ):
            raise PermissionDenied(f"customer {case.customer_id} is not in {changes['owner']}'s portfolio")
    if "resolver" in changes and changes["resolver"] is not None:
        changes["resolver"] = str(changes["resolver"]).strip()[:100] or None
    with write_transaction(engine, actor) as conn:
        _update(conn, actor, _case(conn, case_id), "update_dispute_case", changes)


def escalate_case(engine: sa.Engine, actor: Actor, case_id: int, *, to_whom: str, reason: str) -> int:
    """Raise a case one level (1 team lead, 2 resolver's manager, 3 head of I2C); returns the new level.

    Who, why and to whom are recorded and audited; the case shows on the huddle's "disputes past
    due" board and on the resolver-side list from then on.
    """
    case = _writable(engine, actor, case_id)
    if case.status not in tx.WORKING:
        raise InvalidInput(
            "status", f"case {case_id} is {case.status}: only a case being worked is escalated"
        )
    if case.level >= max(tx.LEVELS):
        raise InvalidInput("level", f"case {case_id} is already with the {tx.LEVELS[max(tx.LEVELS)]}")
    if not (reason or "").strip():
        raise InvalidInput("reason", "say why the case is escalated")
    if not (to_whom or "").strip():
        raise InvalidInput("to_whom", "name whom the case is escalated to")
    with write_transaction(engine, actor) as conn:
        case = _case(conn, case_id)
        level = case.level + 1
        conn.execute(
            sa.insert(DisputeEscalation).values(
                case_id=case_id,
                level=level,
                to_whom=to_whom.strip()[:100],
                reason=reason.strip(),
                created_by=actor.username,
                created_at=utcnow(),
            )
        )
        _update(conn, actor, case, "escalate_dispute_case", {"level": level}, why=f"to {to_whom}: {reason}")
    return level


# --- reading ------------------------------------------------------------------------------------

LIST_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(),
    "type": pl.String(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "company_code": pl.String(),
    "country": pl.String(),
    "collector": pl.String(),
    "resolver_department": pl.String(),
    "resolver": pl.String(),
    "reason": pl.String(),
    "reason_label": pl.String(),
    "category": pl.String(),
    "status": pl.String(),
    "resolution": pl.String(),
    "opened": pl.Date(),
    "due": pl.Date(),
    "resolved": pl.Date(),
    "level": pl.Int8(),
    "next_action_date": pl.Date(),
    "amount": pl.Decimal(18, 2),
    "credited": pl.Decimal(18, 2),
    "currency": pl.String(),
    "items": pl.Int64(),
    "items_open": pl.Int64(),
    "source": pl.String(),
    "erp_case_id": pl.String(),
    "contact_id": pl.Int64(),
}
STATUS_FILTERS = ("open", "closed", "all")


def list_cases(
    engine: sa.Engine,
    actor: Actor,
    *,
    status: str = "all",
    customer_id: str | None = None,
    case_type: str | None = None,
) -> pl.DataFrame:
    """The cases ``actor`` may read: ``open`` = being worked, ``closed`` = resolved or closed."""
    if status not in STATUS_FILTERS:
        raise InvalidInput("status", f"choose open, closed or all, not {status!r}")
    scope = readable_customers(engine, actor)
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
    return _listed(engine, scope, status=status, customer_id=customer_id, case_type=case_type)


def working_cases(engine: sa.Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every case being worked (``LIST_SCHEMA``) and its items with the case's ``customer_id``
    (services only: the team worklist overlays them, then scopes itself).

    Computed once per change of the cases, the customer master or the reasons and shared (never
    mutate it): every call or promise logged makes the team worklist rank again, not this.
    """
    from ar_core.ledger import customers_version
    from ar_core.memo import memo

    def compute() -> tuple[pl.DataFrame, pl.DataFrame]:
        cases = _listed(engine, None, status="open")
        items = _item_rows(engine).filter(pl.col("case_id").is_in(cases["case_id"].to_list()))
        return cases, items.select(*ITEM_COLUMNS_OUT, "customer_id")

    reasons = tuple(sorted(reason_taxonomy(engine).items()))
    key = (cases_version(engine), customers_version(engine), reasons)
    return memo(engine, "working_cases", key, compute, keep=2)


def _listed(
    engine: sa.Engine,
    scope: frozenset[str] | None,
    *,
    status: str,
    customer_id: str | None = None,
    case_type: str | None = None,
) -> pl.DataFrame:
    frame = _case_rows(engine)
    if status == "open":
        frame = frame.filter(pl.col("status").is_in(tx.WORKING))
    elif status == "closed":
        frame = frame.filter(pl.col("status").is_in((tx.RESOLVED, tx.CLOSED)))
    if customer_id is not None:
        frame = frame.filter(pl.col("customer_id") == customer_id)
    if case_type is not None:
        frame = frame.filter(pl.col("type") == case_type)
    if scope is not None:
        frame = frame.filter(pl.col("customer_id").is_in(list(scope)))
    from ar_core.ledger import all_customers

    master = all_customers(engine).select(
        "customer_id",
        pl.col("name").alias("customer_name"),
        "country",
        pl.col("company_code").alias("master_code"),
    )
    frame = frame.join(master, on="customer_id", how="left", maintain_order="left")
    reasons = reason_taxonomy(engine)
    looked_up = {code: tx.reason_for(code, reasons) for code in frame["reason"].unique().to_list()}
    return frame.with_columns(
        pl.coalesce("item_code", "master_code").alias("company_code"),
        pl.col("reason")
        .replace_strict({k: r.label for k, r in looked_up.items()}, return_dtype=pl.String)
        .alias("reason_label"),
        pl.col("reason")
        .replace_strict({k: r.category for k, r in looked_up.items()}, return_dtype=pl.String)
        .alias("category"),
        cents_to_money("cents").fill_null(0).alias("amount"),
        cents_to_money("credited_cents").alias("credited"),
        pl.col("items").fill_null(0),
        pl.col("items_open").fill_null(0),
    ).select(pl.col(n).cast(t) for n, t in LIST_SCHEMA.items())


def cases_version(engine: sa.Engine) -> tuple[Any, ...]:
    """Changes whenever a case or an item is added, changed or cleared: primary-key lookups only.

    Every write to the case tables advances their change mark in its own transaction (the
    services here, the import's sync, the removal's reopening); the tables' last ids guard
    writes that bypass the services (the demo's bulk load). Caches of derived frames key on
    it, so a write anywhere shows at the next rerun. Reason edits are not in it
    (:func:`reason_taxonomy` is read on every call).
    """
    with engine.connect() as conn:
        last = conn.execute(
            sa.select(
                sa.select(sa.func.max(DisputeCase.id)).scalar_subquery(),
                sa.select(sa.func.max(DisputeCaseItem.id)).scalar_subquery(),
            )
        ).one()
        return (marks.current(conn, marks.DISPUTE_CASES), *last)


def _case_rows(engine: sa.Engine) -> pl.DataFrame:
    """Every case with its item totals, read once per change of the case tables and shared by all
    sessions (the worklist reads the cases being worked on every rebuild); never mutate it."""
    from ar_core.memo import memo

    return memo(engine, "dispute_cases", cases_version(engine), lambda: _read_case_rows(engine), keep=2)


def _read_case_rows(engine: sa.Engine) -> pl.DataFrame:
    c, i = DisputeCase, DisputeCaseItem
    totals = (
        sa.select(
            i.case_id,
            sa.func.sum(i.amount_cents).label("cents"),
            sa.func.count().label("items"),
            sa.func.count(i.id).filter(i.cleared_on.is_(None)).label("items_open"),
            sa.func.min(i.company_code).label("item_code"),
        )
        .group_by(i.case_id)
        .subquery()
    )
    query = (
        sa.select(
            c.id.label("case_id"), c.case_type.label("type"), c.customer_id, totals.c.item_code,
            c.owner.label("collector"), c.resolver_department, c.resolver, c.reason, c.status, c.resolution,
            c.opened, c.due, c.resolved, c.level, c.next_action_date, totals.c.cents, c.credited_cents,
            c.currency, totals.c["items"], totals.c.items_open, c.source, c.erp_case_id, c.contact_id,
        )
        .outerjoin(totals, totals.c.case_id == c.id)
        .order_by(c.id)
    )  # fmt: skip
    raw = {**LIST_SCHEMA, "item_code": pl.String(), "cents": pl.Int64(), "credited_cents": pl.Int64()}
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame(
        rows, schema={col.name: raw[col.name] for col in query.selected_columns}, orient="row"
    )


#: The columns of :func:`case_items`.
ITEM_COLUMNS_OUT = ("case_id", "company_code", "fiscal_year", "doc_no", "line_item", "amount", "item_amount",
                    "currency", "due_date", "cleared_on")  # fmt: skip


def case_items(engine: sa.Engine, actor: Actor, case_ids: Sequence[int]) -> pl.DataFrame:
    """The items of the given cases ``actor`` may read: doc number, disputed and item amount, clearing."""
    schema = {"case_id": pl.Int64(), "company_code": pl.String(), "fiscal_year": pl.Int32(),
              "doc_no": pl.String(), "line_item": pl.Int32(), "amount": pl.Decimal(18, 2),
              "item_amount": pl.Decimal(18, 2), "currency": pl.String(), "due_date": pl.Date(),
              "cleared_on": pl.Date()}  # fmt: skip
    ids = sorted({int(x) for x in case_ids})
    if not ids:
        return pl.DataFrame(schema=schema)
    frame = _item_rows(engine).filter(pl.col("case_id").is_in(ids))
    scope = readable_customers(engine, actor)
    if scope is not None:
        frame = frame.filter(pl.col("customer_id").is_in(list(scope)))
    return frame.select(list(schema))


def _item_rows(engine: sa.Engine) -> pl.DataFrame:
    """Every case item with its case's customer, shared like :func:`_case_rows`; never mutate it."""
    from ar_core.memo import memo

    return memo(engine, "dispute_case_items", cases_version(engine), lambda: _read_item_rows(engine), keep=2)


def _read_item_rows(engine: sa.Engine) -> pl.DataFrame:
    i, c = DisputeCaseItem, DisputeCase
    query = (
        sa.select(i.case_id, i.company_code, i.fiscal_year, i.doc_no, i.line_item, i.amount_cents,
                  i.item_amount_cents, i.currency, i.due_date, i.cleared_on, c.customer_id)
        .join(c, c.id == i.case_id).order_by(i.case_id, i.id)
    )  # fmt: skip
    raw = {
        "case_id": pl.Int64(), "company_code": pl.String(), "fiscal_year": pl.Int32(), "doc_no": pl.String(),
        "line_item": pl.Int32(), "amount_cents": pl.Int64(), "item_amount_cents": pl.Int64(),
        "currency": pl.String(), "due_date": pl.Date(), "cleared_on": pl.Date(), "customer_id": pl.String(),
    }  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    return frame.with_columns(
        cents_to_money("amount_cents").alias("amount"),
        cents_to_money("item_amount_cents").alias("item_amount"),
    )


def case_detail(engine: sa.Engine, actor: Actor, case_id: int) -> dict[str, Any]:
    """One case with its items, notes thread and escalations (``NotFound`` / ``PermissionDenied``)."""
    with engine.connect() as conn:
        case = _case(conn, case_id)
    check_customer_access(engine, actor, case.customer_id, write=False)
    listed = list_cases(engine, actor, customer_id=case.customer_id).filter(pl.col("case_id") == case_id)
    with engine.connect() as conn:
        notes = conn.execute(
            sa.select(DisputeNote.created_at, DisputeNote.created_by, DisputeNote.text)
            .where(DisputeNote.case_id == case_id)
            .order_by(DisputeNote.id)
        ).all()
        escalations = conn.execute(
            sa.select(
                DisputeEscalation.created_at,
                DisputeEscalation.level,
                DisputeEscalation.to_whom,
                DisputeEscalation.reason,
                DisputeEscalation.created_by,
            )
            .where(DisputeEscalation.case_id == case_id)
            .order_by(DisputeEscalation.id)
        ).all()
    return {
        **listed.row(0, named=True),
        "items_frame": case_items(engine, actor, [case_id]),
        "notes": pl.DataFrame(
            notes,
            schema={"at": pl.Datetime("us", "UTC"), "by": pl.String(), "text": pl.String()},
            orient="row",
        ),
        "escalations": pl.DataFrame(
            escalations,
            schema={
                "at": pl.Datetime("us", "UTC"),
                "level": pl.Int8(),
                "to_whom": pl.String(),
                "reason": pl.String(),
                "by": pl.String(),
            },
            orient="row",
        ),
        "may_write": _may_write(engine, actor, case.customer_id),
    }


def _may_write(engine: sa.Engine, actor: Actor, customer_id: str) -> bool:
    from ar_core.access import may_write

    return may_write(engine, actor, customer_id)


def unmapped_codes(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """Reason codes of cases that no category covers yet (a lead maps them): code, cases, amount."""
    cases = list_cases(engine, actor)
    unmapped = cases.filter(pl.col("category").is_null())
    return (
        unmapped.group_by("reason")
        .agg(pl.len().cast(pl.Int64).alias("cases"), pl.col("amount").sum().alias("amount"))
        .sort("cases", "reason", descending=[True, False])
    )


def analysis_cases(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The readable cases in the frame ``disputes.analysis`` works on: amounts in the reporting currency.

    Converted at the rates of the latest snapshot's date (``ledger.reporting_rates``); a case in a
    currency without a rate keeps its own amount, which the page names.
    """
    from ar_core.disputes.analysis import CASE_SCHEMA
    from ar_core.ledger import reporting_rates, to_reporting
    from ar_core.settings import get_reporting_currency

    cases = list_cases(engine, actor)
    reporting = get_reporting_currency(engine)
    latest = latest_snapshot(engine)
    rates = reporting_rates(engine, latest[1], reporting) if latest else None
    converted, _ = to_reporting(cases.select("case_id", "amount", "currency"), rates, reporting)
    credited, _ = to_reporting(
        cases.select("case_id", pl.col("credited").alias("amount"), "currency"), rates, reporting
    )
    frame = cases.with_columns(
        amount=pl.coalesce(converted["amount_rep"], pl.col("amount")),
        credited=credited["amount_rep"],
        currency=pl.lit(reporting),
    ).rename({"type": "type"})
    return frame.select(
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in CASE_SCHEMA.items()
    )
