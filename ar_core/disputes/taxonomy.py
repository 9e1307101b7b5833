"""The vocabulary of cases: types, statuses and their moves, resolutions, escalation levels, and the
default reason taxonomy (reason code → root-cause category, SLA days, resolver department).

Pure: the store keeps only a lead's edits (``dispute_reasons``); :func:`merged` lays them over the
defaults. A code that arrives in an extract and is in neither stays itself with no category:
it is counted under its own code and listed as unmapped until a lead maps it.
"""

from __future__ import annotations

from dataclasses import dataclass

DISPUTE, INQUIRY = "dispute", "inquiry"
CASE_TYPES = (DISPUTE, INQUIRY)

OPEN, WITH_RESOLVER, AWAITING_CUSTOMER, RESOLVED, CLOSED = (
    "open", "with resolver", "awaiting customer", "resolved", "closed",
)  # fmt: skip
STATUSES = (OPEN, WITH_RESOLVER, AWAITING_CUSTOMER, RESOLVED, CLOSED)
#: Statuses of a case still being worked (the rest have a resolution and a resolved date).
WORKING = (OPEN, WITH_RESOLVER, AWAITING_CUSTOMER)
#: Status -> the statuses a user may move it to (reopening a resolved or closed case is its own step).
MOVES: dict[str, tuple[str, ...]] = {
    OPEN: (WITH_RESOLVER, AWAITING_CUSTOMER),
    WITH_RESOLVER: (OPEN, AWAITING_CUSTOMER),
    AWAITING_CUSTOMER: (OPEN, WITH_RESOLVER),
    RESOLVED: (CLOSED,),
    CLOSED: (),
}

CREDIT_NOTE, REJECTED, PARTIAL_CREDIT, WRITE_OFF, CLEARED_IN_ERP, DUPLICATE = (
    "credit note issued", "rejected — customer pays", "partial credit", "write-off", "cleared in ERP",
    "duplicate",
)  # fmt: skip
#: How an inquiry ends: the customer has the copy, the statement or the explanation it asked for.
ANSWERED = "answered"
RESOLUTIONS = (CREDIT_NOTE, REJECTED, PARTIAL_CREDIT, WRITE_OFF, CLEARED_IN_ERP, DUPLICATE, ANSWERED)
#: Case type -> the resolutions it may end with (an inquiry is answered, or was a duplicate).
RESOLUTIONS_BY_TYPE: dict[str, tuple[str, ...]] = {
    DISPUTE: (CREDIT_NOTE, REJECTED, PARTIAL_CREDIT, WRITE_OFF, CLEARED_IN_ERP, DUPLICATE),
    INQUIRY: (ANSWERED, DUPLICATE, CLEARED_IN_ERP),
}
#: Resolutions that credit the customer: the credited amount is asked for (billing-quality signal).
CREDITING = (CREDIT_NOTE, PARTIAL_CREDIT)

#: Escalation level -> who holds the case then.
LEVELS: dict[int, str] = {1: "team lead", 2: "resolver's manager", 3: "head of I2C"}

DEPARTMENTS = ("billing", "sales", "logistics", "quality", "master data", "collections")

PRICING, QUANTITY, QUALITY, BILLING_ERROR, DUPLICATE_INVOICE, MISSING_PO, TAX, TERMS, PROCESS, LIQUIDITY = (
    "pricing", "quantity/delivery", "quality/damage", "billing error", "duplicate invoice",
    "missing PO/reference", "tax/VAT", "contract terms", "customer process/approval", "customer liquidity",
)  # fmt: skip
#: What an inquiry asks for (the Dutch team's invoice copies, statements, clarifications).
INFORMATION = "information request"
CATEGORIES = (PRICING, QUANTITY, QUALITY, BILLING_ERROR, DUPLICATE_INVOICE, MISSING_PO, TAX, TERMS, PROCESS,
              LIQUIDITY, INFORMATION)  # fmt: skip
#: The reason of an extract's disputed item that carries no reason code.
NO_REASON = "NOT GIVEN"


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    category: str | None
    sla_days: int
    resolver_department: str | None
    case_type: str = DISPUTE

    @property
    def mapped(self) -> bool:
        return self.category is not None


#: The default taxonomy. SLA days count as the ``dispute_sla_days`` setting says (calendar or
#: working days); the SAP reason codes of the demo (PRICE, QUANTITY, DAMAGED, NO_PO, DUPLICATE) are in it.
DEFAULT_REASONS: tuple[Reason, ...] = (
    Reason("PRICE", "Price differs from the agreed price", PRICING, 10, "sales"),
    Reason("PRICE_LIST", "Price-list change not applied", PRICING, 10, "master data"),
    Reason("DISCOUNT", "Discount or rebate not granted", PRICING, 10, "sales"),
    Reason("QUANTITY", "Quantity short or over delivered", QUANTITY, 10, "logistics"),
    Reason("NOT_DELIVERED", "Goods not received / proof of delivery", QUANTITY, 10, "logistics"),
    Reason("DAMAGED", "Goods damaged in transit", QUALITY, 15, "quality"),
    Reason("QUALITY", "Quality complaint", QUALITY, 15, "quality"),
    Reason("RETURN", "Return not credited", QUALITY, 10, "logistics"),
    Reason("BILLING", "Billing error (customer, address, terms on the invoice)", BILLING_ERROR, 5, "billing"),
    Reason("DUPLICATE", "Invoice billed twice", DUPLICATE_INVOICE, 5, "billing"),
    Reason("NO_PO", "Purchase order or reference missing", MISSING_PO, 5, "billing"),
    Reason("VAT", "Tax/VAT wrong on the invoice", TAX, 5, "billing"),
    Reason("TERMS", "Payment or contract terms disputed", TERMS, 10, "sales"),
    Reason("APPROVAL", "Invoice waiting for the customer's approval", PROCESS, 10, "collections"),
    Reason("LIQUIDITY", "Customer cannot pay at present", LIQUIDITY, 10, "collections"),
    Reason("INVOICE_COPY", "Copy of an invoice requested", INFORMATION, 2, "billing", INQUIRY),
    Reason("STATEMENT", "Account statement requested", INFORMATION, 2, "collections", INQUIRY),
    Reason("CLARIFICATION", "Clarification of an item requested", INFORMATION, 3, "collections", INQUIRY),
)
#: SLA of a code nobody has mapped yet.
UNMAPPED_SLA_DAYS = 10


def merged(edits: dict[str, Reason] | None = None) -> dict[str, Reason]:
    """The taxonomy in force: the defaults with a lead's edits (and added codes) laid over them."""
    reasons = {r.code: r for r in DEFAULT_REASONS}
    reasons.update(edits or {})
    return reasons


def reason_for(code: str, taxonomy: dict[str, Reason]) -> Reason:
    """The reason of ``code``; an unknown code is kept as it came, unmapped, with the default SLA."""
    known = taxonomy.get(code)
    return known or Reason(code, code, None, UNMAPPED_SLA_DAYS, None)
