"""Allocation suggestions for open credits, with hand-computed expectations (ar_core.credit.allocation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_core.credit.allocation import SUGGESTION_SCHEMA, suggest_allocations
from ar_core.disputes.cases import item_key
from ar_core.schema import ITEM_SCHEMA

AS_OF = date(2025, 3, 31)
COLUMNS = ["company_code", "customer_id", "doc_no", "fiscal_year", "line_item", "doc_type", "doc_date"]
COLUMNS += ["due_date", "amount", "currency", "reference", "assignment", "text", "clearing_date"]


def item(  # noqa: PLR0917
    doc, amount, cust="C1", day=1, ref=None, asg=None, text=None, cur="EUR", cleared=None
):
    return {
        "company_code": "1000",
        "customer_id": cust,
        "doc_no": doc,
        "fiscal_year": 2025,
        "line_item": 1,
        "doc_type": "RV" if Decimal(amount) > 0 else "DG",
        "doc_date": date(2025, 1, day),
        "due_date": date(2025, 2, day),
        "amount": Decimal(amount),
        "currency": cur,
        "reference": ref,
        "assignment": asg,
        "text": text,
        "clearing_date": cleared,
    }


def frame(*rows):
    return pl.DataFrame(list(rows), schema={k: ITEM_SCHEMA[k] for k in COLUMNS})


def suggest(*rows, customers=None, **kw):
    return suggest_allocations(frame(*rows), customers, AS_OF, **kw)


def one(result):
    assert result.height == 1, result
    return result.row(0, named=True)


def test_reference_exact_names_the_text_and_amounts():
    row = one(
        suggest(item("1800000017", "1190.00", day=2), item("1700000001", "-1190.00", ref="RE 1800000017"))
    )
    assert row["rule"] == "reference"
    assert row["invoice_docs"] == ["1800000017"]
    assert row["invoice_keys"] == [item_key("1000", 2025, "1800000017", 1)]
    assert row["amount"] == Decimal("1190.00") and row["residual"] == Decimal("0.00")
    assert row["credit_amount"] == Decimal("1190.00")
    assert row["confidence"] == 0.99
    assert "'1800000017'" in row["evidence"] and "1,190.00" in row["evidence"]
    assert row["needs_approval"] is False and row["candidates"] == []


def test_reference_with_leading_zeros_and_several_numbers_leaves_the_credit_residual():
    result = suggest(
        item("0018000123", "100.00"),
        item("0018000124", "200.00"),
        item("0018000125", "40.00"),
        item("1700000002", "-350.00", text="Rechnung 18000123 u. 18000124"),
    )
    row = one(result)
    assert row["rule"] == "reference"
    assert row["invoice_docs"] == ["0018000123", "0018000124"]
    assert row["amount"] == Decimal("300.00") and row["residual"] == Decimal("50.00")
    assert row["confidence"] == 0.97
    assert "residual 50.00 of the credit" in row["evidence"]


def test_the_rest_of_a_quoting_credit_equal_to_one_invoice_joins_it():
    row = one(
        suggest(
            item("0018000123", "100.00"),
            item("0018000199", "250.00"),
            item("1700000002", "-350.00", text="Rechnung 18000123 u. 18000919"),  # second number typo'd
        )
    )
    assert (row["rule"], row["invoice_docs"], row["confidence"]) == (
        "reference",
        ["0018000123", "0018000199"],
        0.95,
    )
    assert row["residual"] == Decimal("0.00")


def test_invoice_reference_quoting_the_credit():
    row = one(suggest(item("1800000020", "80.00", ref="GS 1700000003"), item("1700000003", "-80.00")))
    assert (row["rule"], row["invoice_docs"], row["confidence"]) == ("reference", ["1800000020"], 0.97)


def test_dutch_reference_and_a_quoted_subset():
    row = one(
        suggest(
            item("2016Q3-0004", "400.00"),
            item("2016Q3-0005", "250.00"),
            item("9000001", "-250.00", text="factuur 2016Q3-0004 en 2016Q3-0005"),
        )
    )
    assert (row["rule"], row["invoice_docs"], row["amount"]) == (
        "reference",
        ["2016Q3-0005"],
        Decimal("250.00"),
    )


def test_exact_amount_unique_else_ambiguous_even_when_one_is_older():
    unique = one(suggest(item("A1", "99.00"), item("A2", "10.00"), item("CR", "-99.00", day=20)))
    assert (unique["rule"], unique["invoice_docs"], unique["confidence"]) == ("amount", ["A1"], 0.75)
    # only the age tells them apart (A2 of day 3 is older): no suggestion, both candidates
    older = one(suggest(item("A1", "99.00", day=5), item("A2", "99.00", day=3), item("CR", "-99.00", day=20)))
    assert (older["rule"], older["invoice_docs"], older["candidates"]) == ("ambiguous", [], [["A1"], ["A2"]])
    assert older["confidence"] == 0.3  # 0.6 over two candidates
    tied = one(suggest(item("A1", "99.00", day=3), item("A2", "99.00", day=3), item("CR", "-99.00", day=20)))
    assert tied["rule"] == "ambiguous" and tied["invoice_docs"] == [] and tied["amount"] == Decimal("0.00")
    assert tied["candidates"] == [["A1"], ["A2"]]
    assert tied["confidence"] == 0.3


def test_exact_amount_tie_broken_by_a_typo_in_the_reference():
    row = one(
        suggest(
            item("1800000031", "99.00", day=1),
            item("1800000047", "99.00", day=9),
            item("CR", "-99.00", day=20, ref="RE 180000047"),  # one zero missing
        )
    )
    assert (row["rule"], row["invoice_docs"], row["confidence"]) == ("amount", ["1800000047"], 0.8)


def test_amount_never_across_customers_or_currencies():
    result = suggest(item("A1", "99.00", cust="C2"), item("A2", "99.00", cur="USD"), item("CR", "-99.00"))
    assert result.is_empty()
    assert result.schema == pl.Schema(SUGGESTION_SCHEMA)


def test_many_to_one_date_run_and_tolerance():
    rows = [item("B1", "500.00", day=2), item("B2", "700.00", day=3), item("B3", "333.00", day=4)]
    row = one(suggest(*rows, item("CR", "-1200.00", day=9)))
    assert (row["rule"], row["invoice_docs"], row["amount"], row["confidence"]) == (
        "many_to_one",
        ["B1", "B2"],
        Decimal("1200.00"),
        0.85,
    )
    assert suggest(*rows, item("CR", "-1199.99", day=9)).is_empty()
    near = one(suggest(*rows, item("CR", "-1199.99", day=9), tolerance=Decimal("0.01")))
    assert near["invoice_docs"] == ["B1", "B2"] and near["amount"] == Decimal("1199.99")
    assert near["residual"] == Decimal("0.01") and "of the invoices" in near["evidence"]


def test_many_to_one_three_invoice_run_and_two_equal_sets_are_ambiguous():
    run = [item("D1", "100.00", day=1), item("D2", "250.00", day=2), item("D3", "650.00", day=3)]
    row = one(suggest(*run, item("X", "5000.00", day=28), item("CR", "-1000.00", day=9)))
    assert (row["rule"], row["invoice_docs"], row["confidence"]) == ("many_to_one", ["D1", "D2", "D3"], 0.8)
    pairs = [item("E1", "100.00", day=1), item("E2", "200.00", day=2), item("E3", "150.00", day=3)]
    pairs.append(item("E4", "150.00", day=4))
    amb = one(suggest(*pairs, item("CR", "-300.00", day=9)))
    assert amb["rule"] == "ambiguous"
    assert amb["candidates"] == [["E1", "E2"], ["E3", "E4"]]


def test_partial_by_reference_and_only_invoice():
    row = one(suggest(item("1800000050", "1000.00"), item("CR", "-400.00", ref="RE 1800000050")))
    assert (row["rule"], row["amount"], row["residual"], row["confidence"]) == (
        "partial",
        Decimal("400.00"),
        Decimal("600.00"),
        0.7,
    )
    only = one(suggest(item("1800000051", "1000.00"), item("CR", "-250.00")))
    assert (only["rule"], only["residual"], only["confidence"]) == ("partial", Decimal("750.00"), 0.5)
    assert "residual 750.00 of the invoice" in only["evidence"]


def test_partial_quote_but_amount_elsewhere_is_ambiguous():
    row = one(
        suggest(
            item("1800000050", "1000.00"), item("A9", "400.00"), item("CR", "-400.00", ref="RE 1800000050")
        )
    )
    assert row["rule"] == "ambiguous" and row["candidates"] == [["1800000050"], ["A9"]]


def test_group_rule_needs_approval_and_needs_the_columns():
    rows = [item("1800000060", "75.00", cust="C2"), item("CR", "-75.00", cust="C1", ref="RE 1800000060")]
    customers = pl.DataFrame({"customer_id": ["C1", "C2"], "parent_id": ["P", "P"]})
    row = one(suggest(*rows, customers=customers))
    assert (row["rule"], row["needs_approval"], row["invoice_customers"]) == ("group", True, ["C2"])
    assert row["confidence"] == round(0.99 * 0.8, 4)
    assert row["customer_id"] == "C1"
    by_vat = pl.DataFrame({"customer_id": ["C1", "C2"], "vat_id": ["DE123", "de123"]})
    assert one(suggest(*rows, customers=by_vat))["rule"] == "group"
    assert suggest(
        *rows, customers=pl.DataFrame({"customer_id": ["C1", "C2"], "name": ["a", "b"]})
    ).is_empty()
    assert suggest(*rows).is_empty()


def test_each_invoice_serves_one_credit():
    result = suggest(
        item("1800000070", "50.00"),
        item("CR1", "-50.00", ref="RE 1800000070"),
        item("CR2", "-50.00", text="Rechnung 1800000070"),
    )
    rules = dict(zip(result["credit_doc"], result["rule"], strict=True))
    assert rules == {"CR1": "reference", "CR2": "ambiguous"}


def test_cleared_items_are_not_open():
    assert suggest(item("A1", "99.00", cleared=date(2025, 3, 1)), item("CR", "-99.00")).is_empty()


def test_deterministic_under_shuffle():
    rows = [
        item("1800000017", "1190.00", day=2),
        item("B1", "500.00", day=2),
        item("B2", "700.00", day=3),
        item("A1", "99.00", day=3),
        item("A2", "99.00", day=3),
        item("CR1", "-1190.00", ref="RE 1800000017"),
        item("CR2", "-1200.00", day=9),
        item("CR3", "-99.00", day=9),
    ]
    first = suggest(*rows)
    assert first.height == 3
    assert first.equals(suggest(*rows))
    assert first.equals(suggest(*reversed(rows)))


cents = st.integers(min_value=1, max_value=50_000)
ledger_rows = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2", "C3"]), cents, st.booleans(), st.integers(1, 28), st.integers(0, 30)
    ),
    min_size=1,
    max_size=25,
)


def _frame_from(spec):
    rows = []
    for n, (cust, amount, credit, day, refn) in enumerate(spec):
        doc = f"{1700000000 + n}" if credit else f"{1800000000 + n}"
        ref = f"RE {1800000000 + refn}" if credit and refn < len(spec) else None
        value = Decimal(-amount if credit else amount) / 100
        rows.append(item(doc, str(value), cust=cust, day=day, ref=ref))
    return rows


@settings(max_examples=60, deadline=None)
@given(ledger_rows, st.randoms(use_true_random=False))
def test_properties_bounds_customers_permutation(spec, rnd):
    rows = _frame_from(spec)
    customers = pl.DataFrame({"customer_id": ["C1", "C2", "C3"], "parent_id": ["P", "P", None]})
    result = suggest(*rows, customers=customers)
    for r in result.iter_rows(named=True):
        assert Decimal(0) <= r["amount"] <= r["credit_amount"]
        if r["rule"] != "group":
            assert set(r["invoice_customers"]) <= {r["customer_id"]}
        else:
            assert r["needs_approval"]
    used = [k for r in result.iter_rows(named=True) if r["rule"] != "ambiguous" for k in r["invoice_keys"]]
    assert len(used) == len(set(used))
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert result.equals(suggest(*shuffled, customers=customers))
