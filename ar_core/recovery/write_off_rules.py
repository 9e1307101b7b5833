"""Write-off and legal handover rules: reasons, statuses, the register, the posting and handover files.

Pure: frames and values in, frames and bytes out, no store. The service
(:mod:`ar_core.recovery.write_offs`) reads the requests and their items and hands them here.

- A request covers whole open debit items of one customer in one currency; its amount is the sum
  of those items' open amounts. A partial write-off is not a request of its own: after a short
  payment the ERP keeps the unpaid rest as a residual item, and that item is chosen whole. So what
  the ERP posts is exactly what was approved, and "cleared in ERP" is a plain fact of the next
  snapshot (every item of the request gone).
- The register counts approved write-offs (also once cleared) by the month they were approved,
  their reason and the collector of the customer when the request was made, per currency (amounts
  of different currencies are never added).
- The posting file is what a posting clerk needs for SAP F-30 / FB1D (or any ERP): company code,
  customer, document, amount, currency, reason code, the G/L account of the reason from a
  configurable map, and a posting text of at most 50 characters (SAP's item text).
- The handover file gives the legal partner the debtor, the documents with their dates, amounts and
  due dates, the dunning history and a summary of the contact log.
Every text cell of both files is neutralised against formula injection (``ar_core.spreadsheet``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import polars as pl

from ar_core.errors import InvalidInput
from ar_core.schema import MONEY
from ar_core.spreadsheet import csv_bytes, neutralise, new_workbook, write_row

#: The kinds of request (and of their four-eyes approval in ``ar_core.access``).
WRITE_OFF = "write_off"
LEGAL_HANDOVER = "legal_handover"
KINDS: dict[str, str] = {WRITE_OFF: "Write-off", LEGAL_HANDOVER: "Legal handover"}
#: Reason code -> label (the register's rows, the posting file's reason column).
REASONS: dict[str, str] = {
    "uncollectable": "Uncollectable",
    "insolvency": "Insolvency",
    "small_balance": "Small balance",
    "statute_of_limitations": "Statute of limitations",
    "commercial_decision": "Commercial decision",
}
#: Status -> label. ``cleared`` is read from the snapshots, the others follow the approval request.
PENDING, APPROVED, REJECTED, WITHDRAWN, CLEARED = "pending", "approved", "rejected", "withdrawn", "cleared"
STATUSES: dict[str, str] = {
    PENDING: "Waiting for approval",
    APPROVED: "Approved",
    REJECTED: "Rejected",
    WITHDRAWN: "Withdrawn",
    CLEARED: "Cleared in ERP",
}
#: Statuses whose items may not be put into another request.
ACTIVE = (PENDING, APPROVED)
#: The same under the names the recovery façade gives them (other capabilities share the façade).
REQUEST_KINDS, WRITE_OFF_REASONS, WRITE_OFF_STATUSES = KINDS, REASONS, STATUSES
#: Key of the G/L account map (``ar_core.settings``): reason code, or ``legal_handover``, -> account.
GL_ACCOUNTS_SETTING = "write_off_gl_accounts"
#: Placeholders from the German SKR04 chart (6930 losses on receivables, 1246 doubtful receivables):
#: a lead sets the company's own accounts.
DEFAULT_GL_ACCOUNTS: dict[str, str] = {
    "uncollectable": "6930",
    "insolvency": "6930",
    "small_balance": "6930",
    "statute_of_limitations": "6930",
    "commercial_decision": "6930",
    LEGAL_HANDOVER: "1246",
}
#: SAP's line-item text (BSEG-SGTXT) holds 50 characters.
POSTING_TEXT_CHARS = 50

#: One row per request as the service reads it (amounts of the request in its currency).
REQUEST_SCHEMA: dict[str, pl.DataType] = {
    "request_id": pl.Int64(),
    "kind": pl.String(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "collector": pl.String(),
    "company_code": pl.String(),
    "reason": pl.String(),
    "reason_label": pl.String(),
    "evidence": pl.String(),
    "amount": MONEY,
    "currency": pl.String(),
    "items": pl.Int64(),
    "status": pl.String(),
    "status_label": pl.String(),
    "approval_request_id": pl.Int64(),
    "requested_by": pl.String(),
    "requested_at": pl.Datetime("us", "UTC"),
    "decided_by": pl.String(),
    "decided_at": pl.Datetime("us", "UTC"),
    "decision_note": pl.String(),
    "snapshot_as_of": pl.Date(),
    "cleared_as_of": pl.Date(),
}
#: One row per item of a request.
ITEM_SCHEMA: dict[str, pl.DataType] = {
    "request_id": pl.Int64(),
    "item_key": pl.String(),
    "company_code": pl.String(),
    "fiscal_year": pl.Int64(),
    "doc_no": pl.String(),
    "line_item": pl.Int64(),
    "doc_type": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "reference": pl.String(),
    "dunning_level": pl.Int64(),
}
#: The register: one row per month, reason, collector and currency.
WRITE_OFF_REGISTER_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "reason": pl.String(),
    "collector": pl.String(),
    "currency": pl.String(),
    "requests": pl.Int64(),
    "amount": MONEY,
}
#: The ERP posting file: one row per item.
WRITE_OFF_POSTING_SCHEMA: dict[str, pl.DataType] = {
    "request_id": pl.Int64(),
    "kind": pl.String(),
    "company_code": pl.String(),
    "customer_id": pl.String(),
    "customer_name": pl.String(),
    "doc_no": pl.String(),
    "fiscal_year": pl.Int64(),
    "line_item": pl.Int64(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "amount": MONEY,
    "currency": pl.String(),
    "reason_code": pl.String(),
    "reason": pl.String(),
    "gl_account": pl.String(),
    "posting_text": pl.String(),
    "approved_by": pl.String(),
    "approved_on": pl.Date(),
}
#: The legal partner's handover file: one row per document.
LEGAL_HANDOVER_SCHEMA: dict[str, pl.DataType] = {
    "request_id": pl.Int64(),
    "customer_id": pl.String(),
    "debtor_name": pl.String(),
    "street": pl.String(),
    "postcode": pl.String(),
    "city": pl.String(),
    "country": pl.String(),
    "contact_name": pl.String(),
    "contact_email": pl.String(),
    "contact_phone": pl.String(),
    "doc_no": pl.String(),
    "doc_type": pl.String(),
    "reference": pl.String(),
    "doc_date": pl.Date(),
    "due_date": pl.Date(),
    "days_overdue": pl.Int64(),
    "amount": MONEY,
    "currency": pl.String(),
    "dunning_level": pl.Int64(),
    "last_letter_on": pl.Date(),
    "contact_log": pl.String(),
    "evidence": pl.String(),
    "handed_over_on": pl.Date(),
}
#: The two schemas under the names the recovery façade gives them.
WRITE_OFF_SCHEMA, WRITE_OFF_ITEM_SCHEMA = REQUEST_SCHEMA, ITEM_SCHEMA
#: Column headings of the files (what the clerk and the lawyer read).
HEADINGS: dict[str, str] = {
    "request_id": "Request", "kind": "Kind", "company_code": "Company code", "customer_id": "Customer",
    "customer_name": "Customer name", "doc_no": "Document", "fiscal_year": "Fiscal year",
    "line_item": "Line item", "doc_date": "Document date", "due_date": "Due date", "amount": "Amount",
    "currency": "Currency", "reason_code": "Reason code", "reason": "Reason", "gl_account": "G/L account",
    "posting_text": "Text", "approved_by": "Approved by", "approved_on": "Approved on",
    "debtor_name": "Debtor", "street": "Street", "postcode": "Postcode", "city": "City",
    "country": "Country", "contact_name": "Contact", "contact_email": "E-mail", "contact_phone": "Phone",
    "doc_type": "Document type", "reference": "Reference", "days_overdue": "Days overdue",
    "dunning_level": "Dunning level", "last_letter_on": "Last letter", "contact_log": "Contact log",
    "evidence": "Evidence", "handed_over_on": "Handed over on", "period": "Month", "collector": "Collector",
    "requests": "Requests",
}  # fmt: skip


# --- values ----------------------------------------------------------------------------------


def reason_label(code: str | None) -> str | None:
    """The readable reason of a code (an unknown code is shown as it is)."""
    return None if code is None else REASONS.get(code, code)


def period_of(day: date) -> str:
    """The register's period of a day: its calendar month as ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def request_status(
    approval: str,
    *,
    item_keys: Sequence[str],
    open_keys: frozenset[str] | set[str],
    requested_on: tuple[date, int],
    latest: tuple[date, int] | None,
) -> str:
    """The status of a request: its approval's, or ``cleared`` once the ERP has posted it.

    An approved request is cleared when the latest snapshot is later than the one its items were
    chosen from (``(as_of, snapshot id)``) and shows none of them open any more.
    """
    if approval != APPROVED or latest is None or latest <= requested_on:
        return approval
    return CLEARED if not set(item_keys) & set(open_keys) else APPROVED


def posting_text(kind: str, reason: str, request_id: int, doc_no: str) -> str:
    """The line-item text of a posting: what, why, which request, within SAP's 50 characters."""
    what = "Legal handover" if kind == LEGAL_HANDOVER else f"Write-off {reason_label(reason) or reason}"
    return f"{what} req {request_id} doc {doc_no}"[:POSTING_TEXT_CHARS]


def gl_account(accounts: Mapping[str, str], kind: str, reason: str) -> str | None:
    """The G/L account of a posting: the handover's for a handover, else the reason's."""
    return accounts.get(LEGAL_HANDOVER if kind == LEGAL_HANDOVER else reason)


def contact_log_summary(contacts: pl.DataFrame, *, limit: int = 5) -> str:
    """The contact log in one cell: how many entries, then the latest few (date, channel, outcome, notes).

    ``contacts`` has ``contacted_at`` (datetime or date), ``channel``, ``outcome`` and ``notes``.
    """
    if contacts.is_empty():
        return "No contact logged."
    rows = contacts.sort("contacted_at", descending=True).head(limit).iter_rows(named=True)
    lines = []
    for r in rows:
        when = r["contacted_at"]
        day = when.date() if hasattr(when, "date") else when
        notes = (r.get("notes") or "").strip().replace("\n", " ")
        parts = [f"{day:%d.%m.%Y}", r.get("channel") or "", r.get("outcome") or ""]
        lines.append(" ".join(p for p in parts if p) + (f": {notes[:120]}" if notes else ""))
    return f"{contacts.height} contact(s); latest: " + " | ".join(lines)


# --- the register ------------------------------------------------------------------------------


def register_rows(
    requests: pl.DataFrame, *, start: date | None = None, end: date | None = None
) -> pl.DataFrame:
    """Approved write-offs (``REQUEST_SCHEMA`` rows) per month approved, reason, collector and currency.

    Only kind ``write_off`` with status approved or cleared counts; ``start``/``end`` bound the
    approval date (both inclusive). Sorted by month, reason, collector, currency
    (:data:`WRITE_OFF_REGISTER_SCHEMA`; a missing collector shows as ``(none)``).
    """
    done = requests.filter(
        (pl.col("kind") == WRITE_OFF) & pl.col("status").is_in([APPROVED, CLEARED])
    ).with_columns(pl.col("decided_at").dt.date().alias("_on"))
    if start is not None:
        done = done.filter(pl.col("_on") >= start)
    if end is not None:
        done = done.filter(pl.col("_on") <= end)
    if done.is_empty():
        return pl.DataFrame(schema=WRITE_OFF_REGISTER_SCHEMA)
    table = (
        done.with_columns(
            pl.col("_on").dt.strftime("%Y-%m").alias("period"),
            pl.col("reason").replace_strict(REASONS, default=pl.col("reason")).alias("reason"),
            pl.col("collector").fill_null("(none)"),
        )
        .group_by("period", "reason", "collector", "currency")
        .agg(pl.len().cast(pl.Int64).alias("requests"), pl.col("amount").sum().cast(MONEY))
        .sort("period", "reason", "collector", "currency")
    )
    return table.select(list(WRITE_OFF_REGISTER_SCHEMA))


def register_totals(register_rows: pl.DataFrame, by: str) -> pl.DataFrame:
    """The register summed over one dimension (``period``, ``reason``, ``collector``), per currency."""
    if by not in ("period", "reason", "collector"):
        raise InvalidInput("by", f"the register sums by period, reason or collector, not {by!r}")
    return (
        register_rows.group_by(by, "currency")
        .agg(pl.col("requests").sum().cast(pl.Int64), pl.col("amount").sum().cast(MONEY))
        .sort(by, "currency")
    )


# --- the files ---------------------------------------------------------------------------------


def posting_rows(requests: pl.DataFrame, items: pl.DataFrame, accounts: Mapping[str, str]) -> pl.DataFrame:
    """The ERP posting file (:data:`WRITE_OFF_POSTING_SCHEMA`): one row per item of each approved request.

    Requests not approved (pending, rejected, withdrawn, already cleared) are left out.
    """
    approved = requests.filter(pl.col("status") == APPROVED)
    rows = []
    by_request = {r["request_id"]: r for r in approved.iter_rows(named=True)}
    for item in items.filter(pl.col("request_id").is_in(list(by_request))).iter_rows(named=True):
        req = by_request[item["request_id"]]
        decided = req["decided_at"]
        rows.append(
            (req["request_id"], KINDS.get(req["kind"], req["kind"]), item["company_code"], req["customer_id"],
             req["customer_name"], item["doc_no"], item["fiscal_year"], item["line_item"], item["doc_date"],
             item["due_date"], item["amount"], item["currency"], req["reason"], reason_label(req["reason"]),
             gl_account(accounts, req["kind"], req["reason"]),
             posting_text(req["kind"], req["reason"], req["request_id"], item["doc_no"]),
             req["decided_by"], decided.date() if decided is not None else None)
        )  # fmt: skip
    frame = pl.DataFrame(rows, schema=WRITE_OFF_POSTING_SCHEMA, orient="row")
    return frame.sort("company_code", "customer_id", "request_id", "doc_no", nulls_last=True)


def handover_rows(
    requests: pl.DataFrame,
    items: pl.DataFrame,
    debtors: Mapping[str, Mapping[str, object]],
    *,
    as_of: date,
    letters: Mapping[str, date] | None = None,
    contact_logs: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The legal partner's file (:data:`LEGAL_HANDOVER_SCHEMA`): a row per document of each approved handover.

    ``debtors`` maps a customer id to its master data (``street``, ``postcode``, ``city``,
    ``country``, ``contact_name``, ``contact_email``, ``contact_phone``; missing: blank),
    ``letters`` an item key to the date of its last dunning letter, ``contact_logs`` a customer id
    to :func:`contact_log_summary`. Days overdue are counted to ``as_of``.
    """
    letters, contact_logs = letters or {}, contact_logs or {}
    handovers = requests.filter((pl.col("kind") == LEGAL_HANDOVER) & pl.col("status").is_in([APPROVED]))
    by_request = {r["request_id"]: r for r in handovers.iter_rows(named=True)}
    rows = []
    for item in items.filter(pl.col("request_id").is_in(list(by_request))).iter_rows(named=True):
        req = by_request[item["request_id"]]
        who = debtors.get(req["customer_id"], {})
        due = item["due_date"]
        decided = req["decided_at"]
        rows.append(
            (req["request_id"], req["customer_id"], who.get("name") or req["customer_name"],
             who.get("street"), who.get("postcode"), who.get("city"), who.get("country"),
             who.get("contact_name"), who.get("contact_email"), who.get("contact_phone"), item["doc_no"],
             item["doc_type"],
             item["reference"], item["doc_date"], due, (as_of - due).days if due is not None else None,
             item["amount"], item["currency"], item["dunning_level"], letters.get(item["item_key"]),
             contact_logs.get(req["customer_id"], "No contact logged."), req["evidence"],
             decided.date() if decided is not None else None)
        )  # fmt: skip
    frame = pl.DataFrame(rows, schema=LEGAL_HANDOVER_SCHEMA, orient="row")
    return frame.sort("customer_id", "request_id", "due_date", "doc_no", nulls_last=True)


def _cell(sheet, row: int, col: int, value: object, fmt) -> None:
    """One typed cell: text neutralised and written as text, money as a number, a date as a date."""
    safe = neutralise(value)
    if safe is None:
        return
    if isinstance(safe, str):
        sheet.write_string(row, col, safe, fmt)
    elif isinstance(safe, date):
        sheet.write_datetime(row, col, safe, fmt)
    elif isinstance(safe, Decimal):
        sheet.write_number(row, col, float(safe), fmt)  # xlsx stores doubles only
    else:
        sheet.write(row, col, safe, fmt)


def _xlsx(frame: pl.DataFrame, sheet_name: str, title: str) -> bytes:
    """One sheet: a title line, a frozen filterable header, typed rows (money 2 decimals, dates
    ``dd.mm.yyyy``), every text neutralised (``spreadsheet.write_row``), a total per currency."""
    out = io.BytesIO()
    book = new_workbook(out)
    sheet = book.add_worksheet(sheet_name)
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF4", "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    write_row(sheet, 0, [title], bold)
    write_row(sheet, 2, [HEADINGS.get(c, c) for c in frame.columns], header)
    kinds = {c: (money if t == MONEY else day if t == pl.Date else None) for c, t in frame.schema.items()}
    for r, row in enumerate(frame.iter_rows(named=True), start=3):
        for c, (name, value) in enumerate(row.items()):
            _cell(sheet, r, c, value, kinds[name])
    if frame.height and "amount" in frame.columns:
        at = frame.columns.index("amount")
        totals = frame.group_by("currency").agg(pl.col("amount").sum()).sort("currency")
        for r, (currency, total) in enumerate(totals.iter_rows(), start=frame.height + 4):
            write_row(sheet, r, [f"Total {currency}"], bold)
            _cell(sheet, r, at, Decimal(total), money)
    for c, name in enumerate(frame.columns):
        sheet.set_column(c, c, 30 if name in ("contact_log", "evidence", "posting_text") else 14)
    sheet.freeze_panes(3, 0)
    sheet.autofilter(2, 0, max(frame.height, 1) + 2, max(len(frame.columns) - 1, 0))
    book.close()
    return out.getvalue()


def posting_xlsx(rows: pl.DataFrame) -> bytes:
    """The posting file as XLSX (:func:`posting_rows`)."""
    return _xlsx(rows, "Postings", "Write-offs and legal handovers to post in the ERP (four eyes approved)")


def handover_xlsx(rows: pl.DataFrame) -> bytes:
    """The handover file as XLSX (:func:`handover_rows`)."""
    return _xlsx(rows, "Handover", "Claims handed over to the legal partner")


def file_csv(rows: pl.DataFrame) -> bytes:
    """Either file as CSV (UTF-8 with BOM, readable headings, text neutralised)."""
    return csv_bytes(rows.rename({c: HEADINGS.get(c, c) for c in rows.columns}))
