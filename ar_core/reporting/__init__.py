"""Reporting: the daily, weekly and monthly I2C workbooks from layout files, their totals check
against the snapshot, the stored runs with their hash, and the four-eyes sign-off of monthly ones.

Depends on access, ledger, collections, disputes, credit and performance, through their façades.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    # pure: layouts, topic frames, checks, the workbook
    "DEFAULTS_DIR": "layouts",
    "KINDS": "layouts",
    "Layout": "layouts",
    "SheetSpec": "layouts",
    "TOPICS": "layouts",
    "Topic": "layouts",
    "load_layout": "layouts",
    "load_layouts": "layouts",
    "parse_layout": "layouts",
    "Inputs": "sheets",
    "KPI_DEFINITIONS": "sheets",
    "Sheet": "sheets",
    "build_sheet": "sheets",
    "build_sheets": "sheets",
    "period_for": "sheets",
    "CHECK_SCHEMA": "checks",
    "checks_json": "checks",
    "checks_ok": "checks",
    "totals_check": "checks",
    "Cover": "workbook",
    "report_xlsx": "workbook",
    "sheet_names": "workbook",
    # services: produce, list, download, sign off
    "PRODUCE_ROLES": "produce",
    "Produced": "produce",
    "RUN_SCHEMA": "produce",
    "XLSX_MIME": "produce",
    "build_report": "produce",
    "gather": "produce",
    "layout_list": "produce",
    "layouts_dir": "produce",
    "list_runs": "produce",
    "produce_report": "produce",
    "report_layouts": "produce",
    "run_file": "produce",
    "ON_BEHALF_ROLES": "signoff",
    "REVIEW_ROLES": "signoff",
    "SCHEDULER": "signoff",
    "SIGNED_KINDS": "signoff",
    "mark_prepared": "signoff",
    "may_prepare": "signoff",
    "may_review": "signoff",
    "prepared_by_whom": "signoff",
    "review": "signoff",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
