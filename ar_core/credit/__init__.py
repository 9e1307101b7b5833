"""Credit balances and cash from the bank: open credits and miscellaneous items, what each credit
or bank payment settles (suggestions a person accepts, rejects or splits), refunds with four
eyes, the clearing proposal for the ERP, and the reconciliation with the customer's own list.

Pure rules (``references``, ``allocation``, ``payments``, ``balances``, ``reconcile``,
``statement``) sit apart from the services (``bank``, ``decisions``, ``reconciling``), which take
the acting user and apply the portfolio rule.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    # pure rules
    "normalise_reference": "references",
    "document_numbers": "references",
    "SUGGESTION_SCHEMA": "allocation",
    "suggest_allocations": "allocation",
    "MATCH_SCHEMA": "payments",
    "match_payments": "payments",
    "normalise_name": "payments",
    "open_credits": "balances",
    "credits_by": "balances",
    "net_credit_customers": "balances",
    "miscellaneous_items": "balances",
    "misc_aging": "balances",
    "reconcile_totals": "balances",
    "Reconciliation": "reconcile",
    "read_customer_list": "reconcile",
    "reconciliation_xlsx": "statement",
    # services: bank statements and the cash they show
    "IMPORT_ROLES": "bank",
    "PAYMENT_SCHEMA": "bank",
    "STATUS_CHOICES": "bank",
    "UNAPPLIED_SCHEMA": "bank",
    "bank_payments": "bank",
    "confirm_payment": "bank",
    "import_bank_statement": "bank",
    "unapplied_payments": "bank",
    # services: decisions on what a credit settles, refunds, the clearing proposal
    "CLEARING_SCHEMA": "decisions",
    "DECIDED_SCHEMA": "decisions",
    "REFUND_SCHEMA": "decisions",
    "STATUSES": "decisions",
    "accept_suggestion": "decisions",
    "allocation_suggestions": "decisions",
    "approve_refund": "decisions",
    "clearing_proposal": "decisions",
    "clearing_proposal_files": "decisions",
    "list_refunds": "decisions",
    "record_confirmation": "decisions",
    "reject_refund": "decisions",
    "reject_suggestion": "decisions",
    "request_refund": "decisions",
    "split_allocation": "decisions",
    # services: the reconciliation with the customer's own list
    "reconcile_customer": "reconciling",
}
#: For other areas' services only, never pages.
_SERVICE: dict[str, str] = {
    "apply_payments": "bank",
    "known_ibans": "bank",
    "mark_applied": "bank",
    "sync_posted": "decisions",
    "team_unapplied": "bank",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
