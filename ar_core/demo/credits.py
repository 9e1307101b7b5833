"""Open credits the Credit balances page can settle at a glance: a few lines of the simulated ledger
are given what real credits carry.

The simulation draws credit memos (DG) and payments on account (DZ) with random amounts and
texts, so at the last key date no credit quotes an invoice and none equals one; a credit team's
ledger always has some. :func:`with_clear_credits` reshapes three credits of regular customers
(never a story customer), all open at the last key date:

* two credit memos for a returned delivery quote the invoice they credit in the assignment (SAP
  copies the invoice number into ``ZUONR`` when a credit memo is made with reference to it) and
  credit it in full → the ``reference`` rule;
* one payment on account for exactly one open invoice of its customer, without any reference →
  the ``amount`` rule.

Only those three rows change (amount, assignment, text): every other line keeps its amount and
number, so the calibration and every story are untouched. The net-credit customer (the refund
candidate) is the credit-balance story's. Applied by ``generate_demo`` to what ``build_ledger``
simulated, so the calibration tests keep measuring the plain simulation. Seeded, whole-frame steps.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ar_core.demo.customers import CustomerBook

#: Credit memos quoting the invoice they credit, and payments on account equal to one invoice.
QUOTING_MEMOS = 2
EXACT_PAYMENTS = 1
#: The invoices chosen are of an ordinary size (EUR, whole cents): the huddle's largest credit
#: balances stay the credit-balance story's.
SIZE = (500_00, 15_000_00)
#: ``text_pick`` of "Gutschrift Retoure" among the credit memo texts (see ``ledger._TEXTS``).
RETURN_TEXT = 1


def _single_lines(ledger: pl.DataFrame) -> pl.DataFrame:
    return ledger.filter(pl.len().over("doc") == 1)


def with_clear_credits(ledger: pl.DataFrame, book: CustomerBook, last: int, seed: int) -> pl.DataFrame:
    """``ledger`` with :data:`QUOTING_MEMOS` + :data:`EXACT_PAYMENTS` credits reshaped (see the module).

    ``last`` is the last key date as a day number. Customers are drawn with ``[seed, 12]``; when
    the ledger is too small for a case, that case is left out.
    """
    rng = np.random.default_rng([seed, 12])
    regular = pl.Series(np.flatnonzero(book.story == 0).astype(np.int32))
    open_last = (pl.col("post") <= last) & (pl.col("clear") > last)
    candidates = _single_lines(ledger).filter(
        open_last,
        pl.col("cust").is_in(regular.implode()),
        pl.col("doc_currency") == "EUR",
        ~pl.col("special"),
    )
    invoices = candidates.filter(
        pl.col("kind") < 2,
        pl.col("dispute_day") > last,
        pl.col("amount").is_between(*SIZE),
    )
    # an invoice whose amount no other open invoice of the customer has: one answer only
    invoices = invoices.filter(pl.len().over("cust", "amount") == 1).sort("cust", "doc")
    changes: list[tuple[int, int, int | None]] = []  # (credit doc, cents, quoted invoice number)
    used: set[int] = set()
    for kind, count, quote in ((2, QUOTING_MEMOS, True), (3, EXACT_PAYMENTS, False)):
        credits = candidates.filter(pl.col("kind") == kind).sort("cust", "doc")
        pairs = (
            invoices.join(
                credits.select("cust", pl.col("doc").alias("credit"), pl.col("post").alias("cpost")),
                on="cust",
            )
            .filter(pl.col("cpost") >= pl.col("post"))  # the credit came after the invoice
            .unique("cust", keep="first", maintain_order=True)
        )
        pairs = pairs.filter(~pl.col("cust").is_in(sorted(used)))
        if pairs.is_empty():
            continue
        picks = rng.choice(pairs.height, size=min(count, pairs.height), replace=False)
        for row in pairs[np.sort(picks)].iter_rows(named=True):
            used.add(row["cust"])
            changes.append((row["credit"], row["amount"], int(row["doc_no"]) if quote else None))
    if not changes:
        return ledger
    docs = {doc: (cents, quoted) for doc, cents, quoted in changes}
    cents = pl.col("doc").replace_strict(
        {d: -c for d, (c, _) in docs.items()}, default=None, return_dtype=pl.Int64
    )
    quoted = {d: q for d, (_, q) in docs.items() if q is not None}
    quotes = pl.col("doc").replace_strict(quoted, default=None, return_dtype=pl.Int64)
    hit = pl.col("doc").is_in(list(docs))
    memo = pl.col("doc").is_in(list(quoted))
    return ledger.with_columns(
        pl.when(hit).then(cents).otherwise(pl.col("amount")).alias("amount"),
        pl.when(hit).then(cents).otherwise(pl.col("amount_doc")).alias("amount_doc"),
        pl.when(memo).then(quotes).otherwise(pl.col("po")).alias("po"),
        # the assignment is the PO unless the reason is NO_PO: a quoting memo always shows it
        pl.when(memo).then(pl.lit("PRICE")).otherwise(pl.col("reason")).alias("reason"),
        pl.when(memo)
        .then(pl.lit(RETURN_TEXT, dtype=pl.Int8))
        .otherwise(pl.col("text_pick"))
        .alias("text_pick"),
    )


__all__ = ["with_clear_credits"]
