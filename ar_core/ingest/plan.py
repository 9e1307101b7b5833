"""Which source column feeds which canonical column: the common output of FBL5N and generic mapping.

A reader decides *where* each field is (by label dictionary or by a mapping file); everything
after that — parsing, totals, validation — is shared, so both routes behave the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ar_core.ingest.labels import LABELS, LANGUAGE_NAMES
from ar_core.ingest.parse import NumberStyle
from ar_core.ingest.result import WARNING, Problem


@dataclass
class ColumnPlan:
    """Canonical column -> physical position, plus constants and explicit formats (generic mapping)."""

    positions: dict[str, int]
    headers: dict[str, str]  # canonical -> header text as written in the file
    language: str = "en"  # of the labels, decides number style on ambiguous columns
    constants: dict[str, str] = field(default_factory=dict)
    number_style: NumberStyle | None = None
    date_formats: list[str] | None = None
    derived: set[str] = field(default_factory=set)  # canonical columns filled by a fallback
    problems: list[Problem] = field(default_factory=list)

    @property
    def available(self) -> set[str]:
        return set(self.positions) | set(self.constants)


#: What every extract must provide; due_date may come from baseline_date, currency from a constant.
REQUIRED: dict[str, str] = {
    "customer_id": "customer",
    "doc_no": "document number",
    "doc_date": "document date",
    "due_date": "net due date",
    "amount": "amount",
    "currency": "currency",
}


def apply_fallbacks(plan: ColumnPlan, file_name: str) -> None:
    """Use the document-currency amount when the local one is absent, the baseline date as due date.

    FBL5N layouts may show only ``Amount in doc. curr.``; then that amount and its currency are the
    item's amount. Without ``Net due date`` the due date is the baseline date (plus a terms-days
    column when the layout has one) — the terms themselves are not derivable without ZBD fields.
    """
    pos, hdr = plan.positions, plan.headers
    if "amount" not in pos and "amount_doc" in pos:
        pos["amount"], hdr["amount"] = pos["amount_doc"], hdr["amount_doc"]
        plan.derived.add("amount")
        if "currency" not in pos and "currency" not in plan.constants and "doc_currency" in pos:
            pos["currency"], hdr["currency"] = pos["doc_currency"], hdr["doc_currency"]
            plan.derived.add("currency")
    if "due_date" not in pos and "due_date" not in plan.constants and "baseline_date" in pos:
        hdr["due_date"] = hdr["baseline_date"]
        plan.derived.add("due_date")
        terms = f" plus '{hdr['terms_days']}'" if "terms_days" in pos else ""
        plan.problems.append(
            Problem(
                file_name,
                None,
                hdr["baseline_date"],
                f"no net due date column: the due date is taken from the baseline date{terms}",
                WARNING,
            )
        )


def missing_required(plan: ColumnPlan, file_name: str, seen: list[str]) -> list[Problem]:
    """File-level errors for required columns the file does not have (reading stops there)."""
    problems = []
    shown = ", ".join(f"'{h}'" for h in seen if h)[:600]
    for canonical, what in REQUIRED.items():
        if canonical in plan.available or canonical in plan.derived:
            continue
        labels = LABELS[canonical].get(plan.language) or LABELS[canonical]["en"]
        hint = f"a header such as '{labels[0]}' ({LANGUAGE_NAMES[plan.language]})"
        problems.append(
            Problem(
                file_name,
                None,
                None,
                f"missing required column: {what} (expected {hint}); headers seen: {shown}",
            )
        )
    return problems
