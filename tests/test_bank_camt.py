"""camt.053 / camt.054 reading: every version, batches, references, zips, encodings, refusals.

Fixtures are built here as small strings; every expected value is worked out by hand.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_core.ingest.bank import TRANSACTION_SCHEMA, read_bank_file
from ar_core.ingest.bank.result import STATEMENT_SCHEMA

ACCOUNT = "DE89370400440532013000"  # valid
PAYER = "NL91ABNA0417164300"  # valid
PAYER_BAD = "NL92ABNA0417164300"  # one check digit off
VERSIONS = ["02", "04", "08"]


def party(role: str, name: str | None, version: str, iban: str | None = None) -> str:
    """A related party; .001.08 puts the name under Pty."""
    out = ""
    if name is not None:
        inner = f"<Nm>{name}</Nm>"
        out += f"<{role}><Pty>{inner}</Pty></{role}>" if version == "08" else f"<{role}>{inner}</{role}>"
    if iban is not None:
        out += f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>"
    return out


def tx(
    amount: str | None = "100.00",
    *,
    version: str = "02",
    ccy: str = "EUR",
    name: str | None = "Müller GmbH",
    iban: str | None = PAYER,
    ustrd: tuple[str, ...] = ("RE 2024-0815",),
    ref: str | None = None,
    ref_code: str | None = None,
    ref_issuer: str | None = None,
    e2e: str | None = "E2E-1",
    bank_ref: str | None = None,
    instructed: tuple[str, str] | None = None,
    ultimate: str | None = None,
    debit: bool = False,
) -> str:
    refs = ""
    if bank_ref:
        refs += f"<AcctSvcrRef>{bank_ref}</AcctSvcrRef>"
    if e2e:
        refs += f"<EndToEndId>{e2e}</EndToEndId>"
    amt = ""
    if amount is not None or instructed:
        amt = "<AmtDtls>"
        if instructed:
            amt += f'<InstdAmt><Amt Ccy="{instructed[1]}">{instructed[0]}</Amt></InstdAmt>'
        if amount is not None:
            amt += f'<TxAmt><Amt Ccy="{ccy}">{amount}</Amt></TxAmt>'
        amt += "</AmtDtls>"
    parties = party("Cdtr" if debit else "Dbtr", name, version, iban)
    if ultimate:
        parties += party("UltmtDbtr", ultimate, version)
    rmt = "".join(f"<Ustrd>{u}</Ustrd>" for u in ustrd)
    if ref:
        tp = ""
        if ref_code:
            tp = f"<Tp><CdOrPrtry><Cd>{ref_code}</Cd></CdOrPrtry></Tp>"
        elif ref_issuer:
            tp = f"<Tp><CdOrPrtry><Prtry>x</Prtry></CdOrPrtry><Issr>{ref_issuer}</Issr></Tp>"
        rmt += f"<Strd><CdtrRefInf>{tp}<Ref>{ref}</Ref></CdtrRefInf></Strd>"
    return (
        f"<TxDtls><Refs>{refs}</Refs>{amt}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>"
        "<Prtry><Cd>166</Cd></Prtry></BkTxCd>"
        f"<RltdPties>{parties}</RltdPties><RmtInf>{rmt}</RmtInf></TxDtls>"
    )


def entry(
    amount: str,
    txs: list[str] | None = None,
    *,
    direction: str = "CRDT",
    reversal: bool = False,
    booked: str = "<Dt>2024-03-01</Dt>",
    value: str = "<Dt>2024-03-01</Dt>",
    ref: str = "BANKREF-1",
    batch: int | None = None,
    ccy: str = "EUR",
    version: str = "02",
    amount_element: str | None = None,
) -> str:
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version == "08" else "<Sts>BOOK</Sts>"
    details = ""
    if txs is not None:
        btch = f"<Btch><NbOfTxs>{batch}</NbOfTxs></Btch>" if batch else ""
        details = f"<NtryDtls>{btch}{''.join(txs)}</NtryDtls>"
    amt = amount_element if amount_element is not None else f'<Amt Ccy="{ccy}">{amount}</Amt>'
    return (
        f"<Ntry>{amt}<CdtDbtInd>{direction}</CdtDbtInd>"
        + ("<RvslInd>true</RvslInd>" if reversal else "")
        + f"{status}<BookgDt>{booked}</BookgDt><ValDt>{value}</ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        + f"<BkTxCd><Prtry><Cd>999</Cd></Prtry></BkTxCd>{details}</Ntry>"
    )


def balance(code: str, amount: str, direction: str = "CRDT", day: str = "2024-03-01") -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>{direction}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def statement(
    entries: list[str],
    *,
    stmt_id: str = "STMT-2024-061",
    seq: str = "61",
    iban: str = ACCOUNT,
    opening: tuple[str, str] | None = ("1000.00", "CRDT"),
    closing: tuple[str, str] | None = None,
    tag: str = "Stmt",
) -> str:
    bals = ""
    if opening:
        bals += balance("OPBD", *opening, day="2024-02-29")
    if closing:
        bals += balance("CLBD", *closing)
    return (
        f"<{tag}><Id>{stmt_id}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb>"
        "<CreDtTm>2024-03-01T18:30:00+01:00</CreDtTm>"
        "<FrToDt><FrDtTm>2024-03-01T00:00:00</FrDtTm><ToDtTm>2024-03-01T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{bals}{''.join(entries)}</{tag}>"
    )


def camt(
    statements: list[str], *, message: str = "053", version: str = "02", encoding: str = "UTF-8"
) -> bytes:
    container = "BkToCstmrStmt" if message == "053" else "BkToCstmrDbtCdtNtfctn"
    body = "".join(statements)
    if message == "054":
        body = body.replace("<Stmt>", "<Ntfctn>").replace("</Stmt>", "</Ntfctn>")
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{message}.001.{version}">\n'
        f"<{container}><GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T18:30:00</CreDtTm></GrpHdr>\n"
        f"{body}\n</{container}></Document>\n"
    )
    return text.encode(encoding)


def one_tx(data: bytes, name: str = "stmt.xml") -> dict:
    result = read_bank_file(data, name)
    assert result.errors == []
    assert result.transactions.height == 1
    return result.transactions.row(0, named=True)


# --- every version, both messages ---------------------------------------------------------------


@pytest.mark.parametrize("message", ["053", "054"])
@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_reads_the_same_content(message, version):
    txs = [
        tx("564.05", version=version, ustrd=("RE 2024-0815",)),
        tx("100.00", version=version, name="Bäcker Korn", e2e="E2E-2"),
    ]
    closing = ("1664.05", "CRDT") if message == "053" else None
    opening = ("1000.00", "CRDT") if message == "053" else None
    data = camt(
        [statement([entry("664.05", txs, version=version, batch=2)], opening=opening, closing=closing)],
        message=message,
        version=version,
    )
    result = read_bank_file(data, "day.xml")
    assert result.errors == [] and result.warnings == []
    assert result.format == f"camt.{message}.001.{version}"
    assert result.statements.schema == STATEMENT_SCHEMA
    assert result.transactions.schema == TRANSACTION_SCHEMA
    stmt = result.statements.row(0, named=True)
    assert stmt["statement_key"] == "STMT-2024-061"
    assert stmt["sequence_no"] == "61"
    assert stmt["account_iban"] == ACCOUNT
    assert stmt["account_currency"] == "EUR"
    assert stmt["created_at"] == datetime(2024, 3, 1, 18, 30)
    assert (stmt["from_date"], stmt["to_date"]) == (date(2024, 3, 1), date(2024, 3, 1))
    assert stmt["entries"] == 1
    assert stmt["source"] == "day.xml"
    if message == "053":
        assert (stmt["opening_balance"], stmt["closing_balance"]) == (Decimal("1000.00"), Decimal("1664.05"))
    else:
        assert stmt["opening_balance"] is None and stmt["closing_balance"] is None
    rows = result.transactions.rows(named=True)
    assert [r["amount"] for r in rows] == [Decimal("564.05"), Decimal("100.00")]
    assert [r["counterparty_name"] for r in rows] == ["Müller GmbH", "Bäcker Korn"]
    assert [(r["entry_index"], r["tx_index"], r["batch_size"]) for r in rows] == [(1, 1, 2), (1, 2, 2)]
    first = rows[0]
    assert first["direction"] == "CRDT" and first["reversal"] is False
    assert first["currency"] == "EUR"
    assert first["entry_reference"] == "BANKREF-1"
    assert first["counterparty_iban"] == PAYER and first["iban_valid"] is True
    assert first["remittance"] == "RE 2024-0815"
    assert first["end_to_end_id"] == "E2E-1"
    assert first["bank_tx_code"] == "PMNT/RCDT/ESCT;166"
    assert (first["booking_date"], first["value_date"]) == (date(2024, 3, 1), date(2024, 3, 1))


def test_batch_without_declared_count_counts_its_transactions():
    data = camt([statement([entry("664.05", [tx("564.05"), tx("100.00")])], closing=("1664.05", "CRDT"))])
    result = read_bank_file(data, "b.xml")
    assert result.transactions["batch_size"].to_list() == [2, 2]
    assert result.warnings == []


def test_batch_whose_parts_do_not_add_up_is_a_warning():
    data = camt([statement([entry("664.05", [tx("564.05"), tx("100.10")])], opening=None)])
    result = read_bank_file(data, "b.xml")
    assert result.errors == [] and result.transactions.height == 2
    assert any("add up to 664.15" in p.message for p in result.warnings)


def test_entry_without_details_is_one_row_from_the_entry():
    data = camt(
        [statement([entry("42.00", None, direction="DBIT", ref="FEE-1")], closing=("958.00", "CRDT"))]
    )
    row = one_tx(data)
    assert (row["amount"], row["direction"], row["entry_reference"]) == (Decimal("42.00"), "DBIT", "FEE-1")
    assert (row["tx_index"], row["batch_size"], row["counterparty_name"]) == (1, 1, None)
    assert row["bank_tx_code"] == "999"


def test_single_transaction_without_own_amount_takes_the_entry_amount():
    row = one_tx(camt([statement([entry("250.00", [tx(None)])], opening=None)]))
    assert (row["amount"], row["currency"]) == (Decimal("250.00"), "EUR")


def test_reversal_and_debit_counterparty():
    data = camt(
        [
            statement(
                [
                    entry(
                        "80.00",
                        [tx("80.00", name="Lieferant AG", debit=True)],
                        direction="DBIT",
                        reversal=True,
                    )
                ]
            )
        ],
        version="04",
    )
    row = one_tx(data)
    assert (row["direction"], row["reversal"], row["counterparty_name"]) == ("DBIT", True, "Lieferant AG")


def test_datetime_dates_give_the_day_as_written():
    data = camt(
        [
            statement(
                [
                    entry(
                        "1.00",
                        [tx("1.00")],
                        booked="<DtTm>2024-03-01T23:30:00+01:00</DtTm>",
                        value="<DtTm>2024-03-04T08:00:00Z</DtTm>",
                    )
                ],
                opening=None,
            )
        ]
    )
    row = one_tx(data)
    assert (row["booking_date"], row["value_date"]) == (date(2024, 3, 1), date(2024, 3, 4))


def test_unstructured_pieces_are_joined_with_a_space():
    row = one_tx(
        camt([statement([entry("1.00", [tx("1.00", ustrd=("Rechnung 18000123", " u. 18000124 "))])])])
    )
    assert row["remittance"] == "Rechnung 18000123 u. 18000124"


@pytest.mark.parametrize(
    ("ref", "valid"),
    [("RF18 5390 0754 7034", True), ("RF18 5390 0754 7043", False), ("RF19539007547034", False)],
)
def test_scor_reference(ref, valid):
    row = one_tx(camt([statement([entry("1.00", [tx("1.00", ref=ref, ref_code="SCOR")])])]))
    assert (row["creditor_reference"], row["reference_type"], row["reference_valid"]) == (
        ref.replace(" ", ""),
        "SCOR",
        valid,
    )


@pytest.mark.parametrize(
    ("ref", "valid"), [("1067931951601240", True), ("2067931951601240", False), ("1234567", False)]
)
def test_dutch_cur_reference(ref, valid):
    row = one_tx(camt([statement([entry("1.00", [tx("1.00", ref=ref, ref_issuer="CUR")])])]))
    assert (row["creditor_reference"], row["reference_type"], row["reference_valid"]) == (ref, "CUR", valid)


def test_dutch_reference_typed_in_the_text_is_found():
    row = one_tx(camt([statement([entry("1.00", [tx("1.00", ustrd=("BETALINGSKENM. 1067931951601240",))])])]))
    assert (row["creditor_reference"], row["reference_type"], row["reference_valid"]) == (
        "1067931951601240",
        "CUR",
        True,
    )


def test_untyped_reference_has_no_type_and_no_check():
    row = one_tx(camt([statement([entry("1.00", [tx("1.00", ref="KD 4711")])])]))
    assert (row["creditor_reference"], row["reference_type"], row["reference_valid"]) == (
        "KD4711",
        None,
        None,
    )


def test_no_reference_leaves_all_reference_columns_null():
    row = one_tx(camt([statement([entry("1.00", [tx("1.00")])])]))
    assert (row["creditor_reference"], row["reference_type"], row["reference_valid"]) == (None, None, None)


def test_notprovided_end_to_end_id_is_null():
    row = one_tx(camt([statement([entry("1.00", [tx("1.00", e2e="NOTPROVIDED")])])]))
    assert row["end_to_end_id"] is None


def test_transaction_amount_differs_from_instructed_amount():
    row = one_tx(
        camt([statement([entry("0.04", [tx("0.04", instructed=("4500.00", "CHF"), bank_ref="TX-9")])])])
    )
    assert (row["amount"], row["currency"]) == (Decimal("0.04"), "EUR")
    assert (row["instructed_amount"], row["instructed_currency"]) == (Decimal("4500.00"), "CHF")
    assert row["bank_reference"] == "TX-9"


def test_ultimate_debtor_in_version_8():
    row = one_tx(
        camt(
            [statement([entry("1.00", [tx("1.00", version="08", ultimate="Tochter BV")], version="08")])],
            version="08",
        )
    )
    assert row["ultimate_debtor"] == "Tochter BV"


def test_two_statements_and_one_without_entries():
    other = "NL02ABNA0123456789"  # valid
    data = camt(
        [
            statement([entry("10.00", [tx("10.00")])], closing=("1010.00", "CRDT")),
            statement(
                [],
                stmt_id="STMT-NL-1",
                seq="7",
                iban=other,
                opening=("5.00", "DBIT"),
                closing=("5.00", "DBIT"),
            ),
        ]
    )
    result = read_bank_file(data, "two.xml")
    assert result.errors == [] and result.warnings == []
    assert result.statements["statement_key"].to_list() == ["STMT-2024-061", "STMT-NL-1"]
    assert result.statements["account_iban"].to_list() == [ACCOUNT, other]
    assert result.statements["entries"].to_list() == [1, 0]
    assert result.statements["opening_balance"].to_list() == [Decimal("1000.00"), Decimal("-5.00")]
    assert result.transactions["statement_key"].to_list() == ["STMT-2024-061"]


def test_balance_difference_is_a_warning_not_a_refusal():
    data = camt([statement([entry("10.00", [tx("10.00")])], closing=("1020.00", "CRDT"))])
    result = read_bank_file(data, "x.xml")
    assert result.errors == [] and result.transactions.height == 1
    (warning,) = result.warnings
    assert "1010.00" in warning.message and "1020.00" in warning.message


def test_wrong_iban_check_digit_is_a_warning_and_the_payment_stays():
    data = camt([statement([entry("10.00", [tx("10.00", iban="nl92 abna 0417 1643 00")], ref="R-77")])])
    result = read_bank_file(data, "x.xml")
    assert result.errors == []
    row = result.transactions.row(0, named=True)
    assert (row["counterparty_iban"], row["iban_valid"], row["amount"]) == (
        PAYER_BAD,
        False,
        Decimal("10.00"),
    )
    (warning,) = result.warnings
    assert "entry 1" in warning.message and "R-77" in warning.message and PAYER_BAD in warning.message
    assert warning.row is not None


def test_unreadable_iban_is_a_warning_too():
    row_data = camt([statement([entry("10.00", [tx("10.00", iban="12345")])])])
    result = read_bank_file(row_data, "x.xml")
    assert result.transactions["iban_valid"].to_list() == [False]
    assert "not a readable IBAN" in result.warnings[0].message


# --- encodings, zips, refusals ------------------------------------------------------------------


def test_latin1_prolog_is_honoured():
    data = camt([statement([entry("1.00", [tx("1.00", name="Jürgen Weiß")])])], encoding="ISO-8859-1")
    assert "ü".encode("latin-1") in data  # really Latin-1 bytes, not UTF-8
    assert one_tx(data)["counterparty_name"] == "Jürgen Weiß"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_two_statements():
    first = camt([statement([entry("10.00", [tx("10.00")])])])
    second = camt([statement([entry("20.00", [tx("20.00")])], stmt_id="S2")], message="054", version="08")
    result = read_bank_file(
        zipped({"a.xml": first, "dir/b.xml": second, "__MACOSX/._a.xml": b"junk"}), "day.zip"
    )
    assert result.errors == []
    assert result.statements["source"].to_list() == ["day.zip/a.xml", "day.zip/dir/b.xml"]
    assert result.transactions["amount"].to_list() == [Decimal("10.00"), Decimal("20.00")]
    assert result.format == "camt.053.001.02, camt.054.001.08"


def test_zip_with_a_broken_member_is_refused_whole():
    good = camt([statement([entry("10.00", [tx("10.00")])])])
    result = read_bank_file(zipped({"a.xml": good, "b.xml": b"<Document><oops></Document>"}), "day.zip")
    assert result.statements.is_empty() and result.transactions.is_empty()
    assert result.errors[0].file == "day.zip/b.xml"


def test_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setenv("AR_UPLOAD_LIMIT_MB", "1")
    bomb = zipped({"bomb.xml": b"<" + b" " * (3 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    result = read_bank_file(bomb, "bomb.zip")
    assert result.transactions.is_empty()
    assert "inflate" in result.errors[0].message


def test_zip_member_that_lies_about_its_size_is_refused():
    data = bytearray(zipped({"a.xml": b"<x>" + b"a" * 50_000 + b"</x>"}))
    # shrink the declared size in the central directory (the local header keeps the truth)
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    result = read_bank_file(bytes(data), "lie.zip")
    assert result.transactions.is_empty() and result.errors


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "a/../../b.xml", "C:\\x.xml"])
def test_zip_path_tricks_are_refused(name):
    result = read_bank_file(zipped({name: camt([statement([])])}), "t.zip")
    assert result.errors and "outside" in result.errors[0].message


def test_broken_xml_names_file_and_line():
    data = camt([statement([entry("10.00", [tx("10.00")])])]).replace(b"</Acct>", b"</Acc>")
    result = read_bank_file(data, "broken.xml")
    assert result.statements.is_empty() and result.transactions.is_empty()
    (error,) = result.errors
    assert error.file == "broken.xml" and error.row == 4
    assert "line 4" in error.message and "broken.xml" in str(error)


def test_entity_declarations_are_refused():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&b;</Document>'
    )
    result = read_bank_file(data, "laughs.xml")
    assert "DOCTYPE" in result.errors[0].message


def test_external_entity_is_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd"><Document/>'
    assert "DOCTYPE" in read_bank_file(data, "x.xml").errors[0].message


@pytest.mark.parametrize(
    ("mangle", "needle"),
    [
        (lambda e: e.replace('<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>', "<CdtDbtInd>", 1), "no amount"),
        (lambda e: e.replace("<CdtDbtInd>CRDT</CdtDbtInd><Sts>", "<Sts>", 1), "CdtDbtInd"),
        (
            lambda e: e.replace(
                '<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>', '<Amt Ccy="EUR">10,00</Amt><CdtDbtInd>'
            ),
            "not an amount",
        ),
        (
            lambda e: e.replace(
                '<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>', '<Amt Ccy="EUR">10.001</Amt><CdtDbtInd>'
            ),
            "not an amount",
        ),
    ],
)
def test_missing_or_bad_required_parts_refuse_the_file(mangle, needle):
    data = camt([statement([mangle(entry("10.00", [tx("10.00")])), entry("5.00", [tx("5.00")])])])
    result = read_bank_file(data, "bad.xml")
    assert result.statements.is_empty() and result.transactions.is_empty()
    assert any(needle in p.message for p in result.errors), result.errors
    assert result.errors[0].row is not None or result.errors[0].column


def test_unknown_namespace_and_camt052_are_refused():
    data = camt([statement([])]).replace(b"camt.053.001.02", b"camt.052.001.02")
    assert "camt.052" in read_bank_file(data, "r.xml").errors[0].message
    data = camt([statement([])]).replace(b"camt.053.001.02", b"camt.053.001.12")
    assert "version" in read_bank_file(data, "r.xml").errors[0].message
    assert read_bank_file(b"<html><body/></html>", "r.xml").errors


def test_neither_format_is_refused():
    result = read_bank_file(b"Kunde;Betrag\n1;2\n", "x.csv")
    assert result.errors and result.transactions.is_empty()


def test_file_over_the_upload_limit_is_refused(monkeypatch):
    monkeypatch.setenv("AR_UPLOAD_LIMIT_MB", "1")
    result = read_bank_file(b" " * (1024 * 1024 + 1), "big.xml")
    assert "upload limit" in result.errors[0].message


# --- property: what is written comes back -------------------------------------------------------

_TEXT = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜäöüßABCXYZ0123456789 .,-", min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)
_TXS = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
        st.sampled_from(["CRDT", "DBIT"]),
        _TEXT,
        st.lists(_TEXT, min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(txs=_TXS, version=st.sampled_from(VERSIONS), message=st.sampled_from(["053", "054"]))
def test_written_transactions_read_back(txs, version, message):
    entries = [
        entry(
            str(amount),
            [tx(str(amount), version=version, name=name, ustrd=tuple(pieces), debit=direction == "DBIT")],
            direction=direction,
            version=version,
        )
        for amount, direction, name, pieces in txs
    ]
    result = read_bank_file(
        camt([statement(entries, opening=None)], message=message, version=version), "p.xml"
    )
    assert result.errors == []
    rows = result.transactions.rows(named=True)
    assert [(r["amount"], r["direction"], r["counterparty_name"], r["remittance"]) for r in rows] == [
        (amount, direction, name, " ".join(p.strip() for p in pieces))
        for amount, direction, name, pieces in txs
    ]


def test_notification_without_account_currency_takes_the_entry_currency():
    data = camt([statement([entry("10.00", [tx("10.00")])], opening=None)], message="054")
    data = data.replace(b"<Ccy>EUR</Ccy>", b"")
    assert read_bank_file(data, "n.xml").statements["account_currency"].to_list() == ["EUR"]


def test_utf16_document_is_read():
    data = camt([statement([entry("1.00", [tx("1.00", name="Ödön")])])], encoding="UTF-16")
    assert one_tx(data)["counterparty_name"] == "Ödön"


def test_pending_entry_is_left_out_of_the_balance_check():
    pending = entry("99.00", [tx("99.00")]).replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")
    data = camt([statement([entry("10.00", [tx("10.00")]), pending], closing=("1010.00", "CRDT"))])
    result = read_bank_file(data, "p.xml")
    assert result.warnings == [] and result.transactions.height == 2


def test_one_huge_text_node_is_read_in_linear_time():
    data = camt([statement([entry("1.00", [tx("1.00", ustrd=("x" * 20_000_000,))])])])
    assert len(one_tx(data)["remittance"]) == 20_000_000
