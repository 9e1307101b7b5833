"""The demo's bank statement: one camt.053.001.02 day statement of the team's account at Commerzbank
Hamburg, booked on the first bank business day after the last key date, imported like a lead's upload.

The payments are drawn from the open invoices of the last snapshot, so they settle real items and
the worklist shows them as "paid, not yet applied" until the next extract: customers quoting
invoice numbers as they type them ("RE 1800000123", "Rechnung 1800000123 u. 1800000124",
"factuur ...", "Rg.-Nr. 9000 0042 17", "Facture n° ..."), one quoting the invoice's own reference
("RE2026-00728"), a Dutch payment with a structured reference (``Issr`` CUR), a partial payment and
one less 2 % cash discount, a collective credit of two transfers (a batch entry), a payment that
only the payer's name (as banks write it: upper case, umlauts spelled out) and its amount tie to a
customer, one from an unknown payer, a reversal of an earlier credit and the bank's account fee.
No payer IBAN is in the customer master, so every customer is found by reference or by name.

Seeded: the same ledger and seed give the same bytes. :func:`load_demo_bank` is the hook the demo
load calls last; :func:`demo_statement` builds the file (no store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import numpy as np
import polars as pl

from ar_core.ingest import iban_check_digits
from ar_core.ledger import open_items

if TYPE_CHECKING:
    from collections.abc import Callable

    import sqlalchemy as sa

#: The demo team's account (the letterhead's IBAN and BIC, ``ar_core.demo.build.DEMO_LETTERHEAD``).
ACCOUNT_IBAN = "DE89370400440532013000"
ACCOUNT_BIC = "COBADEFFXXX"
ACCOUNT_OWNER = "Nordwind Handel GmbH"
#: Payers' banks per country: (bank code or BIC stem, account digits) -> BBAN built in :func:`_iban`.
_BANKS = {
    "DE": ("10070000", "20040000", "50010517", "60050101", "70020270", "30050110"),
    "AT": ("20111", "12000", "32000", "14000"),
    "NL": ("ABNA", "INGB", "RABO", "SNSB"),
    "FR": ("3000400003", "3000600001", "1027800001"),
}
_SEPA_CREDIT = "PMNT/RCDT/ESCT"
_RETURN = "PMNT/RCDT/RRTN"
_MONEY = Decimal("0.01")


@dataclass
class Tx:
    """One transaction of an entry: who paid what with which words."""

    amount: Decimal
    name: str | None
    iban: str | None
    ustrd: str | None = None
    cur_reference: str | None = None
    e2e: str | None = None
    code: str = _SEPA_CREDIT


@dataclass
class Entry:
    """One booking on the account; more than one transaction makes it a batch."""

    direction: str  # CRDT / DBIT
    txs: list[Tx] = field(default_factory=list)
    reversal: bool = False
    info: str | None = None  # AddtlNtryInf
    code: str = _SEPA_CREDIT
    amount: Decimal | None = None  # an entry without transactions (the fee)

    @property
    def total(self) -> Decimal:
        return self.amount if self.amount is not None else sum((t.amount for t in self.txs), Decimal(0))


def statement_day(last_as_of: date) -> date:
    """The first bank business day after the key date (a Friday's extract: the Monday)."""
    day = last_as_of + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _iban(country: str, rng: np.random.Generator) -> str:
    """A valid IBAN of ``country`` at one of :data:`_BANKS`' banks (account number drawn)."""
    bank = str(rng.choice(_BANKS[country]))
    if country == "DE":
        bban = bank + f"{int(rng.integers(10**9, 10**10)):010d}"
    elif country == "AT":
        bban = bank + f"{int(rng.integers(10**10, 10**11)):011d}"
    elif country == "NL":
        bban = bank + f"{int(rng.integers(10**8, 10**10)):010d}"
    else:  # FR: bank + branch, account, RIB key
        account = f"{int(rng.integers(10**10, 10**11)):011d}"
        rib = 97 - (int(bank[:5]) * 89 + int(bank[5:]) * 15 + int(account) * 3) % 97
        bban = bank + account + f"{rib:02d}"
    return f"{country}{iban_check_digits(country, bban)}{bban}"


def _bank_name(name: str) -> str:
    """How a bank passes the payer's name on: upper case, umlauts spelled out, at most 70 characters."""
    out = name.upper()
    for a, b in (("Ä", "AE"), ("Ö", "OE"), ("Ü", "UE"), ("ß", "SS"), ("É", "E"), ("È", "E")):
        out = out.replace(a, b)
    return out[:70]


def nl_payment_reference(number: str) -> str:
    """A 16-digit Dutch betalingskenmerk for ``number`` (check digit first, then 15 digits)."""
    body = f"{int(number):015d}"
    weights = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
    total = sum(int(d) * weights[i % 10] for i, d in enumerate(reversed(body)))
    check = {10: 1, 11: 0}.get(11 - total % 11, 11 - total % 11)
    return f"{check}{body}"


def _pool(items: pl.DataFrame, as_of: date, skip: set[str]) -> pl.DataFrame:
    """Invoices a customer would pay: open, overdue or nearly due, undisputed, single-line, EUR, with
    an amount no other open invoice or credit of the customer has (one answer for every rule)."""
    frame = open_items(items, as_of)
    credits = frame.filter(pl.col("amount") < 0)
    quoted = set(credits["assignment"].drop_nulls().to_list())
    same_amount = credits.select("customer_id", (-pl.col("amount")).alias("amount"))
    return (
        frame.filter(
            pl.col("doc_type").is_in(["RV", "DR"]),
            pl.col("amount") > 0,
            ~pl.col("disputed").fill_null(False),
            pl.col("currency") == "EUR",
            pl.col("doc_currency").fill_null("EUR") == "EUR",
            pl.col("due_date") <= as_of + timedelta(days=7),
            ~pl.col("customer_id").is_in(sorted(skip)),
            ~pl.col("doc_no").is_in(sorted(quoted)),
            pl.col("amount").is_between(Decimal("150.00"), Decimal("40000.00")),
        )
        .filter(pl.len().over("company_code", "fiscal_year", "doc_no") == 1)
        .join(same_amount, on=["customer_id", "amount"], how="anti")
        .filter(pl.len().over("customer_id", "amount") == 1)
        .sort("customer_id", "due_date", "doc_no")
    )


class _Draw:
    """Customers drawn once each, from one country, with their oldest invoices."""

    def __init__(self, pool: pl.DataFrame, rng: np.random.Generator) -> None:
        self.pool, self.rng, self.used = pool, rng, set()

    def customer(
        self, countries: tuple[str, ...], invoices: int = 1, doc_type: str | None = None
    ) -> list[dict]:
        frame = self.pool.filter(
            pl.col("country").is_in(list(countries)), ~pl.col("customer_id").is_in(sorted(self.used))
        )
        if doc_type:
            frame = frame.filter(pl.col("doc_type") == doc_type)
        enough = frame.group_by("customer_id").len().filter(pl.col("len") >= invoices).sort("customer_id")
        if enough.is_empty():
            return []
        customer = enough["customer_id"][int(self.rng.integers(enough.height))]
        self.used.add(customer)
        return frame.filter(pl.col("customer_id") == customer).head(invoices).to_dicts()


def _e2e(n: int, day: date) -> str:
    return f"NW{day:%y%m%d}{n:04d}"


def _half(amount: Decimal) -> Decimal:
    """About half of ``amount`` in whole hundreds (a partial payment), always less than it."""
    part = max(Decimal(100), (amount / 2 / 100).quantize(Decimal(1), ROUND_DOWN) * 100)
    return min(part, amount - _MONEY)


def _skonto(amount: Decimal) -> Decimal:
    """``amount`` less 2 % cash discount."""
    return (amount * Decimal("0.98")).quantize(_MONEY)


def _spaced(doc: str) -> str:
    return f"{doc[:4]} {doc[4:8]} {doc[8:]}"


@dataclass(frozen=True)
class Case:
    """One customer payment of the statement: whose invoices, and what the payer writes."""

    countries: tuple[str, ...]
    text: Callable[[list[dict]], str | None]  #: the remittance text, from the invoices paid
    invoices: int = 1
    doc_type: str | None = None
    part: Callable[[Decimal], Decimal] | None = None  #: what is paid of the invoices' total
    cur: bool = False  #: a Dutch structured reference (Issr CUR) instead of a text
    bank_name: bool = False  #: the payer's name as the bank spells it
    batch: bool = False  #: one of the transfers of the collective credit


CASES: tuple[Case, ...] = (
    Case(("DE",), lambda r: f"RE {r[0]['doc_no']}", doc_type="DR"),
    Case(("DE", "AT"), lambda r: f"Rechnung {r[0]['doc_no']} u. {r[1]['doc_no']}", invoices=2),
    Case(("NL",), lambda r: f"Betaling factuur {r[0]['doc_no']}"),
    Case(("NL",), lambda r: None, cur=True),  # a reference the ERP extract does not carry
    Case(("DE",), lambda r: f"Teilzahlung RE {r[0]['doc_no']}", part=_half),
    Case(("DE",), lambda r: f"RE {r[0]['doc_no']} abzgl. 2% Skonto", part=_skonto),
    Case(
        ("DE",), lambda r: f"Ihre Rechnung {r[0]['reference']} vom {r[0]['doc_date']:%d.%m.%Y}", doc_type="DR"
    ),
    Case(("DE",), lambda r: f"RG-NR. {r[0]['doc_no']}", batch=True),
    Case(("AT",), lambda r: f"Rg.-Nr. {_spaced(r[0]['doc_no'])}", batch=True),
    Case(("FR",), lambda r: f"Facture n° {r[0]['doc_no']}"),
    Case(("DE", "AT"), lambda r: "Zahlung lt. Avis", bank_name=True),  # only the name and the amount
)


def demo_payments(
    items: pl.DataFrame, as_of: date, *, seed: int = 7, skip: set[str] | None = None
) -> list[Entry]:
    """The statement's entries, drawn from the open invoices of ``items`` at ``as_of``.

    ``skip``: customers left alone (the story customers). A case whose customer the ledger lacks
    (a small demo) is left out; the unknown payer, the reversal and the fee are always there.
    """
    rng = np.random.default_rng([seed, 13])
    draw = _Draw(_pool(items, as_of, skip or set()), rng)
    day = statement_day(as_of)
    entries: list[Entry] = []
    batch = Entry("CRDT", info="SAMMLER-GUTSCHRIFT")  # two transfers booked as one entry
    for n, case in enumerate(CASES, 1):
        rows = draw.customer(case.countries, case.invoices, case.doc_type)
        if not rows:
            continue
        total = sum((r["amount"] for r in rows), Decimal(0))
        name = rows[0]["customer_name"]
        tx = Tx(
            case.part(total) if case.part else total,
            _bank_name(name) if case.bank_name else name,
            _iban(rows[0]["country"], rng),
            case.text(rows),
            nl_payment_reference(rows[0]["doc_no"]) if case.cur else None,
            _e2e(n, day) if n % 3 else None,  # a third of the payers send no end-to-end id
        )
        if case.batch:
            batch.txs.append(tx)
        else:
            entries.append(Entry("CRDT", [tx]))
    if batch.txs:
        entries.append(batch)
    n = len(CASES) + 1  # nobody we know: a private person's advance for a quote
    unknown = Tx(Decimal("1250.00"), "Okonkwo, Adaeze", _iban("DE", rng), "Anzahlung Angebot AN-26-0418")
    entries.append(Entry("CRDT", [unknown]))
    unknown.e2e = _e2e(n, day)
    if rows := draw.customer(("DE",)):  # the bank takes back a credit it booked twice last week
        text = f"STORNO DOPPELTE GUTSCHRIFT VOM {as_of:%d.%m.%Y} RE {rows[0]['doc_no']}"
        back = Tx(rows[0]["amount"], rows[0]["customer_name"], _iban("DE", rng), text, code=_RETURN)
        entries.append(Entry("DBIT", [back], reversal=True, code=_RETURN))
    fee = Entry(
        "DBIT", info=f"ENTGELT KONTOFUEHRUNG {as_of:%m/%Y}", code="ACMT/MDOP/CHRG", amount=Decimal("38.50")
    )
    entries.append(fee)
    return entries


# --- the camt.053 document -----------------------------------------------------------------------


def _code(code: str) -> str:
    domain, family, sub = code.split("/")
    return (
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
        f"</BkTxCd>"
    )


def _amt(value: Decimal) -> str:
    return f'<Amt Ccy="EUR">{value:.2f}</Amt>'


def _tx_xml(tx: Tx, ref: str) -> str:
    """A credit's debtor is the payer; a reversal keeps the parties of the credit it reverses."""
    e2e = escape(tx.e2e) if tx.e2e else "NOTPROVIDED"
    parties = ""
    if tx.name:
        parties += f"<Dbtr><Nm>{escape(tx.name)}</Nm></Dbtr>"
    if tx.iban:
        parties += f"<DbtrAcct><Id><IBAN>{tx.iban}</IBAN></Id></DbtrAcct>"
    remittance = ""
    if tx.ustrd:
        remittance += f"<Ustrd>{escape(tx.ustrd[:140])}</Ustrd>"
    if tx.cur_reference:
        remittance += (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>"
            f"<Ref>{tx.cur_reference}</Ref></CdtrRefInf></Strd>"
        )
    return (
        f"<TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<AmtDtls><TxAmt>{_amt(tx.amount)}</TxAmt></AmtDtls>{_code(tx.code)}"
        f"<RltdPties>{parties}</RltdPties>"
        + (f"<RmtInf>{remittance}</RmtInf>" if remittance else "")
        + "</TxDtls>"
    )


def demo_statement(entries: list[Entry], day: date, *, opening: Decimal, sequence: int) -> bytes:
    """``entries`` as a camt.053.001.02 day statement of :data:`ACCOUNT_IBAN` (balances that add up)."""
    closing = opening + sum((e.total if e.direction == "CRDT" else -e.total for e in entries), Decimal(0))
    stamp = f"{day:%Y%m%d}"
    body = []
    for k, e in enumerate(entries, 1):
        ref = f"{stamp}{k:05d}CB"
        txs = "".join(_tx_xml(t, f"{ref}{i}") for i, t in enumerate(e.txs, 1))
        batch = f"<Btch><NbOfTxs>{len(e.txs)}</NbOfTxs></Btch>" if len(e.txs) > 1 else ""
        body.append(
            f"<Ntry><NtryRef>{k}</NtryRef>{_amt(e.total)}<CdtDbtInd>{e.direction}</CdtDbtInd>"
            + ("<RvslInd>true</RvslInd>" if e.reversal else "")
            + f"<Sts>BOOK</Sts><BookgDt><Dt>{day:%Y-%m-%d}</Dt></BookgDt>"
            f"<ValDt><Dt>{day:%Y-%m-%d}</Dt></ValDt>"
            f"<AcctSvcrRef>{ref}</AcctSvcrRef>{_code(e.code)}"
            + (f"<NtryDtls>{batch}{txs}</NtryDtls>" if txs else "")
            + (f"<AddtlNtryInf>{escape(e.info)}</AddtlNtryInf>" if e.info else "")
            + "</Ntry>"
        )

    def balance(code: str, value: Decimal, on: date) -> str:
        sign = "CRDT" if value >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{_amt(abs(value))}"
            f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{on:%Y-%m-%d}</Dt></Dt></Bal>"
        )

    credits = [e for e in entries if e.direction == "CRDT"]
    debits = [e for e in entries if e.direction == "DBIT"]

    def summary(tag: str, group: list[Entry]) -> str:
        total = sum((e.total for e in group), Decimal(0))
        return f"<{tag}><NbOfNtries>{len(group)}</NbOfNtries><Sum>{total:.2f}</Sum></{tag}>"

    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"<BkToCstmrStmt><GrpHdr><MsgId>COBA{stamp}053{sequence:04d}</MsgId>"
        f"<CreDtTm>{day:%Y-%m-%d}T21:48:12+01:00</CreDtTm>"
        "<MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>\n"
        f"<Stmt><Id>{ACCOUNT_IBAN[-10:]}-{stamp}</Id><ElctrncSeqNb>{sequence}</ElctrncSeqNb>"
        f"<LglSeqNb>{sequence}</LglSeqNb><CreDtTm>{day:%Y-%m-%d}T21:48:12+01:00</CreDtTm>"
        f"<FrToDt><FrDtTm>{day:%Y-%m-%d}T00:00:00+01:00</FrDtTm><ToDtTm>{day:%Y-%m-%d}T23:59:59+01:00</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{ACCOUNT_IBAN}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{ACCOUNT_OWNER}</Nm></Ownr>"
        f"<Svcr><FinInstnId><BIC>{ACCOUNT_BIC}</BIC></FinInstnId></Svcr></Acct>\n"
        + balance("PRCD", opening, day - timedelta(days=1))
        + balance("CLBD", closing, day)
        + f"<TxsSummry><TtlNtries><NbOfNtries>{len(entries)}</NbOfNtries></TtlNtries>"
        + summary("TtlCdtNtries", credits)
        + summary("TtlDbtNtries", debits)
        + "</TxsSummry>\n"
        + "\n".join(body)
        + "\n</Stmt></BkToCstmrStmt></Document>\n"
    )
    return text.encode("utf-8")


def demo_bank_file(
    items: pl.DataFrame, as_of: date, *, seed: int = 7, skip: set[str] | None = None
) -> tuple[str, bytes]:
    """(file name, camt.053 bytes) of the statement booked on :func:`statement_day` of ``as_of``."""
    rng = np.random.default_rng([seed, 14])
    day = statement_day(as_of)
    opening = Decimal(int(rng.integers(80_000_000, 180_000_000))) / 100
    data = demo_statement(
        demo_payments(items, as_of, seed=seed, skip=skip),
        day,
        opening=opening,
        sequence=day.timetuple().tm_yday,
    )
    return f"camt053_{ACCOUNT_IBAN}_{day:%Y%m%d}.xml", data


def _name_twins(engine: sa.Engine) -> set[str]:
    """Customers whose name, once legal forms are dropped, another customer has ("De Groot Voeding
    B.V." and "... V.O.F."): a payment of theirs is rightly left to a person, not a demo case."""
    from ar_core.credit import normalise_name
    from ar_core.ledger import all_customers

    master = all_customers(engine).select("customer_id", "name").drop_nulls()
    names = master.with_columns(pl.col("name").map_elements(normalise_name, return_dtype=pl.String))
    return set(names.filter(pl.len().over("name") > 1)["customer_id"].to_list())


def load_demo_bank(
    engine: sa.Engine, items: pl.DataFrame, as_of: date, *, seed: int = 7, folder: Path | None = None
) -> dict:
    """Import the demo statement as the lead (``lena.lead``), after the last snapshot; its report.

    The story customers are left alone (each tells one story), and so are customers whose name
    another customer shares (a payment found by the name would rightly be ambiguous). With
    ``folder`` the file is also kept there, for a person to open or upload again (it is then
    skipped as already imported).
    """
    from ar_core.access import get_actor
    from ar_core.credit import import_bank_statement
    from ar_core.demo.stories import story_customers

    lead = get_actor(engine, "lena.lead")
    if lead is None:
        return {}
    skip = set(story_customers(engine).values()) | _name_twins(engine)
    name, data = demo_bank_file(items, as_of, seed=seed, skip=skip)
    if folder is not None:
        (Path(folder) / name).write_bytes(data)
    return import_bank_statement(engine, lead, data, name)


__all__ = ["demo_bank_file", "demo_payments", "demo_statement", "load_demo_bank", "statement_day"]
