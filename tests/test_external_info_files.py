"""External information: name normalisation, the two file kinds with their problems, the review
queue (confirm opens an insolvency case, dismiss), bad files storing nothing, scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ar_core.collections.lifecycle import import_snapshot
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.ledger.snapshot_scope import Scope
from ar_core.recovery import (
    confirm_announcement,
    dismiss_announcement,
    import_announcements,
    import_ratings,
    latest_rating,
    list_announcements,
    list_imports,
    list_insolvency_cases,
    list_ratings,
    match_customer,
    normalise_name,
    normalise_postcode,
    review_queue,
)
from ar_core.recovery.insolvency import customers_in_insolvency
from ar_core.store.models import Customer
from tests.conftest import COLLECTOR, LEAD, item

MINE, OTHERS = "0000100001", "0000200002"


@pytest.mark.parametrize(("name", "normal"), [
    ("Müller Maschinenbau GmbH", "mueller maschinenbau"),
    ("MUELLER MASCHINENBAU G.m.b.H.", "mueller maschinenbau"),
    ("Jansen Logistiek B.V.", "jansen logistiek"),
    ("Jansen-Logistiek BV", "jansen logistiek"),
    ("Weiß & Co. KG", "weiss"),
    ("Société Générale S.A.", "societe generale"),
])  # fmt: skip
def test_names_are_compared_without_legal_forms_umlauts_and_punctuation(name, normal):
    assert normalise_name(name) == normal


def test_a_match_needs_the_same_name_and_postcode():
    customers = [{"customer_id": "A", "name": "Jansen Logistiek B.V.", "postcode": "3011 AB"},
                 {"customer_id": "B", "name": "Jansen Logistiek BV", "postcode": "9700AA"},
                 {"customer_id": "C", "name": "Weiß GmbH", "postcode": None}]  # fmt: skip
    assert normalise_postcode("3011 ab") == "3011AB"
    assert normalise_postcode("D-50667") == "50667"
    found = match_customer({"debtor_name": "JANSEN LOGISTIEK", "postcode": "9700 AA"}, customers)
    assert found == ("B", "name and postcode")
    nobody = match_customer({"debtor_name": "Jansen Logistiek", "postcode": "1000 AA"}, customers)
    assert nobody == (None, None)
    assert match_customer({"debtor_name": "Weiss", "postcode": "80331"}, customers) == ("C", "name")


@pytest.fixture
def ledger(engine, make_result):
    rows = [item(), item(customer_id=OTHERS, customer_name="Jansen Logistiek B.V.", doc_no="1800000002",
                         collector="j.devries", country="NL")]  # fmt: skip
    import_snapshot(engine, LEAD, make_result(rows), scope=Scope.whole_ledger())
    return engine


RATINGS = (
    "customer_id;date;score;rating;limit;currency\n"
    f"{MINE};01.11.2026;285;2-;25.000,00;EUR\n"
    f"{OTHERS};2026-11-15;410;4;5000;EUR\n"
    f"{MINE};01.06.2026;240;2;40.000,00;EUR\n"
).encode()


def test_ratings_are_stored_with_their_date_and_the_latest_is_shown(ledger):
    import_id, problems = import_ratings(ledger, LEAD, "ratings_2026-11.csv", RATINGS, agency="Creditreform")
    assert problems == [] and import_id
    latest = latest_rating(ledger, LEAD, MINE)
    assert (latest["rated_on"], latest["score"], latest["rating"], latest["limit"]) == (
        date(2026, 11, 1),
        285,
        "2-",
        Decimal("25000.00"),
    )
    assert latest["agency"] == "Creditreform"
    assert list_ratings(ledger, LEAD).height == 2
    assert list_ratings(ledger, LEAD, latest_only=False).height == 3
    assert list_ratings(ledger, COLLECTOR)["customer_id"].to_list() == [MINE]  # c.meyer's portfolio
    assert list_imports(ledger, LEAD)["rows"].to_list() == [3]


def test_a_bad_ratings_file_names_row_and_column_and_stores_nothing(ledger):
    bad = (
        "customer_id;date;score;rating;limit\n"
        f"{MINE};31.11.2026;285;2;25.000,00\n"
        f"9999999999;01.11.2026;abc;3;1.000,005\n"
    ).encode()
    import_id, problems = import_ratings(ledger, LEAD, "bad.csv", bad)
    assert import_id is None
    found = {(p.file, p.row, p.column) for p in problems}
    assert found == {("bad.csv", 2, "date"), ("bad.csv", 3, "score"), ("bad.csv", 3, "limit"),
                     ("bad.csv", 3, "customer_id")}  # fmt: skip
    assert list_ratings(ledger, LEAD).height == 0
    assert list_imports(ledger, LEAD).height == 0
    _none, missing = import_ratings(ledger, LEAD, "nohead.csv", b"kunde;wert\n1;2\n")
    assert [(p.row, p.message) for p in missing] == [(1, "missing column(s): customer_id, date")]


ANNOUNCEMENTS = (
    "court;case number;debtor name;street;postcode;city;date;type\n"
    "Rechtbank Rotterdam;C/10/26/123 F;JANSEN LOGISTIEK BV;Havenweg 1;3011 AB;Rotterdam;20.11.2026;"
    "surseance\n"
    "AG Köln;73 IN 99/26;Unbekannt AG;Ring 5;50667;Köln;2026-11-18;bankruptcy\n"
).encode()


def test_announcements_wait_for_a_lead_who_confirms_and_opens_a_case(ledger):
    # the extract gives no postcode: a name match is queued as "name"
    import_id, problems = import_announcements(ledger, LEAD, "insolvenzen.csv", ANNOUNCEMENTS)
    assert problems == [] and import_id
    queue = review_queue(ledger, LEAD)
    assert queue["customer_id"].to_list() == [OTHERS]
    row = queue.row(0, named=True)
    assert (row["kind"], row["court"]) == ("receivership", "Rechtbank Rotterdam")
    assert row["announced_on"] == date(2026, 11, 20)
    assert list_announcements(ledger, LEAD, status="unmatched")["debtor_name"].to_list() == ["Unbekannt AG"]
    assert list_announcements(ledger, COLLECTOR).height == 0  # neither is c.meyer's
    with pytest.raises(PermissionDenied):
        confirm_announcement(ledger, COLLECTOR, row["announcement_id"])
    case_id = confirm_announcement(ledger, LEAD, row["announcement_id"])
    case = list_insolvency_cases(ledger, LEAD).row(0, named=True)
    assert (case["case_id"], case["status"]) == (case_id, "receivership")
    assert case["case_number"] == "C/10/26/123 F"
    assert customers_in_insolvency(ledger, date(2026, 12, 2)) == {OTHERS}
    assert review_queue(ledger, LEAD).height == 0
    with pytest.raises(InvalidInput):
        dismiss_announcement(ledger, LEAD, row["announcement_id"])
    # the same announcement again is not queued twice
    import_announcements(ledger, LEAD, "insolvenzen_again.csv", ANNOUNCEMENTS)
    assert review_queue(ledger, LEAD).height == 0


def test_a_dismissed_match_leaves_the_queue_without_a_case(ledger):
    import_announcements(ledger, LEAD, "insolvenzen.csv", ANNOUNCEMENTS)
    announcement = review_queue(ledger, LEAD)["announcement_id"][0]
    dismiss_announcement(ledger, LEAD, announcement, note="another Jansen")
    assert list_announcements(ledger, LEAD, status="dismissed").height == 1
    assert list_insolvency_cases(ledger, LEAD).height == 0


def test_a_bad_announcements_file_stores_nothing(ledger):
    bad = (
        b"court;case number;debtor name;postcode;date;type\n"
        b";C/10/26/1 F;Jansen Logistiek;3011 AB;20.11.2026;liquidation\n"
    )
    import_id, problems = import_announcements(ledger, LEAD, "bad.csv", bad)
    assert import_id is None
    assert {(p.row, p.column) for p in problems} == {(2, "court"), (2, "type")}
    assert list_announcements(ledger, LEAD).height == 0


def test_with_a_postcode_on_record_the_postcode_must_agree(ledger):
    with ledger.begin() as conn:
        conn.execute(sa.update(Customer).where(Customer.customer_id == OTHERS).values(postcode="3011AB"))
        conn.execute(sa.update(Customer).where(Customer.customer_id == MINE).values(postcode="80331"))
    same_name_elsewhere = (
        "AG Hamburg;67c IN 1/26;Müller Maschinenbau G.m.b.H.;Weg 1;20095;Hamburg;20.11.2026;bankruptcy\n"
    ).encode()
    _id, problems = import_announcements(ledger, LEAD, "a.csv", ANNOUNCEMENTS + same_name_elsewhere)
    assert problems == []
    queue = review_queue(ledger, LEAD)
    assert queue.select("customer_id", "matched_by").rows() == [(OTHERS, "name and postcode")]
    unmatched = list_announcements(ledger, LEAD, status="unmatched")["debtor_name"].to_list()
    assert "Müller Maschinenbau G.m.b.H." in unmatched
