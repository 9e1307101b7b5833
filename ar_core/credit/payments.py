"""Bank payments (camt.053 / MT940 lines) matched to a customer and its open invoices.

First the customer: the payer's IBAN when known (master data or learned from confirmed matches);
else an invoice number / structured reference in the payment that belongs to exactly one
customer across the ledger; else the payer's name, similar enough once legal forms are dropped —
flagged ``name_flag`` for a human. Then the invoices, with the credit rules of
:mod:`ar_core.credit.allocation` at that customer only (any company code, the payment's currency):
a payment is a credit that has not been posted yet. An exact amount at another customer is never
a suggestion. Name similarity uses :mod:`difflib` (no extra dependency).
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.credit.allocation import (
    Credit,
    Ledger,
    Row,
    allocate,
    attach_hits,
    build_ledger,
    money_text,
)
from ar_core.credit.references import normalise_reference, spans
from ar_core.ledger import open_items
from ar_core.money import from_cents, to_cents
from ar_core.schema import MONEY

MATCH_SCHEMA: dict[str, pl.DataType] = {
    "payment_id": pl.Int64(),
    "customer_id": pl.String(),
    "customer_rule": pl.String(),
    "invoice_keys": pl.List(pl.String()),
    "invoice_docs": pl.List(pl.String()),
    "amount": MONEY,
    "residual": MONEY,
    "rule": pl.String(),
    "confidence": pl.Float64(),
    "evidence": pl.String(),
    "candidates": pl.List(pl.List(pl.String())),
    "name_flag": pl.Boolean(),
}

#: difflib ratio from which a payer name is taken for a customer's (flagged), and the margin by
#: which it must beat the runner-up.
NAME_THRESHOLD = 0.88
NAME_MARGIN = 0.05
#: Legal forms and filler dropped before names are compared.
LEGAL_FORMS = (
    "gmbh & co. kg", "gmbh & co kg", "gmbh", "mbh", "ag", "kg", "ohg", "gbr", "ug", "e.k.", "ek", "se",
    "b.v.", "bv", "n.v.", "nv", "v.o.f.", "vof", "c.v.", "cv", "ltd", "limited", "plc", "inc", "llc",
    "sarl", "s.a.", "sa", "co", "holding", "the", "de", "der", "die", "und", "en", "and",
)  # fmt: skip
_FORMS = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in LEGAL_FORMS) + r")(?![\w])")
_SPACE = re.compile(r"[^\w]+")


def normalise_name(name: object) -> str:
    """A payer or customer name for comparison: lower case, legal forms and punctuation dropped."""
    if name is None:
        return ""
    s = str(name).lower().replace("&", " & ")
    s = _FORMS.sub(" ", s)
    return " ".join(_SPACE.sub(" ", s).split())


def normalise_iban(iban: object) -> str:
    return "" if iban is None else re.sub(r"\s", "", str(iban)).upper()


class _Names:
    """Customer names, normalised, for one payment run."""

    def __init__(self, customers: pl.DataFrame | None, items: pl.DataFrame) -> None:
        names: dict[str, set[str]] = {}
        frames = []
        if customers is not None and "name" in customers.columns:
            frames.append(customers.select("customer_id", pl.col("name").alias("n")))
        if "customer_name" in items.columns:
            frames.append(items.select("customer_id", pl.col("customer_name").alias("n")).unique())
        for frame in frames:
            for cust, name in frame.drop_nulls().iter_rows():
                norm = normalise_name(name)
                if norm:
                    names.setdefault(norm, set()).add(str(cust))
        self.by_name = names
        self.keys = sorted(names)

    def find(self, name: object) -> tuple[str | None, float]:
        norm = normalise_name(name)
        if not norm:
            return None, 0.0
        exact = self.by_name.get(norm)
        if exact is not None:
            return (next(iter(exact)), 1.0) if len(exact) == 1 else (None, 0.0)
        close = difflib.get_close_matches(norm, self.keys, n=2, cutoff=NAME_THRESHOLD)
        if not close:
            return None, 0.0
        ratios = [difflib.SequenceMatcher(None, norm, c).ratio() for c in close]
        if len(close) > 1 and ratios[0] - ratios[1] < NAME_MARGIN:
            return None, 0.0
        custs = self.by_name[close[0]]
        return (next(iter(custs)), ratios[0]) if len(custs) == 1 else (None, 0.0)


def _reference_owners(ledger: Ledger) -> dict[str, set[str]]:
    """Form (document number or reference) → the customers whose open invoices carry it."""
    frame = ledger.forms.select("form", "_idx")
    custs = pl.Series("_cust", ledger.customer, dtype=pl.String)
    owners = frame.with_columns(custs.gather(frame["_idx"]).alias("_cust")).unique(["form", "_cust"])
    out: dict[str, set[str]] = {}
    for form, cust in owners.select("form", "_cust").iter_rows():
        out.setdefault(form, set()).add(cust)
    return out


def match_payments(
    payments: pl.DataFrame,
    items: pl.DataFrame,
    customers: pl.DataFrame | None,
    known_ibans: pl.DataFrame | None,
    as_of: date,
    *,
    tolerance: Decimal = Decimal("0.00"),
) -> pl.DataFrame:
    """One row per payment (:data:`MATCH_SCHEMA`), sorted by ``payment_id``; ``unmatched`` when nothing."""
    tol = to_cents(tolerance)
    frame = open_items(items, as_of)
    ledger = build_ledger(frame.filter(pl.col("amount") > 0), ("customer_id", "currency"))
    ibans: dict[str, set[str]] = {}
    if known_ibans is not None:
        for iban, cust in known_ibans.select("iban", "customer_id").drop_nulls().iter_rows():
            ibans.setdefault(normalise_iban(iban), set()).add(str(cust))
    names = _Names(customers, frame)
    owners: dict[str, set[str]] | None = None
    credits: list[Credit] = []
    who: list[tuple[str | None, str | None, bool, str]] = []
    cols = ("payment_id", "amount", "currency", "counterparty_name", "counterparty_iban", "remittance")
    cols += ("creditor_reference", "end_to_end_id", "booking_date")
    for pid, amount, cur, name, iban, remit, cref, e2e, booked in (
        payments.select(cols).sort("payment_id").iter_rows()
    ):
        text = " | ".join(str(t) for t in (cref, remit, e2e) if t)
        cref_form = normalise_reference(cref) if cref else ""
        cust, rule, flag, why = None, None, False, ""
        by_iban = ibans.get(normalise_iban(iban), set())
        if len(by_iban) == 1:
            cust, rule, why = (
                next(iter(by_iban)),
                "iban",
                f"IBAN {normalise_iban(iban)} known for the customer",
            )
        if cust is None:
            if owners is None:
                owners = _reference_owners(ledger)
            forms = [cref_form] if cref_form else []
            forms += [f for s in spans(text) for f in s.forms]
            found = {c for f in forms for c in owners.get(f, ())}
            if len(found) == 1:
                cust, rule, why = next(iter(found)), "reference", "reference belongs to this customer only"
        if cust is None:
            cust, ratio = names.find(name)
            if cust is not None:
                rule, flag, why = "name", True, f"payer name {name!r} similar ({ratio:.2f}); check"
        cents = to_cents(Decimal(amount))
        account = ledger.accounts.get((cust, str(cur)), -1) if cust is not None else -1
        credits.append(
            Credit(
                key=f"{int(pid):020d}",
                doc=str(pid),
                customer=cust or "",
                company_code="",
                currency=str(cur),
                cents=cents,
                day=booked.toordinal() - date(1970, 1, 1).toordinal() if booked else 0,
                account=account,
                text=text,
                extra_forms=(cref_form,) if cref_form else (),
            )
        )
        who.append((cust, rule, flag, why))
    attach_hits(credits, ledger)
    decided = allocate(credits, ledger, tolerance=tol, max_set=4, max_candidates=40)
    return _frame(credits, who, decided, ledger)


def _frame(
    credits: list[Credit],
    who: list[tuple[str | None, str | None, bool, str]],
    decided: dict[int, Row],
    ledger: Ledger,
) -> pl.DataFrame:
    data: dict[str, list] = {k: [] for k in MATCH_SCHEMA}
    for ci, credit in enumerate(credits):
        cust, rule, flag, why = who[ci]
        row = decided.get(ci)
        data["payment_id"].append(int(credit.doc))
        data["customer_id"].append(cust)
        data["customer_rule"].append(rule)
        data["name_flag"].append(flag)
        if row is None:
            data["invoice_keys"].append([])
            data["invoice_docs"].append([])
            data["amount"].append(from_cents(0))
            data["residual"].append(from_cents(credit.cents))
            data["rule"].append("unmatched")
            data["confidence"].append(0.0)
            customer = f"customer {cust} ({why})" if cust else "no customer identified"
            data["evidence"].append(f"payment {money_text(credit.cents)}: {customer}; no invoice found")
            data["candidates"].append([])
            continue
        confidence = row.confidence * (0.8 if flag else 1.0)
        data["invoice_keys"].append([ledger.key[i] for i in row.invoices])
        data["invoice_docs"].append([ledger.doc[i] for i in row.invoices])
        data["amount"].append(from_cents(row.amount))
        data["residual"].append(from_cents(row.residual))
        data["rule"].append(row.rule)
        data["confidence"].append(round(confidence, 4))
        data["evidence"].append(f"customer {cust} ({why}); {row.evidence}")
        data["candidates"].append(row.candidates)
    return pl.DataFrame(data, schema=MATCH_SCHEMA)


__all__ = ["MATCH_SCHEMA", "match_payments", "normalise_iban", "normalise_name"]
