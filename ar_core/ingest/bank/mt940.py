"""MT940 statements (SWIFT text), as Dutch and German banks deliver them.

One ``:61:`` is one transaction (MT940 has no batch detail); its ``:86:`` is read as the Dutch
structure (``/TRTP/…/NAME/…/REMI/…``), the German one (``166?00…?20…?32…``) or free text.
Lines wrap at 65 characters: a full line continues on the next without a break (the wrap fell
mid-word), a shorter one ended where the bank put a space — so nothing is lost or glued together.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ar_core.ingest.bank.checks import IBAN_LENGTHS, normalise_iban
from ar_core.ingest.bank.common import (
    Rows,
    blank_transaction,
    end_to_end,
    exact_amount,
    iban_problem,
    reference_from_text,
    set_iban,
    set_reference,
)
from ar_core.ingest.bank.result import CREDIT, DEBIT
from ar_core.ingest.result import ERROR, WARNING, Problem

FORMAT = "MT940"
#: Width at which banks wrap a field's lines.
LINE_WIDTH = 65
_TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
_BALANCE = re.compile(r"^(?P<mark>[CD])(?P<date>\d{6})(?P<ccy>[A-Z]{3})(?P<amount>\d{1,15},\d{0,2})$")
_LINE61 = re.compile(
    r"^(?P<vdate>\d{6})(?P<edate>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d{1,15},\d{0,2})(?P<type>[NSF][A-Z0-9]{3})(?P<custref>.*?)(?://(?P<bankref>.*))?$"
)
#: Keys of the Dutch structured :86: (ABN AMRO, ING, Rabobank, Triodos …).
_NL_KEYS = re.compile(
    r"/(TRTP|EREF|MARF|CSID|CNTP|REMI|NAME|IBAN|BIC|ORDP|BENM|ULTD|ULTC|ULTB|PURP|RTRN|PREF|ISDT|ADDR"
    r"|CHGS|EXCH|OCMT|ATOS|SVCL|BUSP|ID)/"
)
_DE_START = re.compile(r"^\d{3}\?")
_DE_SEPA = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP)\+")
#: MT940 marks: direction and whether the booking reverses an earlier one (RC takes a credit back).
_MARKS = {"C": (CREDIT, False), "D": (DEBIT, False), "RC": (DEBIT, True), "RD": (CREDIT, True)}


class Mt940Error(Exception):
    def __init__(self, message: str, line: int | None, tag: str | None) -> None:
        super().__init__(message)
        self.line, self.tag = line, tag


def decode(data: bytes) -> str:
    """The text of an MT940 file: UTF-8 when it is, else Windows-1252 / Latin-1 (older exports)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def looks_like_mt940(text: str) -> bool:
    head = text[:200_000]
    return bool(re.search(r"^:20:", head, re.M) and re.search(r"^:(60[FM]|61|62[FM]):", head, re.M))


def join_lines(lines: list[str], tag: str = "86") -> str:
    """One field's lines as one text (see the module doc for why a full line joins without a space).

    The first line is measured with its tag (":86:" counts towards the 65 characters).
    """
    text = lines[0]
    widths = [len(lines[0]) + len(tag) + 2, *(len(line) for line in lines[1:])]
    for width, line in zip(widths, lines[1:], strict=False):
        text += line if width >= LINE_WIDTH else " " + line
    return text


def _fields(text: str) -> list[tuple[str, list[str], int]]:
    """(tag, lines, line number) of every field; SWIFT block lines and text between messages are skipped."""
    fields: list[tuple[str, list[str], int]] = []
    open_field = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        match = _TAG.match(line)
        if match:
            fields.append((match.group(1), [match.group(2)], number))
            open_field = True
        elif line.strip() in {"-", "-}", "}"} or line.startswith("{"):
            open_field = False  # end of one message: what follows up to the next tag is a header
        elif open_field and line != "":
            fields[-1][1].append(line)
    return fields


def _yymmdd(text: str) -> date:
    year = int(text[:2])
    return date(2000 + year if year < 80 else 1900 + year, int(text[2:4]), int(text[4:6]))


def _amount(text: str, line: int, tag: str) -> Decimal:
    value = exact_amount(text.replace(",", ".", 1)) if text.count(",") == 1 else None
    if value is None:
        raise Mt940Error(f"'{text[:30]}' is not an amount", line, tag)
    return value


def _balance(value: str, line: int, tag: str) -> tuple[Decimal, date, str]:
    match = _BALANCE.match(value.strip())
    if not match:
        raise Mt940Error(
            f"the balance '{value[:40]}' is not mark, YYMMDD, currency and amount", line, f":{tag}:"
        )
    try:
        day = _yymmdd(match["date"])
    except ValueError:
        raise Mt940Error(f"'{match['date']}' is not a date (YYMMDD)", line, f":{tag}:") from None
    amount = _amount(match["amount"], line, f":{tag}:")
    return (-amount if match["mark"] == "D" else amount), day, match["ccy"]


def _account(text: str) -> tuple[str, str | None]:
    """The account of :25: and a currency some banks append (ING: "NL69INGB0123456789EUR")."""
    account = text.strip()
    if "/" in account and re.match(r"^[A-Z]{6}[A-Z0-9]{2,5}/", account):  # "BIC/IBAN"
        account = account.split("/", 1)[1]
    compact = normalise_iban(account)
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected and len(compact) == expected + 3 and compact[-3:].isalpha():
        return compact[:-3], compact[-3:]
    if re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", compact):
        return compact, None
    return account, None


def read_mt940(text: str, source: str) -> Rows:
    """Read every statement (one :20: block each) of an MT940 text; errors are reported, never raised."""
    out = Rows(FORMAT)
    try:
        statements: list[list[tuple[str, list[str], int]]] = []
        for tag, lines, number in _fields(text):
            if tag == "20":
                statements.append([])
            elif not statements:
                raise Mt940Error(f"field :{tag}: comes before the first :20:", number, f":{tag}:")
            statements[-1].append((tag, lines, number))
        if not statements:
            raise Mt940Error("the file holds no MT940 statement (no :20: field)", None, ":20:")
        for fields in statements:
            _statement(fields, source, out)
    except Mt940Error as exc:
        out.problems.append(Problem(source, exc.line, exc.tag, str(exc), ERROR))
    return out


def _statement(fields: list[tuple[str, list[str], int]], source: str, out: Rows) -> None:
    start = fields[0][2] if fields else None
    values: dict[str, str] = {}
    opening = closing = None
    rows: list[dict[str, Any]] = []
    reference = ""
    for tag, lines, number in fields:
        if tag == "20":
            reference = lines[0].strip()
        elif tag == "25":
            values["account"] = lines[0]
        elif tag in ("28", "28C"):
            values["sequence"] = lines[0].strip()
        elif tag in ("60F", "60M"):
            opening = _balance(lines[0], number, tag)
        elif tag in ("62F", "62M"):
            closing = _balance(lines[0], number, tag)
        elif tag == "61":
            rows.append(_transaction(lines, number, len(rows) + 1))
        elif tag == "86" and rows and rows[-1].get("_open"):
            _details(rows[-1], lines)
    label = f"statement {reference or '?'}"
    _require(label, start, account="account" in values, opening=opening, closing=closing)
    assert opening is not None and closing is not None  # for the type checker
    account, suffix_currency = _account(values["account"])
    key = f"{reference}/{values['sequence']}" if "sequence" in values else reference
    movement = _finish_rows(rows, key, currency=opening[2], label=label, source=source, out=out)
    if opening[0] + movement != closing[0]:
        message = (
            f"{label}: opening balance {opening[0]} + entries {movement} = {opening[0] + movement}, "
            f"but the closing balance is {closing[0]}"
        )
        out.problems.append(Problem(source, start, ":62F:", message, WARNING))
    out.statements.append(
        {
            "statement_key": key,
            "sequence_no": values.get("sequence"),
            "account_iban": account,
            "account_currency": suffix_currency or opening[2],
            "created_at": None,
            "from_date": opening[1],
            "to_date": closing[1],
            "opening_balance": opening[0],
            "closing_balance": closing[0],
            "entries": len(rows),
            "source": source,
        }
    )
    out.transactions.extend(rows)


def _require(label: str, line: int | None, *, account: bool, opening: object, closing: object) -> None:
    """A statement needs its account and both balances: without them it is no statement."""
    for what, present, tag in (
        ("account (:25:)", account, ":25:"),
        ("opening balance (:60F:)", opening, ":60F:"),
        ("closing balance (:62F:)", closing, ":62F:"),
    ):
        if not present:
            raise Mt940Error(f"{label} has no {what}", line, tag)


def _finish_rows(
    rows: list[dict[str, Any]], key: str, *, currency: str, label: str, source: str, out: Rows
) -> Decimal:
    """Complete the statement's rows, report bad IBANs; the signed sum of the entries."""
    movement = Decimal("0.00")
    for row in rows:
        row["statement_key"] = key
        row["currency"] = currency
        movement += row["amount"] if row["direction"] == CREDIT else -row["amount"]
        reference_from_text(row)
        line = row.pop("_line")
        row.pop("_open", None)
        warning = iban_problem(row)
        if warning:
            out.problems.append(Problem(source, line, ":86:", f"{label}, {warning}", WARNING))
    return movement


def _transaction(lines: list[str], number: int, index: int) -> dict[str, Any]:
    match = _LINE61.match(lines[0].strip())
    if not match:
        raise Mt940Error(
            f"entry {index}: '{lines[0][:50]}' is not a :61: line (date, C/D/RC/RD, amount, type, reference)",
            number,
            ":61:",
        )
    try:
        value_date = _yymmdd(match["vdate"])
        booking_date = value_date
        if match["edate"]:
            month, day = int(match["edate"][:2]), int(match["edate"][2:])
            year = (
                value_date.year
                + (month == 1 and value_date.month == 12)
                - (month == 12 and value_date.month == 1)
            )
            booking_date = date(year, month, day)
    except ValueError:
        raise Mt940Error(f"entry {index}: '{lines[0][:10]}' holds no valid date", number, ":61:") from None
    direction, reversal = _MARKS[match["mark"]]
    row = blank_transaction()
    bank_ref = (match["bankref"] or "").strip() or None
    row.update(
        entry_index=index,
        tx_index=1,
        entry_reference=bank_ref,
        bank_reference=bank_ref,
        amount=_amount(match["amount"], number, ":61:"),
        direction=direction,
        reversal=reversal,
        booking_date=booking_date,
        value_date=value_date,
        bank_tx_code=match["type"],
        batch_size=1,
        _open=True,
        _line=number,
    )
    return row


def _details(row: dict[str, Any], lines: list[str]) -> None:
    """Fill a transaction from its :86: (Dutch structure, German subfields or free text)."""
    row.pop("_open", None)
    if _DE_START.match(lines[0]):
        _german(row, "".join(lines))  # subfield marks, not the line breaks, separate the parts
        return
    text = join_lines(lines).strip()
    if text.startswith("/") and _NL_KEYS.match(text):
        _dutch(row, text)
    else:
        row["remittance"] = text or None


def _dutch(row: dict[str, Any], text: str) -> None:
    marks = list(_NL_KEYS.finditer(text))
    parts: dict[str, str] = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=False):
        end = following.start() if following else len(text)
        parts.setdefault(mark.group(1), text[mark.end() : end].strip(" /"))
    name, iban = parts.get("NAME"), parts.get("IBAN")
    if "CNTP" in parts:  # ING: /CNTP/account/BIC/name/city/
        pieces = [*parts["CNTP"].split("/"), "", "", ""]
        iban, name = iban or pieces[0], name or pieces[2]
    row["counterparty_name"] = name.strip() if name and name.strip() else None
    set_iban(row, iban)
    if parts.get("ULTD"):
        row["ultimate_debtor"] = next((p for p in parts["ULTD"].split("/") if p.strip()), None)
    row["end_to_end_id"] = end_to_end(parts.get("EREF"))
    remittance = parts.get("REMI", "")
    structured = re.match(r"^STRD/(\w+)/(.+)$", remittance)
    if structured:
        issuer, ref = structured.group(1).upper(), structured.group(2).strip(" /")
        set_reference(row, ref, scor=issuer in {"ISO", "SCOR"}, cur=issuer == "CUR")
    else:
        remittance = re.sub(r"^USTD/+", "", remittance).strip(" /")
        row["remittance"] = remittance or None


def _german(row: dict[str, Any], text: str) -> None:
    """German :86: — a business code (GVC) then ?NN subfields; SEPA keys (EREF+, SVWZ+ …) in ?20-?29."""
    gvc, _, rest = text.partition("?")
    pieces = re.split(r"\?(\d{2})", "?" + rest)
    sub: dict[str, str] = {}
    for code, value in zip(pieces[1::2], pieces[2::2], strict=False):
        sub[code] = sub.get(code, "") + value
    purpose = "".join(sub.get(f"{n}", "") for n in [*range(20, 30), *range(60, 64)]).strip()
    keyed = dict.fromkeys(["EREF", "SVWZ", "ABWA"], "")
    marks = list(_DE_SEPA.finditer(purpose))
    for mark, following in zip(marks, [*marks[1:], None], strict=False):
        end = following.start() if following else len(purpose)
        keyed[mark.group(1)] = purpose[mark.end() : end].strip()
    row["remittance"] = (keyed["SVWZ"] if marks else purpose) or None
    row["end_to_end_id"] = end_to_end(keyed["EREF"])
    row["ultimate_debtor"] = keyed["ABWA"] or None
    name = (sub.get("32", "") + sub.get("33", "")).strip()
    row["counterparty_name"] = name or None
    account = sub.get("31", "").strip()
    if re.match(r"^[A-Za-z]{2}\d{2}", account):
        set_iban(row, account)
    if gvc.strip().isdigit():
        row["bank_tx_code"] = f"{row['bank_tx_code']};{gvc.strip()}"
