"""A simulated customer ledger: documents with a posting date and the date they get cleared.

Every document line lives from its posting date until its clearing date, so the open items of
any as-of date are a filter, and consecutive weekly snapshots show real clearing (items vanish)
and new business (items appear) with stable identities. Everything is drawn with numpy in whole
arrays: a million lines take about a second, never a per-row Python loop.

Dates are ``int32`` day numbers since 1970-01-01 (numpy's epoch) until a snapshot is taken.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import polars as pl

from ar_core.demo.customers import (
    BIG_DISPUTE,
    CREDIT_BALANCE,
    FX_RATES,
    IN_PLACE,
    INSOLVENCY,
    LOGISTICS_HUB,
    PRICING_GROUP,
    CustomerBook,
)

#: Document types in simulation order: invoices (positive), credit memos and payments on account.
KINDS = ("RV", "DR", "DG", "DZ")
KIND_SHARE = (0.62, 0.20, 0.10, 0.08)
#: 10-digit document number range per document type (SAP number ranges per company code & year).
NUMBER_BASE = (9_000_000_000, 1_800_000_000, 1_700_000_000, 1_400_000_000)
#: Clearing documents (payments and clearings) come from their own range.
CLEARING_BASE = 1_500_000_000
#: Days of history before the first snapshot: chronic payers' items reach the > 360 days bucket.
HISTORY_DAYS = {"normal": 240, "chronic": 400}
#: Payment delay after the net due date per behaviour (uniform range in days), calibrated so the
#: last snapshot looks like a healthy B2B ledger: about 60 % of open debits not yet due, 5-10 %
#: more than 90 days overdue, DSO about 50 days (see tests/test_demo_calibration.py).
DELAY = ((-8, 6), (0, 40), (30, 130), (60, 220))
#: The forgotten invoice: this share of invoices is paid this many days later still (uniform).
FORGOTTEN = (0.03, (20, 90))
#: Share of a chronic payer's invoices that are never paid (the > 360 days tail).
NEVER_PAID = 0.06
#: Share of invoices the customer disputes, per behaviour.
DISPUTE_RATE = (0.05, 0.06, 0.1, 0.12)
#: A disputed invoice clears this many days after the dispute was raised at the earliest.
DISPUTE_DAYS = (45, 220)
#: Share of those disputes the ERP flags when they are raised (a dispute case in SAP, the
#: extract's ``disputed``); the others are settled informally and flagged only when still open
#: this many days later (a dispute that drags on gets its case). About 4 % of the open items and
#: 5 % of open AR are then in dispute, some 2,300 cases in the quarter for a team of eight (all
#: flagged at once: 11 %, 14 % and 5,600 cases).
ERP_FLAGGED = 0.25
FLAGGED_AFTER_DAYS = 160
#: The insolvency story: the customer's last payment was this many days before the first snapshot.
INSOLVENCY_STOP_DAYS = 30
#: The big-dispute story: share of the invoices posted in (first snapshot - 45 days, last - 14
#: days] that the customer disputes; none of them is settled by the last snapshot.
BIG_DISPUTE_SHARE = 0.35
#: The credit-balance story: the unapplied double payment exceeds the customer's largest open
#: debits by at least this much (EUR; see :func:`settle_story_amounts`).
CREDIT_BALANCE_MARGIN = 25_000
#: Dispute reason codes and their frequency.
REASONS = ("PRICE", "QUANTITY", "DAMAGED", "NO_PO", "DUPLICATE")
REASON_SHARE = (0.35, 0.2, 0.15, 0.18, 0.12)
#: The pricing group's story: the price list changed on the Monday this many days before the last
#: key date (seven weeks back: 05.10. for the key date 20.11.); from then on this share of the
#: group's invoices is disputed as PRICE_LIST a few days after posting (the agreed group prices
#: were not carried into the new list), and paid once the credit note for the difference is in.
PRICE_LIST_CHANGE_DAYS = 7 * 7 - 3
PRICE_LIST_SHARE = 0.6
PRICE_LIST_SETTLED_DAYS = (20, 50)
#: The logistics hub's story: this share of its invoices is disputed as QUANTITY at goods receipt
#: (days after posting), and paid in full or in part long after (logistics is slow to prove delivery).
HUB_SHARE = 0.45
HUB_DISPUTE_DAYS = (2, 8)
HUB_SETTLED_DAYS = (35, 100)
#: Reason codes a story sets instead of the drawn one (``story_reason`` 1, 2, ...).
STORY_REASONS = ("PRICE_LIST", "QUANTITY")
#: SAP Dispute Management case ids of the story customers' disputes (two invoices per case): the
#: number range starts here (12 digits, as FSCM's CASE_ID).
DISPUTE_CASE_BASE = 400_000_100_000
#: Dunning: days overdue from which level 1..4 applies (grace period, then 14-day intervals).
DUNNING_FROM = (8, 22, 36, 50)
NEVER = 2**30
_EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    """A date as a day number since 1970-01-01."""
    return (d - _EPOCH).days


def _weekday(days: np.ndarray) -> np.ndarray:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def _to_weekday(days: np.ndarray, *, forward: bool) -> np.ndarray:
    wd = _weekday(days)
    if forward:
        return days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    return days - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def simulate(
    book: CustomerBook, n_docs: int, rng: np.random.Generator, first: int, last: int
) -> pl.DataFrame:
    """Simulate ``n_docs`` documents and keep the lines visible in some snapshot in [first, last].

    A line is kept when it was posted by ``last`` and cleared after ``first`` (open at the first
    snapshot or later). Chronic payers get a longer history so the oldest aging buckets are filled;
    their document count grows with that history so their volume per day stays true to weight.
    """
    chronic = book.behaviour == 3
    span = np.where(chronic, HISTORY_DAYS["chronic"], HISTORY_DAYS["normal"]) + (last - first) + 1
    p = book.weight * span
    # Documents per customer in one multinomial draw (far faster than a weighted choice per row).
    cust = np.repeat(np.arange(len(p), dtype=np.int32), rng.multinomial(n_docs, p / p.sum()))
    post = _to_weekday(last - (rng.random(n_docs) * span[cust]).astype(np.int32), forward=False)
    kind = rng.choice(4, size=n_docs, p=KIND_SHARE).astype(np.int8)
    doc_date = post - np.where(kind < 2, rng.integers(0, 4, n_docs), 0)
    lines = np.where((kind == 0) & (rng.random(n_docs) < 0.03), rng.integers(2, 4, n_docs), 1)

    # One row per customer line item from here on (instalment invoices have 2-3 lines).
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), lines)
    n = len(doc)
    line_item = (np.arange(n) - np.repeat(np.cumsum(lines) - lines, lines) + 1).astype(np.int32)
    cust, post, kind, doc_date = cust[doc], post[doc], kind[doc], doc_date[doc]
    behaviour = book.behaviour[cust]
    invoice = kind < 2
    due = np.where(invoice, doc_date + book.terms_days[cust] + 30 * (line_item - 1), doc_date)

    story = book.story[cust]
    disputed = invoice & (rng.random(n) < np.array(DISPUTE_RATE)[behaviour])
    # each story tells one thing: one has disputes (stories cast in place first draw as regular
    # customers, see _erp_disputes)
    disputed &= (story == 0) | (story == BIG_DISPUTE) | np.isin(story, IN_PLACE)
    dispute_day = np.where(disputed, post + rng.integers(3, 36, n), NEVER)
    lo, hi = np.array(DELAY).T
    delay = lo[behaviour] + rng.random(n) * (hi - lo)[behaviour]
    share, (f_lo, f_hi) = FORGOTTEN
    delay += np.where(rng.random(n) < share, rng.integers(f_lo, f_hi, n), 0)  # the forgotten invoice
    clear = due + delay.astype(np.int64)
    undisputed = clear
    clear = np.where(disputed, np.maximum(clear, dispute_day + rng.integers(*DISPUTE_DAYS, n)), clear)
    long_tail = rng.random(n)
    clear = np.where(
        kind == 2, post + np.where(long_tail < 0.2, rng.integers(60, 420, n), rng.integers(3, 60, n)), clear
    )
    clear = np.where(
        kind == 3, post + np.where(long_tail < 0.15, rng.integers(45, 330, n), rng.integers(2, 45, n)), clear
    )
    never = (invoice & (behaviour == 3) & (long_tail < NEVER_PAID)) | ((kind == 2) & (long_tail < 0.03))
    clear = np.where(never, NEVER, _to_weekday(np.maximum(clear, post + 1), forward=True))

    # insolvency: the last payment run settled everything due until two weeks before it; after it
    # nothing clears and no payment on account comes in
    stop = int(_to_weekday(np.array([first - INSOLVENCY_STOP_DAYS]), forward=False)[0])
    late = (story == INSOLVENCY) & (clear > stop)
    clear = np.where(late, np.where(due >= stop - 14, NEVER, stop), clear)
    paid_after = (story == INSOLVENCY) & (kind == 3) & (post > stop)
    # the big dispute: a third of the recent invoices disputed soon after posting, none settled
    big = (story == BIG_DISPUTE) & invoice & (post > first - 45) & (post <= last - 14)
    big &= rng.random(n) < BIG_DISPUTE_SHARE
    disputed |= big
    dispute_day = np.where(big, post + rng.integers(7, 21, n), dispute_day)
    clear = np.where(big, NEVER, clear)

    # Which lines a file shows is decided here, as if the stories cast in place were regular
    # customers: every other line keeps its row and so its amount and number (enrich draws by row).
    keep = (post <= last) & (clear > first) & ~paid_after

    disputed, dispute_day, clear, story_reason, case_no = _erp_disputes(
        rng,
        last,
        cust=cust,
        story=story,
        invoice=kind == 0,
        post=post,
        disputed=disputed,
        dispute_day=dispute_day,
        clear=clear,
        undisputed=np.where(never, NEVER, _to_weekday(np.maximum(undisputed, post + 1), forward=True)),
    )
    lines = pl.DataFrame(
        {
            "doc": doc[keep],
            "cust": cust[keep],
            "kind": kind[keep],
            "line_item": line_item[keep],
            "post": post[keep].astype(np.int32),
            "doc_date": doc_date[keep].astype(np.int32),
            "due": due[keep].astype(np.int32),
            "clear": clear[keep].astype(np.int32),
            "dispute_day": dispute_day[keep].astype(np.int32),
            "story_reason": story_reason[keep],
            "case_no": case_no[keep],
            "special": np.zeros(int(keep.sum()), dtype=bool),
        }
    )
    return pl.concat([lines, _double_payments(book, n_docs, first)])


def _erp_disputes(
    rng: np.random.Generator,
    last: int,
    *,
    cust: np.ndarray,
    story: np.ndarray,
    invoice: np.ndarray,
    post: np.ndarray,
    disputed: np.ndarray,
    dispute_day: np.ndarray,
    clear: np.ndarray,
    undisputed: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The disputes as the ERP shows them: which are flagged, and the stories cast in place.

    ``undisputed`` is when each line would clear without its dispute. Returns (disputed,
    dispute_day, clear, story_reason, case_no). Drawn after every other draw of the ledger, so
    the rest of it is the same with or without these stories.
    """
    in_place = np.isin(story, IN_PLACE)
    regular = in_place & disputed  # those customers' regular disputes: paid as if undisputed
    # only some regular disputes are flagged in the ERP when raised, the others once they drag on
    later = disputed & (story != BIG_DISPUTE) & (rng.random(len(cust)) >= ERP_FLAGGED)
    flag_day = dispute_day + FLAGGED_AFTER_DAYS
    disputed = disputed & (~later | (clear > flag_day))
    dispute_day = np.where(later, np.where(clear > flag_day, flag_day, NEVER), dispute_day)

    # the pricing group and the logistics hub dispute as their stories say
    n = len(cust)
    group = np.isin(story, PRICING_GROUP) & invoice & (post >= price_list_change(last))
    group &= rng.random(n) < PRICE_LIST_SHARE
    hub = (story == LOGISTICS_HUB) & invoice & (rng.random(n) < HUB_SHARE)
    story_day = np.where(group, post + rng.integers(4, 11, n), post + rng.integers(*HUB_DISPUTE_DAYS, n))
    settled = np.where(group, rng.integers(*PRICE_LIST_SETTLED_DAYS, n), rng.integers(*HUB_SETTLED_DAYS, n))
    told = group | hub
    settled_day = _to_weekday(np.maximum(undisputed, story_day + settled), forward=True)
    plain = np.where(told & (undisputed < NEVER), settled_day, undisputed)
    clear = np.where(told | regular, plain, clear)
    disputed = (disputed & ~in_place) | told
    dispute_day = np.where(told, story_day, np.where(in_place, NEVER, dispute_day))
    story_reason = np.where(group, 1, np.where(hub, 2, 0)).astype(np.int8)
    case_no, dispute_day, clear = _dispute_cases(cust, told, dispute_day, clear)
    return disputed, dispute_day, clear, story_reason, case_no


def price_list_change(last: int) -> int:
    """The day (number) the pricing group's price list changed: a Monday seven weeks before ``last``."""
    return last - PRICE_LIST_CHANGE_DAYS


def price_list_change_date(last_as_of: date) -> date:
    """:func:`price_list_change` of the last key date, as a date (05.10.2026 for 20.11.2026)."""
    return last_as_of - timedelta(days=PRICE_LIST_CHANGE_DAYS)


def _dispute_cases(
    cust: np.ndarray, told: np.ndarray, dispute_day: np.ndarray, clear: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SAP dispute cases for the story disputes: two invoices of a customer per case, in dispute order.

    Both items of a case are disputed on the later one's day and cleared on the later clearing
    day, as one case is decided and settled at once. Returns (case number, 0 = none; dispute
    days; clearing days). A loop over the few story customers, with whole-array steps inside.
    """
    case_no = np.zeros(len(cust), dtype=np.int32)
    dispute_day, clear = dispute_day.copy(), clear.copy()
    next_no = 1
    for c in np.unique(cust[told]):
        rows = np.flatnonzero(told & (cust == c))
        rows = rows[np.lexsort((rows, dispute_day[rows]))]
        pair = np.arange(len(rows)) // 2
        starts = np.arange(0, len(rows), 2)
        case_no[rows] = next_no + pair
        dispute_day[rows] = np.maximum.reduceat(dispute_day[rows], starts)[pair]
        clear[rows] = np.maximum.reduceat(clear[rows], starts)[pair]
        next_no += int(pair[-1]) + 1
    return case_no, dispute_day, clear


def _double_payments(book: CustomerBook, n_docs: int, first: int) -> pl.DataFrame:
    """The credit-balance story's unapplied payment (amount set by :func:`settle_story_amounts`)."""
    cust = np.flatnonzero(book.story == CREDIT_BALANCE).astype(np.int32)
    post = _to_weekday(np.full(len(cust), first - 24, dtype=np.int32), forward=False).astype(np.int32)
    return pl.DataFrame(
        {
            "doc": np.arange(n_docs, n_docs + len(cust), dtype=np.int64),
            "cust": cust,
            "kind": np.full(len(cust), 3, dtype=np.int8),
            "line_item": np.ones(len(cust), dtype=np.int32),
            "post": post,
            "doc_date": post,
            "due": post,
            "clear": np.full(len(cust), NEVER, dtype=np.int32),
            "dispute_day": np.full(len(cust), NEVER, dtype=np.int32),
            "story_reason": np.zeros(len(cust), dtype=np.int8),
            "case_no": np.zeros(len(cust), dtype=np.int32),
            "special": np.ones(len(cust), dtype=bool),
        }
    )


def balances(ledger: pl.DataFrame, days: list[int], *, debits_only: bool = False) -> pl.DataFrame:
    """Open balance (cents) per customer index and key date: ``cust, day, balance``."""
    frames = []
    for d in days:
        open_now = ledger.filter((pl.col("post") <= d) & (pl.col("clear") > d))
        if debits_only:
            open_now = open_now.filter(pl.col("amount") > 0)
        frames.append(
            open_now.group_by("cust").agg(pl.col("amount").sum().alias("balance")).with_columns(day=pl.lit(d))
        )
    return pl.concat(frames)


def settle_story_amounts(ledger: pl.DataFrame, days: list[int]) -> pl.DataFrame:
    """Give the credit-balance story's payment its amount: the balance is negative on every key date.

    On every key date the customer's balance is a credit of at least
    :data:`CREDIT_BALANCE_MARGIN`; on the last one it is 25 % more than any other customer's
    credit balance, so it heads the huddle's "largest credit balances".
    """
    special = ledger.filter("special")
    if special.is_empty():
        return ledger
    weekly = balances(ledger.filter(~pl.col("special")), days)
    mine = special["cust"].implode()
    others = (
        weekly.filter(~pl.col("cust").is_in(mine) & (pl.col("day") == days[-1]))
        .group_by("day")
        .agg((-pl.col("balance").min()).clip(lower_bound=0).alias("largest_credit"))
    )
    need = (
        weekly.filter(pl.col("cust").is_in(mine))
        .join(others, on="day", how="left")
        .with_columns(
            need=pl.col("balance")
            + pl.max_horizontal(
                pl.lit(CREDIT_BALANCE_MARGIN * 100), pl.col("largest_credit").fill_null(0) * 5 // 4
            )
        )
        .group_by("cust")
        .agg(pl.col("need").max())
    )
    amounts = dict.fromkeys(special["cust"].to_list(), CREDIT_BALANCE_MARGIN * 100)
    for cust, cents in need.iter_rows():
        amounts[cust] = -(-max(cents, CREDIT_BALANCE_MARGIN * 100) // 10_000) * 10_000  # whole hundreds
    amount = pl.col("cust").replace_strict(amounts, default=None, return_dtype=pl.Int64)
    return ledger.with_columns(
        pl.when("special").then(-amount).otherwise(pl.col("amount")).alias("amount"),
        pl.when("special").then(-amount).otherwise(pl.col("amount_doc")).alias("amount_doc"),
        pl.when("special").then(pl.lit("EUR")).otherwise(pl.col("doc_currency")).alias("doc_currency"),
    )


def enrich(ledger: pl.DataFrame, book: CustomerBook, rng: np.random.Generator) -> pl.DataFrame:
    """Amounts, currencies, document numbers and texts for the kept lines.

    Drawn after the visibility filter, so only lines that appear in a file cost anything.
    Amounts are integer cents; foreign-currency lines are converted to EUR at a fixed rate with
    half-up rounding, as the ERP does when it posts them.
    """
    n = ledger.height
    kind = ledger["kind"].to_numpy()
    cust = ledger["cust"].to_numpy()
    scale = np.choose(kind, (1800.0, 1800.0, 350.0, 2000.0))
    euros = np.clip(rng.lognormal(0.0, 1.0, n) * scale, 5.0, 400_000.0)
    cents = np.where(rng.random(n) < 0.1, np.round(euros) * 100, np.round(euros * 100)).astype(np.int64)
    doc_cents = np.where(kind >= 2, -cents, cents)
    foreign = book.doc_currency[cust]
    use_fx = (foreign != "") & (rng.random(n) < 0.7)
    doc_ccy = np.where(use_fx, foreign, "EUR")
    rate = np.ones(n, dtype=np.int64) * 10_000
    for ccy, fx in FX_RATES.items():
        rate[doc_ccy == ccy] = int(fx * 10_000)
    local = np.sign(doc_cents) * ((np.abs(doc_cents) * rate + 5_000) // 10_000)
    reason = np.array(REASONS)[rng.choice(len(REASONS), size=n, p=REASON_SHARE)]
    told = ledger["story_reason"].to_numpy()
    reason = np.where(told > 0, np.array(("", *STORY_REASONS))[told], reason)
    master = book.master
    return ledger.with_columns(
        amount=pl.Series(local),
        amount_doc=pl.Series(doc_cents),
        doc_currency=pl.Series(doc_ccy),
        reason=pl.Series(reason),
        po=pl.Series(rng.integers(4_500_000_000, 4_509_999_999, n)),
        text_pick=pl.Series(rng.integers(0, 3, n).astype(np.int8)),
        company_code=pl.Series(master["company_code"].to_numpy()[cust]),
        fiscal_year=pl.col("post").cast(pl.Date).dt.year().cast(pl.Int32),
    ).pipe(_number_documents)


def _number_documents(df: pl.DataFrame) -> pl.DataFrame:
    """Sequential document numbers per type, company code and fiscal year, in posting order."""
    docs = (
        df.select("doc", "kind", "company_code", "fiscal_year", "post")
        .unique(subset="doc")
        .sort("post", "doc")
        .with_columns(seq=pl.int_range(1, pl.len() + 1).over("kind", "company_code", "fiscal_year"))
        .with_columns(
            doc_no=(
                pl.col("kind").replace_strict(dict(enumerate(NUMBER_BASE)), return_dtype=pl.Int64)
                + pl.col("seq")
            ).cast(pl.String)
        )
        .select("doc", "doc_no")
    )
    return df.join(docs, on="doc", how="left", maintain_order="left")


def documents_needed(book: CustomerBook, items: int, first: int, last: int, seed: int) -> int:
    """How many documents to simulate so the last snapshot holds about ``items`` open lines.

    A pilot run measures the share of documents open at ``last``; the real run scales by it.
    """
    pilot = min(max(items * 6, 20_000), 400_000)
    # the regular business: stories cast in place change their own lines only, not the volume
    regular = replace(
        book, story=np.where(np.isin(book.story, IN_PLACE), 0, book.story).astype(book.story.dtype)
    )
    ledger = simulate(regular, pilot, np.random.default_rng([seed, 99]), first, last)
    open_last = ledger.filter((pl.col("post") <= last) & (pl.col("clear") > last)).height
    return max(1, math.ceil(pilot * items / max(open_last, 1)))


_TEXTS = (
    ("Rechnung", "Lieferung", "Rechnung Ersatzteile"),
    ("Dienstleistung", "Wartungsvertrag", "Frachtkosten"),
    ("Gutschrift Preisdifferenz", "Gutschrift Retoure", "Bonusgutschrift"),
    ("Zahlung a Konto", "Zahlungseingang ohne Avis", "Teilzahlung"),
)


def snapshot(
    ledger: pl.DataFrame, book: CustomerBook, as_of: date, *, cleared_since: date | None = None
) -> pl.DataFrame:
    """The customer line items of ``as_of`` in canonical column names (amounts in integer cents).

    Open items only, or with ``cleared_since`` an "all items" extract that also holds the lines
    cleared after that date and up to ``as_of`` (clearing date and clearing document set).
    Dispute flags and dunning levels are as the ERP shows them that day: a dispute appears once
    flagged (when raised, or months later for one settled informally that drags on), with its SAP
    dispute case id where it has one, and a disputed item's dunning level stays where it was
    (dunning block).
    """
    d = day(as_of)
    lower = d if cleared_since is None else day(cleared_since)
    df = ledger.filter((pl.col("post") <= d) & (pl.col("clear") > lower))
    master = book.master
    disputed_now = pl.col("dispute_day") <= d
    ref_day = pl.when(disputed_now).then(pl.col("dispute_day")).otherwise(d)
    overdue_days = ref_day - pl.col("due")
    dunning = pl.sum_horizontal([(overdue_days >= t).cast(pl.Int8) for t in DUNNING_FROM])
    cleared = pl.col("clear") <= d
    kind_name = pl.col("kind").replace_strict(dict(enumerate(KINDS)), return_dtype=pl.String)
    texts = [pl.lit(t) for group in _TEXTS for t in group]
    yyyymmdd = pl.col("post").cast(pl.Date).dt.strftime("%Y%m%d")
    tail = pl.col("doc_no").str.slice(5)
    return (
        df.with_columns(
            customer_id=master["customer_id"].gather(df["cust"]),
            customer_name=master["name"].gather(df["cust"]),
            collector=master["collector"].gather(df["cust"]),
            country=master["country"].gather(df["cust"]),
        )
        .select(
            "company_code",
            "customer_id",
            "customer_name",
            "doc_no",
            "fiscal_year",
            "line_item",
            kind_name.alias("doc_type"),
            pl.col("doc_date").cast(pl.Date),
            pl.col("post").cast(pl.Date).alias("posting_date"),
            pl.col("doc_date").cast(pl.Date).alias("baseline_date"),
            pl.col("due").cast(pl.Date).alias("due_date"),
            "amount",
            pl.lit("EUR").alias("currency"),
            "amount_doc",
            "doc_currency",
            pl.when(cleared).then(pl.col("clear").cast(pl.Date)).alias("clearing_date"),
            pl.when(cleared)
            .then((pl.struct("cust", "clear").rank("dense") + CLEARING_BASE).cast(pl.String))
            .alias("clearing_doc"),
            pl.when(pl.col("kind") < 2).then(dunning).otherwise(0).cast(pl.Int8).alias("dunning_level"),
            disputed_now.alias("disputed"),
            pl.when(disputed_now).then(pl.col("reason")).alias("dispute_reason"),
            pl.when(disputed_now & (pl.col("case_no") > 0))
            .then((pl.col("case_no").cast(pl.Int64) + DISPUTE_CASE_BASE).cast(pl.String))
            .alias("dispute_case"),
            pl.when(pl.col("kind") == 0)
            .then(pl.col("doc_no"))
            .when(pl.col("kind") == 1)
            .then(pl.format("RE{}-{}", pl.col("fiscal_year"), tail))
            .when(pl.col("kind") == 2)
            .then(pl.format("GS{}-{}", pl.col("fiscal_year"), tail))
            .otherwise(pl.format("KA{}", yyyymmdd))
            .alias("reference"),
            pl.when(pl.col("kind") == 3)
            .then(yyyymmdd)
            .when(pl.col("reason") != "NO_PO")
            .then(pl.col("po").cast(pl.String))
            .alias("assignment"),
            pl.concat_list(texts)
            .list.get(pl.col("kind").cast(pl.Int32) * 3 + pl.col("text_pick"))
            .alias("text"),
            "collector",
            "country",
        )
        .sort("company_code", "customer_id", "due_date", "doc_no", "line_item")
    )
