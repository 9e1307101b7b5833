"""SAP FBL5N exports in every shape the team receives them: tab, pipe, ';' and ',' CSV, XLSX."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import polars as pl
import xlsxwriter

from ar_core.ingest import read_extract
from ar_core.schema import ITEM_SCHEMA

TITLES = ["20.11.2026                Dynamische Listenausgabe", "Kundeneinzelposten  Stichtag 20.11.2026", ""]
DE = [
    "",
    "Buchungskreis",
    "Konto",
    "Name 1",
    "Belegnummer",
    "Geschäftsjahr",
    "Position",
    "Belegart",
    "Belegdatum",
    "Nettofälligkeit",
    "Betrag in Hauswährung",
    "Hauswährung",
    "Streitfall",
    "Sachbearbeiter",
]
ROWS = [
    [
        "",
        "1000",
        "0000004711",
        "Müller GmbH",
        "1800000001",
        "2026",
        "1",
        "RV",
        "01.10.2026",
        "31.10.2026",
        "1.234,56",
        "EUR",
        "X",
        "c.meyer",
    ],
    [
        "",
        "1000",
        "0000004711",
        "Müller GmbH",
        "1600000002",
        "2026",
        "1",
        "DG",
        "02.10.2026",
        "02.10.2026",
        "100,00-",
        "EUR",
        "",
        "c.meyer",
    ],
    [
        "",
        "2000",
        "0000000815",
        "Jansen B.V.",
        "1800000003",
        "2026",
        "2",
        "RV",
        "15.09.2026",
        "15.10.2026",
        "10.000,00",
        "EUR",
        "",
        "j.smit",
    ],
]
TOTAL = ["", "*", "", "", "", "", "", "", "", "", "11.134,56", "EUR", "", ""]


def tab_file(rows=ROWS, *, headers=DE, titles=TITLES, total=TOTAL, sep="\t", encoding="utf-8") -> bytes:
    lines = [*titles, sep.join(headers), *(sep.join(r) for r in rows), ""]
    if total:
        lines.append(sep.join(total))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_tab_export_with_title_lines_blank_lines_and_total_row() -> None:
    result = read_extract(tab_file(), "FBL5N_20261120.txt")

    assert result.problems == []
    assert result.source_format == "SAP FBL5N text export (tab, German headers, UTF-8)"
    assert result.as_of == date(2026, 11, 20)
    assert result.lines_read == 3
    assert result.items.schema == pl.Schema(ITEM_SCHEMA)
    first = result.items.row(0, named=True)
    assert first["customer_id"] == "0000004711"  # leading zeros kept
    assert first["customer_name"] == "Müller GmbH"
    assert first["doc_no"] == "1800000001"
    assert (first["fiscal_year"], first["line_item"], first["doc_type"]) == (2026, 1, "RV")
    assert (first["doc_date"], first["due_date"]) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (first["amount"], first["currency"]) == (Decimal("1234.56"), "EUR")
    assert first["disputed"] is True
    assert first["collector"] == "c.meyer"
    assert result.items["amount"].to_list() == [Decimal("1234.56"), Decimal("-100.00"), Decimal("10000.00")]
    assert result.items["disputed"].to_list() == [True, False, False]
    assert result.items["source_row"].to_list() == [5, 6, 7]  # physical lines: 3 title lines, header on 4
    assert result.file_totals == {"EUR": Decimal("11134.56")}
    assert result.totals() == {"EUR": Decimal("11134.56")}


def test_totals_are_exact_to_the_cent() -> None:
    rows = [
        [*ROWS[0][:4], f"18000000{i}", *ROWS[0][5:10], amount, "EUR", "", ""]
        for i, amount in enumerate(["0,10", "0,20", "0,30"])
    ]
    total = [*TOTAL[:10], "0,60", "EUR", "", ""]
    result = read_extract(tab_file(rows, total=total), "cents.txt")
    assert result.errors == []
    assert result.totals() == {"EUR": Decimal("0.60")}
    assert result.file_totals == {"EUR": Decimal("0.60")}


def test_pipe_delimited_list_output_with_padding_and_rules() -> None:
    text = "\n".join(
        [
            "Customer Line Item Display      Key date 11/20/2026",
            "-" * 60,
            "|  |CoCd|Account   |DocumentNo|Type|Doc. Date |Net due dt|  Amount in LC|LCurr|",
            "|" + "-" * 58 + "|",
            "|  |1000|0000004711|1800000001|RV  |10/01/2026|10/31/2026|     12,678.79|EUR  |",
            "|  |1000|0000004711|1600000002|DG  |10/02/2026|10/02/2026|        100.00-|EUR  |",
            "|" + "-" * 58 + "|",
            "|* |    |          |          |    |          |          |     12,578.79|EUR  |",
            "-" * 60,
        ]
    )
    result = read_extract(text.encode(), "list.txt")
    assert result.errors == [], [str(p) for p in result.problems]
    assert result.source_format.startswith("SAP FBL5N text export (pipe, English headers")
    assert result.as_of == date(2026, 11, 20)
    assert result.items["doc_no"].to_list() == ["1800000001", "1600000002"]
    assert result.items["doc_type"].to_list() == ["RV", "DG"]
    assert result.items["amount"].to_list() == [Decimal("12678.79"), Decimal("-100.00")]
    assert result.items["doc_date"].to_list() == [date(2026, 10, 1), date(2026, 10, 2)]
    assert result.items["source_row"].to_list() == [5, 6]
    assert result.file_totals == {"EUR": Decimal("12578.79")}


def test_semicolon_csv_in_windows_1252() -> None:
    data = tab_file(sep=";", encoding="cp1252")
    assert "Hauswährung".encode("cp1252") in data  # the umlaut really is a single cp1252 byte
    result = read_extract(data, "fbl5n.csv")
    assert result.errors == []
    assert result.source_format == "SAP FBL5N CSV (semicolon, German headers, Windows-1252)"
    assert result.items["customer_name"].to_list()[0] == "Müller GmbH"
    assert result.totals() == {"EUR": Decimal("11134.56")}


def test_windows_1252_umlaut_only_far_below_the_head() -> None:
    rows = [[*ROWS[2][:4], f"18{i:08d}", *ROWS[2][5:]] for i in range(6000)]
    rows.append([*ROWS[0][:3], "Bäcker KG", "1899999999", *ROWS[0][5:]])
    total = [*TOTAL[:10], "60.001.234,56", "EUR", "", ""]
    headers = [h.replace("ä", "ae") for h in DE]  # an ASCII header: only the last row betrays cp1252
    headers[10], headers[11] = "Betrag in HW", "HWaehr"
    result = read_extract(tab_file(rows, headers=headers, total=total, sep=";", encoding="cp1252"), "big.csv")
    assert result.errors == []
    assert "Windows-1252" in result.source_format
    assert result.items["customer_name"][-1] == "Bäcker KG"
    assert result.lines_read == 6001


def test_utf8_with_bom() -> None:
    result = read_extract(b"\xef\xbb\xbf" + tab_file(titles=[], sep=";"), "bom.csv")
    assert result.errors == []
    assert "UTF-8 with BOM" in result.source_format
    assert result.items["source_row"].to_list() == [2, 3, 4]


def test_comma_csv_with_english_headers_and_quotes() -> None:
    text = (
        "Company Code,Customer,Name,Document Number,Fiscal Year,Line item,Document Date,Net due date,"
        "Amount in local currency,Local Currency,Disputed\n"
        '1000,4711,"Smith, Inc.",1800000001,2026,1,10/01/2026,10/31/2026,"12,678.79",USD,Yes\n'
        '1000,4711,"Smith, Inc.",1600000002,2026,1,10/02/2026,10/02/2026,"1,000.00-",USD,No\n'
    )
    result = read_extract(text.encode(), "export.csv")
    assert result.errors == []
    assert result.source_format == "SAP FBL5N CSV (comma, English headers, UTF-8)"
    assert result.items["customer_name"].to_list() == ["Smith, Inc.", "Smith, Inc."]
    assert result.items["amount"].to_list() == [Decimal("12678.79"), Decimal("-1000.00")]
    assert result.items["disputed"].to_list() == [True, False]
    assert result.items["due_date"].to_list() == [date(2026, 10, 31), date(2026, 10, 2)]
    assert result.as_of is None


def test_label_variants_in_any_order_give_the_same_items() -> None:
    long = [
        "Document Number",
        "Customer",
        "Amount in local currency",
        "Local Currency",
        "Document Date",
        "Net due date",
        "Company Code",
    ]
    short = ["Local currency", "CoCd", "Net Due Dt", "Amount in LC", "DocumentNo", "Doc. Date", "Account"]
    values = {
        "doc": "1800000001",
        "cust": "4711",
        "amt": "50,00",
        "cur": "EUR",
        "dd": "01.10.2026",
        "due": "31.10.2026",
        "cc": "1000",
    }
    order_long = ["doc", "cust", "amt", "cur", "dd", "due", "cc"]
    order_short = ["cur", "cc", "due", "amt", "doc", "dd", "cust"]
    a = read_extract(("\t".join(long) + "\n" + "\t".join(values[k] for k in order_long)).encode(), "a.txt")
    b = read_extract(("\t".join(short) + "\n" + "\t".join(values[k] for k in order_short)).encode(), "b.txt")
    assert a.errors == b.errors == []
    assert a.items.drop("source_row").equals(b.items.drop("source_row"))
    assert a.items["amount"].to_list() == [Decimal("50.00")]  # a comma decimal even under English labels


def test_dutch_headers() -> None:
    text = (
        "Rekening;Documentnummer;Boekingssoort;Documentdatum;Netto-vervaldatum;Bedrag in lokale valuta;"
        "Lokale valuta;Toewijzing\n0000004711;1800000001;RV;01-10-2026;31-10-2026;1.234,56-;EUR;ABC\n"
    )
    result = read_extract(text.encode(), "nl.csv")
    assert result.errors == []
    assert "Dutch headers" in result.source_format
    row = result.items.row(0, named=True)
    assert (row["amount"], row["due_date"], row["assignment"]) == (
        Decimal("-1234.56"),
        date(2026, 10, 31),
        "ABC",
    )


def test_document_currency_amount_when_local_amount_is_absent() -> None:
    text = (
        "Account\tDocument Number\tDocument Date\tNet due date\tAmount in doc. curr.\tDocument currency\n"
        "4711\t1800000001\t01.10.2026\t31.10.2026\t99,95\tCHF\n"
    )
    result = read_extract(text.encode(), "dc.txt")
    assert result.errors == []
    row = result.items.row(0, named=True)
    assert (row["amount"], row["currency"], row["amount_doc"], row["doc_currency"]) == (
        Decimal("99.95"),
        "CHF",
        Decimal("99.95"),
        "CHF",
    )
    assert row["fiscal_year"] is None  # no fiscal year column: left empty


def test_due_date_from_baseline_when_net_due_date_is_absent() -> None:
    text = (
        "Konto\tBelegnummer\tBelegdatum\tBasisdatum\tBetrag in Hauswährung\tHauswährung\n"
        "4711\t1800000001\t01.10.2026\t05.10.2026\t10,00\tEUR\n"
    )
    result = read_extract(text.encode(), "baseline.txt")
    assert result.errors == []
    assert result.items["due_date"].to_list() == [date(2026, 10, 5)]
    (warning,) = result.warnings
    assert "due date is taken from the baseline date" in warning.message


def test_subtotals_per_customer_and_grand_total() -> None:
    sub_a = ["", "*", *[""] * 8, "1.134,56", "EUR", "", ""]
    sub_b = ["", "*", *[""] * 8, "10.000,00", "EUR", "", ""]
    grand = ["", "**", *[""] * 8, "11.134,56", "EUR", "", ""]
    lines = [
        *TITLES,
        "\t".join(DE),
        "\t".join(ROWS[0]),
        "\t".join(ROWS[1]),
        "\t".join(sub_a),
        "",
        "\t".join(ROWS[2]),
        "\t".join(sub_b),
        "",
        "\t".join(grand),
    ]
    result = read_extract("\n".join(lines).encode(), "subtotals.txt")
    assert result.errors == []
    assert result.lines_read == 3
    assert result.items["source_row"].to_list() == [5, 6, 9]
    assert result.file_totals == {"EUR": Decimal("11134.56")}


def test_subtotals_without_grand_total_are_not_reconciled() -> None:
    sub_a = ["", "*", *[""] * 8, "1.134,56", "EUR", "", ""]
    sub_b = ["", "*", *[""] * 8, "10.000,00", "EUR", "", ""]
    lines = [
        "\t".join(DE),
        "\t".join(ROWS[0]),
        "\t".join(ROWS[1]),
        "\t".join(sub_a),
        "\t".join(ROWS[2]),
        "\t".join(sub_b),
    ]
    result = read_extract("\n".join(lines).encode(), "subtotals.txt")
    assert result.errors == []
    assert result.file_totals == {}
    assert [w.message for w in result.warnings] == [
        "2 total rows for EUR and none is the grand total: not reconciled"
    ]


def test_one_total_row_per_currency() -> None:
    rows = [ROWS[0], [*ROWS[2][:10], "500,00", "USD", "", ""]]
    totals = [[*TOTAL[:10], "1.234,56", "EUR", "", ""], [*TOTAL[:10], "500,00", "USD", "", ""]]
    lines = ["\t".join(DE), *("\t".join(r) for r in rows), *("\t".join(t) for t in totals)]
    result = read_extract("\n".join(lines).encode(), "multi.txt")
    assert result.errors == []
    assert result.file_totals == {"EUR": Decimal("1234.56"), "USD": Decimal("500.00")}
    assert result.totals() == result.file_totals


def test_repeated_header_rows_are_skipped() -> None:
    lines = ["\t".join(DE), "\t".join(ROWS[0]), "", "\t".join(DE), "\t".join(ROWS[2])]
    result = read_extract("\n".join(lines).encode(), "pages.txt")
    assert result.errors == []
    assert result.items["source_row"].to_list() == [2, 5]


def test_cleared_items_and_open_totals() -> None:
    headers = [*DE, "Ausgleichsdatum"]
    rows = [[*ROWS[0], "15.11.2026"], [*ROWS[1], "25.11.2026"], [*ROWS[2], ""]]
    result = read_extract(tab_file(rows, headers=headers, total=None), "cleared.txt")
    assert result.errors == []
    assert result.items["clearing_date"].to_list() == [date(2026, 11, 15), date(2026, 11, 25), None]
    assert result.totals() == {"EUR": Decimal("11134.56")}
    assert result.open_totals() == {"EUR": Decimal("9900.00")}  # as of 20.11.: -100,00 + 10.000,00
    assert result.open_totals(date(2026, 11, 30)) == {"EUR": Decimal("10000.00")}


def xlsx_file(formula: bool = False, last_row: bool = False) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("FBL5N")
    when = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write(0, 1, "Kundeneinzelposten Stichtag 20.11.2026")
    headers = [
        "Buchungskreis",
        "Konto",
        "Belegnummer",
        "Belegdatum",
        "Nettofälligkeit",
        "Betrag in Hauswährung",
        "Hauswährung",
        "Mahnstufe",
    ]
    for col, header in enumerate(headers, start=1):
        sheet.write_string(2, col, header)
    items = [
        ("1000", 4711, "0018000001", datetime(2026, 10, 1), datetime(2026, 10, 31), 1234.56, 1),
        ("1000", 4711, "0018000002", datetime(2026, 10, 2), "02.11.2026", 0.1, 0),
        ("1000", 815, 18000003, datetime(2026, 9, 15), datetime(2026, 10, 15), -0.3, 2),
    ]
    for r, (cc, cust, doc, d1, d2, amount, level) in enumerate(items, start=3):
        sheet.write_string(r, 1, cc)
        sheet.write_number(r, 2, cust)
        sheet.write(r, 3, doc)
        sheet.write_datetime(r, 4, d1, when)
        if isinstance(d2, str):
            sheet.write_string(r, 5, d2)
        else:
            sheet.write_datetime(r, 5, d2, when)
        sheet.write_number(r, 6, amount)
        sheet.write_string(r, 7, "EUR")
        sheet.write_number(r, 8, level)
    sheet.write_string(7, 0, "*")
    if formula:
        sheet.write_formula(7, 6, "=SUM(G4:G6)", None, 1234.36)
    else:
        sheet.write_number(7, 6, 1234.56 + 0.1 - 0.3)  # a binary float: 1234.36 after rounding to cents
    sheet.write_string(7, 7, "EUR")
    if last_row:
        sheet.write_string(1_048_575, 1, "x")
    book.close()
    return out.getvalue()


def test_xlsx_with_typed_cells_and_total_row() -> None:
    result = read_extract(xlsx_file(), "FBL5N.xlsx")
    assert result.problems == [], [str(p) for p in result.problems]
    assert result.source_format == "SAP FBL5N XLSX (sheet 'FBL5N', German headers)"
    assert result.as_of == date(2026, 11, 20)
    assert result.items["source_row"].to_list() == [4, 5, 6]  # Excel row numbers
    assert result.items["customer_id"].to_list() == ["4711", "4711", "815"]  # numeric cells without ".0"
    assert result.items["doc_no"].to_list() == ["0018000001", "0018000002", "18000003"]
    assert result.items["amount"].to_list() == [Decimal("1234.56"), Decimal("0.10"), Decimal("-0.30")]
    assert result.items["due_date"].to_list() == [date(2026, 10, 31), date(2026, 11, 2), date(2026, 10, 15)]
    assert result.items["dunning_level"].to_list() == [1, 0, 2]
    assert result.file_totals == {"EUR": Decimal("1234.36")}
    assert result.totals() == {"EUR": Decimal("1234.36")}


def test_empty_due_date_falls_back_to_baseline_plus_terms_days() -> None:
    text = (
        "Konto\tBelegnummer\tBelegdatum\tBasisdatum\tTerms of payment days\tNettofälligkeit\t"
        "Betrag in Hauswährung\tHauswährung\n"
        "4711\t1800000001\t01.10.2026\t05.10.2026\t30\t\t10,00\tEUR\n"
        "4711\t1800000002\t01.10.2026\t05.10.2026\t30\t20.10.2026\t10,00\tEUR\n"
    )
    result = read_extract(text.encode(), "terms.txt")
    assert result.problems == []
    assert result.items["due_date"].to_list() == [date(2026, 11, 4), date(2026, 10, 20)]


def test_debit_credit_indicator_signs_unsigned_amounts() -> None:
    text = (
        "Konto\tBelegnummer\tBelegdatum\tNettofälligkeit\tSoll/Haben-Kennz.\t"
        "Betrag in Hauswährung\tHauswährung\n"
        "4711\t1800000001\t01.10.2026\t31.10.2026\tS\t10,00\tEUR\n"
        "4711\t1600000002\t01.10.2026\t31.10.2026\tH\t4,00\tEUR\n"
        "4711\t1600000003\t01.10.2026\t31.10.2026\tH\t3,00-\tEUR\n"  # already signed: stays negative
    )
    result = read_extract(text.encode(), "bsid.txt")
    assert result.errors == []
    assert result.items["amount"].to_list() == [Decimal("10.00"), Decimal("-4.00"), Decimal("-3.00")]


def test_utf16_export_with_english_key_date() -> None:
    text = "Open items at 11/20/2026\n\n" + "\n".join(
        [
            "\t".join(
                ["Customer", "DocumentNo", "Doc. Date", "Net due date", "Amount in LC", "LCurr", "Name"]
            ),
            "\t".join(["4711", "1800000001", "10/01/2026", "10/31/2026", "5.00", "EUR", "Ørsted A/S"]),
        ]
    )
    result = read_extract(text.encode("utf-16"), "unicode.txt")
    assert result.errors == []
    assert "UTF-16" in result.source_format
    assert result.as_of == date(2026, 11, 20)
    assert result.items["customer_name"].to_list() == ["Ørsted A/S"]
    assert result.items["source_row"].to_list() == [4]


def test_dutch_key_date_and_two_digit_years() -> None:
    text = (
        "Openstaande posten  Peildatum 20.11.26\n"
        "Rekening\tFactuurnummer\tDocumentdatum\tVervaldatum\tBedrag in lokale valuta\tLokale valuta\n"
        "4711\t1800000001\t01.10.26\t31.10.26\t5,00\tEUR\n"
    )
    result = read_extract(text.encode(), "nl.txt")
    assert result.errors == []
    assert result.as_of == date(2026, 11, 20)
    assert result.items["doc_date"].to_list() == [date(2026, 10, 1)]
