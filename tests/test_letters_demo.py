"""Demo customers have postal addresses that read like their country's, reproducibly."""

from __future__ import annotations

import re

import numpy as np

from ar_core.demo.customers import make_customers
from ar_core.schema import CUSTOMER_ADDRESS_SCHEMA, CUSTOMER_SCHEMA

POSTCODES = {"DE": r"\d{5}", "FR": r"\d{5}", "AT": r"\d{4}", "BE": r"\d{4}", "NL": r"\d{4} [A-Z]{2}"}


def test_demo_addresses_follow_the_country():
    master = make_customers(200, np.random.default_rng([7, 1])).master
    assert master.columns == [*CUSTOMER_SCHEMA, *CUSTOMER_ADDRESS_SCHEMA]
    for row in master.iter_rows(named=True):
        assert re.fullmatch(POSTCODES[row["country"]], row["postcode"]), row
        assert row["city"] and row["street"]
        if row["country"] == "FR":
            assert re.match(r"\d+ ", row["street"]), row  # "12 rue Victor Hugo"
        if row["country"] in ("DE", "AT", "NL"):
            assert re.search(r" \d+$", row["street"]), row  # "Kerkstraat 5"


def test_addresses_are_reproducible():
    a = make_customers(60, np.random.default_rng([7, 1])).master
    b = make_customers(60, np.random.default_rng([7, 1])).master
    assert a.equals(b)
