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
