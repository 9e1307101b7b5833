"""MT940 reading: Dutch and German :86: details, wrapped lines, reversals, decimal commas, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_core.ingest.bank import STATEMENT_SCHEMA, TRANSACTION_SCHEMA, read_bank_file
from ar_core.ingest.bank.mt940 import join_lines

PAYER = "NL91ABNA0417164300"  # valid


def wrap(tag: str, text: str) -> str:
    """A field as banks write it: the tag and text cut into lines of 65 characters."""
    full = f":{tag}:{text}"
    return "\n".join(full[i : i + 65] for i in range(0, len(full), 65))


def block(
    transactions: list[str],
    *,
    ref: str = "STMT240301",
    account: str = "NL69INGB0123456789EUR",
    seq: str = "00061/001",
    opening: str = "C240229EUR1000,00",
    closing: str = "C240301EUR1564,05",
) -> str:
    fields = [
        f":20:{ref}",
        f":25:{account}",
        f":28C:{seq}",
        f":60F:{opening}",
        *transactions,
        f":62F:{closing}",
    ]
    return "\n".join(fields) + "\n-"


def booking(line61: str, details: str | None) -> str:
    """A :61: line and its :86: (wrapped at 65 unless it brings its own line breaks)."""
    if details is None:
        return f":61:{line61}"
    return f":61:{line61}\n" + (f":86:{details}" if "\n" in details else wrap("86", details))


def mt940(*blocks: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join("\n".join(blocks).split("\n")) + "\r\n").encode(encoding)


DUTCH = (
    f"/TRTP/SEPA OVERBOEKING/IBAN/{PAYER}/BIC/ABNANL2A/NAME/Jansen Tuinen B.V./"
    "REMI/factuur 2016Q3-0004 en 2016Q3-0005, dank u wel/EREF/E2E-20240301-77"
)


def test_dutch_structured_details_and_statement():
    data = mt940(block([booking("2403010301C564,05N654NONREF//BR-1", DUTCH)], closing="C240301EUR1564,05"))
    result = read_bank_file(data, "ing.sta")
    assert result.errors == [] and result.warnings == []
    assert result.format == "MT940"
    assert result.statements.schema == STATEMENT_SCHEMA and result.transactions.schema == TRANSACTION_SCHEMA
    stmt = result.statements.row(0, named=True)
    assert stmt["statement_key"] == "STMT240301/00061/001"
    assert stmt["sequence_no"] == "00061/001"
    assert (stmt["account_iban"], stmt["account_currency"]) == ("NL69INGB0123456789", "EUR")
    assert (stmt["opening_balance"], stmt["closing_balance"]) == (Decimal("1000.00"), Decimal("1564.05"))
    assert (stmt["from_date"], stmt["to_date"], stmt["entries"]) == (date(2024, 2, 29), date(2024, 3, 1), 1)
    row = result.transactions.row(0, named=True)
    assert (row["amount"], row["currency"], row["direction"], row["reversal"]) == (
        Decimal("564.05"),
        "EUR",
        "CRDT",
        False,
    )
    assert (row["value_date"], row["booking_date"]) == (date(2024, 3, 1), date(2024, 3, 1))
    assert (row["entry_reference"], row["bank_reference"], row["bank_tx_code"]) == ("BR-1", "BR-1", "N654")
    assert row["counterparty_name"] == "Jansen Tuinen B.V."
    assert (row["counterparty_iban"], row["iban_valid"]) == (PAYER, True)
    assert row["remittance"] == "factuur 2016Q3-0004 en 2016Q3-0005, dank u wel"
    assert row["end_to_end_id"] == "E2E-20240301-77"
    assert (row["statement_key"], row["entry_index"], row["tx_index"], row["batch_size"]) == (
        "STMT240301/00061/001",
        1,
        1,
        1,
    )


def test_wrapped_line_is_joined_without_losing_text():
    details = wrap("86", DUTCH)
    assert len(details.split("\n")) == 3 and all(len(x) == 65 for x in details.split("\n")[:2])
    # a cut falls inside a word: joined straight, no space inserted
    assert join_lines([x.removeprefix(":86:") for x in details.split("\n")]) == DUTCH
    # a short line ended where the bank put a space
    assert join_lines(["/REMI/factuur", "2016Q3-0004/EREF/X"]) == "/REMI/factuur 2016Q3-0004/EREF/X"


def test_ing_counterparty_and_dutch_payment_reference():
    details = (
        "/EREF/NOTPROVIDED//CNTP/NL02ABNA0123456789/ABNANL2A/Bakkerij Öztürk///"
        "REMI/STRD/CUR/1067931951601240//"
    )
    row = read_bank_file(
        mt940(block([booking("240301C10,00NTRFNONREF", details)], closing="C240301EUR1010,00")), "x"
    )
    row = row.transactions.row(0, named=True)
    assert (row["counterparty_name"], row["counterparty_iban"], row["iban_valid"]) == (
        "Bakkerij Öztürk",
        "NL02ABNA0123456789",
        True,
    )
    assert (row["creditor_reference"], row["reference_type"], row["reference_valid"]) == (
        "1067931951601240",
        "CUR",
        True,
    )
    assert row["end_to_end_id"] is None and row["remittance"] is None


def test_wrong_cur_reference_is_flagged():
    details = "/REMI/STRD/CUR/2067931951601240/"
    result = read_bank_file(
        mt940(block([booking("240301C10,00NTRFNONREF", details)], closing="C240301EUR1010,00")), "x"
    )
    assert result.transactions["reference_valid"].to_list() == [False]


def test_reversal_decimal_comma_and_balance():
    txs = [
        booking("240301RC100,NTRFNONREF//R1", "/TRTP/SEPA INCASSO ALGEMEEN DOORLOPEND/REMI/storno"),
        booking("240301D1234,5NTRFNONREF//R2", "Huur maart"),
        booking("240301RD0,05NMSCNONREF//R3", None),
    ]
    # 1000.00 - 100.00 - 1234.50 + 0.05 = -334.45
    result = read_bank_file(mt940(block(txs, closing="D240301EUR334,45")), "x.sta")
    assert result.errors == [] and result.warnings == []
    rows = result.transactions.rows(named=True)
    assert [(r["amount"], r["direction"], r["reversal"]) for r in rows] == [
        (Decimal("100.00"), "DBIT", True),
        (Decimal("1234.50"), "DBIT", False),
        (Decimal("0.05"), "CRDT", True),
    ]
    assert rows[1]["remittance"] == "Huur maart"
    assert result.statements["closing_balance"].to_list() == [Decimal("-334.45")]


def test_balance_difference_is_a_warning():
    result = read_bank_file(
        mt940(block([booking("240301C10,00NTRFNONREF", None)], closing="C240301EUR1000,00")), "x"
    )
    assert result.errors == [] and result.transactions.height == 1
    assert "1010.00" in result.warnings[0].message


def test_two_statements_in_one_file_with_swift_blocks():
    first = block([booking("240301C10,00NTRFNONREF", "eins")], closing="C240301EUR1010,00")
    second = block(
        [], ref="STMT240302", seq="00062/001", opening="C240301EUR1010,00", closing="C240302EUR1010,00"
    )
    text = "{1:F01INGBNL2AXXXX0000000000}{2:I940INGBNL2AXXXXN}{4:\n" + first + "}\nABNANL2A\n940\n" + second
    result = read_bank_file(mt940(text), "two.sta")
    assert result.errors == []
    assert result.statements["statement_key"].to_list() == ["STMT240301/00061/001", "STMT240302/00062/001"]
    assert result.statements["entries"].to_list() == [1, 0]
    assert result.transactions["remittance"].to_list() == ["eins"]


def test_entry_date_across_the_year_end():
    data = mt940(block([booking("2312310102C10,00NTRFNONREF", None)], closing="C240102EUR1010,00"))
    row = read_bank_file(data, "x").transactions.row(0, named=True)
    assert (row["value_date"], row["booking_date"]) == (date(2023, 12, 31), date(2024, 1, 2))


def test_german_subfields():
    # German banks break the lines at the subfields, not at 65 characters
    details = (
        "166?00SEPA-GUTSCHRIFT?109310?20EREF+E2E-99?21SVWZ+RE 2024-08?2215 Danke\n"
        "?30COBADEFFXXX?31DE89370400440532013000?32Müller Maschinen?33bau GmbH?34166"
    )
    data = mt940(
        block(
            [booking("240301C10,00NMSCNONREF", details)],
            account="37040044/0532013000",
            closing="C240301EUR1010,00",
        ),
        encoding="cp1252",
    )
    result = read_bank_file(data, "de.sta")
    assert result.errors == []
    row = result.transactions.row(0, named=True)
    assert row["remittance"] == "RE 2024-0815 Danke"
    assert row["end_to_end_id"] == "E2E-99"
    assert row["counterparty_name"] == "Müller Maschinenbau GmbH"
    assert (row["counterparty_iban"], row["iban_valid"]) == ("DE89370400440532013000", True)
    assert row["bank_tx_code"] == "NMSC;166"
    assert result.statements["account_iban"].to_list() == ["37040044/0532013000"]


def test_wrong_iban_is_a_warning_and_the_payment_stays():
    details = "/IBAN/NL92ABNA0417164300/NAME/Jansen/REMI/x"
    result = read_bank_file(
        mt940(block([booking("240301C10,00NTRFNONREF//B7", details)], closing="C240301EUR1010,00")), "x"
    )
    assert result.transactions["iban_valid"].to_list() == [False]
    (warning,) = result.warnings
    assert "entry 1" in warning.message and "B7" in warning.message and warning.row == 5


@pytest.mark.parametrize(
    ("text", "needle", "tag"),
    [
        (block([booking("240301X10,00NTRFNONREF", None)]), "not a :61: line", ":61:"),
        (block([booking("240301C10.00NTRFNONREF", None)]), "not a :61: line", ":61:"),
        (block([]).replace(":62F:C240301EUR1564,05\n", ""), "closing balance", ":62F:"),
        (block([]).replace(":60F:C240229EUR1000,00", ":60F:C240229EUR1.000,00"), "balance", ":60F:"),
        (block([]).replace(":25:NL69INGB0123456789EUR\n", ""), "account", ":25:"),
    ],
)
def test_malformed_statement_refuses_the_file(text, needle, tag):
    good = block([booking("240301C564,05NTRFNONREF", None)])
    result = read_bank_file(mt940(good, text), "bad.sta")
    assert result.statements.is_empty() and result.transactions.is_empty()
    (error,) = result.errors
    assert needle in error.message and error.column == tag and error.file == "bad.sta"


_TEXT = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜäöüßABCXYZ0123456789 .,", min_size=1, max_size=80)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=40, deadline=None)
@given(
    txs=st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
            st.sampled_from(["C", "D"]),
            _TEXT,
            _TEXT,
        ),
        min_size=1,
        max_size=5,
    ),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
)
def test_written_transactions_read_back(txs, encoding):
    bookings = [
        booking(
            f"240301{mark}{str(amount).replace('.', ',')}NTRFNONREF",
            f"/TRTP/SEPA OVERBOEKING/IBAN/{PAYER}/NAME/{name}/REMI/{remittance}/EREF/NOTPROVIDED",
        )
        for amount, mark, name, remittance in txs
    ]
    total = Decimal("1000.00") + sum(a if m == "C" else -a for a, m, _n, _r in txs)
    closing = f"{'C' if total >= 0 else 'D'}240301EUR{str(abs(total)).replace('.', ',')}"
    result = read_bank_file(mt940(block(bookings, closing=closing), encoding=encoding), "p.sta")
    assert result.errors == [] and result.warnings == []
    rows = result.transactions.rows(named=True)
    assert [(r["amount"], r["direction"], r["counterparty_name"], r["remittance"]) for r in rows] == [
        (a, "CRDT" if m == "C" else "DBIT", n, r) for a, m, n, r in txs
    ]
