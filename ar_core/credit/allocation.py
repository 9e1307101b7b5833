"""Which open invoices an open credit (credit memo, payment on account, unapplied cash) settles.

A suggestion is a proposal for a collector, never a posting: "no suggestion is better than a wrong
one". Rules run in a fixed order over all credits, each stage claiming the invoices it uses so that
an invoice serves at most one suggestion and a stronger rule always gets it first:

1. ``reference`` — the credit's reference/assignment/text quotes invoice numbers (or an invoice's
   reference/assignment quotes the credit's document) and their open sum is at most the credit
   (the rest is the credit's residual), or exactly one subset of them equals the credit;
2. ``amount`` — one open invoice of the same account (customer, company code, currency) for the
   exact amount (within ``tolerance``); ties go to reference similarity; invoices told apart only by
   their age are reported as ambiguous (age alone was right half the time in the bench);
3. ``many_to_one`` — a set of 2..``max_set`` invoices summing to the credit, found by a bounded
   meet-in-the-middle search over the ``max_candidates`` invoices nearest in date; a pair always
   counts, three or four only as a date run or with a shared reference pattern (otherwise any
   large customer offers chance subsets);
4. ``partial`` — the credit quotes one invoice larger than itself, or the account has only one open
   invoice, larger than the credit: it settles part, the residual is the invoice's rest;
5. ``group`` — nothing at the customer, but a reference or a unique exact amount at another
   customer of the same group (customers ``parent_id``/``vat_id``) → ``needs_approval``.

Two equally good answers give one ``ambiguous`` row listing them; a credit with nothing gives no row.

Confidence scale (what a collector may take without looking twice is ≥ 0.95):

========================================  ==========
reference, quoted sum equals the credit   0.99
reference, credit larger (residual)       0.97
reference through a reference/assignment  −0.02
reference, one quoted subset equals       0.96
amount, unique, similar reference         0.90
amount, tie broken by reference           0.80
amount, unique                            0.75
amount, tied but for age                  ambiguous: age alone assigns nothing
many_to_one, pair as run/pattern          0.85; −0.05 per further invoice; 0.65 pair alone
partial, quoted invoice                   0.70
partial, only open invoice                0.50
group                                     × 0.8 of the rule found at the group member
ambiguous                                 the tied rule's confidence / number of candidates
========================================  ==========
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations

import numpy as np
import polars as pl

from ar_core.credit.references import normalise_reference_expr, spans
from ar_core.ledger import open_items
from ar_core.money import format_amount, from_cents, to_cents
from ar_core.schema import MONEY, doc_key, doc_key_expr, item_key_expr

SUGGESTION_SCHEMA: dict[str, pl.DataType] = {
    "credit_key": pl.String(),
    "credit_doc": pl.String(),
    "customer_id": pl.String(),
    "company_code": pl.String(),
    "currency": pl.String(),
    "credit_amount": MONEY,
    "invoice_keys": pl.List(pl.String()),
    "invoice_docs": pl.List(pl.String()),
    "invoice_customers": pl.List(pl.String()),
    "amount": MONEY,
    "residual": MONEY,
    "rule": pl.String(),
    "confidence": pl.Float64(),
    "evidence": pl.String(),
    "needs_approval": pl.Boolean(),
    "candidates": pl.List(pl.List(pl.String())),
}

RULES: tuple[str, ...] = ("reference", "amount", "many_to_one", "partial", "group", "ambiguous")

#: Reference similarity (difflib ratio) from which a typo'd number counts as "similar".
SIMILAR = 0.8
#: Most quoted invoices whose subsets are tried against the credit.
MAX_QUOTED_SUBSET = 10
#: Loop budget of the many-to-one search per credit; beyond it the credit is left alone (too many sets).
SEARCH_BUDGET = 4_000
#: Most candidate sets listed on an ambiguous row.
MAX_LISTED = 5


def money_text(cents: int) -> str:
    """``1,190.00``: how evidence writes an amount."""
    return format_amount(from_cents(cents), "en")


# --- the ledger side --------------------------------------------------------------------------


@dataclass
class Ledger:
    """Open invoices (amount > 0) sorted by account, date and key, as arrays for fast slicing."""

    key: list[str]
    doc: list[str]
    customer: list[str]
    ref: list[str]
    cents: np.ndarray
    day: np.ndarray
    account: np.ndarray
    #: (account id, form, invoice index, kind "doc"/"ref") for the reference joins.
    forms: pl.DataFrame
    accounts: dict[tuple[str, ...], int]
    claimed: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.claimed = np.zeros(len(self.key), dtype=bool)

    def slice(self, account: int) -> tuple[int, int]:
        lo = int(np.searchsorted(self.account, account, "left"))
        return lo, int(np.searchsorted(self.account, account, "right"))


def _cents_expr() -> pl.Expr:
    return (pl.col("amount").cast(MONEY) * 100).cast(pl.Int64).alias("_cents")


def build_ledger(invoices: pl.DataFrame, account_cols: tuple[str, ...]) -> Ledger:
    """Index the open invoices of ``invoices`` (item frame, amount > 0) by ``account_cols``."""
    frame = (
        invoices.with_columns(
            item_key_expr(),
            doc_key_expr(),
            _cents_expr(),
            normalise_reference_expr("doc_no").alias("_docn"),
            normalise_reference_expr("reference").alias("_ref"),
            normalise_reference_expr("assignment").alias("_asg"),
            pl.col("doc_date").cast(pl.Int32).fill_null(0).alias("_day"),
            *[pl.col(c).cast(pl.String).fill_null("") for c in account_cols],
        )
        .filter(pl.col("_cents") > 0)
        .with_columns(pl.concat_str(list(account_cols), separator="\x1f").alias("_acct_text"))
    )
    names = frame.select(pl.col("_acct_text").unique().sort())["_acct_text"].to_list()
    accounts = {tuple(n.split("\x1f")): i for i, n in enumerate(names)}
    frame = (
        frame.join(
            pl.DataFrame(
                {"_acct_text": names, "_acct": list(range(len(names)))},
                schema={"_acct_text": pl.String, "_acct": pl.Int64},
            ),
            on="_acct_text",
        )
        .sort("_acct", "_day", "_item_key")
        .with_row_index("_idx")
    )
    forms = pl.concat(
        [
            frame.select("_acct", pl.col("_doc_key").alias("form"), "_idx", pl.lit("doc").alias("kind")),
            frame.select("_acct", pl.col("_docn").alias("form"), "_idx", pl.lit("doc").alias("kind")),
            frame.select("_acct", pl.col("_ref").alias("form"), "_idx", pl.lit("ref").alias("kind")),
            frame.select("_acct", pl.col("_asg").alias("form"), "_idx", pl.lit("ref").alias("kind")),
        ]
    ).filter(pl.col("form").str.len_chars() >= 3)
    forms = forms.unique(["_acct", "form", "_idx"], keep="first", maintain_order=True)
    return Ledger(
        key=frame["_item_key"].to_list(),
        doc=frame["doc_no"].cast(pl.String).to_list(),
        customer=frame["customer_id"].cast(pl.String).to_list(),
        ref=frame["_ref"].to_list(),
        cents=frame["_cents"].to_numpy(),
        day=frame["_day"].to_numpy(),
        account=frame["_acct"].to_numpy(),
        forms=forms.with_columns(pl.col("_idx").cast(pl.Int64)),
        accounts=accounts,
    )


# --- the credit side --------------------------------------------------------------------------


@dataclass
class Credit:
    """A credit or a payment to allocate: ``cents`` is its positive magnitude."""

    key: str
    doc: str
    customer: str
    company_code: str
    currency: str
    cents: int
    day: int
    account: int
    text: str
    #: The credit's own document number: invoices whose reference quotes it belong to it.
    self_form: str = ""
    #: Whole-field forms that count as quoted (a structured creditor reference).
    extra_forms: tuple[str, ...] = ()
    group_accounts: tuple[int, ...] = ()
    #: Reference hits: [(text position, as written, invoice index, via "doc"/"ref")].
    hits: list[tuple[int, str, int, str]] = field(default_factory=list)
    group_hits: list[tuple[int, str, int, str]] = field(default_factory=list)
    tokens: tuple[str, ...] = ()


@dataclass
class Row:
    """One suggestion before it becomes a frame row."""

    credit: Credit
    invoices: list[int]
    amount: int
    residual: int
    rule: str
    confidence: float
    evidence: str
    needs_approval: bool = False
    candidates: list[list[str]] = field(default_factory=list)


def _token_frame(credits: list[Credit], group: bool) -> pl.DataFrame:
    """(credit index, position, as written, form, primary, account) for every quoted form."""
    rows: dict[str, list] = {"_c": [], "pos": [], "written": [], "form": [], "first": [], "_acct": []}
    for ci, credit in enumerate(credits):
        accounts = credit.group_accounts if group else (credit.account,)
        if not accounts or accounts == (-1,):
            continue
        quoted: list[tuple[int, str, str, bool]] = []
        for span in spans(credit.text):
            for n, (form, written) in enumerate(zip(span.forms, span.forms_written, strict=True)):
                quoted.append((span.start, written, form, n == 0))
        quoted.extend((-1, form, form, True) for form in credit.extra_forms if form)
        credit.tokens = tuple(dict.fromkeys(q[2] for q in quoted))
        for account in accounts:
            for pos, written, form, first in quoted:
                rows["_c"].append(ci)
                rows["pos"].append(pos)
                rows["written"].append(written)
                rows["form"].append(form)
                rows["first"].append(first)
                rows["_acct"].append(account)
            if credit.self_form:
                rows["_c"].append(ci)
                rows["pos"].append(10**9)
                rows["written"].append(credit.doc)
                rows["form"].append("\x00" + credit.self_form)
                rows["first"].append(True)
                rows["_acct"].append(account)
    schema = {"_c": pl.Int64, "pos": pl.Int64, "written": pl.String, "form": pl.String}
    schema |= {"first": pl.Boolean, "_acct": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def attach_hits(credits: list[Credit], ledger: Ledger, *, group: bool = False) -> None:
    """Fill ``hits`` (or ``group_hits``) of each credit by joining its quoted forms with the ledger's.

    A run read as one number wins over its chunks ("2024-0815" before "2024" and "0815"); a
    credit's own document matches only invoices whose reference/assignment quote it.
    """
    tokens = _token_frame(credits, group)
    if tokens.is_empty() or ledger.forms.is_empty():
        return
    forms = ledger.forms.with_columns(pl.col("_acct").cast(pl.Int64))
    quoted = forms.with_columns(
        pl.when(pl.col("kind") == "ref").then(pl.lit("\x00") + pl.col("form")).otherwise(None).alias("form")
    ).drop_nulls("form")
    hits = tokens.join(pl.concat([forms, quoted]), on=["_acct", "form"], how="inner")
    # Per span position: the run's own form if it hits, else its chunks.
    hits = hits.with_columns(pl.col("first").any().over("_c", "pos").alias("_run_hit")).filter(
        pl.col("first") | ~pl.col("_run_hit")
    )
    hits = hits.sort("_c", "pos", "_idx")
    target = "group_hits" if group else "hits"
    for ci, pos, written, idx, kind in hits.select("_c", "pos", "written", "_idx", "kind").iter_rows():
        getattr(credits[ci], target).append((pos, written, idx, kind))


# --- the rules --------------------------------------------------------------------------------


def _docs(ledger: Ledger, idx: list[int]) -> list[str]:
    return [ledger.doc[i] for i in idx]


def _invoice_text(ledger: Ledger, idx: list[int]) -> str:
    return ", ".join(f"{ledger.doc[i]} ({money_text(int(ledger.cents[i]))})" for i in idx)


def _quoted(
    credit: Credit, ledger: Ledger, hits: list[tuple[int, str, int, str]]
) -> tuple[list[int], str, bool]:
    """Unclaimed quoted invoices in text order, the quotes as written, whether only via references."""
    seen: dict[int, None] = {}
    written: dict[str, None] = {}
    only_ref = True
    for _pos, text, idx, kind in hits:
        if ledger.claimed[idx] or idx in seen:
            continue
        seen[idx] = None
        written[text] = None
        only_ref = only_ref and kind == "ref"
    return list(seen), " ".join(f"'{w}'" for w in written), only_ref


def _reference(credit: Credit, ledger: Ledger, tol: int, hits: list, rule: str = "reference") -> Row | None:
    """Rule 1 (and the group rule's first try); sets ``partial`` pending on the credit via a Row."""
    idx, written, only_ref = _quoted(credit, ledger, hits)
    if not idx:
        return None
    total = int(ledger.cents[idx].sum())
    via = "reference quotes invoice" if not only_ref else "invoice reference quotes"
    if total <= credit.cents + tol:
        exact = abs(total - credit.cents) <= tol
        conf = (0.99 if exact else 0.97) - (0.02 if only_ref else 0.0)
        rest = _rest_invoice(credit, ledger, idx, credit.cents - total) if not exact else None
        if rest is not None:  # the rest of the credit is exactly one more invoice (a typo'd second number)
            idx, total, conf = [*idx, rest], total + int(ledger.cents[rest]), 0.95
        amount = min(total, credit.cents)
        residual = credit.cents - amount
        evidence = f"{via} {written} → {_invoice_text(ledger, idx)}; credit {money_text(credit.cents)}"
        if rest is not None:
            evidence += f"; the rest equals invoice {ledger.doc[rest]}"
        if residual:
            evidence += f"; residual {money_text(residual)} of the credit"
        return Row(credit, idx, amount, residual, rule, conf, evidence)
    if len(idx) > 1:
        subsets = [
            s
            for size in range(1, min(len(idx), MAX_QUOTED_SUBSET) + 1)
            for s in combinations(idx[:MAX_QUOTED_SUBSET], size)
            if abs(int(ledger.cents[list(s)].sum()) - credit.cents) <= tol
        ]
        if len(subsets) == 1:
            chosen = list(subsets[0])
            amount = min(int(ledger.cents[chosen].sum()), credit.cents)
            evidence = (
                f"{via} {written}; of these {_invoice_text(ledger, chosen)} sum to the credit "
                f"{money_text(credit.cents)}"
            )
            return Row(credit, chosen, amount, credit.cents - amount, rule, 0.96, evidence)
        if len(subsets) > 1:
            return _ambiguous(credit, ledger, [list(s) for s in subsets], 0.96, f"{via} {written}: ")
    # Quoted invoices larger than the credit: rule 4 decides, after the amount rule had its say.
    evidence = f"{via} {written} → {_invoice_text(ledger, idx)} larger than the credit"
    return Row(credit, idx, credit.cents, total - credit.cents, "partial", 0.70, evidence)


def _rest_invoice(credit: Credit, ledger: Ledger, quoted: list[int], rest: int) -> int | None:
    """The one unclaimed, unquoted invoice of the credit's account for exactly ``rest``, if any."""
    if credit.account < 0 or rest <= 0:
        return None
    lo, hi = ledger.slice(credit.account)
    found = [int(lo + f) for f in np.nonzero((ledger.cents[lo:hi] == rest) & ~ledger.claimed[lo:hi])[0]]
    found = [f for f in found if f not in quoted]
    return found[0] if len(found) == 1 else None


def _ambiguous(credit: Credit, ledger: Ledger, sets: list[list[int]], conf: float, why: str) -> Row:
    listed = sorted((_docs(ledger, s) for s in sets), key=lambda d: (len(d), d))[:MAX_LISTED]
    evidence = (
        f"{why}{len(sets)} equally good candidates for credit {money_text(credit.cents)}: "
        + "; ".join("+".join(d) for d in listed)
    )
    return Row(
        credit, [], 0, credit.cents, "ambiguous", round(conf / len(sets), 4), evidence, candidates=listed
    )


def _similarity(credit: Credit, ledger: Ledger, i: int) -> float:
    """Best difflib ratio between a number the credit quotes and the invoice's number/reference."""
    if not credit.tokens:
        return 0.0
    targets = [doc_key(ledger.doc[i]), ledger.ref[i]]
    return max(
        difflib.SequenceMatcher(None, token, target).ratio()
        for token in credit.tokens
        for target in targets
        if target
    )


def _amount(credit: Credit, ledger: Ledger, tol: int, pending: Row | None) -> Row | None:
    """Rule 2: an unclaimed invoice of the account for the credit's amount."""
    lo, hi = ledger.slice(credit.account)
    if lo == hi:
        return None
    cents = ledger.cents[lo:hi]
    found = np.nonzero((np.abs(cents - credit.cents) <= tol) & ~ledger.claimed[lo:hi])[0]
    if not len(found):
        return None
    cands = [int(lo + f) for f in found]
    if pending is not None:  # quotes a larger invoice, but the amount points elsewhere: ask a human
        others = [c for c in cands if c not in pending.invoices]
        if others:
            return _ambiguous(
                credit, ledger, [pending.invoices, *[[c] for c in others]], 0.7, "quote vs amount: "
            )
    sims = {c: round(_similarity(credit, ledger, c), 2) for c in cands}

    def rank(c: int) -> tuple[float, int]:
        return (sims[c] if sims[c] >= SIMILAR else 0.0, -int(ledger.day[c]))

    ranked = sorted(cands, key=lambda c: (rank(c), ledger.key[c]), reverse=True)
    best = ranked[0]
    similar = rank(best)[0] > 0
    if len(ranked) == 1:
        conf, why = (0.90, "similar reference") if similar else (0.75, "only invoice of that amount")
    elif rank(best) == rank(ranked[1]):
        tied = [c for c in ranked if rank(c) == rank(best)]
        return _ambiguous(credit, ledger, [[c] for c in tied], 0.6, "same amount: ")
    elif rank(best)[0] > rank(ranked[1])[0]:
        conf, why = 0.80, f"reference closest ({sims[best]:.2f})"
    else:  # only the age tells them apart: a human decides (age alone was right half the time)
        tied = [c for c in ranked if rank(c)[0] == rank(best)[0]]
        return _ambiguous(credit, ledger, [[c] for c in tied], 0.6, "same amount, only the age differs: ")
    amount = min(int(ledger.cents[best]), credit.cents)
    evidence = (
        f"amount {money_text(credit.cents)} equals invoice {ledger.doc[best]} "
        f"({money_text(int(ledger.cents[best]))}); {why}"
    )
    return Row(credit, [best], amount, credit.cents - amount, "amount", conf, evidence)


def subset_sums(
    values: np.ndarray, lo: int, hi: int, max_set: int, budget: int = SEARCH_BUDGET
) -> list[tuple]:
    """Index sets of 2..min(max_set, 4) ``values`` whose sum lies in ``[lo, hi]``; ``None`` over budget.

    Meet in the middle: the pair sums are sorted once; a triple is a value plus a pair, a quadruple
    a pair plus a pair, each found by binary search, so 40 candidates cost two ``searchsorted``
    calls instead of 91,390 quadruples. Indices in each set ascend; each set is listed once.
    """
    n = len(values)
    out: list[tuple] = []
    if n < 2 or max_set < 2:
        return out
    a, b = np.triu_indices(n, 1)
    sums = values[a] + values[b]
    order = np.argsort(sums, kind="stable")
    s_sorted, a_s, b_s = sums[order], a[order], b[order]
    steps = 0
    out.extend(
        (int(x), int(y))
        for x, y in zip(a[(sums >= lo) & (sums <= hi)], b[(sums >= lo) & (sums <= hi)], strict=True)
    )
    if max_set >= 3:
        left = np.searchsorted(s_sorted, lo - values, "left")
        right = np.searchsorted(s_sorted, hi - values, "right")
        for k in np.nonzero(right > left)[0]:
            for t in range(left[k], right[k]):
                steps += 1
                if steps > budget:
                    return None  # type: ignore[return-value]
                if a_s[t] > k:
                    out.append((int(k), int(a_s[t]), int(b_s[t])))
    if max_set >= 4:
        left = np.searchsorted(s_sorted, lo - s_sorted, "left")
        right = np.searchsorted(s_sorted, hi - s_sorted, "right")
        for p in np.nonzero(right > left)[0]:
            for t in range(left[p], right[p]):
                steps += 1
                if steps > budget:
                    return None  # type: ignore[return-value]
                if a_s[t] > b_s[p]:
                    out.append((int(a_s[p]), int(b_s[p]), int(a_s[t]), int(b_s[t])))
    return out


def _pattern(refs: list[str]) -> bool:
    """Whether the invoices' references share a pattern (a common prefix of most of their length)."""
    if not all(refs):
        return False
    prefix = len(refs[0])
    for r in refs[1:]:
        n = 0
        while n < min(prefix, len(r)) and r[n] == refs[0][n]:
            n += 1
        prefix = n
    return prefix >= max(4, int(0.6 * min(len(r) for r in refs)))


def _many_to_one(  # noqa: PLR0911 - one early exit per bound
    credit: Credit, ledger: Ledger, tol: int, max_set: int, max_candidates: int
) -> Row | None:
    """Rule 3: a small set of the account's invoices summing to the credit."""
    lo, hi = ledger.slice(credit.account)
    if hi - lo < 2:
        return None
    cents = ledger.cents[lo:hi]
    usable = np.nonzero((cents <= credit.cents + tol) & ~ledger.claimed[lo:hi])[0]
    if len(usable) < 2:
        return None
    if len(usable) > max_candidates:
        distance = np.abs(ledger.day[lo + usable] - credit.day)
        usable = np.sort(usable[np.argsort(distance, kind="stable")[:max_candidates]])
    values = cents[usable]
    if int(values.sum()) < credit.cents - tol:
        return None
    sets = subset_sums(values, credit.cents - tol, credit.cents + tol, max_set)
    if sets is None or not sets:
        return None
    scored = []
    for s in sets:
        run = max(s) - min(s) == len(s) - 1  # consecutive by date among the candidates
        idx = [int(lo + usable[i]) for i in s]
        shared = _pattern([ledger.ref[i] for i in idx])
        if len(s) > 2 and not (run or shared):
            continue
        diff = abs(int(ledger.cents[idx].sum()) - credit.cents)
        scored.append(((run or shared), -len(s), -diff, idx, run, shared))
    if not scored:
        return None
    scored.sort(key=lambda t: t[:3], reverse=True)
    best = scored[0]
    ties = [t[3] for t in scored if t[:3] == best[:3]]
    conf = 0.85 - 0.05 * (len(best[3]) - 2) if best[0] else 0.65
    if len(ties) > 1:
        return _ambiguous(credit, ledger, ties, conf, "several invoice sets: ")
    idx = sorted(best[3], key=lambda i: (int(ledger.day[i]), ledger.key[i]))
    total = int(ledger.cents[idx].sum())
    amount = min(total, credit.cents)
    why = "a date run" if best[4] else "shared reference pattern" if best[5] else "a pair"
    evidence = (
        f"{_invoice_text(ledger, idx)} sum to {money_text(total)} ({why}); credit {money_text(credit.cents)}"
    )
    residual = credit.cents - amount if total <= credit.cents else total - amount
    if residual:
        evidence += (
            f"; residual {money_text(residual)} of the {'credit' if total <= credit.cents else 'invoices'}"
        )
    return Row(credit, idx, amount, residual, "many_to_one", round(conf, 2), evidence)


def _only_invoice(credit: Credit, ledger: Ledger) -> Row | None:
    """Rule 4b: the account's one open invoice, larger than the credit."""
    lo, hi = ledger.slice(credit.account)
    open_idx = [i for i in range(lo, hi) if not ledger.claimed[i]]
    if len(open_idx) != 1 or int(ledger.cents[open_idx[0]]) <= credit.cents:
        return None
    i = open_idx[0]
    rest = int(ledger.cents[i]) - credit.cents
    evidence = (
        f"only open invoice {ledger.doc[i]} ({money_text(int(ledger.cents[i]))}); credit "
        f"{money_text(credit.cents)} settles part; residual {money_text(rest)} of the invoice"
    )
    return Row(credit, [i], credit.cents, rest, "partial", 0.50, evidence)


def _group(credit: Credit, ledger: Ledger, tol: int) -> Row | None:
    """Rule 5: a reference or a unique exact amount at another customer of the credit's group."""
    row = _reference(credit, ledger, tol, credit.group_hits, rule="group")
    if row is None:
        cands = []
        for account in credit.group_accounts:
            lo, hi = ledger.slice(account)
            found = np.nonzero((np.abs(ledger.cents[lo:hi] - credit.cents) <= tol) & ~ledger.claimed[lo:hi])[
                0
            ]
            cands.extend(int(lo + f) for f in found)
        if len(cands) > 1:
            row = _ambiguous(credit, ledger, [[c] for c in cands], 0.75 * 0.8, "same amount in the group: ")
            row.needs_approval = True
            return row
        if not cands:
            return None
        c = cands[0]
        evidence = f"amount {money_text(credit.cents)} equals invoice {ledger.doc[c]}"
        evidence += f" of customer {ledger.customer[c]}"
        row = Row(credit, [c], min(int(ledger.cents[c]), credit.cents), 0, "group", 0.75, evidence)
        row.residual = credit.cents - row.amount
    if row.rule == "ambiguous":
        row.needs_approval = True
        return row
    row.rule = "group"
    row.confidence = round(row.confidence * 0.8, 4)
    row.needs_approval = True
    row.evidence = f"group member {ledger.customer[row.invoices[0]]}: {row.evidence}"
    return row


def _claim(ledger: Ledger, row: Row) -> bool:
    if row.rule == "ambiguous":
        return True
    if ledger.claimed[row.invoices].any():
        return False
    ledger.claimed[row.invoices] = True
    return True


def allocate(  # noqa: PLR0912 - the five stages read best in one place
    credits: list[Credit], ledger: Ledger, *, tolerance: int, max_set: int, max_candidates: int
) -> dict[int, Row]:
    """Run the rules in order over ``credits`` (hits attached); the suggestion per credit index."""
    decided: dict[int, Row] = {}
    pending: dict[int, Row] = {}
    # 1. reference, greedy by confidence then credit key
    proposals = []
    for ci, credit in enumerate(credits):
        if credit.hits:
            row = _reference(credit, ledger, tolerance, credit.hits)
            if row is not None:
                proposals.append((ci, row))
    proposals.sort(key=lambda p: (-p[1].confidence, p[1].credit.key))
    for ci, row in proposals:
        if row.rule == "partial":
            pending[ci] = row
        elif _claim(ledger, row):
            decided[ci] = row
        else:
            decided[ci] = _ambiguous(
                row.credit, ledger, [row.invoices], row.confidence, "invoice taken by another credit: "
            )
    order = sorted((i for i in range(len(credits)) if i not in decided), key=lambda i: credits[i].key)
    # 2. amount, 3. many to one — claiming in credit-key order
    for stage in ("amount", "many_to_one"):
        for ci in order:
            if ci in decided or credits[ci].account < 0 or (stage == "many_to_one" and ci in pending):
                continue
            credit = credits[ci]
            if stage == "amount":
                row = _amount(credit, ledger, tolerance, pending.get(ci))
            else:
                row = _many_to_one(credit, ledger, tolerance, max_set, max_candidates)
            if row is not None and _claim(ledger, row):
                decided[ci] = row
    # 4. partial
    for ci in order:
        if ci in decided or credits[ci].account < 0:
            continue
        row = pending.get(ci)
        if row is not None and ledger.claimed[row.invoices].any():
            row = _ambiguous(
                credits[ci], ledger, [row.invoices], row.confidence, "invoice taken by another credit: "
            )
        elif row is None and not credits[ci].hits:
            row = _only_invoice(credits[ci], ledger)
        if row is not None and _claim(ledger, row):
            decided[ci] = row
    # 5. group
    for ci in order:
        if ci in decided or not credits[ci].group_accounts:
            continue
        row = _group(credits[ci], ledger, tolerance)
        if row is not None and _claim(ledger, row):
            decided[ci] = row
    return decided


# --- the public function ----------------------------------------------------------------------


def customer_groups(customers: pl.DataFrame | None) -> dict[str, str]:
    """Customer → group id from ``parent_id``/``vat_id`` (union of both); ``{}`` without those columns."""
    if customers is None or not ({"parent_id", "vat_id"} & set(customers.columns)):
        return {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cols = [c for c in ("parent_id", "vat_id") if c in customers.columns]
    for row in customers.select("customer_id", *cols).iter_rows(named=True):
        cust = str(row["customer_id"])
        find(cust)
        for col in cols:
            value = row[col]
            if value is not None and str(value).strip():
                node = str(value).strip() if col == "parent_id" else "vat:" + str(value).strip().upper()
                parent[find(cust)] = find(node)
    members: dict[str, list[str]] = {}
    for cust in list(parent):
        if not cust.startswith("vat:"):
            members.setdefault(find(cust), []).append(cust)
    return {c: g for g, cs in members.items() if len(cs) > 1 for c in cs}


def group_index(ledger: Ledger, groups: dict[str, str]) -> dict[tuple[str, ...], list[tuple[str, int]]]:
    """(group, rest of the account) → [(customer, account id)] of the ledger's accounts in groups."""
    index: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for acct, i in sorted(ledger.accounts.items(), key=lambda a: a[1]):
        group = groups.get(acct[0])
        if group is not None:
            index.setdefault((group, *acct[1:]), []).append((acct[0], i))
    return index


def group_accounts(
    index: dict[tuple[str, ...], list[tuple[str, int]]],
    groups: dict[str, str],
    customer: str,
    rest: tuple[str, ...],
) -> tuple[int, ...]:
    """Accounts of the other customers of ``customer``'s group with the same company code/currency."""
    group = groups.get(customer)
    if group is None:
        return ()
    return tuple(i for c, i in index.get((group, *rest), []) if c != customer)


def to_frame(rows: list[Row], ledger: Ledger) -> pl.DataFrame:
    """Suggestion rows as :data:`SUGGESTION_SCHEMA`, sorted by customer and credit key."""
    rows = sorted(rows, key=lambda r: (r.credit.customer, r.credit.key))
    data = {
        "credit_key": [r.credit.key for r in rows],
        "credit_doc": [r.credit.doc for r in rows],
        "customer_id": [r.credit.customer for r in rows],
        "company_code": [r.credit.company_code for r in rows],
        "currency": [r.credit.currency for r in rows],
        "credit_amount": [from_cents(r.credit.cents) for r in rows],
        "invoice_keys": [[ledger.key[i] for i in r.invoices] for r in rows],
        "invoice_docs": [_docs(ledger, r.invoices) for r in rows],
        "invoice_customers": [[ledger.customer[i] for i in r.invoices] for r in rows],
        "amount": [from_cents(r.amount) for r in rows],
        "residual": [from_cents(r.residual) for r in rows],
        "rule": [r.rule for r in rows],
        "confidence": [float(r.confidence) for r in rows],
        "evidence": [r.evidence for r in rows],
        "needs_approval": [r.needs_approval for r in rows],
        "candidates": [r.candidates for r in rows],
    }
    return pl.DataFrame(data, schema=SUGGESTION_SCHEMA)


def suggest_allocations(
    items: pl.DataFrame,
    customers: pl.DataFrame | None,
    as_of: date,
    *,
    tolerance: Decimal = Decimal("0.00"),
    max_set: int = 4,
    max_candidates: int = 40,
) -> pl.DataFrame:
    """Suggestions (:data:`SUGGESTION_SCHEMA`) for the open credits of ``items`` at ``as_of``.

    Credits match only invoices of the same customer, company code and currency, except through
    the group rule (flagged ``needs_approval``). Deterministic: the result does not depend on the
    row order of ``items``; ``max_set`` above 4 is read as 4.
    """
    tol = to_cents(tolerance)
    frame = open_items(items, as_of).with_columns(_cents_expr())
    cols = ("customer_id", "company_code", "currency")
    ledger = build_ledger(frame.filter(pl.col("_cents") > 0).drop("_cents"), cols)
    groups = customer_groups(customers)
    index = group_index(ledger, groups)
    credit_frame = (
        frame.filter(pl.col("_cents") < 0)
        .with_columns(
            item_key_expr(),
            doc_key_expr(),
            pl.col("doc_date").cast(pl.Int32).fill_null(0).alias("_day"),
            pl.concat_str(
                [pl.col(c).cast(pl.String).fill_null("") for c in ("reference", "assignment", "text")],
                separator=" | ",
            ).alias("_text"),
            *[pl.col(c).cast(pl.String).fill_null("") for c in cols],
        )
        .sort("_item_key")
    )
    credits = []
    for key, doc, cust, cc, cur, cents, day, text, dkey in credit_frame.select(
        "_item_key", "doc_no", *cols, "_cents", "_day", "_text", "_doc_key"
    ).iter_rows():
        credits.append(
            Credit(
                key=key,
                doc=str(doc),
                customer=cust,
                company_code=cc,
                currency=cur,
                cents=-int(cents),
                day=int(day),
                account=ledger.accounts.get((cust, cc, cur), -1),
                text=text,
                self_form=dkey,
                group_accounts=group_accounts(index, groups, cust, (cc, cur)),
            )
        )
    attach_hits(credits, ledger)
    if groups:
        attach_hits(credits, ledger, group=True)
    decided = allocate(credits, ledger, tolerance=tol, max_set=min(max_set, 4), max_candidates=max_candidates)
    return to_frame(list(decided.values()), ledger)


__all__ = ["RULES", "SUGGESTION_SCHEMA", "customer_groups", "suggest_allocations"]
