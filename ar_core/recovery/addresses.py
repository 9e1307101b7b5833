"""The customer's postal address for letters (street, postcode, city), scoped to who may read it.

The address is stored with the customer (migration 0022) but kept out of the customer frames the
worklist and the account pages pass around; letters ask for it here, for the customers they write
to. A customer without an address gets blanks, and the letter's window shows the name only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from ar_core.access import Actor, check_customers_access
from ar_core.schema import CUSTOMER_ADDRESS_SCHEMA
from ar_core.store.models import Customer

ADDRESS_FIELDS: tuple[str, ...] = tuple(CUSTOMER_ADDRESS_SCHEMA)


def customer_addresses(engine: sa.Engine, actor: Actor, customer_ids: Iterable[str]) -> dict[str, dict]:
    """``{customer_id: {"street", "postcode", "city"}}`` for customers ``actor`` may read.

    PermissionDenied when one of them is outside the actor's portfolio, NotFound for an unknown id.
    """
    ids = sorted({str(c) for c in customer_ids})
    if not ids:
        return {}
    check_customers_access(engine, actor, ids, write=False)
    query = sa.select(Customer.customer_id, Customer.street, Customer.postcode, Customer.city)
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            for cid, street, postcode, city in conn.execute(
                query.where(Customer.customer_id.in_(ids[start : start + 500]))
            ):
                out[cid] = {"street": street, "postcode": postcode, "city": city}
    return out


def with_address(engine: sa.Engine, actor: Actor, customer: Mapping) -> dict:
    """``customer`` (a customer record) with its street, postcode and city filled in."""
    cid = str(customer["customer_id"])
    found = customer_addresses(engine, actor, [cid]).get(cid, {})
    return {**customer, **{f: customer.get(f) or found.get(f) for f in ADDRESS_FIELDS}}
