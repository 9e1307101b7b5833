"""Recovery: the dunning cycle and its letters, statutory interest and compensation, payment plans,
insolvency and external credit information, legal handover and write-off.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it. Each capability keeps its own block
#: (separate owners, no merge clashes).
_EXPORTS: dict[str, str] = {}
#: Statutory interest and compensation, the rate table, insolvency, external information.
_LAW: dict[str, str] = {
    "DE_MARGINS": "interest",
    "InterestPeriod": "interest",
    "LUMP_SUM": "interest",
    "NL_MAX": "interest",
    "NL_MIN": "interest",
    "NL_SCALE": "interest",
    "annual_rate": "interest",
    "collection_costs": "interest",
    "compensation": "interest",
    "interest_periods": "interest",
    "interest_rule": "interest",
    "statutory_interest": "interest",
    "HALF_YEAR_STARTS": "rates",
    "MissingRate": "rates",
    "RATE_KINDS": "rates",
    "RateTable": "rates",
    "half_year_name": "rates",
    "RATE_ROLES": "rate_table",
    "RATE_SCHEMA": "rate_table",
    "add_rate": "rate_table",
    "list_rates": "rate_table",
    "load_rate_table": "rate_table",
}
#: Letters, statements and e-mails in the customer's language (Jinja2, Babel, PDF, .eml).
_LETTERS: dict[str, str] = {
    # pure: what a letter says and how amounts and dates read in the customer's language
    "COUNTRY_LANGUAGES": "letters",
    "DUNNING_KINDS": "letters",
    "LETTER_KINDS": "letters",
    "LETTER_LANGUAGES": "letters",
    "Letter": "letters",
    "letter_language": "letters",
    "letter_subject": "letters",
    "letter_totals": "letters",
    "make_letter": "letters",
    "render_text": "letters",
    "format_date": "locale_format",
    "format_money": "locale_format",
    "format_number": "locale_format",
    # output: PDF (one file, or one per customer) and the e-mail draft
    "customer_pdfs": "pdf",
    "letter_file_name": "pdf",
    "letters_pdf": "pdf",
    "letter_eml": "eml",
    # the statements as letters (pure) and their PDFs with letterhead and address (services)
    "reconciliation_letter": "statements",
    "statement_letters": "statements",
    "customer_addresses": "addresses",
    "with_address": "addresses",
    "reconciliation_pdf": "letter_files",
    "statement_pdf": "letter_files",
}
#: The dunning procedure, blocks, runs, levels and the overview.
_DUNNING: dict[str, str] = {
    "BLOCK_REASONS": "procedure",
    "DEFAULT_COMPANY_CODE": "procedure",
    "LEVEL_KINDS": "procedure",
    "LEVEL_LABELS": "procedure",
    "Procedure": "procedure",
    "default_procedure": "procedure",
    "due_level": "procedure",
    "letter_kind": "procedure",
    "level_by_days": "procedure",
    "procedure_for": "procedure",
    "validate_procedure": "procedure",
    "LetterLine": "dunning_run",
    "ProposedLetter": "dunning_run",
    "RunProposal": "dunning_run",
    "letter_json": "dunning_run",
    "propose_run": "dunning_run",
    "blocked_summary": "dunning_overview",
    "erp_mismatches": "dunning_overview",
    "letters_due": "dunning_overview",
    "level_summary": "dunning_overview",
    "level_trend": "dunning_overview",
    "with_levels": "dunning_overview",
    "BLOCK_SCHEMA": "dunning",
    "LETTER_SCHEMA": "dunning",
    "LINE_SCHEMA": "dunning",
    "MANUAL_REASONS": "dunning",
    "REASON_LABELS": "dunning",
    "RUN_SCHEMA": "dunning",
    "add_block": "dunning",
    "discard_run": "dunning",
    "dunning_levels": "dunning",
    "dunning_procedures": "dunning",
    "dunning_summary": "dunning",
    "letter_eml_draft": "dunning",
    "letter_from_context": "dunning",
    "lift_block": "dunning",
    "list_blocks": "dunning",
    "list_runs": "dunning",
    "preview_contexts": "dunning",
    "preview_run": "dunning",
    "propose_dunning_run": "dunning",
    "release_run": "dunning",
    "released_letters": "dunning",
    "remove_from_run": "dunning",
    "run_letters": "dunning",
    "run_lines": "dunning",
    "run_pdf": "dunning",
    "set_procedure": "dunning",
}
#: Payment plans: schedules, proposals, approval, tracking.
_PLANS: dict[str, str] = {
    # pure: the schedule (business days, holidays, cents) and the tracking rule
    "FREQUENCIES": "schedule",
    "Schedule": "schedule",
    "build_schedule": "schedule",
    "is_business_day": "schedule",
    "knows_holidays": "schedule",
    "next_business_day": "schedule",
    "INSTALMENT_STATUSES": "plan_tracking",
    "track_instalments": "plan_tracking",
    "tracked_plan_status": "plan_tracking",
    # services: propose, approve (four eyes), cancel, read, track, the confirmation letter
    "PLAN_STATUSES": "payment_plans",
    "PLAN_SCHEMA": "payment_plans",
    "INSTALMENT_SCHEMA": "payment_plans",
    "approve_plan": "payment_plans",
    "cancel_plan": "payment_plans",
    "list_plans": "payment_plans",
    "plan_instalments": "payment_plans",
    "plan_items": "payment_plans",
    "plan_letter": "payment_plans",
    "plan_letter_pdf": "payment_plans",
    "plan_settings": "payment_plans",
    "plans_waiting_for": "payment_plans",
    "propose_plan": "payment_plans",
    "refresh_plan_statuses": "payment_plans",
    "reject_plan": "payment_plans",
    "set_plan_settings": "payment_plans",
}
#: Legal handover and write-off: requests, approval, exports, the register.
_LEGAL: dict[str, str] = {
    "DEFAULT_GL_ACCOUNTS": "write_off_rules",
    "LEGAL_HANDOVER_SCHEMA": "write_off_rules",
    "REQUEST_KINDS": "write_off_rules",
    "WRITE_OFF_ITEM_SCHEMA": "write_off_rules",
    "WRITE_OFF_POSTING_SCHEMA": "write_off_rules",
    "WRITE_OFF_REASONS": "write_off_rules",
    "WRITE_OFF_REGISTER_SCHEMA": "write_off_rules",
    "WRITE_OFF_SCHEMA": "write_off_rules",
    "WRITE_OFF_STATUSES": "write_off_rules",
    "contact_log_summary": "write_off_rules",
    "file_csv": "write_off_rules",
    "handover_rows": "write_off_rules",
    "handover_xlsx": "write_off_rules",
    "period_of": "write_off_rules",
    "posting_rows": "write_off_rules",
    "posting_xlsx": "write_off_rules",
    "register_rows": "write_off_rules",
    "register_totals": "write_off_rules",
    "request_status": "write_off_rules",
    "WRITE_OFF_APPROVERS": "write_offs",
    "WRITE_OFF_EXPORTERS": "write_offs",
    "approve_write_off": "write_offs",
    "handover_export": "write_offs",
    "handover_file": "write_offs",
    "list_write_offs": "write_offs",
    "posting_export": "write_offs",
    "posting_file": "write_offs",
    "reject_write_off": "write_offs",
    "request_write_off": "write_offs",
    "set_write_off_gl_accounts": "write_offs",
    "withdraw_write_off": "write_offs",
    "write_off_gl_accounts": "write_offs",
    "write_off_items": "write_offs",
    "write_off_register": "write_offs",
    "write_offs_waiting_for": "write_offs",
}
_EXPORTS.update(_LAW)
_EXPORTS.update(_LETTERS)
_EXPORTS.update(_DUNNING)
_EXPORTS.update(_PLANS)
_EXPORTS.update(_LEGAL)
#: For other areas' services only, never pages.
_SERVICE: dict[str, str] = {
    "items_in_active_plans": "payment_plans",
    "items_in_legal": "write_offs",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
