"""The customer's postal address: read from the master file (German, Dutch, English headers),
stored (migration 0022), never blanked by a master without it, and read back within the portfolio."""

from __future__ import annotations

import pytest

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.errors import NotFound, PermissionDenied
from ar_core.ingest import read_customer_master
from ar_core.ledger import upsert_customer_master
from ar_core.recovery.addresses import customer_addresses, with_address
from ar_core.schema import CUSTOMER_SCHEMA
from tests.conftest import ADMIN, LEAD

GERMAN = (
    "Kundennummer;Name;Straße;PLZ;Ort;Land;Sachbearbeiter\r\n"
    "100001;Müller GmbH;Hafenstraße 12;01067;Dresden;DE;c.meyer\r\n"
    "100002;Schmidt KG;Am Markt 3;80331;München;DE;j.schneider\r\n"
)
DUTCH = "Klantnummer;Naam;Straat;Postcode;Plaats\r\n200001;Bakker B.V.;Kerkstraat 5;1017 GC;Amsterdam\r\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GERMAN, ("100001", "Hafenstraße 12", "01067", "Dresden")),
        (
            GERMAN.replace("Straße;PLZ;Ort", "Strasse;Postleitzahl;Stadt"),
            ("100001", "Hafenstraße 12", "01067", "Dresden"),
        ),
        (DUTCH, ("200001", "Kerkstraat 5", "1017 GC", "Amsterdam")),
        (
            DUTCH.replace("Straat;Postcode;Plaats", "Street;Postal code;City"),
            ("200001", "Kerkstraat 5", "1017 GC", "Amsterdam"),
        ),
    ],
)
def test_the_master_import_recognises_address_columns(text, expected):
    frame, problems = read_customer_master(text.encode(), "master.csv")
    assert problems == []
    assert frame.row(0, named=True)["customer_id"] == expected[0]
    assert frame.select("street", "postcode", "city").row(0) == expected[1:]  # the postcode stays text: 01067


def test_a_master_without_address_columns_has_the_usual_columns_only():
    frame, _ = read_customer_master(b"Kundennummer;Name\r\n1;A\r\n", "m.csv")
    assert frame.columns == list(CUSTOMER_SCHEMA)


def test_addresses_are_stored_never_blanked_and_read_within_the_portfolio(engine):
    frame, _ = read_customer_master(GERMAN.encode(), "master.csv")
    assert upsert_customer_master(engine, LEAD, frame)["inserted"] == 2
    # a later master without the address columns leaves the addresses as they are
    later, _ = read_customer_master(
        "Kundennummer;Name;Sachbearbeiter\r\n100001;Müller GmbH & Co.;c.meyer\r\n".encode(), "m2.csv"
    )
    assert upsert_customer_master(engine, LEAD, later)["updated"] == 1
    assert customer_addresses(engine, LEAD, ["100001", "100002"]) == {
        "100001": {"street": "Hafenstraße 12", "postcode": "01067", "city": "Dresden"},
        "100002": {"street": "Am Markt 3", "postcode": "80331", "city": "München"},
    }
    create_user(
        engine, ADMIN, username="c.meyer", name="Claudia", password="long-enough-pw", roles=["collector"]
    )
    meyer = Actor("c.meyer", "Claudia", frozenset({"collector"}))
    assert with_address(engine, meyer, {"customer_id": "100001", "name": "Müller"}) == {
        "customer_id": "100001",
        "name": "Müller",
        "street": "Hafenstraße 12",
        "postcode": "01067",
        "city": "Dresden",
    }
    with pytest.raises(PermissionDenied):
        customer_addresses(engine, meyer, ["100002"])
    with pytest.raises(NotFound):
        customer_addresses(engine, LEAD, ["999"])
    assert customer_addresses(engine, LEAD, []) == {}
