"""Users, roles, portfolios and login credentials: admin-only changes, always audited, no hash leaks."""

from __future__ import annotations

import json

import polars as pl
import pytest

from ar_core.access.actor import Actor
from ar_core.access.audit import list_audit
from ar_core.access.scope import visible_customers
from ar_core.access.users import (
    create_user,
    credentials_for_login,
    get_actor,
    get_portfolio,
    hash_password,
    list_users,
    reset_password,
    set_active,
    set_portfolio,
    set_roles,
    verify_password,
)
from ar_core.errors import ArDeskError, NotFound, PermissionDenied
from ar_core.ledger.customers import upsert_customer_master
from tests.conftest import ADMIN, COLLECTOR, CONTROLLER, LEAD

PASSWORD = "correct-horse-battery"


def _add(engine, username, roles, actor=ADMIN):
    create_user(engine, actor, username=username, name=username.title(), password=PASSWORD, roles=roles,
                email=f"{username}@example.com")  # fmt: skip


@pytest.fixture
def team(store):
    """An admin, a lead and two collectors in the store."""
    for username, roles in {"root.admin": ["admin"], "lena.lead": ["lead"], "c.meyer": ["collector"],
                            "j.schneider": ["collector"]}.items():  # fmt: skip
        _add(store, username, roles)
    return store


def test_actor_roles():
    both = Actor("x.y", "X", frozenset({"collector", "lead"}))
    assert both.has("lead") and both.has("admin", "collector") and not both.has("admin")
    with pytest.raises(PermissionDenied, match=r"x\.y may not do this: needs the role admin"):
        both.require("admin")


def test_passwords_are_bcrypt_hashed_and_checked():
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$2b$") and PASSWORD not in hashed
    assert verify_password(PASSWORD, hashed)
    assert not verify_password("wrong-password", hashed)
    assert not verify_password(PASSWORD, "not a hash")
    with pytest.raises(ArDeskError, match="at least 12 characters"):
        hash_password("short")
    with pytest.raises(ArDeskError, match="at most 72 bytes"):
        hash_password("ä" * 40)  # 80 bytes: bcrypt would silently ignore the tail


def test_create_user_and_login_credentials(team):
    creds = credentials_for_login(team)["usernames"]
    assert set(creds) == {"root.admin", "lena.lead", "c.meyer", "j.schneider"}
    meyer = creds["c.meyer"]
    assert (meyer["name"], meyer["email"], meyer["roles"]) == (
        "C.Meyer",
        "c.meyer@example.com",
        ["collector"],
    )
    assert verify_password(PASSWORD, meyer["password"])
    assert get_actor(team, "lena.lead") == Actor("lena.lead", "Lena.Lead", frozenset({"lead"}))
    assert get_actor(team, "nobody") is None


@pytest.mark.parametrize("username", ["A.Meyer", "x", "a" * 41, "c meyer", "c/meyer", "", "müller"])
def test_invalid_user_names_are_refused(engine, username):
    with pytest.raises(ArDeskError, match="invalid user name"):
        _add(engine, username, ["collector"])


@pytest.mark.parametrize("roles", [[], ["boss"], ["lead", "superuser"]])
def test_roles_must_be_known(engine, roles):
    with pytest.raises(ArDeskError, match="roles must be a non-empty subset"):
        _add(engine, "new.user", roles)


def test_duplicate_user_is_refused(team):
    with pytest.raises(ArDeskError, match="already exists"):
        _add(team, "c.meyer", ["collector"])


@pytest.mark.parametrize("actor", [LEAD, CONTROLLER, COLLECTOR], ids=lambda a: a.username)
def test_only_admins_administer_users(team, actor):
    with pytest.raises(PermissionDenied):
        _add(team, "new.user", ["collector"], actor=actor)
    with pytest.raises(PermissionDenied):
        set_roles(team, actor, "c.meyer", ["lead"])
    with pytest.raises(PermissionDenied):
        set_active(team, actor, "c.meyer", False)
    with pytest.raises(PermissionDenied):
        set_portfolio(team, actor, "c.meyer", customers=["1"])
    with pytest.raises(PermissionDenied):
        reset_password(team, actor, "j.schneider", "another-password")


def test_disabled_users_cannot_log_in(team):
    set_active(team, ADMIN, "c.meyer", False)
    assert "c.meyer" not in credentials_for_login(team)["usernames"]
    assert get_actor(team, "c.meyer") is None
    set_active(team, ADMIN, "c.meyer", True)
    assert get_actor(team, "c.meyer") is not None


def test_password_reset_is_audited_without_the_hash(team):
    reset_password(team, ADMIN, "c.meyer", "a-new-password-1")
    reset_password(team, COLLECTOR, "c.meyer", "my-own-choice-2")  # everyone may change their own
    assert verify_password("my-own-choice-2", credentials_for_login(team)["usernames"]["c.meyer"]["password"])
    audit = list_audit(team, ADMIN, limit=1000)
    resets = audit.filter(pl.col("action") == "reset_password")
    assert resets.height == 2
    assert json.loads(resets["after"][0]) == {"password": "password reset", "must_change_password": False}
    assert json.loads(resets["after"][1]) == {"password": "password reset", "must_change_password": True}
    everything = " ".join(audit["before"].fill_null("").to_list() + audit["after"].fill_null("").to_list())
    assert "$2b$" not in everything and "password_hash" not in everything
    with pytest.raises(NotFound):
        reset_password(team, ADMIN, "nobody", "whatever-password")


def test_role_changes_are_audited_before_and_after(team):
    set_roles(team, ADMIN, "c.meyer", ["collector", "lead"])
    entry = list_audit(team, ADMIN, limit=1).row(0, named=True)
    assert (entry["action"], entry["entity_id"], entry["actor"]) == ("set_roles", "c.meyer", "root.admin")
    assert json.loads(entry["before"])["roles"] == ["collector"]
    assert json.loads(entry["after"])["roles"] == ["collector", "lead"]
    assert get_actor(team, "c.meyer").roles == frozenset({"collector", "lead"})


def test_the_last_active_admin_cannot_be_removed(team):
    with pytest.raises(ArDeskError, match="last active admin"):
        set_roles(team, ADMIN, "root.admin", ["lead"])
    with pytest.raises(ArDeskError, match="last active admin"):
        set_active(team, ADMIN, "root.admin", False)
    _add(team, "second.admin", ["admin"])
    set_roles(team, ADMIN, "root.admin", ["lead"])  # now fine
    assert get_actor(team, "root.admin").roles == frozenset({"lead"})


def test_list_users_shows_roles_and_portfolio_but_no_hash(team):
    upsert_customer_master(
        team, LEAD, pl.DataFrame({"customer_id": ["0000100009"], "company_code": ["2000"]})
    )
    set_portfolio(team, ADMIN, "c.meyer", customers=["0000100009", " "], company_codes=["2000"])
    users = list_users(team, LEAD)
    assert "password_hash" not in users.columns and "password" not in users.columns
    meyer = users.filter(pl.col("username") == "c.meyer").row(0, named=True)
    assert (meyer["roles"], meyer["portfolio_customers"], meyer["portfolio_company_codes"]) == (
        "collector",
        ["0000100009"],
        ["2000"],
    )
    with pytest.raises(PermissionDenied):
        list_users(team, COLLECTOR)


def test_portfolio_replaces_and_is_audited(team):
    upsert_customer_master(
        team, LEAD, pl.DataFrame({"customer_id": ["A", "B", "C"], "company_code": ["1000"] * 3})
    )
    set_portfolio(team, ADMIN, "c.meyer", customers=["B", "A", "A"], company_codes=["1000"])
    assert get_portfolio(team, "c.meyer") == {"customers": ["A", "B"], "company_codes": ["1000"]}
    set_portfolio(team, ADMIN, "c.meyer", customers=["C"])
    assert get_portfolio(team, "c.meyer") == {"customers": ["C"], "company_codes": []}
    entry = list_audit(team, ADMIN, limit=1).row(0, named=True)
    assert json.loads(entry["before"]) == {"customers": ["A", "B"], "company_codes": ["1000"]}
    with pytest.raises(NotFound):
        set_portfolio(team, ADMIN, "nobody", customers=["C"])


def test_collectors_see_their_portfolio_and_others_see_everything(team):
    master = pl.DataFrame({
        "customer_id": ["1", "2", "3", "4"],
        "collector": ["c.meyer", "j.schneider", "j.schneider", None],
        "company_code": ["1000", "1000", "2000", "3000"],
    })  # fmt: skip
    upsert_customer_master(team, LEAD, master)
    meyer = Actor("c.meyer", "Claudia", frozenset({"collector"}))
    assert visible_customers(team, meyer) == {"1"}
    set_portfolio(team, ADMIN, "c.meyer", customers=["4"], company_codes=["2000"])
    assert visible_customers(team, meyer) == {"1", "3", "4"}
    for actor in (LEAD, CONTROLLER, ADMIN, Actor("both", "B", frozenset({"collector", "lead"}))):
        assert visible_customers(team, actor) is None
    assert visible_customers(team, Actor("ghost", "G", frozenset({"collector"}))) == frozenset()


def test_lockout_after_five_failures_lifted_by_a_password_reset(store):
    from ar_core.access.audit import list_audit
    from ar_core.access.users import LOCKOUT_AFTER, is_locked, login_failed, login_succeeded, reset_password

    create_user(store, ADMIN, username="lena.lead", name="Lena", password="long-enough-pw", roles=["lead"])
    login_failed(store, "lena.lead")
    login_succeeded(store, "lena.lead")  # a success in between starts the count again
    assert [login_failed(store, "lena.lead") for _ in range(LOCKOUT_AFTER)] == [1, 2, 3, 4, 5]
    assert is_locked(store, "lena.lead")
    assert list_audit(store, ADMIN, limit=1)["action"].to_list() == ["lock_user"]
    reset_password(store, ADMIN, "lena.lead", "another-long-pw")
    assert not is_locked(store, "lena.lead")
    assert login_failed(store, "nobody") == 0 and not is_locked(store, "nobody")


# --- portfolio assignment only of known customers and company codes ---------------------------


def test_portfolio_refuses_unknown_customers_and_company_codes(team, make_result):
    from ar_core.collections.lifecycle import import_snapshot, remove_snapshot
    from tests.conftest import item

    upsert_customer_master(
        team, LEAD, pl.DataFrame({"customer_id": ["0000100001"], "company_code": ["1000"]})
    )
    with pytest.raises(ArDeskError, match=r"unknown customer: 0000999999"):
        set_portfolio(team, ADMIN, "c.meyer", customers=["0000100001", "0000999999"])
    with pytest.raises(ArDeskError, match=r"unknown customers: X1, X2"):
        set_portfolio(team, ADMIN, "c.meyer", customers=["X2", "X1"])
    with pytest.raises(ArDeskError, match=r"unknown company code: 9999"):
        set_portfolio(team, ADMIN, "c.meyer", company_codes=["1000", "9999"])
    assert get_portfolio(team, "c.meyer") == {"customers": [], "company_codes": []}  # nothing half-saved

    # A company code counts as known from the items of a snapshot in force, not of a removed one.
    outcome = import_snapshot(team, LEAD, make_result([item(company_code="3000", customer_id="0000100001")]))
    set_portfolio(team, ADMIN, "c.meyer", customers=["0000100001"], company_codes=["1000", "3000"])
    assert get_portfolio(team, "c.meyer") == {"customers": ["0000100001"], "company_codes": ["1000", "3000"]}
    remove_snapshot(team, LEAD, outcome.snapshot_id, reason="test")
    with pytest.raises(ArDeskError, match=r"unknown company code: 3000"):
        set_portfolio(team, ADMIN, "c.meyer", company_codes=["3000"])


# --- moving customers between collectors --------------------------------------------------


@pytest.fixture
def book(team):
    """Four customers: 1 and 2 with c.meyer, 3 with j.schneider, 4 without a collector."""
    upsert_customer_master(team, LEAD, pl.DataFrame({
        "customer_id": ["1", "2", "3", "4"],
        "collector": ["c.meyer", "c.meyer", "j.schneider", None],
    }))  # fmt: skip
    return team


def _collectors(engine):
    from ar_core.ledger.customers import all_customers

    return dict(all_customers(engine).select("customer_id", "collector").rows())


def test_move_all_customers_of_a_collector(book):
    from ar_core.ledger.customers import move_customers

    moved = move_customers(book, ADMIN, target="j.schneider", from_collector="c.meyer")
    assert moved == ["1", "2"]
    assert _collectors(book) == {"1": "j.schneider", "2": "j.schneider", "3": "j.schneider", "4": None}
    audit = list_audit(book, ADMIN, limit=10)
    per_customer = audit.filter(pl.col("action") == "change_customer").sort("entity_id")
    assert per_customer["entity_id"].to_list() == ["1", "2"]
    assert json.loads(per_customer["before"][0]) == {"collector": "c.meyer"}
    assert json.loads(per_customer["after"][0]) == {
        "collector": "j.schneider",
        "source": "admin",
        "snapshot_id": None,
    }
    summary = audit.filter(pl.col("action") == "move_customers").row(0, named=True)
    assert json.loads(summary["after"]) == {"target": "j.schneider", "from_collector": "c.meyer",
                                            "customers": ["1", "2"]}  # fmt: skip
    assert visible_customers(book, Actor("c.meyer", "C", frozenset({"collector"}))) == frozenset()


def test_move_selected_customers_and_skip_those_already_there(book):
    from ar_core.ledger.customers import move_customers

    assert move_customers(book, ADMIN, target="c.meyer", customers=["3", "4", "1"]) == ["3", "4"]
    assert _collectors(book) == {"1": "c.meyer", "2": "c.meyer", "3": "c.meyer", "4": "c.meyer"}


def test_move_refuses_bad_targets_unknown_customers_and_non_admins(book):
    from ar_core.ledger.customers import move_customers

    with pytest.raises(ArDeskError, match=r"lena\.lead is not a collector"):
        move_customers(book, ADMIN, target="lena.lead", customers=["1"])
    with pytest.raises(NotFound, match="no user 'nobody'"):
        move_customers(book, ADMIN, target="nobody", customers=["1"])
    set_active(book, ADMIN, "j.schneider", False)
    with pytest.raises(ArDeskError, match=r"j\.schneider is not active"):
        move_customers(book, ADMIN, target="j.schneider", customers=["1"])
    with pytest.raises(ArDeskError, match="unknown customers: 8, 9"):
        move_customers(book, ADMIN, target="c.meyer", customers=["9", "3", "8"])
    with pytest.raises(ArDeskError, match="choose customers or a collector"):
        move_customers(book, ADMIN, target="c.meyer")
    with pytest.raises(PermissionDenied):
        move_customers(book, LEAD, target="c.meyer", customers=["3"])
    assert _collectors(book)["3"] == "j.schneider"


# --- first-login password change ----------------------------------------------------------


def test_new_and_reset_passwords_must_be_changed_at_first_login(team):
    from ar_core.access.users import change_own_password, must_change_password

    assert must_change_password(team, "c.meyer")  # created by an admin: a new password is due
    create_user(team, ADMIN, username="demo.user", name="Demo", password=PASSWORD, roles=["collector"],
                must_change_password=False)  # fmt: skip
    assert not must_change_password(team, "demo.user")
    assert not must_change_password(team, "nobody")

    change_own_password(team, COLLECTOR, "my-own-secret-1", "my-own-secret-1")
    assert not must_change_password(team, "c.meyer")
    entry = list_audit(team, ADMIN, limit=1).row(0, named=True)
    assert (entry["action"], entry["actor"], entry["entity_id"]) == ("change_password", "c.meyer", "c.meyer")
    assert json.loads(entry["before"]) == {"must_change_password": True}
    assert json.loads(entry["after"]) == {"must_change_password": False, "password": "changed"}
    assert verify_password("my-own-secret-1", credentials_for_login(team)["usernames"]["c.meyer"]["password"])

    reset_password(team, ADMIN, "c.meyer", "temporary-pass-9")
    assert must_change_password(team, "c.meyer")  # an admin's reset: change it again at login


def test_changing_the_own_password_checks_the_repetition_and_the_old_one(team):
    from ar_core.access.users import change_own_password, must_change_password

    with pytest.raises(ArDeskError, match="the two passwords differ"):
        change_own_password(team, COLLECTOR, "my-own-secret-1", "my-own-secret-2")
    with pytest.raises(ArDeskError, match="choose a password other than the one you were given"):
        change_own_password(team, COLLECTOR, PASSWORD, PASSWORD)
    with pytest.raises(ArDeskError, match="at least 12 characters"):
        change_own_password(team, COLLECTOR, "short", "short")
    assert must_change_password(team, "c.meyer")


# --- resets of the failed-login counter are audited ---------------------------------------


def test_a_successful_login_after_failures_is_audited(store):
    from ar_core.access.users import login_failed, login_succeeded

    create_user(store, ADMIN, username="lena.lead", name="Lena", password="long-enough-pw", roles=["lead"])
    login_succeeded(store, "lena.lead")  # nothing to reset: no entry
    assert list_audit(store, ADMIN, limit=1)["action"].to_list() == ["create_user"]
    login_failed(store, "lena.lead")
    login_failed(store, "lena.lead")
    login_succeeded(store, "lena.lead")
    entry = list_audit(store, ADMIN, limit=1).row(0, named=True)
    assert (entry["action"], entry["actor"], entry["entity_id"]) == (
        "reset_failed_logins",
        "lena.lead",
        "lena.lead",
    )
    assert (json.loads(entry["before"]), json.loads(entry["after"])) == (
        {"failed_logins": 2},
        {"failed_logins": 0},
    )


def test_an_admin_reset_that_unlocks_is_audited_with_the_count(store):
    from ar_core.access.users import LOCKOUT_AFTER, login_failed

    create_user(store, ADMIN, username="lena.lead", name="Lena", password="long-enough-pw", roles=["lead"])
    for _ in range(LOCKOUT_AFTER):
        login_failed(store, "lena.lead")
    reset_password(store, ADMIN, "lena.lead", "another-long-pw")
    entry = list_audit(store, ADMIN, limit=1).row(0, named=True)
    assert (entry["action"], entry["actor"]) == ("reset_password", "root.admin")
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert before["must_change_password"] is True and before["locked_until"]  # the lockout it lifted
    assert after == {"locked_until": None, "must_change_password": True, "password": "password reset"}
