"""Credit balances views: open credits, summaries, refund candidates, misc items, totals (hand-computed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from ar_core.credit.balances import (
    NO_DUE_DATE,
    credits_by,
    misc_aging,
    miscellaneous_items,
    net_credit_customers,
    open_credits,
    reconcile_totals,
)
from ar_core.errors import InvalidInput
from ar_core.schema import CUSTOMER_SCHEMA, ITEM_SCHEMA

AS_OF = date(2025, 12, 31)
D = Decimal


def _item(
    customer: str, doc_no: str, doc_type: str, amount: str, doc_date: date, *, due: date | None, **extra
):
    row = dict.fromkeys(ITEM_SCHEMA)
    row.update(
        company_code="1000",
        customer_id=customer,
        customer_name=f"Name {customer}",
        fiscal_year=2025,
        line_item=1,
        doc_no=doc_no,
        doc_type=doc_type,
        amount=D(amount),
        doc_date=doc_date,
        due_date=due,
        currency="EUR",
    )
    row.update(extra)
    return row


ITEMS = pl.DataFrame(
    [
        _item("C1", "90000001", "RV", "1000.00", date(2025, 11, 1), due=date(2025, 12, 1), collector="X"),
        _item(
            "C1", "90000002", "DG", "-200.00", date(2025, 12, 21), due=date(2025, 12, 21), collector="X"
        ),  # age 10
        _item(
            "C1", "14000001", "DZ", "-3.50", date(2025, 10, 2), due=date(2025, 10, 2), collector="X"
        ),  # age 90
        _item(
            "C2", "90000003", "DG", "-500.00", date(2025, 6, 4), due=date(2025, 6, 4), collector="bert"
        ),  # 210
        _item("C2", "90000004", "RV", "120.00", date(2025, 12, 1), due=None, collector="bert"),
        _item("C2", "90000005", "RV", "4.99", date(2025, 12, 31), due=date(2026, 1, 30), collector="bert"),
        _item(
            "C3",
            "5000001",
            "DG",
            "-80.00",
            date(2025, 12, 31),
            due=date(2025, 12, 31),
            company_code="2000",
            currency="CHF",
            collector="carl",
        ),
        _item(
            "C3",
            "5000002",
            "XY",
            "300.00",
            date(2024, 11, 1),
            due=date(2024, 12, 1),
            company_code="2000",
            currency="CHF",
            collector="carl",
        ),
        # cleared before the as-of date: not open
        _item(
            "C1",
            "90000006",
            "DG",
            "-999.00",
            date(2025, 11, 1),
            due=date(2025, 11, 1),
            clearing_date=date(2025, 12, 15),
        ),
        # cleared only after the as-of date: still open at it; no collector anywhere
        _item(
            "C4",
            "90000007",
            "DG",
            "-50.00",
            date(2025, 12, 30),
            due=date(2025, 12, 30),
            clearing_date=date(2026, 1, 5),
        ),
    ],
    schema=ITEM_SCHEMA,
)
CUSTOMERS = pl.DataFrame(
    [{**dict.fromkeys(CUSTOMER_SCHEMA), "customer_id": "C1", "name": "Müller GmbH", "collector": "anna"}],
    schema=CUSTOMER_SCHEMA,
)


def test_open_credits_with_age_bucket_and_the_masters_collector():
    credits = open_credits(ITEMS, AS_OF, CUSTOMERS)
    shown = ("customer_id", "customer_name", "collector", "doc_no", "age_days", "age_bucket", "amount")
    assert credits.select(shown).rows() == [
        ("C2", "Name C2", "bert", "90000003", 210, "181-360", D("-500.00")),
        ("C1", "Müller GmbH", "anna", "14000001", 90, "61-90", D("-3.50")),
        ("C1", "Müller GmbH", "anna", "90000002", 10, "1-30", D("-200.00")),
        ("C4", "Name C4", None, "90000007", 1, "1-30", D("-50.00")),
        ("C3", "Name C3", "carl", "5000001", 0, "0", D("-80.00")),
    ]
    assert {"company_code", "doc_type", "doc_date", "currency"} <= set(credits.columns)
    # without the master the extract's collector stands
    assert open_credits(ITEMS, AS_OF).filter(pl.col("customer_id") == "C1")[
        "collector"
    ].unique().to_list() == ["X"]


def test_credits_by_each_dimension_adds_up():
    by_age = credits_by(ITEMS, AS_OF, "age", CUSTOMERS)
    assert by_age.rows() == [
        ("0", "CHF", 1, D("-80.00")),
        ("1-30", "EUR", 2, D("-250.00")),
        ("61-90", "EUR", 1, D("-3.50")),
        ("181-360", "EUR", 1, D("-500.00")),
    ]
    assert credits_by(ITEMS, AS_OF, "collector", CUSTOMERS).rows() == [
        ("bert", "EUR", 1, D("-500.00")),
        ("anna", "EUR", 2, D("-203.50")),
        ("carl", "CHF", 1, D("-80.00")),
        (None, "EUR", 1, D("-50.00")),
    ]
    assert credits_by(ITEMS, AS_OF, "customer", CUSTOMERS).rows() == [
        ("C2", "Name C2", "EUR", 1, D("-500.00")),
        ("C1", "Müller GmbH", "EUR", 2, D("-203.50")),
        ("C3", "Name C3", "CHF", 1, D("-80.00")),
        ("C4", "Name C4", "EUR", 1, D("-50.00")),
    ]
    assert credits_by(ITEMS, AS_OF, "doc_type").rows() == [
        ("DG", "EUR", 3, D("-750.00")),
        ("DG", "CHF", 1, D("-80.00")),
        ("DZ", "EUR", 1, D("-3.50")),
    ]
    assert credits_by(ITEMS, AS_OF, "company_code").rows() == [
        ("1000", "EUR", 4, D("-753.50")),
        ("2000", "CHF", 1, D("-80.00")),
    ]
    with pytest.raises(InvalidInput):
        credits_by(ITEMS, AS_OF, "country")


def test_net_credit_customers_are_the_refund_candidates():
    rows = net_credit_customers(ITEMS, AS_OF, CUSTOMERS).rows()
    # C2: 120.00 + 4.99 - 500.00; C4: only a credit; C1 (+796.50) and C3 (+220.00 CHF) owe us
    assert rows == [
        ("C2", "Name C2", "bert", "EUR", D("124.99"), D("-500.00"), D("-375.01"), 1),
        ("C4", "Name C4", None, "EUR", D("0.00"), D("-50.00"), D("-50.00"), 1),
    ]


def test_miscellaneous_items_with_their_reasons():
    misc = miscellaneous_items(ITEMS, AS_OF, CUSTOMERS)
    assert misc.select("customer_id", "doc_no", "amount", "reasons", "bucket").rows() == [
        ("C1", "14000001", D("-3.50"), ["residual", "small_difference"], "61-90"),
        ("C2", "90000004", D("120.00"), ["no_due_date"], None),
        ("C2", "90000005", D("4.99"), ["small_difference"], "not due"),
        ("C3", "5000002", D("300.00"), ["unusual_doc_type"], ">360"),
    ]
    assert misc.filter(pl.col("customer_id") == "C1")["collector"].to_list() == ["anna"]


def test_miscellaneous_items_parameters():
    misc = miscellaneous_items(
        ITEMS, AS_OF, small=D("0.00"), residual_doc_types=(), usual_doc_types=("RV", "DG", "DZ", "XY")
    )
    assert misc.select("doc_no", "reasons").rows() == [("90000004", ["no_due_date"])]
    with pytest.raises(InvalidInput):
        miscellaneous_items(ITEMS, AS_OF, small=D("-1"))


def test_misc_aging_sums_to_the_misc_total():
    aging = misc_aging(ITEMS, AS_OF, CUSTOMERS)
    eur = aging.filter(pl.col("currency") == "EUR").row(0, named=True)
    assert (eur["not due"], eur["61-90"], eur[NO_DUE_DATE], eur["total"]) == (
        D("4.99"),
        D("-3.50"),
        D("120.00"),
        D("121.49"),
    )
    assert sum(v for k, v in eur.items() if k not in ("currency", "total")) == eur["total"]
    chf = aging.filter(pl.col("currency") == "CHF").row(0, named=True)
    assert (chf[">360"], chf["total"]) == (D("300.00"), D("300.00"))


def test_reconcile_totals_with_the_snapshot():
    result = reconcile_totals(ITEMS, AS_OF, CUSTOMERS)
    assert result["reconciles"] is True
    eur = result["currencies"]["EUR"]
    # 1000 - 200 - 3.50 - 500 + 120 + 4.99 - 50 (the cleared -999.00 is not open)
    assert eur["open_total"] == D("371.49") == eur["customer_net_total"]
    assert eur["open_credits"] == D("-753.50") and eur["credit_items"] == 4
    for name in (
        "open_credits_view",
        "credits_by_customer",
        "credits_by_age",
        "credits_by_doc_type",
        "credits_by_company_code",
        "credits_by_collector",
    ):
        assert eur[name] == D("-753.50"), name
    assert eur["misc_total"] == eur["misc_aging_total"] == D("121.49") and eur["misc_items"] == 3
    chf = result["currencies"]["CHF"]
    assert (chf["open_total"], chf["open_credits"], chf["misc_total"]) == (
        D("220.00"),
        D("-80.00"),
        D("300.00"),
    )


def test_empty_snapshot():
    empty = pl.DataFrame(schema=ITEM_SCHEMA)
    assert open_credits(empty, AS_OF).is_empty()
    assert credits_by(empty, AS_OF, "age").is_empty()
    assert net_credit_customers(empty, AS_OF).is_empty()
    assert miscellaneous_items(empty, AS_OF).is_empty()
    assert misc_aging(empty, AS_OF).is_empty()
    assert reconcile_totals(empty, AS_OF) == {"currencies": {}, "reconciles": True}
