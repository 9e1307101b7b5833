"""Disputes and customer inquiries as cases: the reason taxonomy and SLAs, opening and working a
case, closure by clearing across snapshots, and the root-cause analysis of what the cases show.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "CASE_TYPES": "taxonomy",
    "CATEGORIES": "taxonomy",
    "CREDITING": "taxonomy",
    "DEFAULT_REASONS": "taxonomy",
    "DEPARTMENTS": "taxonomy",
    "LEVELS": "taxonomy",
    "MOVES": "taxonomy",
    "RESOLUTIONS": "taxonomy",
    "RESOLUTIONS_BY_TYPE": "taxonomy",
    "ANSWERED": "taxonomy",
    "DISPUTE": "taxonomy",
    "INQUIRY": "taxonomy",
    "STATUSES": "taxonomy",
    "WORKING": "taxonomy",
    "Reason": "taxonomy",
    "DAY_KINDS": "sla",
    "due_date": "sla",
    "CaseItem": "cases",
    "EDITABLE": "cases",
    "LIST_SCHEMA": "cases",
    "STATUS_FILTERS": "cases",
    "add_note": "cases",
    "analysis_cases": "cases",
    "case_detail": "cases",
    "case_items": "cases",
    "cases_version": "cases",
    "escalate_case": "cases",
    "list_cases": "cases",
    "move_case": "cases",
    "open_case": "cases",
    "reopen_case": "cases",
    "resolve_case": "cases",
    "set_reason": "cases",
    "set_sla_settings": "cases",
    "sla_settings": "cases",
    "reason_taxonomy": "cases",
    "latest_snapshot": "cases",
    "item_key": "cases",
    "CASE_SCHEMA": "analysis",
    "GROUPINGS": "analysis",
    "UNMAPPED": "analysis",
    "cases_behind": "analysis",
    "credit_note_share": "analysis",
    "cycle_time": "analysis",
    "cycle_time_distribution": "analysis",
    "empty_cases": "analysis",
    "open_cases": "analysis",
    "opened_between": "analysis",
    "pareto": "analysis",
    "past_due": "analysis",
    "reminder_text": "analysis",
    "trend": "analysis",
    "root_cause_workbook": "export",
    "unmapped_codes": "cases",
    "update_case": "cases",
}
#: For other areas' services only (the snapshot lifecycle in collections).
_SERVICE: dict[str, str] = {
    "working_cases": "cases",
    "insert_case": "cases",
    "prepare_case": "cases",
    "reopen_cleared": "sync",
    "sync_cases": "sync",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
