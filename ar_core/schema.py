"""The canonical open-item schema every reader produces and the store persists.

One explicit schema for the table that crosses the ingest → store → domain boundary, so that
column names are not stray strings scattered over the code base.
"""

from __future__ import annotations

import polars as pl

#: Money in frames: exact decimal with cents. Never a binary float.
MONEY = pl.Decimal(18, 2)

#: Canonical item columns and their polars types, in the order the store keeps them.
#: ``amount``/``currency`` are the local-currency (company code) amount that reconciles with the
#: ledger; ``amount_doc``/``doc_currency`` the document-currency amount where the extract has one.
ITEM_SCHEMA: dict[str, pl.DataType] = {
    "company_code": pl.String(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "doc_no": pl.String(),
    "fiscal_year": pl.Int32(),
    "line_item": pl.Int32(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "posting_date": pl.Date(),
    "baseline_date": pl.Date(),
    "due_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "amount_doc": MONEY,
    "doc_currency": pl.String(),
    "amount_reporting": MONEY,
    "clearing_date": pl.Date(),
    "clearing_doc": pl.String(),
    "dunning_level": pl.Int8(),
    "disputed": pl.Boolean(),
    "dispute_reason": pl.String(),
    #: The SAP Dispute Management (FSCM) case id of the item, when the extract carries one.
    "dispute_case": pl.String(),
    "reference": pl.String(),
    "assignment": pl.String(),
    "text": pl.String(),
    "collector": pl.String(),
    "country": pl.String(),
    #: 1-based line number in the source file (row number in a spreadsheet), for messages.
    "source_row": pl.Int64(),
}

ITEM_COLUMNS: tuple[str, ...] = tuple(ITEM_SCHEMA)

#: Columns an extract must provide (``due_date`` may be derived from ``baseline_date`` + terms,
#: ``currency`` may be a mapping constant).
REQUIRED_COLUMNS: tuple[str, ...] = ("customer_id", "doc_no", "doc_date", "due_date", "amount", "currency")

#: The identity of an item across snapshots: what lets later features see what was cleared.
ITEM_IDENTITY: tuple[str, ...] = ("company_code", "fiscal_year", "doc_no", "line_item")


def doc_key(doc_no: object) -> str:
    """The document number without leading zeros: "0090001234" and "90001234" are one document.

    Some ERP exports pad document numbers and others do not; an all-zero number stays "0". The one
    rule behind every comparison of items across files (clearing, promises, duplicates, timelines).
    """
    stripped = str(doc_no).strip().lstrip("0")
    return stripped or "0"


def doc_key_expr(col: str = "doc_no") -> pl.Expr:
    """:func:`doc_key` as a polars expression (named ``_doc_key``)."""
    import polars as pl

    stripped = pl.col(col).str.strip_chars().str.strip_chars_start("0")
    return pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped).alias("_doc_key")


def item_key(company_code: str | None, fiscal_year: int | None, doc_no: str, line_item: int | None) -> str:
    """An item's identity as one string: ``company_code|fiscal_year|doc_key|line_item``.

    The one key cases, allocation decisions, refunds and bank matches name an item by.
    """
    return "|".join(
        [
            "" if company_code is None else str(company_code),
            "" if fiscal_year is None else str(int(fiscal_year)),
            doc_key(doc_no),
            "" if line_item is None else str(int(line_item)),
        ]
    )


def item_key_expr():
    """:func:`item_key` over an items frame (named ``_item_key``)."""
    import polars as pl

    return pl.concat_str(
        [
            pl.col("company_code").fill_null(""),
            pl.col("fiscal_year").cast(pl.String).fill_null(""),
            doc_key_expr(),
            pl.col("line_item").cast(pl.String).fill_null(""),
        ],
        separator="|",
    ).alias("_item_key")


#: Customer master columns (customer master file and the ``customers`` table).
CUSTOMER_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "name": pl.String(),
    "country": pl.String(),
    "language": pl.String(),
    "collector": pl.String(),
    "risk_class": pl.String(),
    "credit_limit": MONEY,
    #: ISO code of the credit limit; blank means the reporting currency.
    "credit_limit_currency": pl.String(),
    "payment_terms": pl.String(),
    "company_code": pl.String(),
    "contact_name": pl.String(),
    "contact_phone": pl.String(),
    "contact_email": pl.String(),
    #: The group (allocations across it need approval): parent customer number, VAT id.
    "parent_id": pl.String(),
    "vat_id": pl.String(),
    #: The customer's IBANs, separated by ";": incoming bank payments are matched by them.
    "ibans": pl.String(),
}
#: The customer's postal address for letters (street and house number, postcode, city): read from
#: a master file that has these columns and stored with the customer, but kept out of
#: ``CUSTOMER_SCHEMA`` so that frames of the other fields stay as they are.
CUSTOMER_ADDRESS_SCHEMA: dict[str, pl.DataType] = {
    "street": pl.String(),
    "postcode": pl.String(),
    "city": pl.String(),
}

ROLES: tuple[str, ...] = ("collector", "lead", "controller", "admin")

#: ISO 4217 codes a DE/NL shared-service centre meets; anything else is reported as unknown.
KNOWN_CURRENCIES: frozenset[str] = frozenset(
    [
        "EUR",
        "USD",
        "GBP",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "JPY",
        "CNY",
        "CAD",
        "AUD",
        "NZD",
        "SGD",
        "HKD",
        "TRY",
        "ZAR",
        "INR",
        "BRL",
        "MXN",
        "AED",
        "SAR",
        "ILS",
    ]
)


def empty_items() -> pl.DataFrame:
    """An empty frame with the canonical item schema."""
    return pl.DataFrame(schema=ITEM_SCHEMA)


def store_text_limits(table: str) -> dict[str, int | None]:
    """Text columns of a store table (``open_items`` or ``customers``) and their length limit.

    Derived from the SQLAlchemy models, the one definition: ``String(n)`` gives ``n`` characters,
    ``Text`` gives ``None`` (no limit). PostgreSQL refuses longer values and NUL bytes at commit
    while SQLite takes them, so the validator checks these limits for both (see
    ``ar_core.ingest.validate.check_store_limits``).
    """
    import sqlalchemy as sa

    from ar_core.store.models import Base, ItemLayout

    tables = {**Base.metadata.tables, **ItemLayout.metadata.tables}
    limits: dict[str, int | None] = {}
    for column in tables[table].columns:
        if isinstance(column.type, sa.String):  # Text is a String without a length
            limits[column.name] = column.type.length
    return limits
