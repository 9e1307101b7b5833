"""Generic CSV/XLSX extracts through a mapping file, and the mapping file itself."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import xlsxwriter

from ar_core.errors import ConfigError
from ar_core.ingest import Mapping, read_extract, source_headers

IBM_HEADERS = [
    "countryCode",
    "customerID",
    "PaperlessDate",
    "invoiceNumber",
    "InvoiceDate",
    "DueDate",
    "InvoiceAmount",
    "Disputed",
    "SettledDate",
    "PaperlessBill",
    "DaysToSettle",
    "DaysLate",
]
MAPPING_YAML = """
columns: {customer_id: customerID, doc_no: invoiceNumber, doc_date: InvoiceDate,
          due_date: DueDate, amount: InvoiceAmount, clearing_date: SettledDate, disputed: Disputed}
constants: {currency: EUR}
date_format: "%m/%d/%Y"
decimal: "."
thousands: ","
"""


def us(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"  # M/D/YYYY without zero padding, as the sample writes it


def ibm_like(n: int = 40, seed: int = 3) -> tuple[bytes, list[dict]]:
    """A generated file shaped like IBM's public AR sample (never the sample itself)."""
    rng = random.Random(seed)
    lines, truth = [",".join(IBM_HEADERS)], []
    for i in range(n):
        invoiced = date(2013, 1, 1) + timedelta(days=rng.randrange(300))
        due = invoiced + timedelta(days=30)
        settled = due + timedelta(days=rng.randrange(-10, 20))
        cents = rng.randrange(1000, 900_000)
        amount = f"{cents // 100}.{cents % 100:02d}"
        disputed = rng.choice(["Yes", "No"])
        doc = f"{rng.randrange(10**6, 10**7):010d}"
        lines.append(
            ",".join(
                [
                    "391",
                    f"{i:04d}-ABCDE",
                    us(invoiced),
                    doc,
                    us(invoiced),
                    us(due),
                    amount,
                    disputed,
                    us(settled),
                    "Paper",
                    str((settled - invoiced).days),
                    "0",
                ]
            )
        )
        truth.append(
            {
                "doc": doc,
                "amount": Decimal(amount),
                "due": due,
                "settled": settled,
                "disputed": disputed == "Yes",
            }
        )
    return ("\n".join(lines) + "\n").encode(), truth


def test_ibm_shaped_file_through_the_mapping() -> None:
    data, truth = ibm_like()
    result = read_extract(data, "ar.csv", mapping=Mapping.from_yaml(MAPPING_YAML), as_of=date(2013, 12, 31))
    assert result.problems == []
    assert result.source_format == "Generic CSV via mapping (comma, UTF-8)"
    assert result.lines_read == 40
    assert result.items["doc_no"].to_list() == [t["doc"] for t in truth]
    assert result.items["doc_no"][0].startswith("000")  # zero-padded invoice numbers stay text
    assert result.items["amount"].to_list() == [t["amount"] for t in truth]
    assert result.items["due_date"].to_list() == [t["due"] for t in truth]
    assert result.items["clearing_date"].to_list() == [t["settled"] for t in truth]
    assert result.items["disputed"].to_list() == [t["disputed"] for t in truth]
    assert set(result.items["currency"]) == {"EUR"}
    assert result.items["source_row"].to_list() == list(range(2, 42))
    assert result.totals() == {"EUR": sum((t["amount"] for t in truth), Decimal(0))}
    assert result.open_totals() == {}  # every invoice of the sample is settled by the as-of date


def test_mapping_with_german_separators_and_formats() -> None:
    mapping = Mapping(
        columns={
            "customer_id": "Kunde",
            "doc_no": "Rechnung",
            "doc_date": "Datum",
            "due_date": "Fällig",
            "amount": "Betrag",
            "currency": "Währung",
        },
        date_format="%d.%m.%Y",
        decimal=",",
        thousands=".",
    )
    text = "Kunde;Rechnung;Datum;Fällig;Betrag;Währung\nK1;R-1;01.02.2026;03.03.2026;1.234,56-;EUR\n"
    result = read_extract(text.encode("cp1252"), "datev.csv", mapping=mapping)
    assert result.errors == []
    assert result.items["amount"].to_list() == [Decimal("-1234.56")]
    assert result.items["due_date"].to_list() == [date(2026, 3, 3)]


def test_mapped_header_missing_from_the_file() -> None:
    data, _ = ibm_like(3)
    mapping = Mapping.from_yaml(MAPPING_YAML.replace("customerID", "CustomerNo"))
    result = read_extract(data, "ar.csv", mapping=mapping)
    assert result.items.is_empty()
    seen = ", ".join(f"'{h}'" for h in IBM_HEADERS)
    assert [p.message for p in result.errors] == [
        f"column 'CustomerNo' (mapped to customer_id) is not in the file; headers seen: {seen}"
    ]


def test_mapping_without_a_required_column() -> None:
    data, _ = ibm_like(3)
    mapping = Mapping.from_yaml(MAPPING_YAML.replace("constants: {currency: EUR}", ""))
    result = read_extract(data, "ar.csv", mapping=mapping)
    assert [p.message for p in result.errors] == [
        "the mapping gives no source for the required column currency (currency)"
    ]


def test_generic_xlsx_via_mapping_on_a_named_sheet() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet("Notes").write(0, 0, "nothing here")
    sheet = book.add_worksheet("Open items")
    for c, h in enumerate(
        ["Customer No.", "Document No.", "Posting Date", "Due Date", "Remaining Amount", "Currency Code"]
    ):
        sheet.write(0, c, h)
    sheet.write_row(1, 0, ["C0001", "INV-001", "2026-01-05", "2026-02-04", 1234.56, "EUR"])
    book.close()
    mapping = Mapping(
        columns={
            "customer_id": "Customer No.",
            "doc_no": "Document No.",
            "doc_date": "Posting Date",
            "due_date": "Due Date",
            "amount": "Remaining Amount",
            "currency": "Currency Code",
        },
        sheet="Open items",
    )
    result = read_extract(out.getvalue(), "bc.xlsx", mapping=mapping)
    assert result.errors == []
    assert result.source_format == "Generic XLSX via mapping (sheet 'Open items')"
    assert result.items["amount"].to_list() == [Decimal("1234.56")]
    assert result.items["doc_date"].to_list() == [date(2026, 1, 5)]


def test_mapping_yaml_round_trip() -> None:
    mapping = Mapping.from_yaml(MAPPING_YAML)
    assert mapping.columns["doc_no"] == "invoiceNumber"
    assert mapping.constants == {"currency": "EUR"}
    assert Mapping.from_yaml(mapping.to_yaml()) == mapping
    assert Mapping(columns={"amount": "Betrag"}, delimiter="semicolon").delimiter == ";"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns: [a, b", "the mapping is not valid YAML"),
        ("- a\n- b", "the mapping must be a YAML mapping"),
        ("columns: {invoice: Nr}", "unknown column(s) in mapping: invoice"),
        (
            "columns: {amount: X}\nconstants: {amount: '1'}",
            "mapped to a source header and given as a constant: amount",
        ),
        ("columns: {amount: X}\nseparator: ';'", "unknown key(s) in mapping: separator"),
        ("columns: {amount: X}\ndecimal: ';'", "decimal must be '.' or ','"),
        (
            "columns: {amount: X}\ndecimal: ','\nthousands: ','",
            "thousands separator ',' does not fit decimal ','",
        ),
        (
            "columns: {amount: X}\ndate_format: DD.MM.YYYY",
            "date_format 'DD.MM.YYYY' is not a strftime pattern",
        ),
        ("columns: {amount: ''}", "no source header given for: amount"),
    ],
)
def test_bad_mapping_files_raise_config_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        Mapping.from_yaml(text)


def test_source_headers_of_csv_and_xlsx() -> None:
    data, _ = ibm_like(2)
    assert source_headers(data, "ar.csv") == IBM_HEADERS
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Report title")
    sheet.write_row(2, 1, ["Kunde", "Rechnung", "Betrag"])
    book.close()
    assert source_headers(out.getvalue(), "x.xlsx") == ["Kunde", "Rechnung", "Betrag"]
    assert source_headers(b"%PDF-1.4", "x.xlsx") == []


def test_mapping_with_fixed_delimiter_and_skip_rows() -> None:
    decoy, header = "Nr|Kunde|Datum|Fällig|Betrag", "Kunde|Nr|Datum|Fällig|Betrag"
    text = f"Export 2026\n{decoy}\n{header}\nK1|0042|2026-01-05|2026-02-04|1 234,50\n"
    columns = {
        "customer_id": "Kunde",
        "doc_no": "Nr",
        "doc_date": "Datum",
        "due_date": "Fällig",
        "amount": "Betrag",
    }
    mapping = Mapping(
        columns=columns,
        constants={"currency": "EUR"},
        decimal=",",
        thousands=" ",
        delimiter="pipe",
        skip_rows=2,
    )
    result = read_extract(text.encode(), "other.txt", mapping=mapping)
    assert result.errors == []
    assert result.items["doc_no"].to_list() == ["0042"]
    assert result.items["amount"].to_list() == [Decimal("1234.50")]
    assert result.items["source_row"].to_list() == [4]
    without = read_extract(
        text.encode(), "other.txt", mapping=Mapping(**{**mapping.__dict__, "skip_rows": None})
    )
    assert without.errors  # the decoy on line 2 is taken for the header
