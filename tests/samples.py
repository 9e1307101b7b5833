"""Small hand-made extracts for page, CLI and browser tests (the unit tests of ingest have their own)."""

from __future__ import annotations

HEADER = [
    "",
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
]

#: (company code, customer, name, document, year, line, type, doc date, due date, amount text, currency)
LINES = [
    (
        "1000",
        "0000100001",
        "Müller Maschinenbau GmbH",
        "1800000001",
        "2026",
        "1",
        "RV",
        "01.09.2026",
        "01.10.2026",
        "1.234,56",
        "EUR",
    ),
    (
        "1000",
        "0000100001",
        "Müller Maschinenbau GmbH",
        "1800000002",
        "2026",
        "1",
        "DG",
        "15.09.2026",
        "15.09.2026",
        "234,50-",
        "EUR",
    ),
    (
        "1000",
        "0000100002",
        "Bakker Logistiek B.V.",
        "1800000003",
        "2026",
        "1",
        "RV",
        "10.10.2026",
        "09.11.2026",
        "10.000,00",
        "EUR",
    ),
    (
        "1000",
        "0000100002",
        "Bakker Logistiek B.V.",
        "1800000004",
        "2026",
        "1",
        "RV",
        "20.11.2026",
        "20.12.2026",
        "0,10",
        "EUR",
    ),
]
#: Hand-computed: 1234.56 - 234.50 + 10000.00 + 0.10
TOTAL_EUR = "11000.16"


def fbl5n_german_text(*, key_date: str = "20.11.2026", lines=LINES, total: str = "11.000,16") -> bytes:
    """An FBL5N 'unconverted' export: title lines, tab separated, empty column A, a `*` total row."""
    out = [
        f"{key_date}                 Dynamische Listenausgabe                   1",
        f"Kundeneinzelposten  Stichtag {key_date}",
        "",
        "\t".join(HEADER),
    ]
    out += ["\t".join(["", "", *line]) for line in lines]
    out.append("\t".join(["", "*", "", "", "", "", "", "", "", "", "", total, "EUR"]))
    return ("\r\n".join(out) + "\r\n").encode("cp1252")
