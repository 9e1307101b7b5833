"""External credit information: imported agency ratings and insolvency announcements, each shown
with its date, and the review queue where a lead confirms or dismisses an announcement's match.

A file is read whole first (:mod:`ar_core.recovery.external_parse`); with any problem nothing is
stored and the problems name file, row and column. Ratings must name known customers. Each
announcement is matched to a customer by normalised name and postcode; a match waits in the queue
(``open``) until a lead confirms it — which may open an insolvency case from it — or dismisses it.
Reads are scoped: a collector sees the ratings and matched announcements of their portfolio.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, check_customer_access, readable_customers, record
from ar_core.errors import InvalidInput, NotFound
from ar_core.money import from_cents, to_cents
from ar_core.recovery.external_parse import Problem, match_customer, parse_announcements, parse_ratings
from ar_core.recovery.insolvency import INSOLVENCY_STATUSES, open_insolvency_case
from ar_core.store.db import write_transaction
from ar_core.store.models import (
    CreditRating,
    Customer,
    ExternalImport,
    InsolvencyAnnouncement,
    InsolvencyCase,
    utcnow,
)

#: Who imports files and decides matches.
EXTERNAL_ROLES = ("lead",)
ANNOUNCEMENT_STATUSES = {"open": "To review", "confirmed": "Confirmed", "dismissed": "Dismissed",
                         "unmatched": "No customer matched"}  # fmt: skip
RATING_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "agency": pl.String(),
    "rated_on": pl.Date(),
    "score": pl.Int64(),
    "rating": pl.String(),
    "limit": pl.Decimal(18, 2),
    "currency": pl.String(),
    "our_limit": pl.Decimal(18, 2),
    "file_name": pl.String(),
}
ANNOUNCEMENT_SCHEMA: dict[str, pl.DataType] = {
    "announcement_id": pl.Int64(),
    "announced_on": pl.Date(),
    "kind": pl.String(),
    "kind_label": pl.String(),
    "court": pl.String(),
    "case_number": pl.String(),
    "debtor_name": pl.String(),
    "street": pl.String(),
    "postcode": pl.String(),
    "city": pl.String(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "matched_by": pl.String(),
    "status": pl.String(),
    "status_label": pl.String(),
    "decided_by": pl.String(),
    "case_id": pl.Int64(),
    "file_name": pl.String(),
}
IMPORT_SCHEMA: dict[str, pl.DataType] = {
    "import_id": pl.Int64(),
    "kind": pl.String(),
    "file_name": pl.String(),
    "rows": pl.Int64(),
    "imported_by": pl.String(),
    "imported_at": pl.Datetime("us", "UTC"),
}


def import_ratings(
    engine: sa.Engine, actor: Actor, file_name: str, data: bytes, *, agency: str = ""
) -> tuple[int | None, list[Problem]]:
    """Store a credit agency's ratings file: ``(import id, [])``, or ``(None, problems)`` storing nothing."""
    actor.require(*EXTERNAL_ROLES, doing="import credit ratings")
    parsed = parse_ratings(file_name, data, agency=agency)
    problems = list(parsed.problems)
    with engine.connect() as conn:
        known = set(conn.execute(sa.select(Customer.customer_id)).scalars())
    for row in parsed.rows:
        if row["customer_id"] and row["customer_id"] not in known:
            message = f"no customer {row['customer_id']!r}"
            problems.append(Problem(file_name, row["row"], "customer_id", message))
    if problems:
        return None, problems
    with write_transaction(engine, actor) as conn:
        import_id = _new_import(conn, actor, "ratings", file_name, len(parsed.rows))
        conn.execute(sa.insert(CreditRating), [
            {"import_id": import_id, "customer_id": r["customer_id"], "agency": r["agency"],
             "rated_on": r["rated_on"], "score": r["score"], "rating": r["rating"], "currency": r["currency"],
             "limit_cents": None if r["limit"] is None else to_cents(r["limit"])}
            for r in parsed.rows
        ])  # fmt: skip
        record(
            conn,
            actor,
            "import_credit_ratings",
            "external_import",
            import_id,
            after={"file_name": file_name, "rows": len(parsed.rows)},
        )
    return import_id, []


def import_announcements(
    engine: sa.Engine, actor: Actor, file_name: str, data: bytes
) -> tuple[int | None, list[Problem]]:
    """Store an announcements file, each row matched to a customer (``open``) or ``unmatched``.

    The same court and case number already stored for the same customer is not queued twice.
    """
    actor.require(*EXTERNAL_ROLES, doing="import insolvency announcements")
    parsed = parse_announcements(file_name, data)
    if parsed.problems:
        return None, list(parsed.problems)
    customers = _customers(engine)
    with write_transaction(engine, actor) as conn:
        seen = {(r.court, r.case_number, r.customer_id) for r in conn.execute(
            sa.select(InsolvencyAnnouncement.court, InsolvencyAnnouncement.case_number,
                      InsolvencyAnnouncement.customer_id))}  # fmt: skip
        import_id = _new_import(conn, actor, "announcements", file_name, len(parsed.rows))
        values = []
        for row in parsed.rows:
            customer_id, how = match_customer(row, customers)
            status = "open" if customer_id else "unmatched"
            if customer_id and (row["court"], row["case_number"], customer_id) in seen:
                status = "dismissed"  # already queued from an earlier file
                how = "already imported"
            values.append({"import_id": import_id, **{k: row[k] for k in (
                "court", "case_number", "debtor_name", "street", "postcode", "city", "announced_on", "kind")},
                "customer_id": customer_id, "matched_by": how, "status": status})  # fmt: skip
        conn.execute(sa.insert(InsolvencyAnnouncement), values)
        matched = sum(1 for v in values if v["status"] == "open")
        record(
            conn,
            actor,
            "import_insolvency_announcements",
            "external_import",
            import_id,
            after={"file_name": file_name, "rows": len(values), "to_review": matched},
        )
    return import_id, []


def confirm_announcement(
    engine: sa.Engine, actor: Actor, announcement_id: int, *, open_case: bool = True
) -> int | None:
    """Confirm that the announcement concerns its matched customer; with ``open_case`` an insolvency
    case is opened from it (or the customer's ongoing case is linked). Returns the case id."""
    actor.require(*EXTERNAL_ROLES, doing="confirm announcements")
    row = _announcement(engine, announcement_id)
    if row.status != "open":
        raise InvalidInput("announcement_id", f"announcement #{announcement_id} is {row.status}")
    case_id = None
    if open_case:
        with engine.connect() as conn:
            ongoing = conn.execute(sa.select(InsolvencyCase.id).where(
                InsolvencyCase.customer_id == row.customer_id, InsolvencyCase.ended_on.is_(None)
            )).scalar()  # fmt: skip
        case_id = ongoing or open_insolvency_case(
            engine, actor, row.customer_id, row.kind, row.announced_on, court=row.court,
            case_number=row.case_number, note=f"From the announcement of {row.announced_on:%d.%m.%Y}",
        )  # fmt: skip
    _decide(engine, actor, announcement_id, "confirmed", case_id)
    return case_id


def dismiss_announcement(engine: sa.Engine, actor: Actor, announcement_id: int, *, note: str = "") -> None:
    """The announcement is about somebody else (same name, another company): out of the queue."""
    actor.require(*EXTERNAL_ROLES, doing="dismiss announcements")
    row = _announcement(engine, announcement_id)
    if row.status != "open":
        raise InvalidInput("announcement_id", f"announcement #{announcement_id} is {row.status}")
    _decide(engine, actor, announcement_id, "dismissed", None, note)


def list_ratings(
    engine: sa.Engine, actor: Actor, *, customer_id: str | None = None, latest_only: bool = True
) -> pl.DataFrame:
    """Ratings of the customers ``actor`` reads (:data:`RATING_SCHEMA`), newest first; by default the
    latest per customer and agency, beside our own credit limit."""
    if customer_id is not None:
        check_customer_access(engine, actor, customer_id, write=False)
    scope = readable_customers(engine, actor)
    query = (
        sa.select(CreditRating, Customer.name.label("customer_name"), Customer.credit_limit_cents,
                  ExternalImport.file_name)
        .join(ExternalImport, ExternalImport.id == CreditRating.import_id)
        .outerjoin(Customer, Customer.customer_id == CreditRating.customer_id)
        .order_by(CreditRating.rated_on.desc(), CreditRating.id.desc())
    )  # fmt: skip
    if customer_id is not None:
        query = query.where(CreditRating.customer_id == customer_id)
    elif scope is not None:
        query = query.where(CreditRating.customer_id.in_(sorted(scope)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    seen: set[tuple[str, str]] = set()
    records = []
    for r in rows:
        if latest_only and (r.customer_id, r.agency) in seen:
            continue
        seen.add((r.customer_id, r.agency))
        records.append((r.customer_id, r.customer_name, r.agency, r.rated_on, r.score, r.rating,
                        None if r.limit_cents is None else from_cents(r.limit_cents), r.currency,
                        None if r.credit_limit_cents is None else from_cents(r.credit_limit_cents),
                        r.file_name))  # fmt: skip
    return pl.DataFrame(records, schema=RATING_SCHEMA, orient="row")


def latest_rating(engine: sa.Engine, actor: Actor, customer_id: str) -> dict[str, Any] | None:
    """The newest rating of ``customer_id`` (any agency), or None."""
    frame = list_ratings(engine, actor, customer_id=customer_id)
    return frame.row(0, named=True) if frame.height else None


def list_announcements(engine: sa.Engine, actor: Actor, *, status: str | None = None) -> pl.DataFrame:
    """Announcements (:data:`ANNOUNCEMENT_SCHEMA`), newest first. A collector sees those matched to their
    customers; unmatched ones only leads, admins and controllers."""
    if status is not None and status not in ANNOUNCEMENT_STATUSES:
        raise InvalidInput("status", f"choose one of {', '.join(ANNOUNCEMENT_STATUSES)}")
    scope = readable_customers(engine, actor)
    query = (
        sa.select(InsolvencyAnnouncement, Customer.name.label("customer_name"), ExternalImport.file_name)
        .join(ExternalImport, ExternalImport.id == InsolvencyAnnouncement.import_id)
        .outerjoin(Customer, Customer.customer_id == InsolvencyAnnouncement.customer_id)
        .order_by(InsolvencyAnnouncement.announced_on.desc(), InsolvencyAnnouncement.id.desc())
    )
    if scope is not None:
        query = query.where(InsolvencyAnnouncement.customer_id.in_(sorted(scope)))
    if status is not None:
        query = query.where(InsolvencyAnnouncement.status == status)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = [(r.id, r.announced_on, r.kind, INSOLVENCY_STATUSES.get(r.kind, r.kind), r.court, r.case_number,
                r.debtor_name, r.street, r.postcode, r.city, r.customer_id, r.customer_name, r.matched_by,
                r.status, ANNOUNCEMENT_STATUSES.get(r.status, r.status), r.decided_by, r.case_id, r.file_name)
               for r in rows]  # fmt: skip
    return pl.DataFrame(records, schema=ANNOUNCEMENT_SCHEMA, orient="row")


def review_queue(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The matched announcements waiting for a lead's decision."""
    return list_announcements(engine, actor, status="open")


def list_imports(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """The imported files (:data:`IMPORT_SCHEMA`), newest first (leads, admins, controllers)."""
    actor.require("lead", "admin", "controller", doing="see the imported files")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(ExternalImport).order_by(ExternalImport.id.desc())).all()
    return pl.DataFrame([(r.id, r.kind, r.file_name, r.rows, r.imported_by, r.imported_at) for r in rows],
                        schema=IMPORT_SCHEMA, orient="row")  # fmt: skip


def _new_import(conn: sa.Connection, actor: Actor, kind: str, file_name: str, rows: int) -> int:
    return conn.execute(
        sa.insert(ExternalImport)
        .values(
            kind=kind, file_name=file_name[:255], rows=rows, imported_by=actor.username, imported_at=utcnow()
        )
        .returning(ExternalImport.id)
    ).scalar_one()


def _customers(engine: sa.Engine) -> list[dict[str, Any]]:
    postcode = getattr(Customer, "postcode", None)  # customers.postcode comes with migration 0022
    columns = [Customer.customer_id, Customer.name]
    if postcode is not None:
        columns.append(postcode.label("postcode"))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(*columns))]


def _announcement(engine: sa.Engine, announcement_id: int) -> Any:
    with engine.connect() as conn:
        query = sa.select(InsolvencyAnnouncement).where(InsolvencyAnnouncement.id == announcement_id)
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no announcement #{announcement_id}")
    return row


def _decide(  # noqa: PLR0917 - one decision's facts
    engine: sa.Engine, actor: Actor, announcement_id: int, status: str, case_id: int | None, note: str = ""
) -> None:
    with write_transaction(engine, actor) as conn:
        done = conn.execute(
            sa.update(InsolvencyAnnouncement)
            .where(InsolvencyAnnouncement.id == announcement_id, InsolvencyAnnouncement.status == "open")
            .values(status=status, decided_by=actor.username, decided_at=utcnow(), case_id=case_id)
        ).rowcount
        if not done:
            raise InvalidInput("announcement_id", f"announcement #{announcement_id} was decided meanwhile")
        record(conn, actor, f"{'confirm' if status == 'confirmed' else 'dismiss'}_announcement",
               "insolvency_announcement", announcement_id, before={"status": "open"},
               after={"status": status, "case_id": case_id, "note": note.strip() or None})  # fmt: skip
