"""``python -m tools.bench_credit``: precision/recall per rule and speed of the credit allocation.

Labelled cases come from a generator whose true invoices are known, with the noise collectors meet:
prefixes and extra words, leading zeros, typos in quoted numbers, partial payments, unrelated
credits, duplicate amounts and several invoices in one credit. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import polars as pl

from ar_core.credit.allocation import item_key_expr, suggest_allocations
from ar_core.schema import ITEM_SCHEMA

AS_OF = date(2025, 6, 30)
START = date(2025, 1, 1)
PREFIXES = ["RE ", "Re. ", "Rechnung ", "Rg.-Nr. ", "INV ", "Invoice ", "factuur ", "fact. ", "Nr. ", "#", ""]
WORDS = ["Gutschrift", "Zahlung", "Danke", "betaling", "Teilzahlung", "Bonus", "Retoure", "zu", "voor"]


def _quote(rng: random.Random, doc: str) -> str:
    """How a customer writes ``doc``: a prefix, maybe leading zeros, maybe a typo, extra words."""
    text = doc.lstrip("0") if rng.random() < 0.5 else doc
    if rng.random() < 0.08:  # a typo: one digit swapped for another
        i = rng.randrange(len(text))
        text = text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
    words = rng.sample(WORDS, rng.randint(0, 2))
    date_text = f" vom {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025" if rng.random() < 0.3 else ""
    return " ".join([*words[:1], rng.choice(PREFIXES) + text + date_text, *words[1:]]).strip()


def labelled_cases(seed: int, customers: int, items: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """An items frame (about ``items`` invoices plus a tenth as credits) and its truth.

    ``truth``: credit_key, kind (reference, amount, many_to_one, partial, unrelated), invoice_keys
    (the invoices the credit belongs to; empty for an unrelated credit).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    nrng = np.random.default_rng(seed)
    cust = np.sort(nrng.integers(0, customers, items))
    cents = nrng.integers(1_000, 500_000, items)
    dup = nrng.random(items) < 0.05  # duplicate amounts within a customer
    cents[1:][dup[1:]] = cents[:-1][dup[1:]]
    days = nrng.integers(0, 170, items)
    invoices = pl.DataFrame(
        {
            "customer_id": [f"K{c:06d}" for c in cust],
            "doc_no": [f"00{1800000000 + i}" for i in range(items)],
            "doc_date": [START + timedelta(days=int(d)) for d in days],
            "cents": cents,
        }
    ).sort("customer_id", "doc_date", "doc_no")
    inv_cust = invoices["customer_id"].to_list()
    inv_doc = invoices["doc_no"].to_list()
    inv_cents = invoices["cents"].to_list()
    inv_date = invoices["doc_date"].to_list()
    used = np.zeros(items, dtype=bool)
    credits: list[dict] = []
    truth: list[tuple[int, str, list[int]]] = []
    n_credits = items // 10
    for n in range(n_credits):
        kind = rng.choices(
            ["reference", "amount", "many_to_one", "partial", "unrelated"], [35, 25, 15, 10, 15]
        )[0]
        i = rng.randrange(items - 3)
        if kind == "many_to_one":
            picks = [i, i + 1] if rng.random() < 0.6 else [i, i + 1, i + 2]
        else:
            picks = [i, i + 1] if kind == "reference" and rng.random() < 0.2 else [i]
        if any(used[p] for p in picks) or len({inv_cust[p] for p in picks}) > 1:
            continue
        total = sum(inv_cents[p] for p in picks)
        text = None
        if kind == "reference":
            text = " u. ".join(_quote(rng, inv_doc[p]) for p in picks)
            amount = total
        elif kind == "partial":
            text = _quote(rng, inv_doc[i])
            amount = total * rng.randint(20, 80) // 100
        elif kind == "unrelated":
            amount = rng.randint(1_000, 500_000)
            picks = []
        else:
            amount = total
        for p in picks:
            used[p] = True
        c = inv_cust[i]
        credits.append(
            {
                "customer_id": c,
                "doc_no": f"{1700000000 + n}",
                "doc_date": inv_date[picks[-1]] + timedelta(days=rng.randint(3, 40))
                if picks
                else inv_date[i],
                "cents": -amount,
                "text": text,
            }
        )
        truth.append((n, kind, picks))
    frame = pl.concat(
        [
            invoices.with_columns(pl.lit(None, pl.String).alias("text")),
            pl.DataFrame(
                credits,
                schema={
                    "customer_id": pl.String,
                    "doc_no": pl.String,
                    "doc_date": pl.Date,
                    "cents": pl.Int64,
                    "text": pl.String,
                },
            ),
        ]
    )
    frame = frame.with_columns(
        pl.lit("1000").alias("company_code"),
        pl.lit(2025, pl.Int32).alias("fiscal_year"),
        pl.lit(1, pl.Int32).alias("line_item"),
        pl.when(pl.col("cents") > 0).then(pl.lit("RV")).otherwise(pl.lit("DG")).alias("doc_type"),
        (pl.col("doc_date") + pl.duration(days=30)).alias("due_date"),
        (pl.col("cents").cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)).alias("amount"),
        pl.lit("EUR").alias("currency"),
        pl.lit(None, pl.String).alias("reference"),
        pl.lit(None, pl.String).alias("assignment"),
        pl.lit(None, pl.Date).alias("clearing_date"),
    ).drop("cents")
    frame = frame.select([pl.col(c).cast(ITEM_SCHEMA[c]) for c in frame.columns])
    frame = frame.with_columns(item_key_expr())
    keys = dict(zip(frame["doc_no"].to_list(), frame["_item_key"].to_list(), strict=True))
    frame = frame.drop("_item_key")
    truth_frame = pl.DataFrame(
        {
            "credit_key": [keys[f"{1700000000 + n}"] for n, _, _ in truth],
            "kind": [k for _, k, _ in truth],
            "invoice_keys": [sorted(keys[inv_doc[p]] for p in picks) for _, _, picks in truth],
        },
        schema={"credit_key": pl.String, "kind": pl.String, "invoice_keys": pl.List(pl.String)},
    )
    return frame, truth_frame


def score(suggestions: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Precision per rule (suggestion's invoice set equals the truth) and recall per true kind."""
    joined = suggestions.join(truth, on="credit_key", how="left", suffix="_true").with_columns(
        (pl.col("invoice_keys").list.sort() == pl.col("invoice_keys_true")).fill_null(False).alias("correct")
    )
    decided = joined.filter(pl.col("rule") != "ambiguous")
    per_rule = decided.group_by("rule").agg(pl.len().alias("n"), pl.col("correct").mean().alias("precision"))
    overall = decided.select(
        pl.lit("ALL").alias("rule"), pl.len().alias("n"), pl.col("correct").mean().alias("precision")
    )
    confident = decided.filter(pl.col("confidence") >= 0.65).select(
        pl.lit("ALL conf>=0.65").alias("rule"),
        pl.len().alias("n"),
        pl.col("correct").mean().alias("precision"),
    )
    return pl.concat([per_rule.sort("rule"), overall, confident])


def recall(suggestions: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    joined = (
        truth.filter(pl.col("invoice_keys").list.len() > 0)
        .join(
            suggestions.filter(pl.col("rule") != "ambiguous").select(
                "credit_key", pl.col("invoice_keys").list.sort().alias("got")
            ),
            on="credit_key",
            how="left",
        )
        .with_columns((pl.col("got") == pl.col("invoice_keys")).fill_null(False).alias("found"))
    )
    per = (
        joined.group_by("kind").agg(pl.len().alias("n"), pl.col("found").mean().alias("recall")).sort("kind")
    )
    return pl.concat(
        [
            per,
            joined.select(
                pl.lit("ALL").alias("kind"), pl.len().alias("n"), pl.col("found").mean().alias("recall")
            ),
        ]
    )


def report(seed: int, customers: int = 2_000, items: int = 60_000) -> None:
    """Print precision per rule and recall per kind of a labelled run."""
    frame, truth = labelled_cases(seed, customers, items)
    started = time.perf_counter()
    suggestions = suggest_allocations(frame, None, AS_OF)
    took = time.perf_counter() - started
    credits = truth.height
    print(f"seed {seed}: {customers} customers, {frame.height} items, {credits} credits, {took:.1f} s")
    with pl.Config(tbl_rows=20, float_precision=4):
        print(score(suggestions, truth))
        print(recall(suggestions, truth))
        print(suggestions.group_by("rule").len().sort("rule"))


def speed(credits: int = 100_000, items: int = 1_000_000, customers: int = 50_000) -> float:
    """Seconds to suggest for about ``credits`` open credits against ``items`` open invoices."""
    frame, truth = labelled_cases(7, customers, items)
    extra = credits - truth.height
    if extra > 0:  # top up with unrelated credits
        more = frame.filter(pl.col("amount") > 0).sample(extra, seed=1, with_replacement=True)
        more = more.with_columns(
            (pl.lit("17") + pl.int_range(pl.len()).cast(pl.String).str.zfill(9)).alias("doc_no"),
            (-pl.col("amount") - Decimal("0.07")).cast(pl.Decimal(18, 2)).alias("amount"),
            pl.lit(2024, pl.Int32).alias("fiscal_year"),
        )
        frame = pl.concat([frame, more])
    n_credits = frame.filter(pl.col("amount") < 0).height
    started = time.perf_counter()
    out = suggest_allocations(frame, None, AS_OF)
    took = time.perf_counter() - started
    print(
        f"speed: {n_credits} open credits, {frame.height - n_credits} open invoices → "
        f"{out.height} rows in {took:.1f} s"
    )
    return took


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small labelled run and a tenth-size speed run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.quick:
        report(args.seed, 300, 8_000)
        speed(10_000, 100_000, 5_000)
        return
    for seed in (args.seed, args.seed + 1):
        report(seed)
    speed()


if __name__ == "__main__":
    main()


# --- make bench (tools.bench): the budgets, each measured beside a floor ------------------


def _speed_frame() -> pl.DataFrame:
    """About 100,000 open credits against 1,000,000 open invoices (labelled cases, topped up)."""
    frame, truth = labelled_cases(7, 50_000, 1_000_000)
    extra = 100_000 - truth.height
    if extra > 0:
        more = frame.filter(pl.col("amount") > 0).sample(extra, seed=1, with_replacement=True)
        more = more.with_columns(
            (pl.lit("17") + pl.int_range(pl.len()).cast(pl.String).str.zfill(9)).alias("doc_no"),
            (-pl.col("amount") - Decimal("0.07")).cast(pl.Decimal(18, 2)).alias("amount"),
            pl.lit(2024, pl.Int32).alias("fiscal_year"),
        )
        frame = pl.concat([frame, more])
    return frame


def bench_allocate(_data, _work) -> None:
    from tools.bench import _Timed

    frame = _speed_frame()
    with _Timed():
        suggest_allocations(frame, None, AS_OF)


def bench_allocate_floor(_data, _work) -> None:
    """One pass over the same items grouped by customer and currency: what any rule must at least read."""
    from tools.bench import _Timed

    frame = _speed_frame()
    with _Timed():
        frame.group_by("customer_id", "currency").agg(pl.col("amount").sum(), pl.len())


CAMT_ENTRIES = 10_000


def _camt_text(items: pl.DataFrame, entries: int) -> bytes:
    """A camt.053.001.02 statement of ``entries`` incoming payments quoting open invoices."""
    rng = random.Random(53)  # noqa: S311 - a load pattern, not a secret
    invoices = items.filter(pl.col("amount") > 0).select("doc_no", "amount", "customer_name").rows()
    parts = []
    for n in range(entries):
        doc, amount, name = invoices[rng.randrange(len(invoices))]
        parts.append(
            '<Ntry><Amt Ccy="EUR">{a}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            "<BookgDt><Dt>2025-07-01</Dt></BookgDt><ValDt><Dt>2025-07-01</Dt></ValDt>"
            "<AcctSvcrRef>B{n}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            '<AmtDtls><TxAmt><Amt Ccy="EUR">{a}</Amt></TxAmt></AmtDtls>'
            "<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties>"
            "<RmtInf><Ustrd>Rechnung {doc}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>".format(
                a=f"{amount:.2f}", n=n, name=(name or "Kunde").replace("&", "und"), doc=doc
            )
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2025-07-01T18:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>BENCH-1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2025-07-01T18:00:00</CreDtTm>"
        "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + "".join(parts)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _camt_store(work) -> tuple[object, bytes]:
    """A store holding one snapshot of 100,000 open items, and a statement paying some of them."""
    from ar_core.access.actor import Actor
    from ar_core.collections.lifecycle import import_snapshot
    from ar_core.ingest.result import ExtractResult
    from ar_core.store.db import make_engine, migrate

    frame, _truth = labelled_cases(3, 5_000, 100_000)
    engine = make_engine(f"sqlite:///{work / 'camt.sqlite'}")
    migrate(engine)
    lead = Actor(username="bench", name="Benchmark", roles=frozenset({"lead"}))
    frame = frame.with_columns(
        [pl.lit(None, dtype).alias(c) for c, dtype in ITEM_SCHEMA.items() if c not in frame.columns]
    ).with_columns(
        pl.lit("Kunde ").add(pl.col("customer_id")).alias("customer_name"), pl.lit(False).alias("disputed")
    )
    rows = frame.with_columns(pl.int_range(1, pl.len() + 1).alias("source_row")).select(list(ITEM_SCHEMA))
    result = ExtractResult(
        file_name="bench.csv", file_hash="bench", source_format="bench", as_of=AS_OF, items=rows
    )
    import_snapshot(engine, lead, result)
    return engine, _camt_text(frame, CAMT_ENTRIES)


def bench_camt(_data, work) -> None:
    from ar_core.access.actor import Actor
    from ar_core.credit import import_bank_statement
    from tools.bench import _Timed

    engine, data = _camt_store(work)
    lead = Actor(username="bench", name="Benchmark", roles=frozenset({"lead"}))
    with _Timed():
        outcome = import_bank_statement(engine, lead, data, "bench.xml")
    assert outcome["transactions"] == CAMT_ENTRIES, outcome


def bench_camt_floor(_data, work) -> None:
    """Parsing the same XML with the standard library (what reading it costs at least)."""
    import xml.etree.ElementTree as ET

    from tools.bench import _Timed

    _engine, data = _camt_store(work)
    with _Timed():
        ET.fromstring(data)  # noqa: S314 - our own generated file
