"""The fixed vocabularies of the contact log: channels, outcomes, delinquency reasons, next actions.

One list each, so the page's select boxes, the services' validation and the reports (reason-code
Pareto) all speak the same words. Delinquency reasons are stable codes with a label: the code is
what is stored and counted, the label what a person reads.
"""

from __future__ import annotations

from ar_core.errors import InvalidInput

#: How the customer was contacted.
CHANNELS: tuple[str, ...] = ("phone", "e-mail", "letter", "portal", "meeting")

#: What the contact achieved.
OUTCOMES: tuple[str, ...] = (
    "reached",
    "no answer",
    "promise to pay",
    "dispute raised",
    "refused",
    "wrong contact",
    "paid already",
    "internal note",
)
#: An entry that records a decision without talking to the customer (the huddle writes these).
INTERNAL_NOTE = "internal note"
#: The outcome of a call that brought a promise to pay: the account page records both at once.
PROMISE_TO_PAY = "promise to pay"
#: The outcome of a call in which the customer disputed items: logging it opens the dispute case.
DISPUTE_RAISED = "dispute raised"

#: Why the customer has not paid: code -> label.
DELINQUENCY_REASONS: dict[str, str] = {
    "LIQUIDITY": "Liquidity problems",
    "MISSING_INVOICE": "Invoice not received",
    "PO_MISSING": "PO number missing on invoice",
    "APPROVAL_PENDING": "Invoice approval pending",
    "DISPUTE": "Dispute (price, quantity, quality)",
    "WRONG_ACCOUNT": "Paid to wrong account",
    "PAYMENT_RUN": "Waiting for the next payment run",
    "WRONG_ADDRESS": "Invoice sent to wrong address",
    "MASTER_DATA": "Vendor master data missing at customer",
    "INSOLVENCY": "Insolvency / restructuring",
    "OTHER": "Other",
}

#: What happens next: the same words as the priority score's next best actions, plus "none".
NEXT_ACTIONS: tuple[str, ...] = (
    "call",
    "second-voice escalation",
    "dunning letter",
    "dispute follow-up",
    "legal review",
    "promise follow-up",
    "none",
)


def check_choice(
    value: str | None, allowed: tuple[str, ...] | dict[str, str], what: str, *, optional: bool = False
) -> str | None:
    """``value`` if it is one of ``allowed`` (``None`` allowed when ``optional``), else InvalidInput.

    The field is ``what`` in snake case ("next action" -> ``next_action``), the service's parameter.
    """
    field = what.replace(" ", "_")
    if value is None or value == "":
        if optional:
            return None
        raise InvalidInput(field, f"{what} is required: choose one of {', '.join(allowed)}")
    if value not in allowed:
        raise InvalidInput(field, f"unknown {what} {value!r}: choose one of {', '.join(allowed)}")
    return value


def reason_label(code: str | None) -> str | None:
    """The readable label of a delinquency reason code (the code itself if unknown)."""
    return None if code is None else DELINQUENCY_REASONS.get(code, code)
