"""Reconciliation with the customer's own open-items list or balance confirmation.

The customer sends what they think they owe; we set it beside our open items and explain every
cent of the difference: what only we list (an invoice they never received, a credit note they
have not booked), what only they list (a payment we have not applied, a credit note they
expect), and amount differences on the documents both list. ``explained`` is built from those
lists and must equal ``our − their`` exactly; that is checked on every call, not hoped for.

Reading the list (:func:`read_customer_list`) lives with the other readers in ``ar_core.ingest``
and is re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from ar_core.credit.references import normalise_reference as shared_normalise
from ar_core.errors import InvalidInput
from ar_core.ingest import SIGNS, THEIR_SCHEMA, Sign, read_customer_list  # noqa: F401 - re-exported
from ar_core.ledger import open_items, with_document_amount
from ar_core.schema import MONEY


def normalise_reference(value: object) -> str | None:
    """A quoted document number in the compared form, ``None`` when nothing is left.

    The credit area's one rule (:func:`ar_core.credit.references.normalise_reference`): prefixes
    such as RE, INV, Rechnung, factuur dropped, then separators, then leading zeros
    (:func:`ar_core.schema.doc_key`). Our document numbers and references pass the same function,
    so both sides compare alike.
    """
    return shared_normalise(value) or None


# --- the reconciliation ---------------------------------------------------------------------------

DOCUMENT, REFERENCE, AMOUNT_AND_DATE = "document", "reference", "amount and date"
#: How far apart (days) an amount-only match's dates may be.
DATE_WINDOW = 3

#: Why a row is on one side only (codes; the page and the statement translate them).
REASONS: dict[str, str] = {
    "invoice_not_booked": "not in their list: send a copy of the invoice",
    "credit_not_booked": "a credit note they have not booked",
    "payment_not_applied": "a payment they made that we have not applied",
    "credit_expected": "a credit (note) they expect from us",
    "not_open_with_us": "an item they list that is not open with us",
}
_PAYMENT_WORDS = re.compile(
    r"(?i)zahlung|überweisung|ueberweisung|lastschrift|payment|paid|remittance|betaling|betaald|"
    r"overboeking|paiement|virement|règlement"
)

MATCH_SCHEMA: dict[str, pl.DataType] = {
    "match": pl.String(),
    "doc_no": pl.String(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "reference": pl.String(),
    "our_amount": MONEY,
    "their_reference": pl.String(),
    "their_date": pl.Date(),
    "their_amount": MONEY,
    "difference": MONEY,  # ours − theirs
    "currency": pl.String(),
    "source_row": pl.Int64(),
}
ONLY_OURS_SCHEMA: dict[str, pl.DataType] = {
    "doc_no": pl.String(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "reference": pl.String(),
    "amount": MONEY,
    "currency": pl.String(),
    "reason": pl.String(),
}
ONLY_THEIRS_SCHEMA: dict[str, pl.DataType] = {
    "source_row": pl.Int64(),
    "their_reference": pl.String(),
    "doc_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "text": pl.String(),
    "reason": pl.String(),
}
ZERO = Decimal("0.00")


@dataclass(frozen=True, eq=False)
class Reconciliation:
    """Our open items against the customer's list at ``as_of``, in one currency.

    Every row of both sides is in exactly one of ``matched``, ``differences``, ``only_ours`` and
    ``only_theirs``. ``difference`` = ``our_balance − their_balance``; ``explained`` = only ours −
    only theirs + the amount differences of matched documents (within the tolerance too), equal to
    ``difference`` to the cent, so ``unexplained`` is 0.00.
    """

    as_of: date
    currency: str | None
    tolerance: Decimal
    matched: pl.DataFrame  # MATCH_SCHEMA; same amount (or within the tolerance)
    differences: pl.DataFrame  # MATCH_SCHEMA; same document, amounts differ
    only_ours: pl.DataFrame  # ONLY_OURS_SCHEMA
    only_theirs: pl.DataFrame  # ONLY_THEIRS_SCHEMA
    our_balance: Decimal
    their_balance: Decimal
    difference: Decimal
    explained: Decimal
    unexplained: Decimal

    @property
    def agrees(self) -> bool:
        """Both sides show the same balance."""
        return self.difference == ZERO


def _money(value: object) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(Decimal("0.01"))


def _pick_currency(ours: pl.DataFrame, theirs: pl.DataFrame, currency: str | None) -> str | None:
    if currency is not None:
        return currency.strip().upper()
    found = set(ours["doc_cur"].drop_nulls()) | set(theirs["currency"].drop_nulls())
    if len(found) > 1:
        raise InvalidInput(
            "currency", f"the items are in {', '.join(sorted(found))}: reconcile one currency at a time"
        )
    return next(iter(found), None)


def _theirs_frame(theirs: pl.DataFrame) -> pl.DataFrame:
    """``theirs`` in THEIR_SCHEMA (a missing optional column is null, source_row numbered 1..n)."""
    cols = []
    for name, dtype in THEIR_SCHEMA.items():
        if name in theirs.columns:
            cols.append(pl.col(name).cast(dtype))
        elif name == "source_row":
            cols.append(pl.int_range(1, pl.len() + 1, dtype=pl.Int64()).alias(name))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return theirs.select(cols)


def reconcile(
    ours: pl.DataFrame,
    theirs: pl.DataFrame,
    as_of: date,
    *,
    tolerance: Decimal = Decimal("0.00"),
    currency: str | None = None,
) -> Reconciliation:
    """Match our open items (one customer, ITEM_SCHEMA) with their list (:data:`THEIR_SCHEMA`).

    Ours are the items open at ``as_of`` in their document currency (what the customer booked).
    Matching, in this order, each row used once:

    1. *document*: their reference, normalised (:func:`normalise_reference`), is our document number;
    2. *reference*: it is our reference (the number printed on the invoice);
    3. *amount and date*: same amount, dates at most :data:`DATE_WINDOW` days apart, and the
       candidate is unique both ways — an ambiguous amount stays unmatched on both sides.

    Within one key, equal amounts pair first; one row left on each side then pairs as a
    difference (or as matched when ``|difference| <= tolerance``). ``currency`` picks one currency
    when the items have several (their rows without a currency count as it); other rows are left out.
    """
    if tolerance < 0:
        raise InvalidInput("tolerance", "the tolerance cannot be negative")
    ours = with_document_amount(open_items(ours, as_of))
    theirs = _theirs_frame(theirs)
    cur = _pick_currency(ours, theirs, currency)
    if cur is not None:
        ours = ours.filter(pl.col("doc_cur") == cur)
        theirs = theirs.filter(pl.col("currency").is_null() | (pl.col("currency") == cur))
    our_rows = [
        {
            **r,
            "amount": _money(r["doc_amount"]),
            "_doc": normalise_reference(r["doc_no"]),
            "_ref": normalise_reference(r["reference"]),
        }
        for r in ours.sort("doc_date", "doc_no", nulls_last=True).iter_rows(named=True)
    ]
    their_rows = [
        {**r, "amount": _money(r["amount"]), "_key": normalise_reference(r["their_reference"])}
        for r in theirs.iter_rows(named=True)
    ]
    pairs: list[tuple[str, int, int]] = []
    free_ours, free_theirs = set(range(len(our_rows))), set(range(len(their_rows)))
    for how, key in ((DOCUMENT, "_doc"), (REFERENCE, "_ref")):
        pairs += _pair_by_key(our_rows, their_rows, free_ours, free_theirs, key, how)
    pairs += _pair_by_amount_and_date(our_rows, their_rows, free_ours, free_theirs)
    return _result(our_rows, their_rows, pairs, free_ours, free_theirs, as_of, cur, tolerance)


def _pair_by_key(  # noqa: PLR0917
    our_rows: list[dict],
    their_rows: list[dict],
    free_ours: set[int],
    free_theirs: set[int],
    key: str,
    how: str,
) -> list[tuple[str, int, int]]:
    """Pairs (how, our index, their index) on equal keys; takes the paired rows out of the free sets."""
    by_key: dict[str, list[int]] = {}
    for i in sorted(free_ours):
        if our_rows[i][key] is not None:
            by_key.setdefault(our_rows[i][key], []).append(i)
    wanted: dict[str, list[int]] = {}
    for j in sorted(free_theirs):
        if their_rows[j]["_key"] in by_key:
            wanted.setdefault(their_rows[j]["_key"], []).append(j)
    pairs = []
    for k, theirs_k in wanted.items():
        ours_k = by_key[k]
        for j in list(theirs_k):  # equal amounts first: instalments of one document pair correctly
            same = next((i for i in ours_k if our_rows[i]["amount"] == their_rows[j]["amount"]), None)
            if same is not None:
                pairs.append((how, same, j))
                ours_k.remove(same)
                theirs_k.remove(j)
        if len(ours_k) == 1 and len(theirs_k) == 1:  # one each left: the same document, another amount
            pairs.append((how, ours_k[0], theirs_k[0]))
    for _, i, j in pairs:
        free_ours.discard(i)
        free_theirs.discard(j)
    return pairs


def _close(our: dict, their: dict) -> bool:
    a, b = our["doc_date"], their["doc_date"]
    return (
        our["amount"] == their["amount"]
        and a is not None
        and b is not None
        and abs((a - b).days) <= DATE_WINDOW
    )


def _pair_by_amount_and_date(
    our_rows: list[dict], their_rows: list[dict], free_ours: set[int], free_theirs: set[int]
) -> list[tuple[str, int, int]]:
    """Mutually unique (amount, date ± window) candidates, decided on the pool as it stands."""
    candidates = {
        j: [i for i in sorted(free_ours) if _close(our_rows[i], their_rows[j])] for j in free_theirs
    }
    pairs = []
    for j in sorted(free_theirs):
        if len(candidates[j]) != 1:
            continue
        i = candidates[j][0]
        if sum(1 for js in candidates.values() if i in js) == 1:
            pairs.append((AMOUNT_AND_DATE, i, j))
    for _, i, j in pairs:
        free_ours.discard(i)
        free_theirs.discard(j)
    return pairs


def _our_reason(row: dict) -> str:
    return "credit_not_booked" if row["amount"] < 0 else "invoice_not_booked"


def _their_reason(row: dict) -> str:
    if row["amount"] >= 0:
        return "not_open_with_us"
    words = f"{row.get('text') or ''} {row.get('their_reference') or ''}"
    return "payment_not_applied" if _PAYMENT_WORDS.search(words) else "credit_expected"


def _result(  # noqa: PLR0917
    our_rows: list[dict],
    their_rows: list[dict],
    pairs: list[tuple[str, int, int]],
    free_ours: set[int],
    free_theirs: set[int],
    as_of: date,
    cur: str | None,
    tolerance: Decimal,
) -> Reconciliation:
    matched: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    for how, i, j in pairs:
        o, t = our_rows[i], their_rows[j]
        diff = o["amount"] - t["amount"]
        row = {
            "match": how,
            "doc_no": o["doc_no"],
            "doc_type": o["doc_type"],
            "doc_date": o["doc_date"],
            "due_date": o["due_date"],
            "reference": o["reference"],
            "our_amount": o["amount"],
            "their_reference": t["their_reference"],
            "their_date": t["doc_date"],
            "their_amount": t["amount"],
            "difference": diff,
            "currency": o["doc_cur"],
            "source_row": t["source_row"],
        }
        (matched if abs(diff) <= tolerance else differences).append(row)
    only_ours = [
        {
            **{c: our_rows[i][c] for c in ONLY_OURS_SCHEMA if c not in ("currency", "reason")},
            "currency": our_rows[i]["doc_cur"],
            "reason": _our_reason(our_rows[i]),
        }
        for i in sorted(free_ours)
    ]
    only_theirs = [
        {
            **{c: their_rows[j][c] for c in ONLY_THEIRS_SCHEMA if c != "reason"},
            "currency": their_rows[j]["currency"] or cur,
            "reason": _their_reason(their_rows[j]),
        }
        for j in sorted(free_theirs)
    ]
    our_balance = sum((r["amount"] for r in our_rows), ZERO)
    their_balance = sum((r["amount"] for r in their_rows), ZERO)
    difference = our_balance - their_balance
    explained = (
        sum((r["amount"] for r in only_ours), ZERO)
        - sum((r["amount"] for r in only_theirs), ZERO)
        + sum((r["difference"] for r in (*matched, *differences)), ZERO)
    )
    unexplained = difference - explained
    if unexplained != ZERO:  # not an assert statement: it must hold under python -O too
        raise AssertionError(
            f"reconciliation does not add up: difference {difference}, explained {explained}"
        )
    return Reconciliation(
        as_of=as_of,
        currency=cur,
        tolerance=tolerance,
        matched=pl.DataFrame(matched, schema=MATCH_SCHEMA),
        differences=pl.DataFrame(differences, schema=MATCH_SCHEMA),
        only_ours=pl.DataFrame(only_ours, schema=ONLY_OURS_SCHEMA),
        only_theirs=pl.DataFrame(only_theirs, schema=ONLY_THEIRS_SCHEMA),
        our_balance=our_balance,
        their_balance=their_balance,
        difference=difference,
        explained=explained,
        unexplained=unexplained,
    )
