"""Customer master files: id, name, country, language, collector, risk class, credit limit, contacts, address.

The extract names customers only in passing; the master adds what collections needs (language of
letters, collector, credit limit). Same rules as extracts: bad input becomes problems.
"""

from __future__ import annotations

import fastexcel
import polars as pl

from ar_core.ingest import guard, parse, text, xlsx
from ar_core.ingest.detect import TEXT, Unreadable, decode_to_utf8, find_header, sniff_kind
from ar_core.ingest.labels import fold
from ar_core.ingest.result import Problem
from ar_core.ingest.validate import store_limit_problems
from ar_core.schema import CUSTOMER_ADDRESS_SCHEMA, CUSTOMER_SCHEMA, KNOWN_CURRENCIES

#: Header texts accepted per customer column (the schema key itself always counts).
CUSTOMER_LABELS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "Kundennummer",
        "Kunde",
        "Konto",
        "Debitor",
        "Customer",
        "Customer ID",
        "Account",
        "Debiteur",
        "Klantnummer",
    ),
    "name": ("Name", "Name 1", "Kundenname", "Customer name", "Naam"),
    "country": ("Land", "Country"),
    "language": ("Sprache", "Korrespondenzsprache", "Language", "Taal"),
    "collector": ("Sachbearbeiter", "Accounting clerk", "Collector", "Incasseerder"),
    "risk_class": ("Risikoklasse", "Risk class", "Risicoklasse"),
    "credit_limit": ("Kreditlimit", "Credit limit", "Kredietlimiet"),
    "credit_limit_currency": (
        "Kreditlimit Währung",
        "Währung Kreditlimit",
        "Kreditlimitwährung",
        "Credit limit currency",
        "Limit currency",
        "Valuta kredietlimiet",
        "Kredietlimiet valuta",
    ),
    "payment_terms": ("Zahlungsbedingung", "Terms of payment", "Payment terms", "Betalingsvoorwaarde"),
    "company_code": ("Buchungskreis", "Company code", "CoCd"),
    "contact_name": ("Ansprechpartner", "Contact", "Contact name", "Contactpersoon"),
    "contact_phone": ("Telefon", "Phone", "Telefoon"),
    "contact_email": ("E-Mail", "Email", "E-mail address"),
    "parent_id": (
        "Konzern",
        "Konzernzentrale",
        "Muttergesellschaft",
        "Parent",
        "Parent customer",
        "Group",
        "Moedermaatschappij",
        "Concern",
    ),
    "vat_id": (
        "USt-IdNr.",
        "USt-IdNr",
        "Umsatzsteuer-ID",
        "VAT ID",
        "VAT number",
        "VAT",
        "btw-nummer",
        "BTW-nummer",
        "BTW-id",
        "Btw-identificatienummer",
    ),
    "ibans": ("IBAN", "IBANs", "Bankverbindung", "Bank account", "Bankrekening", "Rekeningnummer"),
    "street": ("Straße", "Strasse", "Str.", "Anschrift", "Street", "Address", "Straat", "Adres", "Rue"),
    "postcode": ("PLZ", "Postleitzahl", "Postcode", "Post code", "Postal code", "ZIP", "Code postal"),
    "city": ("Ort", "Stadt", "City", "Town", "Plaats", "Woonplaats", "Ville"),
}
_INDEX = {fold(label): c for c, labels in CUSTOMER_LABELS.items() for label in (c, *labels)}


def _score(cells: list[str]) -> int:
    return len({_INDEX[f] for c in cells if c and (f := fold(c)) in _INDEX})


def _positions(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        canonical = _INDEX.get(fold(header)) if header else None
        if canonical:
            found.setdefault(canonical, position)
    return found


def read_customer_master(data: bytes, file_name: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Read a customer master (';' or ',' CSV, or XLSX) into CUSTOMER_SCHEMA; rows with errors left out.

    The address columns (``CUSTOMER_ADDRESS_SCHEMA``) follow when the file has them.

    Never raises for bad input; anything unexpected becomes one problem with an incident id.
    """
    empty = pl.DataFrame(schema=CUSTOMER_SCHEMA)
    try:
        frame, headers, positions, typed = _read(data, file_name)
        return _parse(frame, headers, positions, file_name, typed_limit=typed)
    except Unreadable as exc:
        return empty, [Problem(file_name, None, None, str(exc))]
    except (pl.exceptions.PolarsError, fastexcel.FastExcelError) as exc:
        return empty, [Problem(file_name, None, None, f"the file cannot be read as a table ({exc})")]
    except BaseException as exc:  # the last resort, see guard.unexpected
        if not guard.unexpected(exc):
            raise
        return empty, [guard.incident(file_name, exc, "reading the customer master")]


def _read(data: bytes, file_name: str) -> tuple[pl.DataFrame, list[str], dict[str, int], bool]:
    """(text columns, headers, positions, whether the credit limit holds typed spreadsheet numbers)."""
    if not data.strip():
        raise Unreadable("the file is empty")
    kind = sniff_kind(data, file_name)
    if kind == TEXT:
        buf, _ = decode_to_utf8(data)
        layout = find_header(buf, _score, minimum=1)
        if layout is None:
            raise Unreadable(
                "no header row recognised: expected columns such as 'customer_id' or 'Kundennummer'"
            )
        positions = _positions(layout.headers)
        _require(positions)
        return text.read_body(buf, layout, set(positions.values())), layout.headers, positions, False
    sheet = xlsx.first_sheet_head(data)
    if not xlsx.find_header(sheet, _score, 1):
        raise Unreadable("no header row recognised: expected columns such as 'customer_id' or 'Kundennummer'")
    positions = _positions(sheet.headers)
    _require(positions)
    kinds = {p: (parse.MONEY_KIND if c == "credit_limit" else parse.TEXT) for c, p in positions.items()}
    frame, _, typed, _ = xlsx.read_body(sheet, kinds)
    return frame, sheet.headers, positions, positions.get("credit_limit") in typed


def _require(positions: dict[str, int]) -> None:
    if "customer_id" not in positions:
        raise Unreadable("missing required column: customer_id (or 'Kundennummer')")


def _trimmed(col: pl.Expr) -> pl.Expr:
    text = col.str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text)


def _parse(
    frame: pl.DataFrame,
    headers: list[str],
    positions: dict[str, int],
    file_name: str,
    *,
    typed_limit: bool = False,
) -> tuple[pl.DataFrame, list[Problem]]:
    cols = {c: _trimmed(pl.col(f"c{p}")).alias(c) for c, p in positions.items()}
    df = frame.select("source_row", *cols.values())
    df = df.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in positions))
    style = parse.TYPED if typed_limit else parse.GERMAN
    if "credit_limit" in positions and not typed_limit:
        style = parse.detect_number_style(df["credit_limit"], parse.GERMAN)
    exprs = [
        (
            pl.col(c).str.to_uppercase()
            if c in ("country", "credit_limit_currency")
            else pl.col(c).str.to_lowercase()
            if c == "language"
            else pl.col(c)
        )
        for c in positions
        if c != "credit_limit"
    ]
    if "credit_limit" in positions:
        exprs.append(parse.money(pl.col("credit_limit"), style).alias("credit_limit_value"))
    df = df.with_columns(exprs)
    problems: list[Problem] = []
    header = {c: headers[p] for c, p in positions.items()}
    for (r,) in df.filter(pl.col("customer_id").is_null()).select("source_row").iter_rows():
        problems.append(Problem(file_name, r, header["customer_id"], "no customer number"))
    if "credit_limit" in positions:
        bad = df.filter(pl.col("credit_limit").is_not_null() & pl.col("credit_limit_value").is_null())
        for r, v in bad.select("source_row", "credit_limit").iter_rows():
            message = (
                f"'{v}' has fractions of a cent: an amount must be in whole cents"
                if parse.is_sub_cent(v, style)
                else f"cannot read '{v}' as an amount"
            )
            problems.append(Problem(file_name, r, header["credit_limit"], message))
    if "credit_limit_currency" in positions:
        unknown = pl.col("credit_limit_currency").is_not_null() & ~pl.col("credit_limit_currency").is_in(
            sorted(KNOWN_CURRENCIES)
        )
        for r, v in df.filter(unknown).select("source_row", "credit_limit_currency").iter_rows():
            problems.append(Problem(file_name, r, header["credit_limit_currency"], f"unknown currency '{v}'"))
    key = pl.col("customer_id").str.strip_chars_start("0")
    dup = df.filter(pl.col("customer_id").is_not_null() & key.is_duplicated()).select(
        "source_row", key.alias("k")
    )
    groups: dict[str, list[int]] = {}
    for r, k in dup.iter_rows():
        groups.setdefault(k, []).append(r)
    for rows in groups.values():
        for i, r in enumerate(rows):
            other = rows[1] if i == 0 else rows[0]
            problems.append(
                Problem(file_name, r, header["customer_id"], f"customer number also on row {other}")
            )
    problems += store_limit_problems(df, "customers", header, file_name)
    bad_rows = sorted({p.row for p in problems})
    df = df.filter(~pl.col("source_row").is_in(bad_rows))
    if "credit_limit" in positions:
        df = df.with_columns(pl.col("credit_limit_value").alias("credit_limit"))
    out = df.select(
        (pl.col(c) if c in positions else pl.lit(None)).cast(t).alias(c) for c, t in CUSTOMER_SCHEMA.items()
    )
    # the address columns only when the file has them: a master without them changes no address
    out = out.with_columns(df[c].cast(t) for c, t in CUSTOMER_ADDRESS_SCHEMA.items() if c in positions)
    return out, sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
