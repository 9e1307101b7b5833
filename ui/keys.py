"""Session-state keys as named constants (streamlit-authenticator owns ``logout``: never use it)."""

from __future__ import annotations

AUTH_STATUS = "authentication_status"
USERNAME = "username"
#: The last validated extract on the Upload page: (ExtractResult, mapping name or None).
UPLOAD_RESULT = "upload_result"
UPLOAD_OUTCOME = "upload_outcome"
CONFIRM_DELETE = "confirm_delete_snapshot"
#: Name of the mapping saved on the previous run, to confirm it after the rerun.
MAPPING_SAVED = "mapping_saved"
ACCOUNT = "account_customer_id"
#: The open tab of the account page (only that tab runs).
ACCOUNT_TAB = "acct_tabs"
#: Set after a login by the form: the browser has not confirmed the login cookie yet.
COOKIE_TO_WRITE = "login_cookie_to_write"
#: Set after a logout: the browser has not confirmed that the login cookie is gone.
COOKIE_TO_DELETE = "login_cookie_to_delete"
#: Keys extra_streamlit_components' CookieManager gives its set and delete components (it owns them);
#: their value turns ``True`` once the browser has run them.
COOKIE_SET_COMPONENT = "set"
COOKIE_DELETE_COMPONENT = "delete"
#: Admin page: which page of the audit log is shown.
AUDIT_PAGE = "audit_page"
#: The query string of the URL opened before login (``?customer=…``), restored for the page after it.
HELD_QUERY = "held_query_params"
#: The session version of the logged-in user when this session logged in (``ar_core.access.users``):
#: logout, lockout, password changes, deactivation and role changes advance the stored one.
SESSION_VERSION = "ardesk_session_version"
#: Why the last session ended (shown once above the login form).
SESSION_ENDED = "ardesk_session_ended"
#: Set by app.py on every run: a page run without it was started directly by Streamlit (a deep link
#: to a fresh server), never through the login.
APP_RAN = "ardesk_app_ran"
#: How often the guard re-ran such a session through app.py (bounded: never a loop).
APP_REDIRECTS = "ardesk_app_redirects"
#: KPIs page: the kind of period (month, quarter, from–to), the chosen month / quarter / dates,
#: the grouping, and the monthly sales file offered for import.
KPI_PRESET = "kpi_preset"
KPI_MONTH = "kpi_month"
KPI_QUARTER = "kpi_quarter"
KPI_RANGE = "kpi_range"
KPI_BY = "kpi_by"
KPI_SALES_FILE = "kpi_sales_file"
KPI_COLLECTOR = "kpi_collector"
#: Reports page: the layout and snapshot date chosen, the report just produced, the flash message,
#: the produced run chosen in the list.
REPORT_LAYOUT = "rp_layout"
REPORT_DATE = "rp_date"
REPORT_PRODUCED = "rp_produced"
REPORT_FLASH = "rp_flash"
REPORT_RUN = "rp_run"
#: Overview: the collector whose expected cash a lead looks at.
CASH_COLLECTOR = "ov_cash_collector"
