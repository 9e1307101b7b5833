"""Shared set-up of the skills tests: a lead, three collectors and six customers in three languages."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.ledger.customers import upsert_customer_master
from tests.conftest import ADMIN, LEAD

MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
DEVRIES = Actor("j.devries", "Jan de Vries", frozenset({"collector"}))
DUBOIS = Actor("e.dubois", "Élise Dubois", frozenset({"collector"}))
#: customer -> (collector, language, country): Meyer has German and French customers, de Vries Dutch
CUSTOMERS = {
    "C1": ("c.meyer", None, "DE"),
    "C2": ("c.meyer", None, "AT"),
    "C3": ("c.meyer", "FR", "BE"),
    "C4": ("j.devries", None, "NL"),
    "C5": ("j.devries", None, "NL"),
    "C6": ("e.dubois", None, "FR"),
}


def seed(engine: sa.Engine) -> None:
    for actor in (LEAD, MEYER, DEVRIES, DUBOIS):
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
            "collector": [v[0] for v in CUSTOMERS.values()],
            "language": [v[1] for v in CUSTOMERS.values()],
            "country": [v[2] for v in CUSTOMERS.values()],
        }
    )
    upsert_customer_master(engine, ADMIN, master)
