"""Who may see and work which customers: one portfolio rule for every read and write.

A collector's portfolio is the customers whose collector they are (extract or customer master),
the customers assigned to them on the admin page and the customers of their assigned company
codes; a collector also works the customers escalated to them, and the portfolio of a colleague
they are the named backup of while that colleague is away. Leads, controllers and admins read
everything; controllers never write.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, timedelta

import polars as pl
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.users import PORTFOLIO_KINDS, _portfolio, parse_roles
from ar_core.config import today as team_day
from ar_core.errors import NotFound, PermissionDenied
from ar_core.memo import memo
from ar_core.store import marks
from ar_core.store.models import Absence, AuditEntry, CollectorBackup, Customer, Escalation, User

#: Roles that see every customer; everybody else only sees their portfolio.
SEE_ALL_ROLES = ("lead", "controller", "admin")


def visible_customers(engine: sa.Engine, actor: Actor) -> frozenset[str] | None:
    """The customer ids ``actor`` may see; ``None`` (everything) for leads, controllers and admins."""
    if actor.has(*SEE_ALL_ROLES):
        return None
    return own_portfolio(engine, actor.username)


def own_portfolio(engine: sa.Engine, username: str) -> frozenset[str]:
    """The customers a collector owns, whatever other roles the user has.

    The customers whose ``collector`` is the user name (set by the extract or the customer
    master), the customers assigned on the admin page, and every customer whose master record
    lies in a company code assigned to them.
    """
    with engine.connect() as conn:
        user = conn.execute(sa.select(User.id).where(User.username == username)).first()
        assigned = _portfolio(conn, user.id) if user else {key: [] for key in PORTFOLIO_KINDS.values()}
        codes = tuple(sorted(assigned["company_codes"]))
        # the customers' change mark and highest id (``ledger.customers_version``): two index look-ups
        version = (
            marks.current(conn, marks.CUSTOMERS),
            conn.execute(sa.select(sa.func.max(Customer.customer_id))).scalar(),
        )

    def owned() -> frozenset[str]:
        # read once per change of the customers and shared: every read of every page asks for it
        where = sa.or_(Customer.collector == username, Customer.company_code.in_(codes))
        with engine.connect() as conn:
            return frozenset(conn.execute(sa.select(Customer.customer_id).where(where)).scalars())

    shared = memo(engine, "own_portfolio", (username, codes, version), owned, keep=64)
    return shared | set(assigned["customers"])


#: Roles that may write workflow records for any customer.
WRITE_ALL_ROLES = ("lead", "admin")


#: Roles that may read workflow records of any customer (controllers read only).
READ_ALL_ROLES = ("lead", "admin", "controller")


def escalated_to(engine: sa.Engine, username: str) -> set[str]:
    """Customer ids with an open escalation to ``username`` (to add to their worklist)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Escalation.customer_id).where(
                Escalation.to_user == username, Escalation.resolved_at.is_(None)
            )
        ).scalars()
        return set(rows)


def readable_customers(engine: sa.Engine, actor: Actor) -> frozenset[str] | None:
    """Customers whose workflow records ``actor`` may read; ``None`` = all.

    A collector's portfolio plus what is escalated to them; leads, admins, controllers see all.
    """
    if actor.has(*READ_ALL_ROLES):
        return None
    if not actor.has("collector"):
        return frozenset()
    return collector_scope(engine, actor.username)


def collector_scope(engine: sa.Engine, username: str, *, today: date | None = None) -> frozenset[str]:
    """What a collector works on: the own portfolio, the open escalations to them, and the
    portfolio of every collector they are the named backup of while that collector is away.

    The one rule behind a collector's reads and writes, and behind a lead's view of that collector.
    """

    def compute() -> frozenset[str]:
        own = own_portfolio(engine, username) | escalated_to(engine, username)
        return own | covered_portfolios(engine, username, today=today)

    # Every read of every page asks for it: kept until a write (each is audited: escalations,
    # assignments, absences and backups alike) or a change of the customer master moves the mark,
    # and for a quarter of an hour at most so that an absence starts on its first day (in any zone).
    quarter = (team_day(), int(datetime.now(UTC).timestamp() // 900))  # team_day: AR_TODAY pins it
    return memo(engine, "collector_scope", (username, today, quarter, _scope_mark(engine)), compute, keep=64)


def _scope_mark(engine: sa.Engine) -> tuple:
    """Moves with every audited write and every change of the customers: three index look-ups."""
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(sa.func.max(AuditEntry.id))).scalar(),
            marks.current(conn, marks.CUSTOMERS),
            conn.execute(sa.select(sa.func.max(Customer.customer_id))).scalar(),
        )


def covered_portfolios(engine: sa.Engine, username: str, *, today: date | None = None) -> frozenset[str]:
    """The portfolios ``username`` covers today: of each collector whose named backup they are and
    who has an absence (not cancelled) with ``today`` between its first and last day, both included.

    ``today`` defaults to the team's day (``config.today`` in the ``time_zone`` setting).
    """
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(CollectorBackup.collector, Absence.starts_on, Absence.ends_on)
            .join(Absence, Absence.person == CollectorBackup.collector)
            .where(CollectorBackup.backup == username, Absence.cancelled_at.is_(None),
                   Absence.ends_on >= (today or team_day()) - timedelta(days=1))
        ).all()  # fmt: skip
    if not rows:  # the usual case: no absence to cover, and no time zone to read
        return frozenset()
    if today is None:
        from ar_core.settings import get_time_zone

        today = team_day(get_time_zone(engine))
    away = {r.collector for r in rows if r.starts_on <= today <= r.ends_on}
    return frozenset().union(*(own_portfolio(engine, collector) for collector in sorted(away)))


def _collector_scope(engine: sa.Engine, actor: Actor) -> frozenset[str]:
    return collector_scope(engine, actor.username)


def check_customer_access(engine: sa.Engine, actor: Actor, customer_id: str, *, write: bool) -> None:
    """Raise PermissionDenied unless ``actor`` may read (or write) ``customer_id``'s records.

    Leads and admins: any known customer (NotFound for an unknown id). Controllers: read only.
    Collectors: their portfolio and the customers escalated to them.
    """
    check_customers_access(engine, actor, [customer_id], write=write)


def check_customers_access(
    engine: sa.Engine, actor: Actor, customer_ids: Iterable[str], *, write: bool
) -> None:
    """:func:`check_customer_access` for several customers at once (one portfolio look-up)."""
    wanted = sorted(set(customer_ids))
    if write and not actor.has("collector", *WRITE_ALL_ROLES):
        raise PermissionDenied(f"{actor.username} may not record collection work (read-only role)")
    if actor.has(*(WRITE_ALL_ROLES if write else READ_ALL_ROLES)):
        with engine.connect() as conn:
            known = set(
                conn.execute(
                    sa.select(Customer.customer_id).where(Customer.customer_id.in_(wanted))
                ).scalars()
            )
        missing = [c for c in wanted if c not in known]
        if missing:
            raise NotFound(f"no customer {missing[0]!r}")
        return
    # A write needs the collector's own portfolio even when another role (controller) may read all.
    allowed = _collector_scope(engine, actor) if write else readable_customers(engine, actor)
    foreign = [c for c in wanted if allowed is not None and c not in allowed]
    if foreign:
        raise PermissionDenied(f"customer {foreign[0]} is not in {actor.username}'s portfolio")


def active_actor(conn: sa.Connection, username: str) -> Actor:
    """``username`` as an active user re-read on ``conn`` (a write's own transaction); else ``NotFound``.

    A write checks roles and portfolio against this, not against the session's copy: a user
    deactivated or stripped of a role a second ago can no longer write.
    """
    row = conn.execute(sa.select(User).where(User.username == username, User.active.is_(True))).first()
    if row is None:
        raise NotFound(f"no active user {username!r}")
    return Actor(row.username, row.name, frozenset(parse_roles(row.roles)))


def may_write(engine: sa.Engine, actor: Actor, customer_id: str) -> bool:
    """Whether ``actor`` may record collection work for ``customer_id`` (pages hide forms otherwise).

    The same rule :func:`check_customer_access` enforces on every write: a controller reads only.
    """
    try:
        check_customer_access(engine, actor, customer_id, write=True)
    except (PermissionDenied, NotFound):
        return False
    return True


def in_portfolio(items: pl.DataFrame, customer_ids: Collection[str] | None) -> pl.DataFrame:
    """Restrict items to a portfolio; ``None`` means the whole ledger (lead, controller, admin)."""
    if customer_ids is None:
        return items
    return items.filter(pl.col("customer_id").is_in(list(customer_ids)))
