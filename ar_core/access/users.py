"""Users, roles and collector portfolios, and who may see which customers.

Permissions live here, in the domain package, not only in which pages the app shows: every
service takes the acting :class:`Actor`, checks the role and audits in the same transaction.
Passwords are hashed with bcrypt directly (the hashes streamlit-authenticator verifies); a hash
never leaves this module except through :func:`credentials_for_login` and never enters the
audit log.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import bcrypt
import polars as pl
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.audit import record
from ar_core.errors import ArDeskError, InvalidInput, NotFound
from ar_core.schema import ROLES
from ar_core.store.db import write_transaction
from ar_core.store.models import AuditEntry, Customer, PortfolioAssignment, User, utcnow

#: Lowercase letters, digits, dot, dash, underscore; 2-40 characters (e.g. ``c.meyer``).
USERNAME_RE = re.compile(r"[a-z0-9._-]{2,40}")
#: At least 12 characters; at most 72 bytes, because bcrypt ignores everything after that.
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_BYTES = 72
#: bcrypt work factor (2^12 rounds, ~0.25 s here): slow enough to resist guessing a stolen hash.
BCRYPT_ROUNDS = 12
#: Portfolio assignment kind -> key in the portfolio dicts the services take and return.
PORTFOLIO_KINDS = {"customer": "customers", "company_code": "company_codes"}

USER_SCHEMA: dict[str, pl.DataType] = {
    "username": pl.String(),
    "name": pl.String(),
    "email": pl.String(),
    "roles": pl.String(),  # "collector, lead"
    "active": pl.Boolean(),
    "locked": pl.Boolean(),  # too many failed logins: locked until ``locked_until`` (or an unlock)
    "locked_until": pl.Datetime("us", "UTC"),
    "created_at": pl.Datetime("us", "UTC"),
    "portfolio_customers": pl.List(pl.String()),
    "portfolio_company_codes": pl.List(pl.String()),
}


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (``ar_core/data/common_passwords.txt``), lower case."""
    text = resources.files("ar_core").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def check_password_policy(password: str, username: str = "") -> None:
    """Refuse a password that is too short or too long, padded, the user name or a common one.

    At least 12 characters and at most 72 bytes (bcrypt ignores the rest); no leading or trailing
    spaces (the login form strips them, so such a password could never log in); not the user name
    (ignoring case and punctuation) and not on the bundled list of common passwords.
    """
    if password != password.strip():
        raise InvalidInput("password", "a password may not start or end with a space")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput("password", f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput(
            "password", f"a password may have at most {MAX_PASSWORD_BYTES} bytes (bcrypt ignores the rest)"
        )
    if username and _letters_and_digits(password) == _letters_and_digits(username):
        raise InvalidInput("password", "a password may not be the user name")
    if password.lower() in common_passwords():
        raise InvalidInput("password", "this password is too common: choose one that is harder to guess")


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password``, which must pass :func:`check_password_policy`.

    Callers that know the user name check it first (``check_password_policy(password, username)``).
    """
    check_password_policy(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` matches the stored hash (a password over 72 bytes never does)."""
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


def _check_username(username: str) -> str:
    if not USERNAME_RE.fullmatch(username):
        raise InvalidInput(
            "username", f"invalid user name {username!r}: 2-40 lowercase letters, digits, '.', '-' or '_'"
        )
    return username


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles), key=ROLES.index) if set(roles) <= set(ROLES) else None
    if not chosen:
        raise InvalidInput(
            "roles", f"roles must be a non-empty subset of {', '.join(ROLES)}; got {sorted(set(roles))}"
        )
    return chosen


def parse_roles(text: str) -> list[str]:
    return [r for r in text.split(",") if r]


def user_row(conn: sa.Connection, username: str) -> Any:
    row = conn.execute(sa.select(User).where(User.username == username)).first()
    if row is None:
        raise NotFound(f"no user {username!r}")
    return row


def _public(row: Any) -> dict[str, Any]:
    """The audit view of a user: everything but the password hash."""
    return {"username": row.username, "name": row.name, "email": row.email, "roles": parse_roles(row.roles),
            "active": row.active}  # fmt: skip


def _guard_last_admin(conn: sa.Connection, username: str, *, roles: list[str], active: bool) -> None:
    """Refuse a change that would leave no active admin (nobody could administer users again)."""
    if "admin" in roles and active:
        return
    others = conn.execute(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.active.is_(True), User.username != username, User.roles.like("%admin%"))
    ).scalar_one()
    current = user_row(conn, username)
    if current.active and "admin" in parse_roles(current.roles) and others == 0:
        raise ArDeskError(f"{username} is the last active admin: add another admin first")


def create_user(
    engine: sa.Engine,
    actor: Actor,
    *,
    username: str,
    name: str,
    password: str,
    roles: Iterable[str],
    email: str = "",
    must_change_password: bool = True,
) -> None:
    """Add a user (admin only).

    The initial password is one the admin knows, so by default the user must choose their own
    at the first login; the demo loader passes ``must_change_password=False`` for its users.
    """
    actor.require("admin", doing="add users")
    values = {"username": _check_username(username), "name": name.strip() or username,
              "email": email.strip(), "roles": ",".join(_check_roles(roles)), "active": True,
              "must_change_password": bool(must_change_password)}  # fmt: skip
    check_password_policy(password, values["username"])
    password_hash = hash_password(password)
    with write_transaction(engine, actor) as conn:
        if conn.execute(sa.select(User.id).where(User.username == username)).first():
            raise InvalidInput("username", f"user {username!r} already exists")
        conn.execute(sa.insert(User).values(password_hash=password_hash, session_version=1, **values))
        audited = {**values, "roles": parse_roles(values["roles"])}
        record(conn, actor, "create_user", "user", username, after=audited)


def reset_password(engine: sa.Engine, actor: Actor, username: str, new_password: str) -> None:
    """Set a new password (admins for anyone, every user for themselves); also lifts a lockout.

    A password an admin sets for somebody else is known to the admin, so its owner must change
    it at the next login. Audited with the failed-login count it clears (an unlock) and the flag.
    """
    if actor.username != username:
        actor.require("admin", doing="reset other users' passwords")
    check_password_policy(new_password, username)
    password_hash = hash_password(new_password)
    must_change = actor.username != username
    with write_transaction(engine, actor) as conn:
        row = user_row(conn, username)
        conn.execute(
            sa.update(User)
            .where(User.username == username)
            .values(password_hash=password_hash, failed_logins=0, lockouts=0, locked_until=None,
                    must_change_password=must_change, session_version=User.session_version + 1)
        )  # fmt: skip
        before = {"must_change_password": bool(row.must_change_password)}
        after = {"password": "password reset", "must_change_password": must_change}
        if row.failed_logins:
            before["failed_logins"], after["failed_logins"] = row.failed_logins, 0
        if _locked(row):
            before["locked_until"], after["locked_until"] = row.locked_until, None
        record(conn, actor, "reset_password", "user", username, before=before, after=after)


def one_time_password() -> str:
    """A random password for an operator's reset (16 URL-safe characters, ~96 bits)."""
    while True:
        password = secrets.token_urlsafe(12)
        if password[0] not in "-_" and password[-1] not in "-_":
            return password


def must_change_password(engine: sa.Engine, username: str) -> bool:
    """Whether ``username`` still has to replace a password set by an admin (unknown: ``False``)."""
    with engine.connect() as conn:
        flag = conn.execute(sa.select(User.must_change_password).where(User.username == username)).scalar()
    return bool(flag)


def change_own_password(engine: sa.Engine, actor: Actor, new_password: str, repeated: str) -> None:
    """The logged-in user replaces their password (typed twice); clears the first-login flag.

    The new password must differ from the current one: a password an admin handed out must not
    simply be confirmed. Audited without any hash.
    """
    if new_password != repeated:
        raise InvalidInput("repeated", "the two passwords differ: type the same new password twice")
    check_password_policy(new_password, actor.username)
    password_hash = hash_password(new_password)
    with write_transaction(engine, actor) as conn:
        row = user_row(conn, actor.username)
        if verify_password(new_password, row.password_hash):
            raise InvalidInput("new_password", "choose a password other than the one you were given")
        conn.execute(
            sa.update(User)
            .where(User.id == row.id)
            .values(password_hash=password_hash, must_change_password=False,
                    session_version=User.session_version + 1)
        )  # fmt: skip
        record(conn, actor, "change_password", "user", actor.username,
               before={"must_change_password": bool(row.must_change_password)},
               after={"must_change_password": False, "password": "changed"})  # fmt: skip


#: Failed logins in a row after which an account is locked for a while.
LOCKOUT_AFTER = 5
#: How long the 1st, 2nd and 3rd (and every later) lockout in a row lasts. A successful login,
#: an unlock or a password reset starts the series again.
LOCKOUT_PERIODS: tuple[timedelta, ...] = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=24))
SYSTEM_ACTOR = Actor("system", "System", frozenset())


def lockout_period(lockouts: int) -> timedelta:
    """How long the ``lockouts``-th lockout in a row lasts (1-based)."""
    return LOCKOUT_PERIODS[min(max(lockouts, 1), len(LOCKOUT_PERIODS)) - 1]


def _locked(row: Any, now: datetime | None = None) -> bool:
    return row.locked_until is not None and row.locked_until > (now or utcnow())


def is_locked(engine: sa.Engine, username: str) -> bool:
    """Whether ``username`` is locked out now (unknown names are not: they fail anyway)."""
    return locked_until(engine, username) is not None


def locked_until(engine: sa.Engine, username: str) -> datetime | None:
    """Until when ``username`` is locked out; ``None`` when not locked (or unknown)."""
    with engine.connect() as conn:
        until = conn.execute(sa.select(User.locked_until).where(User.username == username)).scalar()
    return until if until is not None and until > utcnow() else None


def login_failed(engine: sa.Engine, username: str) -> int:
    """Count a failed login of a known user; returns the count of failures in a row.

    The fifth failure in a row locks the account for :func:`lockout_period` (15 minutes, then
    1 hour, then 24 hours), restarts the count, ends every session of the user and is audited.
    Failures while locked are not counted (the password is not even checked then).
    """
    with write_transaction(engine) as conn:
        row = conn.execute(sa.select(User).where(User.username == username)).first()
        if row is None or _locked(row):
            return 0
        failed = row.failed_logins + 1
        if failed < LOCKOUT_AFTER:
            conn.execute(sa.update(User).where(User.id == row.id).values(failed_logins=failed))
            return failed
        lockouts = row.lockouts + 1
        until = utcnow() + lockout_period(lockouts)
        conn.execute(
            sa.update(User)
            .where(User.id == row.id)
            .values(failed_logins=0, lockouts=lockouts, locked_until=until,
                    session_version=User.session_version + 1)
        )  # fmt: skip
        record(conn, SYSTEM_ACTOR, "lock_user", "user", username,
               after={"failed_logins": failed, "lockout": lockouts, "locked_until": until})  # fmt: skip
    return failed


def login_succeeded(engine: sa.Engine, username: str) -> None:
    """A successful login clears the count of failures and lockouts (audited when there were any).

    Resetting the counter is what keeps a guesser below the lockout, so an auditor must see it.
    """
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(User.failed_logins, User.lockouts).where(User.username == username)
        ).first()
    if row is None or not (row.failed_logins or row.lockouts):
        return  # the common case: no write transaction on every login
    with write_transaction(engine) as conn:
        row = conn.execute(
            sa.select(User.failed_logins, User.lockouts).where(User.username == username)
        ).first()
        if row is None or not (row.failed_logins or row.lockouts):
            return
        conn.execute(sa.update(User).where(User.username == username).values(failed_logins=0, lockouts=0))
        before, after = {"failed_logins": row.failed_logins}, {"failed_logins": 0}
        if row.lockouts:
            before["lockouts"], after["lockouts"] = row.lockouts, 0
        record(conn, username, "reset_failed_logins", "user", username, before=before, after=after)


def unlock_user(engine: sa.Engine, actor: Actor, username: str) -> bool:
    """Lift a lockout and clear the failure counts (admin only); audited. Whether it was locked."""
    actor.require("admin", doing="unlock users")
    with write_transaction(engine, actor) as conn:
        row = user_row(conn, username)
        was_locked = _locked(row)
        conn.execute(
            sa.update(User).where(User.id == row.id).values(failed_logins=0, lockouts=0, locked_until=None)
        )
        record(conn, actor, "unlock_user", "user", username,
               before={"failed_logins": row.failed_logins, "lockouts": row.lockouts,
                       "locked_until": row.locked_until if was_locked else None},
               after={"failed_logins": 0, "lockouts": 0, "locked_until": None})  # fmt: skip
    return was_locked


def recent_lockouts(engine: sa.Engine, actor: Actor, *, days: int = 7) -> pl.DataFrame:
    """Lockouts of the last ``days`` days, newest first: ``at``, ``username``, ``locked_until`` (admins)."""
    import json

    actor.require("admin", doing="see lockouts")
    since = utcnow() - timedelta(days=days)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(AuditEntry.at, AuditEntry.entity_id, AuditEntry.after)
            .where(AuditEntry.action == "lock_user", AuditEntry.at >= since)
            .order_by(AuditEntry.at.desc())
        ).all()
    records = []
    for at, username, after in rows:
        details = json.loads(after) if after else {}
        until = details.get("locked_until")
        until = datetime.fromisoformat(until) if isinstance(until, str) else None
        records.append({"at": at, "username": username, "lockout": details.get("lockout"),
                        "locked_until": until})  # fmt: skip
    schema = {"at": pl.Datetime("us", "UTC"), "username": pl.String(), "lockout": pl.Int64(),
              "locked_until": pl.Datetime("us", "UTC")}  # fmt: skip
    return pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(schema=schema)


def session_version(engine: sa.Engine, username: str) -> int | None:
    """The user's current session version; ``None`` for an unknown user."""
    with engine.connect() as conn:
        return conn.execute(sa.select(User.session_version).where(User.username == username)).scalar()


def end_sessions(engine: sa.Engine, username: str) -> None:
    """Advance the user's session version: every cookie and session issued before is refused.

    Called at logout (so a copied cookie dies with it); lockout, password changes and resets,
    deactivation and role changes advance it as well.
    """
    with write_transaction(engine) as conn:
        conn.execute(
            sa.update(User).where(User.username == username).values(session_version=User.session_version + 1)
        )


def session_actor(engine: sa.Engine, username: str, version: object) -> Actor | None:
    """The actor of a session (or cookie) of ``version``; ``None`` when it is no longer valid.

    Invalid: the user is unknown, inactive or locked, or the version is not the current one.
    """
    if not isinstance(username, str) or isinstance(version, bool) or not isinstance(version, int):
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(User).where(User.username == username, User.active.is_(True))).first()
    if row is None or _locked(row) or row.session_version != version:
        return None
    return Actor(row.username, row.name, frozenset(parse_roles(row.roles)))


def authenticate(engine: sa.Engine, username: str, password: str, *, dummy_hash: bytes | None = None) -> bool:
    """Check a login against the store: active, not locked, password right; counts failures.

    Always the current hash (a reset made by another instance or the CLI counts at once). A
    password over 72 bytes is refused for every name alike, before any lookup. With
    ``dummy_hash``, an unknown, inactive or locked name costs one bcrypt check against it, so
    that it takes as long to refuse as a wrong password.
    """
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return False
    with engine.connect() as conn:
        row = conn.execute(sa.select(User).where(User.username == username, User.active.is_(True))).first()
    if row is None or _locked(row):
        if dummy_hash is not None:
            bcrypt.checkpw(password.encode(), dummy_hash)
        return False
    if verify_password(password, row.password_hash):
        login_succeeded(engine, username)
        return True
    login_failed(engine, username)
    return False


def set_roles(engine: sa.Engine, actor: Actor, username: str, roles: Iterable[str]) -> None:
    """Replace a user's roles (admin only)."""
    actor.require("admin", doing="assign roles")
    chosen = _check_roles(roles)
    with write_transaction(engine, actor) as conn:
        before = _public(user_row(conn, username))
        _guard_last_admin(conn, username, roles=chosen, active=before["active"])
        changed = chosen != before["roles"]
        conn.execute(
            sa.update(User)
            .where(User.username == username)
            .values(roles=",".join(chosen), session_version=User.session_version + int(changed))
        )
        record(conn, actor, "set_roles", "user", username, before=before, after={**before, "roles": chosen})


def set_active(engine: sa.Engine, actor: Actor, username: str, active: bool) -> None:
    """Enable or disable a login (admin only); a disabled user is logged out on their next click."""
    actor.require("admin", doing="enable or disable users")
    with write_transaction(engine, actor) as conn:
        before = _public(user_row(conn, username))
        _guard_last_admin(conn, username, roles=before["roles"], active=active)
        ended = before["active"] and not active
        conn.execute(
            sa.update(User)
            .where(User.username == username)
            .values(active=active, session_version=User.session_version + int(ended))
        )
        record(conn, actor, "set_active", "user", username, before=before, after={**before, "active": active})


def set_portfolio(
    engine: sa.Engine,
    actor: Actor,
    username: str,
    *,
    customers: Iterable[str] = (),
    company_codes: Iterable[str] = (),
) -> None:
    """Replace the customers and company codes assigned to a user (admin only)."""
    actor.require("admin", doing="assign portfolios")
    wanted = {"customers": sorted({c.strip() for c in customers if c.strip()}),
              "company_codes": sorted({c.strip() for c in company_codes if c.strip()})}  # fmt: skip
    with write_transaction(engine, actor) as conn:
        user_id = user_row(conn, username).id
        refuse_unknown(
            "customer", sorted(set(wanted["customers"]) - known_customers(conn, wanted["customers"]))
        )
        refuse_unknown("company code", sorted(set(wanted["company_codes"]) - _known_company_codes(conn)))
        before = _portfolio(conn, user_id)
        conn.execute(sa.delete(PortfolioAssignment).where(PortfolioAssignment.user_id == user_id))
        rows = [{"user_id": user_id, "kind": kind, "value": v}
                for kind, key in PORTFOLIO_KINDS.items() for v in wanted[key]]  # fmt: skip
        if rows:
            conn.execute(sa.insert(PortfolioAssignment), rows)
        record(conn, actor, "set_portfolio", "user", username, before=before, after=wanted)


def refuse_unknown(what: str, unknown: list[str]) -> None:
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        where = "not in the customer master or any snapshot in force"
        raise ArDeskError(f"unknown {what}{plural}: {', '.join(unknown)} ({where})")


def known_customers(conn: sa.Connection, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are in the customers table (every import and master upload fills it)."""
    ids = sorted(set(ids))
    known: set[str] = set()
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        known |= set(
            conn.execute(sa.select(Customer.customer_id).where(Customer.customer_id.in_(chunk))).scalars()
        )
    return known


def _known_company_codes(conn: sa.Connection) -> set[str]:
    """Company codes of the customer master and of the items of snapshots in force (not removed ones)."""
    master = conn.execute(
        sa.select(Customer.company_code).where(Customer.company_code.is_not(None)).distinct()
    )
    from ar_core.store.bulk import company_codes_in_force

    return set(master.scalars()) | company_codes_in_force(conn)


def _portfolio(conn: sa.Connection, user_id: int) -> dict[str, list[str]]:
    rows = conn.execute(
        sa.select(PortfolioAssignment.kind, PortfolioAssignment.value)
        .where(PortfolioAssignment.user_id == user_id)
        .order_by(PortfolioAssignment.kind, PortfolioAssignment.value)
    ).all()
    return {key: [v for k, v in rows if k == kind] for kind, key in PORTFOLIO_KINDS.items()}


def get_portfolio(engine: sa.Engine, username: str) -> dict[str, list[str]]:
    """``{"customers": [...], "company_codes": [...]}`` explicitly assigned to ``username``."""
    with engine.connect() as conn:
        return _portfolio(conn, user_row(conn, username).id)


def list_users(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """All users with roles and portfolio, never a hash (admins and leads)."""
    actor.require("admin", "lead", doing="list users")
    with engine.connect() as conn:
        users = conn.execute(sa.select(User).order_by(User.username)).all()
        assigned = conn.execute(sa.select(PortfolioAssignment)).all()
    records = []
    for u in users:
        mine = [a for a in assigned if a.user_id == u.id]
        records.append({
            **_public(u), "roles": ", ".join(parse_roles(u.roles)), "created_at": u.created_at,
            "locked": _locked(u), "locked_until": u.locked_until if _locked(u) else None,
            "portfolio_customers": sorted(a.value for a in mine if a.kind == "customer"),
            "portfolio_company_codes": sorted(a.value for a in mine if a.kind == "company_code"),
        })  # fmt: skip
    return pl.DataFrame(records, schema=USER_SCHEMA)


def get_actor(engine: sa.Engine, username: str) -> Actor | None:
    """The actor for a logged-in user name; ``None`` when unknown or disabled (re-checked every run)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(User).where(User.username == username, User.active.is_(True))).first()
    return None if row is None else Actor(row.username, row.name, frozenset(parse_roles(row.roles)))


def credentials_for_login(engine: sa.Engine) -> dict[str, dict[str, dict[str, Any]]]:
    """The ``credentials`` dict streamlit-authenticator expects, for active users only.

    The app checks passwords with :func:`authenticate` (the store's current hash), not with these.
    """
    with engine.connect() as conn:
        rows = conn.execute(sa.select(User).where(User.active.is_(True)).order_by(User.username)).all()
    return {"usernames": {r.username: {"name": r.name, "email": r.email, "password": r.password_hash,
                                       "roles": parse_roles(r.roles)} for r in rows}}  # fmt: skip
