"""Recovery: the dunning cycle and its letters, statutory interest and compensation, payment plans,
insolvency and external credit information, legal handover and write-off.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it. Each capability keeps its own block
#: (separate owners, no merge clashes).
_EXPORTS: dict[str, str] = {}
#: Statutory interest and compensation, the rate table, insolvency, external information.
_LAW: dict[str, str] = {}
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
}
#: The dunning procedure, blocks, runs, levels and the overview.
_DUNNING: dict[str, str] = {}
#: Payment plans: schedules, proposals, approval, tracking.
_PLANS: dict[str, str] = {}
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
    "items_in_legal": "write_offs",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
