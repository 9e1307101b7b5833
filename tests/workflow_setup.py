"""Shared set-up for the workflow service tests: a small team and three customers."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.ledger.customers import upsert_customer_master
from tests.conftest import ADMIN, CONTROLLER, LEAD

MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
SCHNEIDER = Actor("j.schneider", "Jonas Schneider", frozenset({"collector"}))
TEAM = (MEYER, SCHNEIDER, LEAD, CONTROLLER)
#: customer -> collector
CUSTOMERS = {"C1": "c.meyer", "C2": "j.schneider", "C3": "c.meyer"}


def seed(engine: sa.Engine) -> None:
    """Users of :data:`TEAM` and customers of :data:`CUSTOMERS`."""
    for actor in TEAM:
        create_user(
            engine,
            ADMIN,
            username=actor.username,
            name=actor.name,
            password="x" * 12,
            roles=sorted(actor.roles),
        )
    master = pl.DataFrame(
        {
            "customer_id": list(CUSTOMERS),
            "name": [f"Customer {c}" for c in CUSTOMERS],
            "collector": list(CUSTOMERS.values()),
            "country": ["DE"] * len(CUSTOMERS),
        }
    )
    upsert_customer_master(engine, ADMIN, master)
