"""camt.053 statements and camt.054 notifications (ISO 20022, versions .001.02 to .001.08).

The XML is parsed by expat directly into a small tree of local names that remembers line numbers
(problems name the line). Safety: any DOCTYPE is refused as soon as expat meets it, so no entity
can be declared — neither an expanding one (billion laughs) nor an external one — and without a
DTD expat resolves no external entity; the declared prolog encoding is honoured by expat itself.
Only elements in the document's own camt namespace are read, by local name: what we read has the
same structure in every version (only .001.08 moves the party name to ``Pty/Nm``, read in any).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from ar_core.ingest.bank.checks import iban_valid, normalise_iban
from ar_core.ingest.bank.common import (
    Rows,
    blank_transaction,
    end_to_end,
    iban_problem,
    iso_amount,
    iso_date,
    iso_datetime,
    reference_from_text,
    set_iban,
    set_reference,
)
from ar_core.ingest.bank.result import CREDIT, DEBIT
from ar_core.ingest.result import ERROR, WARNING, Problem

_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(05[2-4])\.001\.(\d{2})$")
#: Versions whose structure the reader knows.
VERSIONS = range(2, 9)
#: Messages read: message number -> (container element, statement element).
MESSAGES = {"053": ("BkToCstmrStmt", "Stmt"), "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}
#: Most elements one document may have: bounds memory (a real statement has some 30 per entry).
MAX_ELEMENTS = 5_000_000
#: Entry states that are not (yet) on the account: left out of the balance check.
_NOT_BOOKED = {"PDNG", "INFO", "FUTR"}


class CamtError(Exception):
    """The document is refused; ``line`` and ``path`` locate why when known."""

    def __init__(self, message: str, line: int | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.line, self.path = line, path


@dataclass(slots=True)
class Node:
    """One element: local name (``{ns}name`` for a foreign namespace), attributes, text, line."""

    name: str
    line: int
    attrs: dict[str, str] | None = None
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def findall(self, path: str) -> list[Node]:
        nodes = [self]
        for step in path.split("/"):
            nodes = [c for n in nodes for c in n.children if c.name == step]
        return nodes

    def find(self, path: str) -> Node | None:
        found = self.findall(path)
        return found[0] if found else None

    def get(self, *paths: str) -> str | None:
        """Stripped text at the first of ``paths`` that exists with text, else None."""
        for path in paths:
            for node in self.findall(path):
                if node.text.strip():
                    return node.text.strip()
        return None


def parse_xml(data: bytes) -> tuple[Node, str]:
    """The document tree and the root's namespace; CamtError for broken XML, a DOCTYPE, too many elements."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    texts: list[list[str]] = []  # text pieces per open element, joined once (no quadratic +=)
    root: list[Node] = []
    namespace: list[str] = []
    count = 0

    def refuse_dtd(*_args: Any) -> None:
        raise CamtError(
            "the XML declares a DOCTYPE (entities): refused, a bank statement has none",
            parser.CurrentLineNumber,
        )

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            raise CamtError(f"the XML has more than {MAX_ELEMENTS:,} elements", parser.CurrentLineNumber)
        uri, _, local = name.rpartition(" ")
        if not namespace:
            namespace.append(uri)
        node = Node(local if uri == namespace[0] else f"{{{uri}}}{local}", parser.CurrentLineNumber)
        if attrs:
            node.attrs = attrs
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)
        texts.append([])

    def end(_name: str) -> None:
        node, pieces = stack.pop(), texts.pop()
        if not node.children:  # text between child elements is layout
            node.text = "".join(pieces)

    def chars(text: str) -> None:
        if texts:
            texts[-1].append(text)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code)
        raise CamtError(
            f"the file is not well-formed XML: {message} at line {exc.lineno}, column {exc.offset + 1}",
            exc.lineno,
        ) from None
    except (LookupError, UnicodeError) as exc:  # a declared encoding Python cannot decode
        raise CamtError(f"the XML's declared encoding cannot be read: {exc}") from None
    if not root:
        raise CamtError("the XML holds no element")
    return root[0], namespace[0]


def document_namespace(data: bytes) -> str:
    """The namespace of the root element (cheap sniff for detection; '' when none)."""
    found = re.search(
        rb"xmlns(?::\w+)?\s*=\s*[\"'](urn:iso:std:iso:20022:tech:xsd:[^\"']+)[\"']", data[:4096]
    )
    return found.group(1).decode("ascii", "replace") if found else ""


def read_camt(data: bytes, source: str) -> Rows:
    """Read one camt.053/054 document into rows; errors are reported, never raised."""
    out = Rows("camt")
    try:
        root, uri = parse_xml(data)
        message, version, container, stmt_name = _message(root, uri)
        out.format = f"camt.{message}.001.{version:02d}"
        holder = root.find(container)
        if holder is None:
            raise CamtError(f"the document has no {container}", root.line, f"Document/{container}")
        header_created = iso_datetime(holder.get("GrpHdr/CreDtTm"))
        statements = holder.findall(stmt_name)
        if not statements:
            raise CamtError(f"the document has no {stmt_name}", holder.line, f"{container}/{stmt_name}")
        for stmt in statements:
            _read_statement(stmt, stmt_name, source, header_created, out)
    except CamtError as exc:
        out.problems.append(Problem(source, exc.line, exc.path, str(exc), ERROR))
    return out


def _message(root: Node, uri: str) -> tuple[str, int, str, str]:
    match = _NAMESPACE.match(uri)
    if root.name != "Document" or match is None:
        raise CamtError(
            "this XML is no camt.053 or camt.054 document (its root must be Document in the "
            "urn:iso:std:iso:20022:tech:xsd:camt.05x.001.NN namespace)",
            root.line,
        )
    message, version = match.group(1), int(match.group(2))
    if message not in MESSAGES:
        raise CamtError(f"camt.{message} is not read: send the camt.053 statement or camt.054", root.line)
    if version not in VERSIONS:
        raise CamtError(
            f"camt.{message}.001.{version:02d} is not a version this reader knows (02–08)", root.line
        )
    return (message, version, *MESSAGES[message])


def _amount(node: Node | None, path: str, what: str) -> tuple[Decimal, str]:
    """A required ``Amt`` element's exact value and currency."""
    if node is None:
        raise CamtError(f"{what} has no amount", None, path)
    value = iso_amount(node.text)
    if value is None:
        raise CamtError(f"{what}: '{node.text.strip()[:40]}' is not an amount in cents", node.line, path)
    currency = (node.attrs or {}).get("Ccy", "").strip().upper()
    if not re.match(r"^[A-Z]{3}$", currency):
        raise CamtError(f"{what}: the amount has no currency (Ccy)", node.line, path)
    return value, currency


def _direction(node: Node, path: str, what: str, default: str | None = None) -> str:
    text = node.get("CdtDbtInd")
    if text is None and default is not None:
        return default
    if text not in (CREDIT, DEBIT):
        found = node.find("CdtDbtInd")
        raise CamtError(
            f"{what}: CdtDbtInd must be CRDT or DBIT (is '{(text or '')[:20]}')",
            found.line if found else node.line,
            path,
        )
    return text


def _date(node: Node, path: str, what: str):
    text = node.get(f"{path}/Dt", f"{path}/DtTm")
    if text is None:
        return None
    day = iso_date(text)
    if day is None:
        raise CamtError(f"{what}: '{text[:30]}' is not a date", node.find(path).line, path)  # type: ignore[union-attr]
    return day


def _read_statement(stmt: Node, name: str, source: str, header_created, out: Rows) -> None:
    key = stmt.get("Id")
    if key is None:
        raise CamtError(f"a {name} has no Id", stmt.line, f"{name}/Id")
    label = f"statement {key}"
    account = stmt.get("Acct/Id/IBAN", "Acct/Id/Othr/Id")
    if account is None:
        raise CamtError(f"{label} names no account (Acct/Id)", stmt.line, f"{name}/Acct/Id")
    if stmt.get("Acct/Id/IBAN"):
        account = normalise_iban(account)
        if not iban_valid(account):
            out.problems.append(
                Problem(
                    source,
                    stmt.line,
                    f"{name}/Acct/Id/IBAN",
                    f"{label}: the account IBAN '{account[:40]}' fails its check digits",
                    WARNING,
                )
            )
    currency = stmt.get("Acct/Ccy")
    balances: dict[str, tuple[Decimal, Any]] = {}
    for bal in stmt.findall("Bal"):
        code = bal.get("Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or ""
        value, ccy = _amount(bal.find("Amt"), f"{name}/Bal/Amt", f"{label}, balance {code}")
        currency = currency or ccy
        signed = (
            -value if _direction(bal, f"{name}/Bal/CdtDbtInd", f"{label}, balance {code}") == DEBIT else value
        )
        balances.setdefault(code, (signed, _date(bal, "Dt", f"{label}, balance {code}")))
    opening = balances.get("OPBD") or balances.get("PRCD")
    closing = balances.get("CLBD")
    entries = stmt.findall("Ntry")
    movement = Decimal("0.00")
    for index, entry in enumerate(entries, 1):
        signed = _read_entry(
            entry, index, key=key, label=f"{label}, entry {index}", name=name, source=source, out=out
        )
        status = entry.get("Sts", "Sts/Cd")
        if status not in _NOT_BOOKED:
            movement += signed
    if currency is None and entries:  # camt.054 often names no account currency
        currency = (entries[0].find("Amt").attrs or {}).get("Ccy")  # type: ignore[union-attr]
    if opening is not None and closing is not None and opening[0] + movement != closing[0]:
        out.problems.append(
            Problem(
                source,
                stmt.line,
                f"{name}/Bal",
                f"{label}: opening balance {opening[0]} + entries {movement} = {opening[0] + movement}, "
                f"but the closing balance is {closing[0]}",
                WARNING,
            )
        )
    from_text = stmt.get("FrToDt/FrDtTm")
    to_text = stmt.get("FrToDt/ToDtTm")
    out.statements.append(
        {
            "statement_key": key,
            "sequence_no": stmt.get("ElctrncSeqNb", "LglSeqNb"),
            "account_iban": account,
            "account_currency": currency,
            "created_at": iso_datetime(stmt.get("CreDtTm")) or header_created,
            "from_date": iso_date(from_text) if from_text else (opening[1] if opening else None),
            "to_date": iso_date(to_text) if to_text else (closing[1] if closing else None),
            "opening_balance": opening[0] if opening else None,
            "closing_balance": closing[0] if closing else None,
            "entries": len(entries),
            "source": source,
        }
    )


def _bank_code(node: Node) -> str | None:
    domain = [
        part
        for part in (
            node.get("BkTxCd/Domn/Cd"),
            node.get("BkTxCd/Domn/Fmly/Cd"),
            node.get("BkTxCd/Domn/Fmly/SubFmlyCd"),
        )
        if part
    ]
    codes = ["/".join(domain)] if domain else []
    proprietary = node.get("BkTxCd/Prtry/Cd")
    if proprietary:
        codes.append(proprietary)
    return ";".join(codes) or None


def _read_entry(
    entry: Node, index: int, *, key: str, label: str, name: str, source: str, out: Rows
) -> Decimal:
    """Append the entry's transaction rows; return its signed amount for the balance check."""
    path = f"{name}/Ntry"
    amount_node = entry.find("Amt")
    if amount_node is None:
        raise CamtError(f"{label} has no amount (Amt)", entry.line, f"{path}/Amt")
    amount, currency = _amount(amount_node, f"{path}/Amt", label)
    direction = _direction(entry, f"{path}/CdtDbtInd", label)
    details = entry.findall("NtryDtls/TxDtls")
    declared = entry.get("NtryDtls/Btch/NbOfTxs")
    base = blank_transaction()
    base.update(
        statement_key=key,
        entry_index=index,
        entry_reference=entry.get("AcctSvcrRef"),
        amount=amount,
        currency=currency,
        direction=direction,
        reversal=(entry.get("RvslInd") or "").lower() in {"true", "1"},
        booking_date=_date(entry, "BookgDt", label),
        value_date=_date(entry, "ValDt", label),
        bank_tx_code=_bank_code(entry),
        batch_size=int(declared)
        if declared and declared.isdigit() and len(declared) < 10
        else len(details) or 1,
    )
    if not details:
        # all the bank tells about an undetailed entry
        rows = [dict(base, tx_index=1, remittance=entry.get("AddtlNtryInf"))]
        lines = [entry.line]
    else:
        rows = [
            _read_tx(
                tx,
                dict(base, tx_index=n),
                f"{label}, transaction {n}",
                f"{path}/NtryDtls/TxDtls",
                len(details),
            )
            for n, tx in enumerate(details, 1)
        ]
        lines = [tx.line for tx in details]
    split = [r["amount"] for r in rows if r["currency"] == currency]
    if len(rows) > 1 and len(split) == len(rows) and sum(split) != amount:
        message = f"{label}: its transactions add up to {sum(split)}, the entry says {amount}"
        out.problems.append(Problem(source, entry.line, path, message, WARNING))
    for row, line in zip(rows, lines, strict=True):
        reference_from_text(row)
        warning = iban_problem(row)
        if warning:
            column = f"{path}/NtryDtls/TxDtls/RltdPties"
            out.problems.append(Problem(source, line, column, f"statement {key}, {warning}", WARNING))
    out.transactions.extend(rows)
    return amount if direction == CREDIT else -amount


def _read_tx(tx: Node, row: dict[str, Any], what: str, tx_path: str, siblings: int) -> dict[str, Any]:
    """One TxDtls as a row; ``row`` comes filled from its entry (amount used when it is alone)."""
    amt = tx.find("Amt") or tx.find("AmtDtls/TxAmt/Amt")
    if amt is not None:
        row["amount"], row["currency"] = _amount(amt, f"{tx_path}/AmtDtls/TxAmt/Amt", what)
    elif siblings > 1:
        raise CamtError(f"{what} has no amount, so the batch cannot be split", tx.line, f"{tx_path}/AmtDtls")
    row["direction"] = _direction(tx, f"{tx_path}/CdtDbtInd", what, default=row["direction"])
    instructed = tx.find("AmtDtls/InstdAmt/Amt")
    if instructed is not None:
        row["instructed_amount"], row["instructed_currency"] = _amount(
            instructed, f"{tx_path}/AmtDtls/InstdAmt/Amt", f"{what}, instructed amount"
        )
    row["end_to_end_id"] = end_to_end(tx.get("Refs/EndToEndId"))
    row["bank_reference"] = tx.get("Refs/AcctSvcrRef")
    row["bank_tx_code"] = _bank_code(tx) or row["bank_tx_code"]
    _parties(tx, row)
    pieces = [n.text.strip() for n in tx.findall("RmtInf/Ustrd") if n.text.strip()]
    row["remittance"] = " ".join(pieces) or None
    for strd in tx.findall("RmtInf/Strd/CdtrRefInf"):
        ref = strd.get("Ref")
        if ref:
            issuer = (strd.get("Tp/Issr") or "").upper()
            set_reference(row, ref, scor=strd.get("Tp/CdOrPrtry/Cd") == "SCOR", cur=issuer == "CUR")
            break
    return row


def _party_name(tx: Node, role: str) -> str | None:
    return tx.get(f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm")


def _parties(tx: Node, row: dict[str, Any]) -> None:
    """The other side: the debtor of a credit, the creditor of a debit (the other one when missing).

    A reversal may keep the parties of the original payment, hence the fallback.
    """
    sides = ("Dbtr", "Cdtr") if row["direction"] == CREDIT else ("Cdtr", "Dbtr")
    for side in sides:
        name = _party_name(tx, side)
        iban = tx.get(f"RltdPties/{side}Acct/Id/IBAN")
        if name or iban:
            row["counterparty_name"] = name
            set_iban(row, iban)
            break
    row["ultimate_debtor"] = _party_name(tx, "UltmtDbtr")
